from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "gocua.accounts"
    label = "accounts"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from gocua.accounts.middleware import session_started

        # Session state only (the idle clock), no rows: see session_started.
        user_logged_in.connect(session_started, dispatch_uid="gocua_session_started")

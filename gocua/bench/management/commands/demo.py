"""Create the demo data set (idempotent: safe to run at every start-up)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gocua.bench.demo import DEFAULT_PASSWORD, demo_load
from gocua.errors import DomainError


class Command(BaseCommand):
    help = (
        "Create Thôn Tháp Thượng (Xã Đan Phượng, Hà Nội) and neighbouring villages with teams, "
        "households and one login per role. A second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help=f"Password for the demo logins (default {DEFAULT_PASSWORD!r}). "
            "Given explicitly, it also resets the password of demo logins that already exist.",
        )

    def _extras(self) -> str:
        """Add the demo's outreach work and community projects (each idempotent) to Tháp Thượng."""
        from gocua.accounts.models import User
        from gocua.outreach.demo import demo_history, demo_outreach

        leader = User.objects.filter(username="totruong").select_related("member__team").first()
        if leader is None or getattr(leader, "member", None) is None:
            return ""
        done = demo_outreach(leader_user=leader, team=leader.member.team)
        done["back-dated visits"] = demo_history(team=leader.member.team, entered_by=leader)
        from gocua.indicators.demo import demo_snapshots

        done["back-dated weekly snapshots"] = demo_snapshots(communes=[leader.member.team.commune_code])
        parts = [f"{n} {what}" for what, n in done.items() if n]
        try:
            from gocua.community.demo import demo_community
        except ImportError:  # the community app is optional in this command
            return ", ".join(parts)
        community = demo_community() or {}
        parts += [f"{n} {what}" for what, n in community.items() if isinstance(n, int) and n]
        return ", ".join(parts)

    def handle(self, *args, password=None, **options):
        if settings.PRODUCTION and password is None:
            # The default password is printed in the docs: never give it to logins on a real server.
            raise CommandError(
                "Trên máy chủ thật, hãy đặt --password / In production, give --password: the default is public."
            )
        started = time.monotonic()
        try:
            report = demo_load(password=password or DEFAULT_PASSWORD, reset_passwords=password is not None)
        except DomainError as exc:
            raise CommandError(
                f"Không tạo được dữ liệu mẫu / Cannot create the demo data: {exc.message}"
            ) from None
        extras = self._extras()
        seconds = time.monotonic() - started
        if extras:
            self.stdout.write(f"Hoạt động mẫu / Demo activity: {extras}")
        if not report.changed:
            self.stdout.write(
                f"Dữ liệu mẫu đã có, không thay đổi gì / Demo data already present, nothing changed ({seconds:.1f}s)."
            )
        else:
            made = ", ".join(f"{n} {what}" for what, n in report.created.items() if n) or "no new rows"
            self.stdout.write(self.style.SUCCESS(f"Đã tạo / Created: {made} ({seconds:.1f}s)."))
        self.stdout.write("")
        self.stdout.write(f"{'user name':<12} {'role':<18} scope")
        for user in report.accounts:
            scope = f"{user.scope_unit.code} {user.scope_unit.name}" if user.scope_unit else "-"
            self.stdout.write(f"{user.username:<12} {user.role:<18} {scope}")
        if report.passwords_set:
            self.stdout.write(
                f"Mật khẩu / Password ({', '.join(report.passwords_set)}): {password or DEFAULT_PASSWORD}"
            )
        else:
            self.stdout.write(
                f"Mật khẩu không đổi / Passwords unchanged (demo default {DEFAULT_PASSWORD!r}; "
                "reset with --password)."
            )

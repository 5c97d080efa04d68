"""Community pages under /community/: team and officer pages (login) and the public pages (p/…)."""

from django.urls import path

from gocua.community import public, views

app_name = "community"

urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.project_new, name="project_new"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/status/", views.project_status, name="project_status"),
    path("projects/<int:pk>/photos/new/", views.photo_new, name="photo_new"),
    path("projects/<int:pk>/contributions/new/", views.contribution_new, name="contribution_new"),
    path("projects/<int:pk>/expenses/new/", views.expense_new, name="expense_new"),
    path("projects/<int:pk>/entries/<int:entry_id>/reverse/", views.entry_reverse, name="entry_reverse"),
    path("projects/<int:pk>/statement/", views.statement_page, name="statement"),
    path("projects/<int:pk>/ledger.xlsx", views.ledger_xlsx, name="ledger_xlsx"),
    path("photos/<int:photo_id>/remove/", views.photo_remove, name="photo_remove"),
    path("entries/<int:entry_id>/receipt/", views.receipt, name="receipt"),
    # Public, no login: what a QR code on the village notice board opens.
    path("p/<str:code>/", public.public_page, name="public"),
    path("p/<str:code>/poster/", public.poster, name="poster"),
    path("p/<str:code>/card.png", public.public_card, name="public_card"),
    path("p/<str:code>/pay/<int:pk>/", public.pay, name="pay"),
    path("photos/<int:photo_id>/", public.photo, name="photo"),
    path("photos/<int:photo_id>/thumb/", public.photo, {"size": "thumb"}, name="photo_thumb"),
]

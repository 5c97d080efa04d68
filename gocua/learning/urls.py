"""Learning pages under /learning/: the framework, assessments, courses and the course-platform import."""

from django.urls import path

from gocua.learning import views

app_name = "learning"

urlpatterns = [
    path("", views.home, name="home"),
    path("residents/<int:pk>/", views.resident_page, name="resident"),
    path("residents/<int:pk>/assess/", views.resident_assess, name="assess"),
    path("residents/<int:pk>/course/", views.resident_course, name="resident_course"),
    path("members/<int:pk>/course/", views.member_course, name="member_course"),
    path("import/", views.course_import_page, name="import"),
]

"""Routes of the school part of the accompaniment, inside the accompaniment namespace
(accompaniment/urls.py includes them)."""

from django.urls import path

from accompaniment import school

urlpatterns = [
    path("personnes/<int:pk>/scolarite/", school.schooling, name="schooling"),
    path("scolarite/<int:pk>/", school.schooling_edit, name="schooling_edit"),
]

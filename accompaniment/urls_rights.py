"""Routes of the rights part of the accompaniment, inside the accompaniment namespace
(accompaniment/urls.py includes them)."""

from django.urls import path

from accompaniment import rights

urlpatterns = [
    path("personnes/<int:pk>/droits/", rights.rights, name="rights"),
    path("personnes/<int:pk>/droits/nouvelle/", rights.procedure_create, name="procedure_create"),
    path("demarches/<int:pk>/", rights.procedure_edit, name="procedure_edit"),
    path("personnes/<int:pk>/refus/nouveau/", rights.obstacle_create, name="obstacle_create"),
    path("refus/<int:pk>/", rights.obstacle_edit, name="obstacle_edit"),
    path("droits/", rights.rights_list, name="rights_list"),
]

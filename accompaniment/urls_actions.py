"""Routes of the local actions, inside the accompaniment namespace (accompaniment/urls.py
includes them)."""

from django.urls import path

from accompaniment import actions

urlpatterns = [
    path("actions/", actions.action_list, name="actions"),
    path("actions/nouvelle/", actions.action_create, name="action_create"),
    path("actions/<int:pk>/", actions.action_detail, name="action_detail"),
    path("actions/<int:pk>/modifier/", actions.action_edit, name="action_edit"),
    path("actions/<int:pk>/personnes/", actions.action_people, name="action_people"),
    path("actions/<int:pk>/financements/", actions.funding_create, name="funding_create"),
    path("actions/financements/<int:pk>/", actions.funding_edit, name="funding_edit"),
]

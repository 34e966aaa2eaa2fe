from django.urls import path

from accompaniment import coordination, views

app_name = "accompaniment"

urlpatterns = [
    # Follow-ups, tasks and the plan (accompaniment/views.py).
    path("personnes/<int:pk>/entretien/", views.followup_create, name="followup_create"),
    path("entretiens/<int:pk>/", views.followup_edit, name="followup_edit"),
    path("taches/<int:pk>/fait/", views.task_done, name="task_done"),
    path("personnes/<int:pk>/projet/", views.plan, name="plan"),
    path("personnes/<int:pk>/projet/objectif/", views.goal_create, name="goal_create"),
    path("objectifs/<int:pk>/", views.goal_edit, name="goal_edit"),
    path("objectifs/<int:pk>/etape/", views.step_create, name="step_create"),
    path("etapes/<int:pk>/", views.step_edit, name="step_edit"),
    # Coordination (accompaniment/coordination.py).
    path("coordination/", coordination.board, name="board"),
    path("coordination/transfert/", coordination.transfer, name="transfer"),
    path("personnes/<int:pk>/sortie/", coordination.person_exit, name="person_exit"),
    path("personnes/<int:pk>/retour/", coordination.person_reenter, name="person_reenter"),
]

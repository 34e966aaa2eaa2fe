from django.urls import include, path

from accompaniment import appointments, board, coordination, views, views_notices

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
    # Appointments (accompaniment/appointments.py)
    path(
        "personnes/<int:pk>/rendez-vous/",
        appointments.person_appointments,
        name="person_appointments",
    ),
    path(
        "personnes/<int:pk>/rendez-vous/nouveau/",
        appointments.appointment_create,
        name="appointment_create",
    ),
    path("rendez-vous/<int:pk>/", appointments.appointment_edit, name="appointment_edit"),
    path("rendez-vous/<int:pk>/fiche/", appointments.appointment_slip, name="appointment_slip"),
    path("agenda/", appointments.calendar_feed_settings, name="calendar_feed_settings"),
    path("agenda/<str:token>.ics", appointments.calendar_feed, name="calendar_feed"),
    # Coordination (accompaniment/board.py, accompaniment/coordination.py).
    path("coordination/", board.board, name="board"),
    path("coordination/personnes/", board.board_people, name="board_people"),
    path("coordination/taches-en-retard/", board.board_tasks, name="board_tasks"),
    path("coordination/transfert/", coordination.transfer, name="transfer"),
    path("coordination/remplacements/", coordination.covers, name="covers"),
    path("coordination/remplacements/<int:pk>/fin/", coordination.cover_end, name="cover_end"),
    path("personnes/<int:pk>/sortie/", coordination.person_exit, name="person_exit"),
    path("personnes/<int:pk>/retour/", coordination.person_reenter, name="person_reenter"),
    # Notices, the bell of every page (accompaniment/views_notices.py).
    path("notifications/", views_notices.notices, name="notices"),
    path("notifications/<int:pk>/", views_notices.notice_open, name="notice_open"),
    path("notifications/tout-lu/", views_notices.notices_read, name="notices_read"),
    # The pathways: access to rights, school, French (accompaniment/urls_*.py).
    path("", include("accompaniment.urls_rights")),
    path("", include("accompaniment.urls_school")),
    path("", include("accompaniment.urls_french")),
    path("", include("accompaniment.urls_actions")),
]

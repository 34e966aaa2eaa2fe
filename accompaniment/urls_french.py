"""Routes of the french part of the accompaniment, inside the accompaniment namespace
(accompaniment/urls.py includes them)."""

from django.urls import path

from accompaniment import attendance, french

urlpatterns = [
    # Courses and their learners (accompaniment/french.py).
    path("francais/cours/", french.courses, name="courses"),
    path("francais/cours/nouveau/", french.course_create, name="course_create"),
    path("francais/cours/<int:pk>/", french.course_detail, name="course_detail"),
    path("francais/cours/<int:pk>/modifier/", french.course_edit, name="course_edit"),
    path("francais/cours/<int:pk>/inscription/", french.learner_add, name="learner_add"),
    path("francais/inscriptions/<int:pk>/", french.learner_edit, name="learner_edit"),
    # Attendance sheets (accompaniment/attendance.py).
    path("francais/cours/<int:pk>/seance/", attendance.session_open, name="session_open"),
    path("francais/seances/<int:pk>/", attendance.attendance_sheet, name="attendance_sheet"),
    path("francais/seances/<int:pk>/coche/", attendance.attendance_tick, name="attendance_tick"),
    # A person's French: levels, courses, certifications (accompaniment/french.py).
    path("personnes/<int:pk>/francais/", french.person_french, name="person_french"),
    path(
        "personnes/<int:pk>/francais/evaluation/",
        french.assessment_create,
        name="assessment_create",
    ),
    path("evaluations/<int:pk>/", french.assessment_edit, name="assessment_edit"),
    path(
        "personnes/<int:pk>/francais/certification/",
        french.certification_create,
        name="certification_create",
    ),
    path("certifications/<int:pk>/", french.certification_edit, name="certification_edit"),
]

# ruff: noqa: F811 (the fixtures of french_world, imported, are the tests' arguments)
"""Learning French: what a worker and a trainer see and record. Hours attended and attendance
rates are computed here by hand from the ticks the test makes; bad input gets a French
message on its field and saves nothing."""

import html as html_lib
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from accompaniment import services_french as services
from accompaniment.models import (
    Assessment,
    Attendance,
    Certification,
    ClassSession,
    Course,
    CourseSlot,
    Learner,
    LearnerStatus,
)
from beneficiaries import timeline
from mia.models import AuditEntry
from partners import services as partner_services
from tests.accompaniment.factories_pathways import (
    AssessmentFactory,
    AttendanceFactory,
    CertificationFactory,
    ClassSessionFactory,
    CourseFactory,
)
from tests.accompaniment.french_world import (  # noqa: F401 (fixtures)
    DAY,
    MONDAY,
    THURSDAY,
    TODAY,
    course,
    enrol,
    new_person,
    not_scheduled_day,
    other_trainer,
    past_weekday,
    provider,
    share_french,
    trainer,
)
from tests.accompaniment.test_french_access import _slots, course_body

HX = {"HX-Request": "true"}


def _tick(client, session, person, present="1", **headers):
    return client.post(
        reverse("accompaniment:attendance_tick", args=[session.pk]),
        {"personne": person.pk, "present": present},
        headers=headers,
    )


def _text(response) -> str:
    """The page as read: entities (d&#x27;heure) decoded."""
    return html_lib.unescape(response.content.decode())


def _sheet(client, session):
    return client.get(reverse("accompaniment:attendance_sheet", args=[session.pk]))


# --- Hours and rates, derived from the ticks ---------------------------------------------------


@pytest.fixture
def term(course, person, household, referent):
    """Five classes: the second shorter (1.5 h), the third cancelled. Ana is enrolled from the
    start; Ioana joins after the second class; Maria leaves after the second.

        class       s1   s2    s3(cancelled)  s4   s5
        hours       2    1.5   2              2    2
        Ana         P    P     -              P    A
        Ioana       (not enrolled yet)        P    P
        Maria       P    A     (left)         [P: after she left, not counted]
    """
    dates = [past_weekday(MONDAY, weeks_ago=weeks) for weeks in (5, 4, 3, 2, 1)]
    s1, s2, s3, s4, s5 = (
        ClassSessionFactory(course=course, date=day, hours=Decimal("2")) for day in dates
    )
    s2.hours = Decimal("1.5")
    s2.save()
    s3.cancelled = True
    s3.save()
    ana = person
    ioana = new_person(referent, household, first_name="Ioana", last_name="Radu")
    maria = new_person(referent, household, first_name="Maria", last_name="Dumitru")
    enrol(course, ana, referent)
    enrol(course, ioana, referent, on=dates[2])
    maria_learner = enrol(course, maria, referent)
    services.learner_update(
        learner=maria_learner,
        by=referent,
        status=LearnerStatus.DROPPED,
        enrolled_on=maria_learner.enrolled_on,
        left_on=dates[1] + DAY,
        drop_reason="work",
    )
    for session, who, present in [
        (s1, ana, True),
        (s2, ana, True),
        (s4, ana, True),
        (s5, ana, False),
        (s4, ioana, True),
        (s5, ioana, True),
        (s1, maria, True),
        (s2, maria, False),
    ]:
        services.attendance_mark(session=session, person=who, present=present, by=referent)
    # A tick left from before her departure was recorded: it is outside her enrolment.
    AttendanceFactory(session=s4, person=maria, present=True)
    return {"sessions": [s1, s2, s3, s4, s5], "ana": ana, "ioana": ioana, "maria": maria}


def test_hours_and_rates_are_derived_from_the_ticks(login_as, course, term):
    response = login_as("referent").get(reverse("accompaniment:course_detail", args=[course.pk]))

    rows = {row.person_id: row for row in response.context["learners"]}
    ana, ioana, maria = (rows[term[key].pk] for key in ("ana", "ioana", "maria"))
    # Ana: present at s1 (2 h), s2 (1.5 h), s4 (2 h) of the 4 classes held (s3 cancelled).
    assert (ana.attended, ana.hours, ana.held, ana.rate) == (3, Decimal("5.5"), 4, 75)
    # Ioana: enrolled after s2, present at both classes held since (s4, s5).
    assert (ioana.attended, ioana.hours, ioana.held, ioana.rate) == (2, Decimal("4"), 2, 100)
    # Maria: left after s2; s1 only, of s1 and s2 (the tick of s4 does not count).
    assert (maria.attended, maria.hours, maria.held, maria.rate) == (1, Decimal("2"), 2, 50)
    # The course: 6 classes attended of the 8 its learners were expected at.
    assert response.context["rate"] == 75
    html = response.content.decode()
    assert "5,5 h" in html and "75 %" in html
    assert "Emploi ou formation" in html  # Maria's reason for dropping out


def test_the_course_list_shows_learners_and_the_rate(login_as, course, term):
    response = login_as("referent").get(reverse("accompaniment:courses"))

    [shown] = response.context["current"]
    assert shown.figures == {"enrolled": 2, "waiting": 0, "attended": 6, "held": 8, "rate": 75}
    html = response.content.decode()
    assert "Langues pour tous" in html and "lundi 09:30–11:30" in html and "75 %" in html
    # No person is named on the list.
    assert "Ionescu" not in html and "Radu" not in html


def test_the_person_s_page_shows_the_hours_of_each_course(login_as, course, term):
    person = term["ana"]

    response = login_as("referent").get(reverse("accompaniment:person_french", args=[person.pk]))

    [learner] = response.context["learners"]
    assert (learner.hours, learner.rate) == (Decimal("5.5"), 75)
    assert "5,5 h" in response.content.decode()


def test_sessions_show_their_present_count(login_as, course, term):
    response = login_as("referent").get(reverse("accompaniment:course_detail", args=[course.pk]))

    counts = {session.date: session.present for session in response.context["sessions"]}
    s1, s2, _s3, s4, s5 = term["sessions"]
    # s4: Ana, Ioana and the tick recorded for Maria after she left.
    assert (counts[s1.date], counts[s2.date], counts[s4.date], counts[s5.date]) == (2, 1, 3, 1)


# --- Opening a class, the sheet -----------------------------------------------------------------


def test_a_class_is_opened_for_a_date_with_the_course_s_hours(login_as, course):
    client = login_as("referent")
    day = past_weekday(THURSDAY)

    response = client.post(
        reverse("accompaniment:session_open", args=[course.pk]), {"date": day.isoformat()}
    )

    session = ClassSession.objects.get()
    assert (session.date, session.hours, session.cancelled) == (day, Decimal("2.00"), False)
    assert response["Location"] == reverse("accompaniment:attendance_sheet", args=[session.pk])
    # Opened again: the same sheet.
    again = client.post(
        reverse("accompaniment:session_open", args=[course.pk]), {"date": day.isoformat()}
    )
    assert again["Location"] == response["Location"]
    assert ClassSession.objects.count() == 1


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (lambda c: c.starts_on - DAY, "est en dehors du cours"),
        (lambda c: c.ends_on + DAY, "est en dehors du cours"),
        (lambda c: TODAY + DAY, "le jour même ou après"),
    ],
    ids=["before-the-course", "after-the-course", "to-come"],
)
def test_attendance_outside_the_course_is_refused(login_as, course, day, message):
    response = login_as("referent").post(
        reverse("accompaniment:session_open", args=[course.pk]), {"date": day(course).isoformat()}
    )

    assert response.status_code == 200
    assert response.context["open_form"].errors["date"][0].find(message) >= 0
    assert message in _text(response)
    assert not ClassSession.objects.exists()


def test_a_day_off_the_schedule_is_opened_and_said_so(login_as, course):
    day = not_scheduled_day()

    response = login_as("referent").post(
        reverse("accompaniment:session_open", args=[course.pk]),
        {"date": day.isoformat()},
        follow=True,
    )

    assert ClassSession.objects.get().date == day
    assert "n'est pas un jour de cours prévu (lundi, jeudi)" in _text(response)


@pytest.fixture
def sheet(course, person, household, referent):
    """A class last Monday: Ana enrolled, Elena completed since (enrolled that day), Ioana on
    the waiting list, Mihai enrolled after the class, Dan who left before it."""
    day = past_weekday(MONDAY)
    session = ClassSessionFactory(course=course, date=day)
    elena = new_person(referent, household, first_name="Elena", last_name="Vasile")
    ioana = new_person(referent, household, first_name="Ioana", last_name="Radu")
    mihai = new_person(referent, household, first_name="Mihai", last_name="Stan")
    dan = new_person(referent, household, first_name="Dan", last_name="Popa")
    enrol(course, person, referent)
    completed = enrol(course, elena, referent)
    services.learner_update(
        learner=completed,
        by=referent,
        status=LearnerStatus.COMPLETED,
        enrolled_on=completed.enrolled_on,
        left_on=TODAY,
    )
    enrol(course, ioana, referent, status=LearnerStatus.WAITING)
    enrol(course, mihai, referent, on=day + DAY)
    left = enrol(course, dan, referent)
    services.learner_update(
        learner=left,
        by=referent,
        status=LearnerStatus.DROPPED,
        enrolled_on=left.enrolled_on,
        left_on=day - DAY,
        drop_reason="moved",
    )
    return {"session": session, "ana": person, "elena": elena, "others": [ioana, mihai, dan]}


def test_the_sheet_lists_who_was_enrolled_on_that_date(login_as, sheet):
    response = _sheet(login_as("referent"), sheet["session"])

    listed = {row.person_id for row in response.context["rows"]}
    assert listed == {sheet["ana"].pk, sheet["elena"].pk}
    html = response.content.decode()
    assert "Ionescu" in html and "Vasile" in html
    assert not any(other.last_name in html for other in sheet["others"])


def test_a_tick_writes_one_row_and_a_second_tap_changes_it(login_as, sheet, referent):
    client = login_as("referent")
    session, ana = sheet["session"], sheet["ana"]

    first = _tick(client, session, ana)
    again = _tick(client, session, ana)

    assert first.status_code == again.status_code == 302
    assert first["Location"].endswith(f"#apprenant-{ana.pk}")
    tick = Attendance.objects.get()
    assert (tick.session, tick.person, tick.present, tick.marked_by) == (
        session,
        ana,
        True,
        referent,
    )
    _tick(client, session, ana, present="0")
    assert list(Attendance.objects.values_list("present", flat=True)) == [False]


def test_a_tick_with_htmx_sends_back_the_learner_and_the_count(login_as, sheet):
    client = login_as("referent")
    session = sheet["session"]
    _tick(client, session, sheet["elena"])

    response = _tick(client, session, sheet["ana"], **HX)

    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="apprenant-{sheet["ana"].pk}"' in html and "Ionescu" in html
    assert 'aria-pressed="true"' in html
    # The count, out of band: Elena and Ana.
    assert 'hx-swap-oob="true"' in html and "<strong>2</strong> présent·es" in html


def test_the_sheet_works_without_javascript(login_as, sheet):
    """Each learner is a button of a form posting the state wanted."""
    html = _sheet(login_as("referent"), sheet["session"]).content.decode()

    tick_url = reverse("accompaniment:attendance_tick", args=[sheet["session"].pk])
    assert html.count(f'action="{tick_url}"') == 2
    assert f'name="personne" value="{sheet["ana"].pk}"' in html
    assert re.search(r'name="present"\s+value="1"', html)


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (lambda s: {"personne": s["ana"].pk, "present": "2"}, 400),
        (lambda s: {"personne": s["ana"].pk}, 400),
        (lambda s: {"personne": "٣", "present": "1"}, 404),
        (lambda s: {"personne": s["others"][0].pk, "present": "1"}, 404),  # waiting list
        (lambda s: {"personne": s["others"][1].pk, "present": "1"}, 404),  # enrolled after
        (lambda s: {"personne": s["others"][2].pk, "present": "1"}, 404),  # left before
    ],
    ids=["present-2", "present-missing", "arabic-digit", "waiting", "later", "left"],
)
def test_a_bad_tick_writes_nothing(login_as, sheet, data, status):
    response = login_as("referent").post(
        reverse("accompaniment:attendance_tick", args=[sheet["session"].pk]), data(sheet)
    )

    assert response.status_code == status
    assert not Attendance.objects.exists()


def test_a_cancelled_class_takes_no_tick(login_as, sheet):
    client = login_as("referent")
    session = sheet["session"]
    client.post(
        reverse("accompaniment:attendance_sheet", args=[session.pk]),
        {"hours": "2", "cancelled": "on"},
    )

    response = _tick(client, session, sheet["ana"], **HX)

    assert "Cette séance est annulée" in _text(response)
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("0", "au moins un quart d'heure"),
        ("-2", "au moins un quart d'heure"),
        ("13", "au plus 12 heures"),
        ("NaN", "Indiquez une durée en heures"),
        ("1,5,0", "Indiquez une durée en heures"),
    ],
)
def test_a_class_s_hours_must_be_positive(login_as, sheet, hours, message):
    session = sheet["session"]

    response = login_as("referent").post(
        reverse("accompaniment:attendance_sheet", args=[session.pk]), {"hours": hours}
    )

    assert response.status_code == 200
    assert message in _text(response)
    session.refresh_from_db()
    assert session.hours == Decimal("2.00")


@pytest.mark.parametrize("typed", ["1,5", "1.5", " 1,50 "])
def test_a_class_s_hours_are_read_as_typed_in_french(login_as, sheet, typed):
    session = sheet["session"]

    login_as("referent").post(
        reverse("accompaniment:attendance_sheet", args=[session.pk]), {"hours": typed}
    )

    session.refresh_from_db()
    assert session.hours == Decimal("1.50")


# --- Two people ticking the same sheet at once ---------------------------------------------------


def test_two_people_ticking_the_sheet_both_keep_their_ticks(client, sheet, referent, trainer):
    """The worker ticks Ana while the trainer, on their own phone with the page loaded
    before, ticks Elena: each post writes its own learner's row only."""
    from django.test import Client

    worker, other = Client(), Client()
    worker.force_login(referent)
    other.force_login(trainer)
    session = sheet["session"]
    _sheet(worker, session)
    _sheet(other, session)

    _tick(worker, session, sheet["ana"])
    _tick(other, session, sheet["elena"])

    ticks = dict(Attendance.objects.values_list("person_id", "present"))
    assert ticks == {sheet["ana"].pk: True, sheet["elena"].pk: True}
    assert services.present_count(session) == 2


# --- The trainer ---------------------------------------------------------------------------------


def test_a_trainer_reads_only_the_names_shared_with_their_organisation(
    login_as, sheet, provider, referent
):
    share_french(sheet["ana"], provider, referent)
    # Elena shared her employment, not her French, with the provider.
    share_french(sheet["elena"], provider, referent, sections=("employment",))

    response = _sheet(login_as("trainer"), sheet["session"])

    html = response.content.decode()
    assert "Ionescu" in html
    assert "Vasile" not in html and "Elena" not in html
    assert f"n° {sheet['elena'].pk}" in html
    assert "consentement en cours de validité" in html
    # The sheet still ticks her by her number.
    assert _tick(login_as("trainer"), sheet["session"], sheet["elena"]).status_code == 302
    assert Attendance.objects.get().person == sheet["elena"]


def test_a_withdrawn_consent_hides_the_name_at_once(login_as, sheet, provider, referent):
    consent = share_french(sheet["ana"], provider, referent)
    client = login_as("trainer")
    assert "Ionescu" in _sheet(client, sheet["session"]).content.decode()

    partner_services.consent_withdraw(consent=consent, by=referent)

    html = _sheet(client, sheet["session"]).content.decode()
    assert "Ionescu" not in html and "Apprenant·e" in html


def test_the_trainer_s_course_page_hides_names_too(login_as, course, sheet, provider, referent):
    share_french(sheet["ana"], provider, referent)

    html = (
        login_as("trainer")
        .get(reverse("accompaniment:course_detail", args=[course.pk]))
        .content.decode()
    )

    assert "Ionescu" in html and "Vasile" not in html
    assert f"Apprenant·e n° {sheet['elena'].pk}" in html
    # Neither the enrolment form nor the links to change an enrolment.
    assert reverse("accompaniment:learner_add", args=[course.pk]) not in html
    assert "/francais/inscriptions/" not in html


def test_a_manager_reads_the_course_but_takes_no_attendance(login_as, course, sheet):
    html = (
        login_as("manager")
        .get(reverse("accompaniment:course_detail", args=[course.pk]))
        .content.decode()
    )

    assert "Ionescu" in html
    assert reverse("accompaniment:session_open", args=[course.pk]) not in html
    assert reverse("accompaniment:attendance_sheet", args=[sheet["session"].pk]) not in html


# --- Courses: bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"starts_on": TODAY.isoformat(), "ends_on": (TODAY - DAY).isoformat()},
            "ends_on",
            "La fin du cours ne peut pas précéder son début.",
        ),
        ({"hours_per_class": "0"}, "hours_per_class", "au moins un quart d'heure"),
        ({"hours_per_class": "-1"}, "hours_per_class", "au moins un quart d'heure"),
        (
            _slots(rows=((0, "11:30", "09:30"),)),
            "ends_at",
            "Le créneau doit finir après son début.",
        ),
        (_slots(rows=(("", "09:30", "11:30"),)), "weekday", "Choisissez le jour de ce créneau."),
        (_slots(rows=((2, "", "11:30"),)), "starts_at", "Indiquez l'heure de début."),
    ],
    ids=[
        "end-before-start",
        "hours-zero",
        "hours-negative",
        "slot-ends-first",
        "slot-no-day",
        "slot-no-start",
    ],
)
def test_a_course_with_bad_input_is_not_saved(login_as, provider, changes, field, message):
    data = course_body({"provider": provider}, **changes)

    response = login_as("referent").post(reverse("accompaniment:course_create"), data)

    assert response.status_code == 200
    assert message in _text(response)
    form = response.context["form"]
    errors = form.errors.get(field, []) + [
        error for slot in response.context["slots"] for error in slot.errors.get(field, [])
    ]
    assert any(message in error for error in errors)
    assert not Course.objects.exists() and not CourseSlot.objects.exists()


def test_a_provider_is_a_partner_organisation(login_as, association):
    response = login_as("referent").post(
        reverse("accompaniment:course_create"), course_body({"provider": association})
    )

    assert "provider" in response.context["form"].errors
    assert not Course.objects.exists()


def test_a_course_is_created_with_its_weekly_slots(login_as, provider, referent):
    data = course_body(
        {"provider": provider}, **_slots(rows=((1, "14:00", "16:00"), (3, "09:00", "11:00")))
    )

    response = login_as("referent").post(reverse("accompaniment:course_create"), data)

    course = Course.objects.get()
    assert response["Location"] == reverse("accompaniment:course_detail", args=[course.pk])
    assert (course.organisation, course.provider, course.created_by) == (
        referent.organisation,
        provider,
        referent,
    )
    assert [str(slot) for slot in course.slots.all()] == [
        "mardi 14:00–16:00",
        "jeudi 09:00–11:00",
    ]


def test_editing_the_schedule_keeps_the_slots_that_stay(login_as, course):
    kept = course.slots.get(weekday=MONDAY)
    data = course_body(
        {"provider": course.provider},
        starts_on=course.starts_on.isoformat(),
        ends_on=course.ends_on.isoformat(),
        **_slots(rows=((0, "09:30", "11:30"), (4, "14:00", "15:30"))),
    )

    login_as("referent").post(reverse("accompaniment:course_edit", args=[course.pk]), data)

    friday = CourseSlot.objects.get(weekday=4)
    assert list(course.slots.values_list("pk", "weekday")) == [(kept.pk, 0), (friday.pk, 4)]


def test_a_course_s_dates_cannot_leave_out_a_class_held(login_as, course):
    held = ClassSessionFactory(course=course, date=past_weekday(MONDAY, weeks_ago=4))
    data = course_body(
        {"provider": course.provider},
        starts_on=(held.date + DAY).isoformat(),
        ends_on=course.ends_on.isoformat(),
    )

    response = login_as("referent").post(
        reverse("accompaniment:course_edit", args=[course.pk]), data
    )

    assert "Une séance a déjà eu lieu le" in _text(response)
    course.refresh_from_db()
    assert course.starts_on == TODAY - 60 * DAY


# --- Enrolments ----------------------------------------------------------------------------------


def test_a_person_is_found_by_a_posted_search_and_enrolled(login_as, course, person, referent):
    client = login_as("referent")
    add_url = reverse("accompaniment:learner_add", args=[course.pk])

    found = client.post(add_url, {"q": "ionescu"}, headers=HX)

    assert [row.pk for row in found.context["results"]] == [person.pk]
    assert "Ionescu" in found.content.decode()
    entry = AuditEntry.objects.filter(section="french").latest("pk")
    assert entry.person_ids == [person.pk] and "?" not in entry.path
    enrolled = client.post(
        add_url, {"person": person.pk, "status": "enrolled", "enrolled_on": TODAY.isoformat()}
    )
    assert enrolled.status_code == 302
    learner = Learner.objects.get()
    assert (learner.person, learner.status, learner.enrolled_on, learner.created_by) == (
        person,
        LearnerStatus.ENROLLED,
        TODAY,
        referent,
    )
    # Enrolled already: no longer offered.
    assert client.post(add_url, {"q": "ionescu"}).context["results"] == []


def test_a_person_is_found_by_file_number(login_as, course, person):
    found = login_as("referent").post(
        reverse("accompaniment:learner_add", args=[course.pk]), {"q": f"n° {person.pk}"}
    )

    assert [row.pk for row in found.context["results"]] == [person.pk]


def test_a_person_of_another_association_cannot_be_enrolled(login_as, course, outsider):
    stranger = new_person(outsider, None, first_name="Elena", last_name="Vasile")

    response = login_as("referent").post(
        reverse("accompaniment:learner_add", args=[course.pk]),
        {"person": stranger.pk, "status": "enrolled", "enrolled_on": TODAY.isoformat()},
    )

    assert response.status_code == 200
    assert "Cette personne ne peut pas être inscrite ici." in response.content.decode()
    assert not Learner.objects.exists()


def test_the_waiting_list_then_enrolled_then_dropped(login_as, course, person, referent):
    learner = enrol(course, person, referent, on=TODAY - 10 * DAY, status=LearnerStatus.WAITING)
    client = login_as("referent")
    edit_url = reverse("accompaniment:learner_edit", args=[learner.pk])

    client.post(edit_url, {"status": "enrolled", "enrolled_on": learner.enrolled_on.isoformat()})
    learner.refresh_from_db()
    # Off the waiting list: enrolled today.
    assert (learner.status, learner.enrolled_on) == (LearnerStatus.ENROLLED, TODAY)

    refused = client.post(edit_url, {"status": "dropped", "enrolled_on": TODAY.isoformat()})
    assert "Indiquez la raison de l'abandon." in _text(refused)
    learner.refresh_from_db()
    assert learner.status == LearnerStatus.ENROLLED

    client.post(
        edit_url,
        {"status": "dropped", "enrolled_on": TODAY.isoformat(), "drop_reason": "childcare"},
    )
    learner.refresh_from_db()
    assert (learner.status, learner.left_on, learner.drop_reason) == (
        LearnerStatus.DROPPED,
        TODAY,
        "childcare",
    )


def test_leaving_before_enrolment_is_refused(login_as, course, person, referent):
    learner = enrol(course, person, referent, on=TODAY - 5 * DAY)

    response = login_as("referent").post(
        reverse("accompaniment:learner_edit", args=[learner.pk]),
        {
            "status": "completed",
            "enrolled_on": learner.enrolled_on.isoformat(),
            "left_on": (TODAY - 6 * DAY).isoformat(),
        },
    )

    assert "La sortie ne peut pas précéder l'inscription." in _text(response)
    learner.refresh_from_db()
    assert learner.status == LearnerStatus.ENROLLED


# --- Levels and certifications ---------------------------------------------------------------


def test_an_assessment_in_the_future_is_refused(login_as, person):
    response = login_as("referent").post(
        reverse("accompaniment:assessment_create", args=[person.pk]),
        {
            "assessed_on": (TODAY + DAY).isoformat(),
            "skill": "oral",
            "level": "a2",
            "assessor": "Mme Diallo",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["assessed_on"] == [
        "Une évaluation ne peut pas être datée dans le futur."
    ]
    assert not Assessment.objects.exists()


def test_an_assessment_names_a_course_the_person_attends(login_as, course, person, referent):
    enrol(course, person, referent)
    other = CourseFactory(organisation=person.organisation)
    client = login_as("referent")
    url = reverse("accompaniment:assessment_create", args=[person.pk])
    data = {"assessed_on": TODAY.isoformat(), "skill": "oral", "level": "a2", "assessor": "X"}

    assert "course" in client.post(url, data | {"course": other.pk}).context["form"].errors
    client.post(url, data | {"course": course.pk})

    assert Assessment.objects.get().course == course


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"kind": "delf_a2", "result": "passed", "level": "a2"},
            "level",
            "Seul le TCF donne un niveau",
        ),
        ({"kind": "tcf", "result": "passed"}, "level", "Indiquez le niveau obtenu au TCF."),
        (
            {"kind": "dilf", "result": "passed", "taken_on": (TODAY + 9 * DAY).isoformat()},
            "result",
            "Le résultat d'une épreuve à venir n'est pas encore connu.",
        ),
    ],
    ids=["level-for-delf", "tcf-without-level", "result-of-an-exam-to-come"],
)
def test_a_certification_with_bad_input_is_not_saved(login_as, person, data, field, message):
    response = login_as("referent").post(
        reverse("accompaniment:certification_create", args=[person.pk]),
        {"taken_on": TODAY.isoformat()} | data,
    )

    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert not Certification.objects.exists()


def test_a_tcf_is_recorded_with_its_level_and_an_exam_to_come_as_pending(login_as, person):
    client = login_as("referent")
    url = reverse("accompaniment:certification_create", args=[person.pk])

    client.post(
        url, {"kind": "tcf", "taken_on": TODAY.isoformat(), "result": "passed", "level": "b1"}
    )
    client.post(
        url, {"kind": "delf_b1", "taken_on": (TODAY + 30 * DAY).isoformat(), "result": "pending"}
    )

    assert sorted(Certification.objects.values_list("kind", "result", "level")) == [
        ("delf_b1", "pending", ""),
        ("tcf", "passed", "b1"),
    ]


@pytest.fixture
def levels(person):
    """Overall: A0 then A1.1 then A2; oral: A1."""
    for days, skill, level in [
        (200, "overall", "a0"),
        (100, "overall", "a1_1"),
        (10, "overall", "a2"),
        (50, "oral", "a1"),
    ]:
        AssessmentFactory(person=person, assessed_on=TODAY - days * DAY, skill=skill, level=level)
    CertificationFactory(person=person, kind="dilf", taken_on=TODAY - 20 * DAY, result="passed")


def test_the_person_s_page_shows_the_level_over_time(login_as, person, levels):
    response = login_as("referent").get(reverse("accompaniment:person_french", args=[person.pk]))

    skills = {skill["code"]: skill for skill in response.context["skills"]}
    assert [row.level for row in skills["overall"]["rows"]] == ["a0", "a1_1", "a2"]
    assert (skills["overall"]["current"].level, skills["overall"]["gained"]) == ("a2", 3)
    assert (skills["oral"]["current"].level, skills["oral"]["gained"]) == ("a1", 0)
    assert "written" not in skills
    html = response.content.decode()
    assert html.count('class="level-bar level-') == 4
    assert "+3 niveaux" in html and "DILF (A1.1)" in html and "Réussi" in html
    entry = AuditEntry.objects.latest("pk")
    assert (entry.person_id, entry.section) == (person.pk, "french")


def test_the_person_s_page_fragment_for_htmx(login_as, course, person, referent, levels):
    enrol(course, person, referent)

    response = login_as("referent").get(
        reverse("accompaniment:person_french", args=[person.pk]), headers=HX
    )

    html = response.content.decode()
    assert "<html" not in html and 'id="francais"' in html
    assert "Global : <strong>A2</strong>" in html and "ASL du Centre social" in html


def test_a_partner_with_the_french_section_reads_level_and_courses(
    login_as, course, person, referent, partner, levels
):
    enrol(course, person, referent)
    share_french(person, partner.organisation, referent)

    response = login_as("partner").get(reverse("accompaniment:person_french", args=[person.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "A2" in html and "ASL du Centre social" in html
    assert "DILF" not in html  # certifications stay with the team
    assert reverse("accompaniment:assessment_create", args=[person.pk]) not in html
    assert reverse("accompaniment:course_detail", args=[course.pk]) not in html


def test_a_partner_with_other_sections_only_gets_a_404(login_as, person, referent, partner):
    share_french(person, partner.organisation, referent, sections=("identity", "employment"))

    response = login_as("partner").get(reverse("accompaniment:person_french", args=[person.pk]))

    assert response.status_code == 404


# --- Summary and timeline ------------------------------------------------------------------------


def test_the_file_s_summary_has_a_french_line(login_as, course, person, referent, levels):
    enrol(course, person, referent)
    this_month = [
        day for day in (past_weekday(MONDAY), past_weekday(THURSDAY)) if day.month == TODAY.month
    ]
    for day in this_month:
        session = ClassSessionFactory(course=course, date=day, hours=Decimal("1.5"))
        services.attendance_mark(session=session, person=person, present=True, by=referent)
    earlier = ClassSessionFactory(course=course, date=TODAY.replace(day=1) - DAY)
    services.attendance_mark(session=earlier, person=person, present=True, by=referent)

    response = login_as("referent").get(reverse("beneficiaries:person_detail", args=[person.pk]))

    block = next(b for b in response.context["summary"].blocks if b.key == "french")
    hours = Decimal("1.5") * len(this_month)
    assert block.count_label == f"{services_hours(hours)} h ce mois-ci"
    assert block.rows[0].text == "Niveau : Global A2 · Oral A1"
    assert block.rows[1].text == "ASL du Centre social"
    assert block.link == reverse("accompaniment:person_french", args=[person.pk])


def services_hours(value: Decimal) -> str:
    from accompaniment.sources_french import hours_label

    return hours_label(value)


def test_the_timeline_shows_enrolments_levels_and_certifications(course, person, referent, levels):
    learner = enrol(course, person, referent, on=TODAY - 30 * DAY)
    services.learner_update(
        learner=learner,
        by=referent,
        status=LearnerStatus.DROPPED,
        enrolled_on=learner.enrolled_on,
        left_on=TODAY - DAY,
        drop_reason="health",
    )
    session = ClassSessionFactory(course=course, date=past_weekday(MONDAY))
    AttendanceFactory(session=session, person=person)

    entries = timeline.entries(user=referent, person_ids=[person.pk], pathway="french", limit=50)

    titles = [entry.title for entry in entries]
    assert "Inscription au cours : ASL du Centre social" in titles
    assert "Abandon du cours : ASL du Centre social" in titles
    assert "Évaluation de français (global) : A2" in titles
    assert "DILF (A1.1) — réussi" in titles
    assert not any(entry.kind.startswith("attendance") for entry in entries)
    housing = timeline.entries(user=referent, person_ids=[person.pk], pathway="housing", limit=50)
    assert not any("french" in entry.pathways for entry in housing)


def test_the_course_page_records_who_saw_its_learners(login_as, course, sheet, coordinator):
    login_as("coordinator").get(reverse("accompaniment:course_detail", args=[course.pk]))

    entry = AuditEntry.objects.latest("pk")
    assert entry.user == coordinator and entry.section == "french"
    assert set(entry.person_ids) == {
        learner.person_id for learner in Learner.objects.filter(course=course)
    }

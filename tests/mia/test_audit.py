"""The audit trail (mia.audit): reads and changes of a file leave entries, with who and what,
whoever makes them (a request, a service run by a task, a bulk change, an import); free text
never enters the trail; old entries are purged."""

import datetime
import io
import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accompaniment import services as accompaniment_services
from accompaniment.models import FollowUp, Goal, Step, Task
from beneficiaries import services
from beneficiaries.models import Enrolment, Person
from mia import audit, tasks
from mia.celery import app as celery_app
from mia.models import AuditAction, AuditEntry
from tests.beneficiaries.factories import PersonFactory

TODAY = datetime.date(2026, 11, 2)
NOTE = "Consultation chez le psychiatre, parle de violences"


def entries_for(obj, **filters):
    return AuditEntry.objects.filter(
        app_label=obj._meta.app_label, model=obj._meta.model_name, object_id=str(obj.pk), **filters
    )


# --- Reads -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "target", "section"),
    [
        ("beneficiaries:person_detail", "person", ""),
        ("beneficiaries:person_timeline", "person", "timeline"),
        ("accompaniment:plan", "person", "plan"),
        ("beneficiaries:household_detail", "household", ""),
        ("beneficiaries:household_timeline", "household", "timeline"),
    ],
)
def test_reading_a_page_of_the_file_is_recorded(
    login_as, person, household, colleague, url_name, target, section
):
    obj = {"person": person, "household": household}[target]
    url = reverse(url_name, args=[obj.pk])
    AuditEntry.objects.all().delete()

    response = login_as("colleague").get(f"{url}?parcours=health")

    assert response.status_code == 200
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.user, entry.user_id_value) == ("view", colleague, colleague.pk)
    assert entry.section == section
    assert entry.path == url, "never the query string"
    if target == "person":
        assert (entry.person_id, entry.household_id) == (person.pk, household.pk)
    else:
        assert (entry.person_id, entry.household_id) == (None, household.pk)


def test_a_page_refused_records_nothing(login_as, person):
    AuditEntry.objects.all().delete()

    response = login_as("outsider").get(reverse("beneficiaries:person_detail", args=[person.pk]))

    assert response.status_code == 404
    assert not AuditEntry.objects.exists()


def test_downloads_and_exports_are_recorded(rf, person, coordinator):
    request = rf.get("/documents/7/telecharger/?x=1")
    request.user = coordinator
    AuditEntry.objects.all().delete()

    audit.record_download(request, person, section="documents")
    audit.record_export(request, section="people", model=Person, object_ids=[person.pk, 12])

    download, export = AuditEntry.objects.order_by("pk")
    assert (download.action, download.section, download.person_id) == (
        "download",
        "documents",
        person.pk,
    )
    assert download.path == "/documents/7/telecharger/"
    assert (export.action, export.user, export.changes) == (
        "export",
        coordinator,
        {"ids": [person.pk, 12]},
    )


# --- Changes -----------------------------------------------------------------------------------


def test_a_change_through_the_form_records_the_fields_changed_and_who(
    login_as, person, coordinator
):
    AuditEntry.objects.all().delete()
    data = {
        "first_name": "Ștefan",
        "last_name": "Ionescu",
        "sex": "M",
        "nationality": "eu",
        "phone": "06 12 34 56 78",
        "mail_address": "Domiciliation CCAS, 12 rue de la Paix",
        "entered_on": person.entered_on.isoformat(),
        "referent": person.referent_id,
        "version": person.version,
    }

    response = login_as("coordinator").post(
        reverse("beneficiaries:person_edit", args=[person.pk]), data
    )

    assert response.status_code == 302
    entry = entries_for(person, action="update").get()
    assert entry.user == coordinator
    assert entry.path == reverse("beneficiaries:person_edit", args=[person.pk])
    assert entry.person_id == person.pk
    assert entry.changes["nationality"] == [person.nationality, "eu"]
    assert entry.changes["phone"] == ["modifié", "modifié"]
    assert entry.changes["mail_address"] == ["modifié", "modifié"]
    assert "Domiciliation" not in json.dumps(entry.changes)
    # Derived columns (search keys, version, timestamps) are not changes anyone made.
    derived = {"search_text", "name_keys", "phone_digits", "version", "updated_at"}
    assert not derived & set(entry.changes)
    assert "first_name" not in entry.changes, "unchanged"


def test_a_changed_phone_and_birth_date_leave_no_value_in_the_trail(login_as, person, referent):
    with audit.acting_as(referent):
        person.phone, person.birth_date, person.birth_year = "07 98 76 54 32", None, 1987
        person.save()
    data = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "sex": person.sex,
        "nationality": person.nationality,
        "birth_date": "1988-03-14",
        "birth_year": "1988",
        "phone": "06 12 34 56 78",
        "relationship": person.relationship,
        "entered_on": person.entered_on.isoformat(),
        "referent": person.referent_id,
        "version": person.version,
    }

    response = login_as("coordinator").post(
        reverse("beneficiaries:person_edit", args=[person.pk]), data
    )
    # A change in bulk (an import, a merge) goes through QuerySet.update().
    with audit.acting_as(referent):
        Person.objects.filter(pk=person.pk).update(phone="0611223344", birth_year=1989)

    assert response.status_code == 302
    updates = [entry.changes for entry in entries_for(person).order_by("pk")]
    assert updates[-2:] == [
        {
            "birth_date": ["modifié", "modifié"],
            "birth_year": ["modifié", "modifié"],
            "phone": ["modifié", "modifié"],
        },
        {"phone": ["modifié", "modifié"], "birth_year": ["modifié", "modifié"]},
    ]
    everything = json.dumps([entry.changes for entry in AuditEntry.objects.all()])
    for value in ("07 98", "06 12", "0611", "1987", "1988", "1989", "03-14"):
        assert value not in everything


def test_notes_text_never_enters_the_trail(login_as, person, referent):
    follow_up = accompaniment_services.follow_up_create(
        person=person,
        by=referent,
        date=TODAY,
        place="office",
        pathways=["health"],
        note=NOTE,
        participants=[person],
        next_step="Appeler le CMP au sujet des violences",
        next_step_due=TODAY,
    )

    response = login_as("referent").post(
        reverse("accompaniment:followup_edit", args=[follow_up.pk]),
        {"date": TODAY.isoformat(), "place": "phone", "pathways": ["health"], "note": NOTE + "."},
    )

    assert response.status_code == 302
    update = entries_for(follow_up, action="update", changes__has_key="note").get()
    assert update.changes["note"] == ["modifié", "modifié"]
    assert update.changes["place"] == ["office", "phone"]
    everything = json.dumps(list(AuditEntry.objects.values("changes", "path", "section")))
    assert "psychiatre" not in everything
    assert "violences" not in everything
    assert entries_for(Task.objects.get(), action="create").get().person_id == person.pk


def test_deleting_is_recorded(login_as, person, referent):
    follow_up = accompaniment_services.follow_up_create(
        person=person,
        by=referent,
        date=TODAY,
        place="office",
        pathways=[],
        note="",
        participants=[person],
    )

    response = login_as("referent").post(
        reverse("accompaniment:followup_edit", args=[follow_up.pk]), {"delete": "1"}
    )

    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="delete", model="followup")
    assert (entry.user, entry.person_id, entry.object_id) == (
        referent,
        person.pk,
        str(follow_up.pk),
    )


def test_bulk_updates_leave_one_entry_per_row(household, referent, colleague, coordinator):
    people = [
        services.person_create(by=referent, person=PersonFactory.build(household=household))
        for _ in range(3)
    ]
    AuditEntry.objects.all().delete()

    # A caseload handed over: QuerySet.update() on people and assignments, bulk_create of the
    # new assignments, all in a service run outside any request (a Celery task would do this).
    with audit.acting_as(coordinator):
        moved = services.caseload_transfer(
            persons=Person.objects.filter(pk__in=[p.pk for p in people]),
            to_referent=colleague,
            by=coordinator,
            on=TODAY,
        )

    assert moved == 3
    for person in people:
        update = entries_for(person, action=AuditAction.BULK_UPDATE).get()
        assert update.user == coordinator
        assert update.changes == {"referent": [referent.pk, colleague.pk]}
        assert update.person_id == person.pk
        created = AuditEntry.objects.get(
            action=AuditAction.BULK_CREATE, model="referentassignment", person_id=person.pk
        )
        assert created.user_id_value == coordinator.pk
    ended = AuditEntry.objects.filter(action=AuditAction.BULK_UPDATE, model="referentassignment")
    assert ended.count() == 3
    assert {tuple(e.changes) for e in ended} == {("ended_on",)}


def test_bulk_update_of_objects_records_old_and_new_values(person, referent):
    enrolment = person.enrolments.get()
    AuditEntry.objects.all().delete()
    enrolment.entered_on = datetime.date(2024, 1, 15)

    with audit.acting_as(referent):
        Enrolment.objects.bulk_update([enrolment], ["entered_on"])

    entry = entries_for(enrolment).get()
    assert entry.action == AuditAction.BULK_UPDATE
    assert entry.changes["entered_on"][1] == "2024-01-15"
    assert entry.person_id == person.pk


def test_an_import_leaves_entries_tagged_import(person, referent):
    AuditEntry.objects.all().delete()

    with audit.acting_as(referent), audit.importing():
        follow_up = accompaniment_services.follow_up_create(
            person=person,
            by=referent,
            date=TODAY,
            place="on_site",
            pathways=["rights"],
            note="Importé du tableur",
            participants=[person],
        )
        FollowUp.objects.bulk_create(
            [FollowUp(organisation_id=person.organisation_id, person=person, place="phone")]
        )

    imported = AuditEntry.objects.filter(action=AuditAction.IMPORT)
    created = entries_for(follow_up, action=AuditAction.IMPORT).exclude(
        changes__has_key="participants"
    )
    assert created.get().user == referent
    assert AuditEntry.objects.filter(action=AuditAction.BULK_CREATE, model="followup").count() == 0
    # The follow-up, its participants, the row created in bulk.
    assert imported.count() == 3
    assert {"participants": {"added": [person.pk]}} in [entry.changes for entry in imported]
    assert all(entry.person_id == person.pk for entry in imported)


def test_changes_outside_a_request_without_acting_as_have_no_user(person):
    AuditEntry.objects.all().delete()
    person.phone = "0601020304"
    person.save()

    entry = entries_for(person, action="update").get()
    assert (entry.user, entry.user_id_value, entry.path) == (None, None, "")


def test_suspended_records_nothing(household, referent):
    AuditEntry.objects.all().delete()

    with audit.suspended():
        person = services.person_create(
            by=referent, person=PersonFactory.build(household=household)
        )
        Person.objects.filter(pk=person.pk).update(phone="0102030405")

    assert not AuditEntry.objects.exists()


def test_the_user_id_survives_the_account(person, referent, colleague):
    AuditEntry.objects.all().delete()
    with audit.acting_as(colleague):
        person.phone = "0601020304"
        person.save()
    colleague_pk = colleague.pk
    colleague.delete()

    entry = entries_for(person, action="update").get()
    assert (entry.user, entry.user_id_value) == (None, colleague_pk)


# --- Retention ---------------------------------------------------------------------------------


def _aged(days: int, now) -> AuditEntry:
    return AuditEntry.objects.create(
        at=now - datetime.timedelta(days=days),
        action="view",
        app_label="beneficiaries",
        model="person",
        object_id=str(days),
    )


def test_purge_keeps_the_last_twelve_months(db):
    now = timezone.now()
    for days in (0, 364, 365, 366, 800):
        _aged(days, now)

    deleted = audit.purge(before=now - datetime.timedelta(days=365), batch_size=1)

    assert deleted == 2
    kept = sorted(int(pk) for pk in AuditEntry.objects.values_list("object_id", flat=True))
    assert kept == [0, 364, 365]


# Committed rows: under `make test` with REDIS_URL a real worker runs the task, in another
# process that reads the test database (and the settings from the environment: 365 days).
@pytest.mark.django_db(transaction=True)
def test_the_daily_task_purges_with_the_configured_retention():
    now = timezone.now()
    for days in (29, 366, 400):
        _aged(days, now)

    result = tasks.audit_purge.delay().get(timeout=30)

    assert result == {"deleted": 2}
    assert list(AuditEntry.objects.values_list("object_id", flat=True)) == ["29"]


def test_the_purge_is_in_the_beat_schedule():
    schedule = celery_app.conf.beat_schedule
    purge = [entry for entry in schedule.values() if entry["task"] == "mia.tasks.audit_purge"]
    assert len(purge) == 1
    assert purge[0]["schedule"] == 24 * 3600
    assert "mia.tasks.audit_purge" in celery_app.tasks
    assert settings.MIA_AUDIT_RETENTION_DAYS == 365


def test_the_demo_loader_leaves_no_entries(db, settings):
    settings.DEBUG = True  # as under `make run`
    call_command("seed_demo", scale="small", date=TODAY, stdout=io.StringIO())

    assert Person.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_step_is_filed_under_its_goal_s_person(person, referent):
    goal = Goal.objects.create(
        organisation=person.organisation, person=person, pathway="french", title="Parler"
    )
    step = Step.objects.create(goal=goal, title="S'inscrire au cours de la mairie")
    AuditEntry.objects.all().delete()

    with audit.acting_as(referent):
        Step.objects.filter(pk=step.pk).update(done_on=TODAY, title="Inscrite au cours")

    entry = entries_for(step).get()
    assert (entry.action, entry.person_id, entry.user) == ("bulk_update", person.pk, referent)
    assert entry.changes == {
        "title": ["modifié", "modifié"],
        "done_on": [None, TODAY.isoformat()],
    }


def test_who_was_present_is_a_change_of_the_follow_up(login_as, person, household, referent):
    sister = services.person_create(by=referent, person=PersonFactory.build(household=household))
    follow_up = accompaniment_services.follow_up_create(
        person=person,
        by=referent,
        date=TODAY,
        place="on_site",
        pathways=[],
        note="",
        participants=[person, sister],
    )
    AuditEntry.objects.all().delete()

    response = login_as("referent").post(
        reverse("accompaniment:followup_edit", args=[follow_up.pk]),
        {"date": TODAY.isoformat(), "place": "on_site", "participants": [person.pk]},
    )

    assert response.status_code == 302
    entry = entries_for(follow_up).get()
    assert (entry.user, entry.changes) == (referent, {"participants": {"removed": [sister.pk]}})


def test_names_are_not_kept_in_the_trail(login_as, person, household):
    AuditEntry.objects.all().delete()
    household.name = "Famille Lăcătuș"
    person.last_name = "Lăcătuș"
    with audit.acting_as(person.referent):
        household.save()
        person.save()

    changes = [entry.changes for entry in AuditEntry.objects.order_by("pk")]
    assert changes == [
        {"name": ["modifié", "modifié"]},
        {"last_name": ["modifié", "modifié"]},
    ]

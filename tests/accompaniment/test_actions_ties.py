# ruff: noqa: F811 (the fixtures of actions_world, imported, are the tests' arguments)
"""A follow-up or a procedure tied to a local action from its form: only an action under way
that concerns the person is offered, the services refuse any other, a correction keeps the
action chosen, and the action's page counts what was tied to it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accompaniment import services, services_actions, services_rights
from accompaniment.models import FollowUp, Procedure
from tests.accompaniment.actions_world import (  # noqa: F401 (fixtures)
    DAY,
    TODAY,
    action,
    make_action,
    prefecture,
)
from tests.accompaniment.factories_pathways import ProcedureFactory, default_type


def followup_url(person) -> str:
    return reverse("accompaniment:followup_create", args=[person.pk])


def followup_post(**changes) -> dict:
    return {"date": TODAY.isoformat(), "place": "on_site", "pathways": ["health"], **changes}


def test_a_follow_up_is_tied_to_an_action_of_the_person(login_as, person, action):
    client = login_as("referent")
    form = client.get(followup_url(person)).context["form"]
    assert list(form.fields["action"].queryset) == [action]

    response = client.post(followup_url(person), followup_post(action=action.pk))

    assert response.status_code == 302
    assert FollowUp.objects.get().action == action
    assert services_actions.tied_counts(action)["follow_ups"] == 1


def test_a_household_member_is_offered_the_household_s_action(
    login_as, association, person, household
):
    tied = make_action(association, name="Scolarisation")
    tied.households.add(household)
    form = login_as("referent").get(followup_url(person)).context["form"]
    assert list(form.fields["action"].queryset) == [tied]


def test_no_action_field_when_no_action_concerns_the_person(login_as, association, person):
    make_action(association, name="Une autre action")  # under way, but without the person
    make_action(association, name="Finie", ends_on=TODAY - DAY).people.add(person)

    response = login_as("referent").get(followup_url(person))

    assert "action" not in response.context["form"].fields
    assert "Action locale" not in response.content.decode()


def test_an_action_without_the_person_is_refused_and_nothing_saved(
    login_as, association, person, action
):
    other = make_action(association, name="Sans cette personne")

    response = login_as("referent").post(followup_url(person), followup_post(action=other.pk))

    assert response.status_code == 200
    assert "Choisissez une action de la liste." in response.content.decode()
    assert not FollowUp.objects.exists()


def test_the_services_refuse_an_action_of_another_organisation(referent, person, outsider):
    theirs = make_action(outsider.organisation, name="Ailleurs")
    theirs.people.add(person)  # even named on it
    with pytest.raises(ValidationError) as error:
        services.follow_up_create(
            person=person,
            by=referent,
            date=TODAY,
            place="office",
            pathways=[],
            note="",
            participants=[person],
            action=theirs,
        )
    assert error.value.message_dict == {
        "action": ["Cette action locale ne concerne pas cette personne."]
    }
    with pytest.raises(ValidationError):
        services_rights.procedure_create(
            person=person, type=default_type("css"), by=referent, action=theirs
        )
    assert not FollowUp.objects.exists() and not Procedure.objects.exists()


def test_a_correction_keeps_the_action_after_it_ended(login_as, referent, person, action):
    follow_up = services.follow_up_create(
        person=person,
        by=referent,
        date=TODAY - 3 * DAY,
        place="office",
        pathways=[],
        note="",
        participants=[person],
        action=action,
    )
    action.ends_on = TODAY - DAY
    action.save(update_fields=["ends_on"])
    client = login_as("referent")
    url = reverse("accompaniment:followup_edit", args=[follow_up.pk])
    assert list(client.get(url).context["form"].fields["action"].queryset) == [action]

    client.post(url, followup_post(date=(TODAY - 2 * DAY).isoformat(), action=action.pk))
    follow_up.refresh_from_db()
    assert (follow_up.date, follow_up.action) == (TODAY - 2 * DAY, action)

    client.post(url, followup_post(date=(TODAY - 2 * DAY).isoformat(), action=""))
    follow_up.refresh_from_db()
    assert follow_up.action is None


def test_a_procedure_is_tied_from_its_form_and_kept_when_the_field_is_gone(
    login_as, person, action
):
    client = login_as("referent")
    client.post(
        reverse("accompaniment:procedure_create", args=[person.pk]),
        {"type": "css", "status": "to_start", "action": action.pk},
    )
    procedure = Procedure.objects.get()
    assert procedure.action == action
    assert services_actions.tied_counts(action)["procedures"] == 1

    # The person left the action: the form still offers the one the procedure has.
    action.people.remove(person)
    url = reverse("accompaniment:procedure_edit", args=[procedure.pk])
    assert list(client.get(url).context["form"].fields["action"].queryset) == [action]
    client.post(url, {"status": "filed", "filed_on": TODAY.isoformat(), "version": 1})
    procedure.refresh_from_db()
    assert (procedure.status, procedure.action) == ("filed", None)  # emptied on the form


def test_a_procedure_changed_without_naming_an_action_keeps_it(association, referent, person):
    procedure = ProcedureFactory(person=person, type=default_type("css"))
    ended = make_action(association, name="Ancienne action", ends_on=TODAY - DAY)
    Procedure.objects.filter(pk=procedure.pk).update(action=ended)

    services_rights.procedure_update(
        procedure=Procedure.objects.get(pk=procedure.pk),
        by=referent,
        status="filed",
        filed_on=TODAY,
    )

    assert Procedure.objects.get(pk=procedure.pk).action == ended


def test_the_timeline_names_the_action_of_a_follow_up(login_as, referent, person, action):
    for tied in (action, None):
        services.follow_up_create(
            person=person,
            by=referent,
            date=TODAY - (2 if tied else 1) * DAY,
            place="office",
            pathways=[],
            note="",
            participants=[person],
            action=tied,
        )

    page = login_as("referent").get(reverse("beneficiaries:person_timeline", args=[person.pk]))

    titles = [entry.title for entry in page.context["entries"] if entry.kind == "follow_up"]
    assert titles == [
        "Entretien — Au bureau",
        "Entretien — Au bureau · action « Santé sur le terrain »",
    ]


def test_the_timeline_names_the_action_a_procedure_was_opened_in(
    login_as, referent, person, action
):
    services_rights.procedure_create(
        person=person, type=default_type("css"), by=referent, action=action
    )

    page = login_as("referent").get(reverse("beneficiaries:person_timeline", args=[person.pk]))

    titles = [entry.title for entry in page.context["entries"] if entry.kind == "procedure"]
    assert titles == [
        "Démarche ouverte : Complémentaire santé solidaire (CSS) (à commencer)"
        " · action « Santé sur le terrain »"
    ]

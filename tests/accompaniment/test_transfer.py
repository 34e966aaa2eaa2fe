"""Assigning or transferring people to another referent: one person, a household, a site or a
whole caseload, with a preview, history, and nothing outside the coordinator's organisation."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaries import services
from beneficiaries.models import ExitReason, Person, ReferentAssignment
from mia import audit
from mia.concurrency import CONFLICT_MESSAGE
from mia.models import AuditAction, AuditEntry, Role
from tests.beneficiaries.factories import HouseholdFactory, PersonFactory, SiteFactory
from tests.mia.factories import UserFactory

TRANSFER = reverse("accompaniment:transfer")
TODAY = timezone.localdate()
# What the confirmation records with a transfer (a reason is required since issue 9).
CONFIRM = {"motif": "Rééquilibrage des portefeuilles", "le": TODAY.isoformat()}


def _person(*, by, household=None, **fields) -> Person:
    return services.person_create(by=by, person=PersonFactory.build(household=household, **fields))


def _referents(people) -> list[int | None]:
    return [Person.objects.get(pk=person.pk).referent_id for person in people]


EXPECTED = {
    "anonymous": 302,
    "referent": 403,
    "colleague": 403,
    "coordinator": 200,
    "manager": 403,
    "administrator": 403,
    "partner": 403,
    "partner_without_share": 403,
    "outsider": 403,
}


@pytest.mark.parametrize(("persona", "expected"), EXPECTED.items())
def test_transfer_access(login_as, person, referent, colleague, persona, expected):
    query = {"portee": "referent", "id": referent.pk, "vers": colleague.pk}
    client = login_as(persona)

    assert client.get(TRANSFER, query).status_code == expected
    response = client.post(TRANSFER, {**query, "attendu": 1, **CONFIRM})

    assert response.status_code == (302 if expected == 200 else expected)
    assert _referents([person]) == [colleague.pk if expected == 200 else referent.pk]


@pytest.fixture
def other_coordinator(other_association):
    return UserFactory(organisation=other_association, role=Role.COORDINATOR)


@pytest.mark.parametrize("scope", ["personne", "menage", "site", "referent"])
def test_another_organisation_s_files_are_not_found(
    client, other_coordinator, person, household, site, referent, scope
):
    ids = {"personne": person, "menage": household, "site": site, "referent": referent}
    colleague_there = UserFactory(organisation=other_coordinator.organisation)
    client.force_login(other_coordinator)
    query = {
        "portee": scope,
        "id": ids[scope].pk,
        "vers": colleague_there.pk,
        "attendu": 1,
        **CONFIRM,
    }

    assert client.get(TRANSFER, query).status_code == 404
    assert client.post(TRANSFER, query).status_code == 404
    assert _referents([person]) == [referent.pk]


@pytest.mark.parametrize(
    "query", [{}, {"portee": "tout", "id": 1}, {"portee": "site", "id": "x"}, {"portee": "site"}]
)
def test_malformed_links_are_not_found(login_as, site, query):
    assert login_as("coordinator").get(TRANSFER, query).status_code == 404


@pytest.fixture
def world(association, site, household, person, referent, colleague, coordinator):
    """Two households on `site` (one with a member who left), one elsewhere, one person alone;
    `referent` follows all but one, whom `colleague` follows."""
    second = services.household_create(
        by=referent, household=HouseholdFactory.build(name="Famille Stoica", site=site)
    )
    elsewhere = services.household_create(
        by=referent,
        household=HouseholdFactory.build(
            name="Famille Dinu", site=SiteFactory(organisation=association)
        ),
    )
    people = {
        "head": person,
        "partner": _person(by=referent, household=household),
        "left": _person(by=referent, household=household),
        "stoica": _person(by=colleague, household=second),
        "dinu": _person(by=referent, household=elsewhere),
        "alone": _person(by=referent),
    }
    services.person_exit(person=people["left"], on=TODAY, reason=ExitReason.DECEASED, by=referent)
    return people


@pytest.mark.parametrize(
    ("scope", "moved"),
    [
        ("personne", {"head"}),
        ("menage", {"head", "partner"}),
        ("site", {"head", "partner", "stoica"}),
        ("referent", {"head", "partner", "dinu", "alone"}),
    ],
)
def test_each_scope_moves_exactly_its_active_people(
    login_as, world, household, site, referent, coordinator, scope, moved
):
    ids = {"personne": world["head"], "menage": household, "site": site, "referent": referent}
    before = {name: person.referent_id for name, person in world.items()}
    query = {"portee": scope, "id": ids[scope].pk, "vers": coordinator.pk}
    client = login_as("coordinator")

    preview = client.get(TRANSFER, query)
    assert preview.context["count"] == len(moved)
    response = client.post(TRANSFER, {**query, "attendu": len(moved), **CONFIRM}, follow=True)

    assert response.redirect_chain == [(reverse("accompaniment:board"), 302)]
    assert f"{len(moved)} personne" in response.content.decode()
    for name, person in world.items():
        person.refresh_from_db()
        assert person.referent_id == (coordinator.pk if name in moved else before[name]), name
        history = list(person.assignments.order_by("started_on", "pk"))
        if name in moved:
            # The previous assignment is closed today, the new one opened today, by whom.
            assert history[-2].ended_on == TODAY
            assert (history[-1].referent, history[-1].started_on) == (coordinator, TODAY)
            assert history[-1].ended_on is None and history[-1].assigned_by == coordinator
        else:
            assert len(history) == 1


def test_people_already_followed_by_the_target_stay_as_they_are(login_as, world, site, colleague):
    stoica_history = list(world["stoica"].assignments.all())
    query = {"portee": "site", "id": site.pk, "vers": colleague.pk}
    client = login_as("coordinator")

    preview = client.get(TRANSFER, query)
    assert (preview.context["count"], preview.context["already"]) == (2, 1)
    assert "1 personne déjà suivie par" in preview.content.decode()
    client.post(TRANSFER, {**query, "attendu": 2, **CONFIRM})

    assert _referents([world["head"], world["partner"], world["stoica"]]) == [colleague.pk] * 3
    assert list(world["stoica"].assignments.all()) == stoica_history


def test_transfer_shows_in_the_timeline(login_as, world, coordinator):
    client = login_as("coordinator")
    query = {"portee": "personne", "id": world["alone"].pk, "vers": coordinator.pk}
    client.post(TRANSFER, {**query, "attendu": 1, **CONFIRM})

    timeline = client.get(reverse("beneficiaries:person_timeline", args=[world["alone"].pk]))

    assert f"Suivi par {coordinator}" in timeline.content.decode()


@pytest.mark.parametrize("target", ["manager", "outsider", "inactive", "unknown"])
def test_target_must_be_an_active_worker_of_the_organisation(
    login_as, person, referent, manager, outsider, association, target
):
    targets = {
        "manager": manager,
        "outsider": outsider,
        "inactive": UserFactory(organisation=association, is_active=False),
    }
    target_pk = targets[target].pk if target in targets else 999999
    query = {"portee": "personne", "id": person.pk, "vers": target_pk, "attendu": 1, **CONFIRM}
    client = login_as("coordinator")

    response = client.post(TRANSFER, query)

    assert response.status_code == 200
    assert response.context["form"].errors["vers"] == [
        "Choisissez un·e travailleur·se social·e ou coordinateur·rice actif·ve de votre "
        "organisation."
    ]
    assert _referents([person]) == [referent.pk]


def test_confirmation_refused_when_the_people_changed_since_the_preview(
    login_as, world, referent, colleague
):
    query = {"portee": "referent", "id": referent.pk, "vers": colleague.pk}
    client = login_as("coordinator")
    assert client.get(TRANSFER, query).context["count"] == 4
    _person(by=referent)  # someone joins the caseload meanwhile

    response = client.post(TRANSFER, {**query, "attendu": 4, **CONFIRM})

    assert response.status_code == 200
    assert "ont changé depuis l&#x27;aperçu" in response.content.decode()
    assert response.context["count"] == 5
    assert Person.objects.filter(referent=colleague).count() == 1


def test_edit_form_opened_before_a_transfer_cannot_revert_it(login_as, person, coordinator):
    client = login_as("coordinator")
    edit_url = reverse("beneficiaries:person_edit", args=[person.pk])
    form = client.get(edit_url).context["form"]
    # The form as opened, with the referent of then, saved after the transfer.
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    assert data["referent"] == person.referent_id
    query = {"portee": "personne", "id": person.pk, "vers": coordinator.pk, "attendu": 1, **CONFIRM}
    client.post(TRANSFER, query)

    response = client.post(edit_url, data)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [CONFLICT_MESSAGE]
    assert _referents([person]) == [coordinator.pk]


def test_service_moves_in_bulk_and_counts_only_real_moves(association, referent, colleague):
    people = [_person(by=referent) for _ in range(4)]
    services.referent_assign(person=people[0], referent=colleague, by=referent)
    versions = {person.pk: Person.objects.get(pk=person.pk).version for person in people}
    on = datetime.date(2026, 9, 1)

    moved = services.caseload_transfer(
        persons=Person.objects.filter(pk__in=[person.pk for person in people]),
        to_referent=colleague,
        by=referent,
        on=on,
    )

    assert moved == 3
    for person in people[1:]:
        person.refresh_from_db()
        assert person.referent == colleague
        assert person.version == versions[person.pk] + 1
    assert Person.objects.get(pk=people[0].pk).version == versions[people[0].pk]
    assert ReferentAssignment.objects.filter(referent=colleague, started_on=on).count() == 3
    assert ReferentAssignment.objects.filter(ended_on__isnull=True).count() == 4


def test_a_transfer_larger_than_one_chunk_moves_everyone(
    association, referent, colleague, coordinator
):
    """The service writes a chunk of ids at a time (SQLite's limit on parameters): the people
    after the first chunk move too, with their history and an audit entry each."""
    size = services._TRANSFER_CHUNK + 5
    people = Person.objects.bulk_create(
        PersonFactory.build(organisation=association, referent=referent) for _ in range(size)
    )
    ids = {person.pk for person in people}
    ReferentAssignment.objects.bulk_create(
        ReferentAssignment(
            person=person,
            referent=referent,
            started_on=datetime.date(2026, 1, 5),
            assigned_by=referent,
        )
        for person in people
    )
    AuditEntry.objects.all().delete()
    on = datetime.date(2026, 9, 1)

    with audit.acting_as(coordinator):
        moved = services.caseload_transfer(
            persons=Person.objects.filter(referent=referent),
            to_referent=colleague,
            by=coordinator,
            on=on,
        )

    assert moved == size
    assert Person.objects.filter(pk__in=ids, referent=colleague, version=2).count() == size
    closed = ReferentAssignment.objects.filter(referent=referent, ended_on=on)
    opened = ReferentAssignment.objects.filter(referent=colleague, started_on=on, ended_on=None)
    assert set(closed.values_list("person_id", flat=True)) == ids
    assert set(opened.values_list("person_id", flat=True)) == ids
    entries = AuditEntry.objects.filter(user=coordinator)
    changed = entries.filter(model="person", action=AuditAction.BULK_UPDATE)
    assert {int(entry.object_id) for entry in changed} == ids
    assert {tuple(entry.changes["referent"]) for entry in changed} == {(referent.pk, colleague.pk)}
    for action in (AuditAction.BULK_UPDATE, AuditAction.BULK_CREATE):
        history = entries.filter(model="referentassignment", action=action)
        assert sorted(history.values_list("person_id", flat=True)) == sorted(ids), action


def test_household_page_links_coordinators_to_the_transfer(login_as, household):
    link = f"{TRANSFER}?portee=menage&amp;id={household.pk}"
    url = reverse("beneficiaries:household_detail", args=[household.pk])

    assert link in login_as("coordinator").get(url).content.decode()
    assert link not in login_as("referent").get(url).content.decode()


@pytest.fixture
def caseload(request, association, referent):
    return [_person(by=referent, last_name=f"Radu{index:02}") for index in range(request.param)]


@pytest.mark.parametrize("caseload", [3, 30], indirect=True)
def test_preview_query_budget(login_as, caseload, referent, colleague, django_assert_num_queries):
    client = login_as("coordinator")
    query = {"portee": "referent", "id": referent.pk, "vers": colleague.pk}

    # session, user, the referent whose caseload moves, possible referents (the choices),
    # count of people concerned, first page of them with household and referent, their open
    # tasks and future appointments that move with them (two counts); one audit entry naming
    # the people listed (mia.audit.record_list).
    with django_assert_num_queries(9):
        response = client.get(TRANSFER, query)

    page = response.content.decode()
    assert response.context["count"] == len(caseload)
    assert "Radu00" in page
    others = len(caseload) - 10
    assert (f"et {others} autres" in page) == (others > 0)


@pytest.mark.parametrize(
    ("scope", "first_name", "subject"),
    [
        ("menage", None, "Famille Stoica"),
        ("referent", "Anaïs", "Portefeuille d'Anaïs"),
        ("referent", "Marius", "Portefeuille de Marius"),
    ],
)
def test_the_preview_names_what_is_transferred_as_french_reads(
    login_as, world, referent, coordinator, scope, first_name, subject
):
    """Not "Ménage Famille Stoica" nor "Portefeuille de Anaïs"."""
    if first_name:
        referent.first_name = first_name
        referent.save(update_fields=["first_name"])
    ids = {"menage": world["stoica"].household_id, "referent": referent.pk}

    preview = login_as("coordinator").get(
        TRANSFER, {"portee": scope, "id": ids[scope], "vers": coordinator.pk}
    )

    assert preview.context["subject"].startswith(subject)
    assert "Ménage Famille" not in preview.content.decode()

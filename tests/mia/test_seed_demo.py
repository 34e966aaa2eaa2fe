"""`manage.py seed_demo`: the demo data every newcomer, browser test and benchmark starts from."""

from io import StringIO

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command
from django.db.models import Count, Q

from beneficiaries.models import (
    Household,
    HouseholdStay,
    Person,
    ReferentAssignment,
    Relationship,
    Site,
    SitePopulation,
)
from mia import demo
from mia.models import Organisation, Role, User
from mia.text import fold

ACCOUNTS = {
    "travailleur@demo.mia": (Role.SOCIAL_WORKER, "ACINA (démo)"),
    "travailleur2@demo.mia": (Role.SOCIAL_WORKER, "ACINA (démo)"),
    "coordination@demo.mia": (Role.COORDINATOR, "ACINA (démo)"),
    "direction@demo.mia": (Role.MANAGER, "ACINA (démo)"),
    "admin@demo.mia": (Role.ADMINISTRATOR, "ACINA (démo)"),
    "partenaire@demo.mia": (Role.PARTNER, "France Travail — agence de Saint-Denis (démo)"),
    "partenaire2@demo.mia": (Role.PARTNER, "CCAS de Montreuil (démo)"),
    "autre-asso@demo.mia": (Role.SOCIAL_WORKER, "Association Horizon (démo)"),
}


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", scale="small", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def seeded(db, settings) -> str:
    settings.DEBUG = True  # as under `make run`; pytest-django turns it off
    return seed()


def test_refuses_to_load_demo_accounts_in_production_mode(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        seed()

    assert not Organisation.objects.exists()


def test_accounts_have_their_role_organisation_and_the_demo_password(seeded):
    users = {u.email: u for u in User.objects.select_related("organisation")}
    for email, (role, organisation) in ACCOUNTS.items():
        assert (users[email].role, users[email].organisation.name) == (role, organisation)
    assert users["admin@demo.mia"].is_staff and users["admin@demo.mia"].is_superuser
    assert not any(u.is_superuser for e, u in users.items() if e != "admin@demo.mia")
    # One hash is shared by every account: checking it once checks them all.
    assert {u.password for u in users.values()} == {users["travailleur@demo.mia"].password}
    assert check_password(demo.PASSWORD, users["travailleur@demo.mia"].password)
    for email in ACCOUNTS:
        assert email in seeded  # the logins table


def test_horizon_keeps_its_own_files(seeded):
    horizon = Organisation.objects.get(name="Association Horizon (démo)")
    worker = User.objects.get(email="autre-asso@demo.mia")
    persons = Person.objects.filter(organisation=horizon)
    assert persons.exists()
    assert set(persons.exclude(referent=None).values_list("referent", flat=True)) == {worker.pk}
    assert not Person.objects.exclude(organisation=horizon).filter(referent=worker).exists()
    assert not Site.objects.filter(households__organisation=horizon).exclude(organisation=horizon)


def test_both_stefans_are_in_the_referents_active_caseload(seeded):
    caseload = Person.objects.filter(referent__email="travailleur@demo.mia", exited_on=None)
    comma = set(caseload.filter(first_name="Ștefan"))  # U+0219, comma below
    cedilla = set(caseload.filter(first_name="Ştefan"))  # U+015F, cedilla
    assert comma and cedilla
    assert comma | cedilla <= set(caseload.search("stefan"))
    assert comma | cedilla <= set(caseload.search("ștefan"))


def test_search_text_and_birth_year_are_derived_as_person_save_does(seeded):
    persons = list(Person.objects.all())
    for person in persons:
        assert person.search_text == fold(
            f"{person.first_name} {person.last_name} {person.other_names}"
        )
        if person.birth_date:
            assert person.birth_year == person.birth_date.year
    assert any("ş" in p.first_name + p.last_name for p in persons)  # cedilla spellings
    assert any(any("\u0400" <= c <= "\u04ff" for c in p.other_names) for p in persons)


def test_households_have_one_to_eight_members_and_children_younger_than_the_head(seeded):
    sizes = Household.objects.annotate(size=Count("members")).values_list("size", flat=True)
    assert min(sizes) >= 1 and max(sizes) <= 8
    for household in Household.objects.prefetch_related("members"):
        members = list(household.members.all())
        heads = [m for m in members if m.relationship == Relationship.HEAD]
        assert len(heads) == 1
        head_year = heads[0].birth_year
        for child in (m for m in members if m.relationship == Relationship.CHILD):
            if head_year and child.birth_year:
                assert child.birth_year > head_year


def test_current_site_and_referent_match_their_histories(seeded):
    for household in Household.objects.prefetch_related("stays"):
        open_stays = [s.site_id for s in household.stays.all() if s.ended_on is None]
        assert open_stays == ([household.site_id] if household.site_id else [])
    open_assignments = dict(
        ReferentAssignment.objects.filter(ended_on=None).values_list("person", "referent")
    )
    for person_id, referent_id in Person.objects.values_list("pk", "referent"):
        assert open_assignments.get(person_id) == referent_id
    assert Person.objects.filter(referent=None).exists()  # a few unassigned files
    assert ReferentAssignment.objects.exclude(ended_on=None).exists()  # and past referents
    assert HouseholdStay.objects.exclude(ended_on=None).exists()  # households that moved
    assert not SitePopulation.objects.values("site").annotate(n=Count("pk")).filter(n__gt=4)
    assert not Site.objects.filter(
        Q(latitude__lt=48.7) | Q(latitude__gt=49.0) | Q(longitude__lt=2.2) | Q(longitude__gt=2.6)
    )


def test_a_second_run_refuses_unless_if_empty(seeded):
    counts = (Person.objects.count(), User.objects.count(), Site.objects.count())
    with pytest.raises(CommandError, match="--if-empty"):
        seed()
    assert "base déjà remplie" in seed(if_empty=True)
    assert (Person.objects.count(), User.objects.count(), Site.objects.count()) == counts


def snapshot() -> list[tuple]:
    return list(
        Person.objects.order_by("pk").values_list(
            "first_name",
            "last_name",
            "other_names",
            "birth_date",
            "birth_year",
            "entered_on",
            "exited_on",
            "household__name",
            "household__site__name",
            "referent__email",
        )
    )


def test_two_runs_on_empty_databases_give_the_same_data(seeded):
    first = snapshot()
    for model in (ReferentAssignment, Person, HouseholdStay, Household, Site, User, Organisation):
        model.objects.all().delete()
    seed()
    assert snapshot() == first

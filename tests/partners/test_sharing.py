"""A partner sees exactly the files and sections a person agreed to share with its organisation,
until the consent is withdrawn (at once) or expires (even before the nightly task runs)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Household, Person
from partners import services
from partners.models import Consent, PersonGroupObjectPermission
from tests.beneficiaries.factories import PersonFactory

PERSON_URLS = [
    "beneficiaries:person_detail",
    "beneficiaries:person_edit",
    "beneficiaries:person_timeline",
    "accompaniment:plan",
    "partners:consents",
]


def test_partner_sees_the_shared_file_and_only_it(login_as, consent, person, not_shared):
    client = login_as("partner")

    portal = client.get(reverse("partners:portal"))
    detail = client.get(reverse("beneficiaries:person_detail", args=[person.pk]))
    other = client.get(reverse("beneficiaries:person_detail", args=[not_shared.pk]))

    assert [row["person"] for row in portal.context["rows"]] == [person]
    assert not re.search(r"\bMaria\b", portal.content.decode())
    assert [str(label) for label in portal.context["rows"][0]["sections"]] == [
        "Identité et contact",
        "Emploi",
    ]
    assert detail.status_code == 200
    assert other.status_code == 404


def test_partner_page_shows_only_the_shared_sections(login_as, consent, person, not_shared):
    Person.objects.filter(pk=person.pk).update(phone="06 39 12 34 56")

    page = login_as("partner").get(reverse("beneficiaries:person_detail", args=[person.pk]))

    html = page.content.decode()
    assert "06 39 12 34 56" in html  # identity and contact is shared
    assert "Emploi" in html
    assert "Accès aux droits" not in html
    # Neither the household (other people's names), nor links to notes, plan, history, edit.
    assert f"{not_shared.first_name} {not_shared.last_name}" not in html
    assert reverse("beneficiaries:person_detail", args=[not_shared.pk]) not in html
    for name in ("beneficiaries:person_edit", "accompaniment:plan", "partners:consents"):
        assert reverse(name, args=[person.pk]) not in html
    assert reverse("beneficiaries:person_timeline", args=[person.pk]) not in html


def test_without_identity_the_contact_details_stay_hidden(login_as, person, partner, referent):
    Person.objects.filter(pk=person.pk).update(phone="06 39 12 34 56")
    services.consent_record(
        person=person,
        organisation=partner.organisation,
        purpose="Emploi",
        sections=["employment"],
        given_on=datetime.date(2026, 1, 5),
        by=referent,
    )

    page = login_as("partner").get(reverse("beneficiaries:person_detail", args=[person.pk]))

    assert page.status_code == 200
    assert "06 39 12 34 56" not in page.content.decode()
    assert "Identité et contact" not in page.content.decode()


@pytest.mark.parametrize("url_name", PERSON_URLS)
def test_partner_without_share_gets_404_everywhere(login_as, consent, person, url_name):
    response = login_as("partner_without_share").get(reverse(url_name, args=[person.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("url_name", PERSON_URLS[1:])
def test_a_share_opens_the_page_not_the_notes_plan_or_edition(login_as, consent, person, url_name):
    response = login_as("partner").get(reverse(url_name, args=[person.pk]))

    assert response.status_code == 404


def test_withdrawal_ends_access_at_once(login_as, consent, person, referent):
    client = login_as("partner")
    url = reverse("beneficiaries:person_detail", args=[person.pk])
    assert client.get(url).status_code == 200

    services.consent_withdraw(consent=consent, by=referent)

    assert client.get(url).status_code == 404
    assert client.get(reverse("partners:portal")).context["rows"] == []
    assert not PersonGroupObjectPermission.objects.filter(content_object=person).exists()


def test_expiry_ends_access_before_the_nightly_task(login_as, consent, person):
    client = login_as("partner")
    url = reverse("beneficiaries:person_detail", args=[person.pk])
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Consent.objects.filter(pk=consent.pk).update(expires_on=yesterday)

    assert client.get(url).status_code == 404
    assert PersonGroupObjectPermission.objects.filter(consent=consent).count() == 2

    assert services.shares_expire() == 2
    assert not PersonGroupObjectPermission.objects.filter(consent=consent).exists()


def test_withdrawal_keeps_what_another_valid_consent_covers(
    login_as, consent, person, partner, referent
):
    services.consent_record(
        person=person,
        organisation=partner.organisation,
        purpose="Suivi emploi",
        sections=["employment"],
        given_on=datetime.date(2026, 2, 1),
        by=referent,
    )

    services.consent_withdraw(consent=consent, by=referent)

    page = login_as("partner").get(reverse("beneficiaries:person_detail", args=[person.pk]))
    assert page.status_code == 200
    assert list(page.context["shared"]) == ["employment"]


def test_guardian_reads_the_grants_through_the_direct_foreign_key(consent, person, partner):
    assert partner.has_perm("beneficiaries.view_section_employment", person)
    assert not partner.has_perm("beneficiaries.view_section_rights", person)


def test_household_consent_covers_the_minor_children_only(
    login_as, person, household, not_shared, partner, referent
):
    child = Person.objects.get(
        pk=services_person(household, referent, first_name="Ana", birth_year=2018).pk
    )
    services.consent_record(
        person=person,
        organisation=partner.organisation,
        purpose="Domiciliation",
        sections=["identity", "rights"],
        given_on=datetime.date(2026, 1, 5),
        by=referent,
        household=household,
    )
    client = login_as("partner")

    listed = {row["person"] for row in client.get(reverse("partners:portal")).context["rows"]}

    assert listed == {person, child}  # the adult partner gives her own consent
    assert client.get(reverse("beneficiaries:person_detail", args=[child.pk])).status_code == 200
    assert (
        client.get(reverse("beneficiaries:person_detail", args=[not_shared.pk])).status_code == 404
    )
    assert list(Household.objects.visible_to(partner)) == [household]


def services_person(household, referent, **fields):
    from beneficiaries import services as beneficiaries_services

    return beneficiaries_services.person_create(
        by=referent,
        person=PersonFactory.build(
            household=household, last_name="Ionescu", relationship="child", **fields
        ),
    )


def test_partner_accounts_join_their_organisation_group(partner, consent):
    from tests.mia.factories import UserFactory

    newcomer = UserFactory(organisation=partner.organisation, role="partner")

    group = partner.organisation.group
    assert set(group.user_set.all()) == {partner, newcomer}


def test_portal_search_finds_shared_files_only_and_keeps_names_out_of_urls(
    login_as, consent, person, not_shared
):
    client = login_as("partner")

    found = client.post(reverse("partners:portal"), {"q": "Ionescu"}, follow=True)
    other = client.post(reverse("partners:portal"), {"q": "Maria"}, follow=True)

    assert [row["person"] for row in found.context["rows"]] == [person]
    assert other.context["rows"] == []
    assert "Aucun dossier partagé ne correspond" in other.content.decode()
    assert "ionescu" not in found.redirect_chain[0][0].lower()


# Committed rows: under `make test` with REDIS_URL a real worker runs the task, in another
# process that reads the test database.
@pytest.mark.django_db(transaction=True)
def test_the_nightly_task_is_scheduled_and_removes_expired_grants(settings, consent):
    from partners import tasks

    Consent.objects.filter(pk=consent.pk).update(
        expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )

    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "partners.tasks.shares_expire" in schedule
    assert tasks.shares_expire.delay().get(timeout=30) == 2
    assert not PersonGroupObjectPermission.objects.filter(consent=consent).exists()


def test_administrator_reads_consents_in_the_admin_without_the_proof(login_as, consent):
    client = login_as("administrator")

    listing = client.get(reverse("admin:partners_consent_changelist"))
    page = client.get(reverse("admin:partners_consent_change", args=[consent.pk]))

    assert listing.status_code == 200
    assert "France Travail" in listing.content.decode()
    assert page.status_code == 200
    assert "/media/" not in page.content.decode()
    assert login_as("partner").get(reverse("admin:partners_consent_changelist")).status_code == 302


def test_a_partner_moved_to_another_organisation_leaves_the_first_group(
    partner, partner_without_share, consent, person
):
    first_group = partner.organisation.group
    partner.organisation = partner_without_share.organisation
    partner.save()

    assert not first_group.user_set.filter(pk=partner.pk).exists()
    assert partner.groups.filter(pk=partner_without_share.organisation.group_id).exists()
    assert not partner.has_perm("beneficiaries.view_section_identity", person)
    assert not Person.objects.visible_to(partner).exists()


def test_merging_two_files_shared_with_the_same_organisation_keeps_both_consents(
    person, partner, referent, coordinator
):
    from beneficiaries import services as beneficiaries_services

    twin = beneficiaries_services.person_create(
        by=referent, person=PersonFactory.build(first_name="Stefan", last_name="Ionescu")
    )
    for shared in (person, twin):
        services.consent_record(
            person=shared,
            organisation=partner.organisation,
            purpose="Inscription",
            sections=["identity"],
            given_on=datetime.date(2026, 1, 5),
            by=referent,
        )

    beneficiaries_services.person_merge(survivor=person, duplicate=twin, by=coordinator)

    assert set(Consent.objects.values_list("person_id", flat=True)) == {person.pk}
    assert list(Person.objects.visible_to(partner)) == [person]


@pytest.mark.django_db(transaction=True)
def test_household_consents_follow_the_household_each_night(
    login_as, person, household, partner, referent
):
    from partners import tasks

    services.consent_record(
        person=person,
        organisation=partner.organisation,
        purpose="Domiciliation",
        sections=["identity"],
        given_on=datetime.date(2026, 1, 5),
        by=referent,
        household=household,
    )
    baby = services_person(household, referent, first_name="Ioana", birth_year=2026)
    assert not Person.objects.visible_to(partner).filter(pk=baby.pk).exists()

    tasks.shares_expire.delay().get(timeout=30)
    assert Person.objects.visible_to(partner).filter(pk=baby.pk).exists()

    Person.objects.filter(pk=baby.pk).update(birth_year=2000)  # an adult gives her own consent
    tasks.shares_expire.delay().get(timeout=30)
    assert not Person.objects.visible_to(partner).filter(pk=baby.pk).exists()
    assert Person.objects.visible_to(partner).filter(pk=person.pk).exists()

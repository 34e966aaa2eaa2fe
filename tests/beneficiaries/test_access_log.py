""" "Who looked at or changed this file": the person's referent, a coordinator and an
administrator of the organisation read it; it names who, when and what, never a note."""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accompaniment import services as accompaniment_services
from beneficiaries import services
from mia import audit
from mia.models import AuditEntry
from partners import services as partners_services
from tests.beneficiaries.factories import PersonFactory
from tests.browser import browser, log_in, phone  # noqa: F401 (fixtures)
from tests.mia.factories import PASSWORD, UserFactory

TODAY = datetime.date(2026, 11, 2)


def url(person):
    return reverse("beneficiaries:person_access_log", args=[person.pk])


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 302),
        ("referent", 200),
        ("colleague", 403),
        ("coordinator", 200),
        ("manager", 403),
        ("administrator", 200),
        ("partner", 404),
        ("partner_without_share", 404),
        ("outsider", 404),
    ],
)
def test_access(login_as, person, persona, expected):
    response = login_as(persona).get(url(person))

    assert response.status_code == expected


def test_a_partner_the_file_is_shared_with_may_not_read_its_log(
    login_as, person, partner, referent
):
    partners_services.consent_record(
        person=person,
        organisation=partner.organisation,
        purpose="Insertion professionnelle",
        sections=["identity", "employment"],
        given_on=datetime.date(2026, 1, 5),
        by=referent,
    )
    client = login_as("partner")
    assert client.get(reverse("beneficiaries:person_detail", args=[person.pk])).status_code == 200

    assert client.get(url(person)).status_code == 403


@pytest.mark.parametrize(("persona", "shown"), [("referent", True), ("colleague", False)])
def test_the_file_links_to_its_access_log_for_those_allowed(login_as, person, persona, shown):
    response = login_as(persona).get(reverse("beneficiaries:person_detail", args=[person.pk]))

    assert (url(person) in response.content.decode()) is shown


def test_lists_who_read_and_changed_the_file_newest_first(
    login_as, person, household, referent, colleague, coordinator
):
    colleague.first_name, colleague.last_name = "Camille", "Martin"
    colleague.save()
    sister = services.person_create(
        by=referent, person=PersonFactory.build(household=household, first_name="Ioana")
    )
    login_as("colleague").get(reverse("beneficiaries:person_detail", args=[person.pk]))
    login_as("colleague").get(reverse("beneficiaries:household_detail", args=[household.pk]))
    login_as("colleague").get(reverse("beneficiaries:person_detail", args=[sister.pk]))
    with audit.acting_as(referent):
        accompaniment_services.follow_up_create(
            person=person,
            by=referent,
            date=TODAY,
            place="office",
            pathways=["health"],
            note="Parle de son diabète",
            participants=[person],
        )
        person.phone = "0601020304"
        person.save()

    response = login_as("coordinator").get(url(person))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Camille Martin" in html
    assert "Coordinateur·rice" in html or "Travailleur·se social·e" in html
    assert "Association opératrice" in html
    assert "Consultation" in html
    assert "Modification" in html
    assert "téléphone" in html, "the label of the field changed"
    assert "0601020304" not in html, "no values on this page"
    assert "diabète" not in html
    rows = response.context["rows"]
    # Newest first: the coordinator's own reading of this page comes first, and is recorded.
    assert rows[0]["entry"].user == coordinator
    assert rows[0]["entry"].section == "access_log"
    about = {(row["entry"].person_id, row["entry"].household_id) for row in rows}
    assert (None, household.pk) in about, "the household's own page and changes"
    assert all(row["entry"].person_id in (person.pk, None) for row in rows), "not the sister's"


def test_a_deleted_account_is_still_named_by_its_number(login_as, person, referent):
    gone = UserFactory(email="parti@test.mia", organisation=person.organisation)
    with audit.acting_as(gone):
        person.phone = "0601020304"
        person.save()
    number = gone.pk
    gone.delete()

    response = login_as("referent").get(url(person))

    assert f"Compte supprimé (n° {number})" in response.content.decode()


@pytest.mark.parametrize("size", [3, 30])
def test_query_budget(login_as, person, referent, colleague, size, django_assert_num_queries):
    AuditEntry.objects.all().delete()
    for index in range(size):
        with audit.acting_as(referent if index % 2 else colleague):
            person.phone = f"06010203{index:02d}"
            person.save()
    client = login_as("coordinator")
    # session, user, person; audit entry of this reading; count and page of entries (user and
    # organisation joined).
    with django_assert_num_queries(6):
        response = client.get(url(person))
    assert len(response.context["rows"]) == size + 1  # + this reading


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_referent_sees_on_a_phone_who_opened_the_file(
    live_server,
    phone,  # noqa: F811
    person,
    colleague,
    referent,
):
    colleague.first_name, colleague.last_name = "Camille", "Martin"
    colleague.save()
    log_in(phone, live_server, colleague.email, PASSWORD)
    phone.goto(f"{live_server.url}{reverse('beneficiaries:person_detail', args=[person.pk])}")
    expect(phone.get_by_role("link", name="Accès au dossier")).to_have_count(0)
    phone.context.clear_cookies()

    log_in(phone, live_server, referent.email, PASSWORD)
    phone.goto(f"{live_server.url}{reverse('beneficiaries:person_detail', args=[person.pk])}")
    phone.get_by_role("link", name="Accès au dossier").click()

    expect(phone.get_by_role("heading", level=1)).to_contain_text("Qui a consulté ou modifié")
    entries = phone.locator(".access-log li")
    expect(entries.filter(has_text="Camille Martin").first).to_contain_text("Consultation")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the log must not scroll sideways on a phone"

"""What each persona gets on every page of people, households and sites (STYLE.md's cast).

Object pages answer 404 to whoever may not see the object, so that an id typed by the wrong
person reveals nothing; pages a role may never use answer 403."""

import pytest
from django.urls import reverse

URLS = {
    "home": lambda o: reverse("home"),
    "person_list": lambda o: reverse("beneficiaries:person_list"),
    "person_detail": lambda o: reverse("beneficiaries:person_detail", args=[o["person"].pk]),
    "person_create": lambda o: reverse("beneficiaries:person_create"),
    "person_edit": lambda o: reverse("beneficiaries:person_edit", args=[o["person"].pk]),
    "household_detail": lambda o: reverse(
        "beneficiaries:household_detail", args=[o["household"].pk]
    ),
    "household_create": lambda o: reverse("beneficiaries:household_create"),
    "household_edit": lambda o: reverse("beneficiaries:household_edit", args=[o["household"].pk]),
    "site_list": lambda o: reverse("beneficiaries:site_list"),
    "site_detail": lambda o: reverse("beneficiaries:site_detail", args=[o["site"].pk]),
    "site_create": lambda o: reverse("beneficiaries:site_create"),
    "site_edit": lambda o: reverse("beneficiaries:site_edit", args=[o["site"].pk]),
    "team_list": lambda o: reverse("team_list"),
    "team_invite": lambda o: reverse("team_invite"),
}

# persona -> status for each URL above, in order.
EXPECTED = {
    #                       home lst det new edt hhd hhn hhe sit std stn ste tea inv
    "anonymous":             [302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302],
    "referent":              [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 403, 403],
    "colleague":             [200, 200, 200, 200, 403, 200, 200, 403, 200, 200, 200, 200, 403, 403],
    "coordinator":           [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
    "manager":               [200, 200, 200, 404, 404, 200, 404, 404, 200, 200, 403, 404, 403, 403],
    "administrator":         [200, 200, 200, 404, 404, 200, 404, 404, 200, 200, 403, 404, 200, 200],
    # A partner's home redirects to their referrals to handle.
    "partner":               [302, 403, 404, 404, 404, 404, 404, 404, 403, 404, 403, 404, 403, 403],
    "partner_without_share": [302, 403, 404, 404, 404, 404, 404, 404, 403, 404, 403, 404, 403, 403],
    "outsider":              [200, 200, 404, 200, 404, 404, 200, 404, 200, 404, 200, 404, 403, 403],
}  # fmt: skip


@pytest.mark.parametrize("persona", EXPECTED)
def test_page_access(login_as, person, household, site, persona):
    """Each page in turn for one persona (GETs change nothing): a failure names the page."""
    client = login_as(persona)
    objects = {"person": person, "household": household, "site": site}
    for url_name, expected in zip(URLS, EXPECTED[persona], strict=True):
        response = client.get(URLS[url_name](objects))

        assert response.status_code == expected, url_name
        if expected == 302:
            login = reverse("account_login")
            if persona.startswith("partner"):
                login = reverse("partners:referrals_received")
            assert response["Location"].startswith(login), url_name


def test_outsider_does_not_list_the_other_association_files(login_as, person):
    response = login_as("outsider").get(reverse("beneficiaries:person_list"), {"q": "stefan"})

    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert "Ionescu" not in response.content.decode()


def test_partner_cannot_post_to_an_edit_page(login_as, person):
    response = login_as("partner").post(
        reverse("beneficiaries:person_edit", args=[person.pk]), {"first_name": "X"}
    )

    assert response.status_code == 404
    person.refresh_from_db()
    assert person.first_name == "Ștefan"


def test_admin_shows_only_the_administrator_organisation_read_only(
    login_as, person, other_association
):
    from tests.beneficiaries.factories import PersonFactory

    foreign = PersonFactory(organisation=other_association, last_name="Etranger")
    client = login_as("administrator")

    listing = client.get(reverse("admin:beneficiaries_person_changelist"))
    foreign_page = client.get(reverse("admin:beneficiaries_person_change", args=[foreign.pk]))
    own_page = client.post(
        reverse("admin:beneficiaries_person_change", args=[person.pk]), {"first_name": "X"}
    )

    assert [p.pk for p in listing.context["cl"].result_list] == [person.pk]
    assert foreign_page.status_code == 302  # the admin's "does not exist" redirect
    assert own_page.status_code == 403
    person.refresh_from_db()
    assert person.first_name == "Ștefan"


def test_an_administrator_reading_a_file_in_the_admin_is_recorded(login_as, person, administrator):
    from mia.models import AuditEntry

    response = login_as("administrator").get(
        reverse("admin:beneficiaries_person_change", args=[person.pk])
    )

    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="view", person_id=person.pk)
    assert entry.user == administrator
    assert entry.section == "admin"

"""Every URL of the project, for every persona, against files of their own, shared and not
shared (issue: partners see exactly what was shared, nothing else).

The table below names each route with the object its URL points to and what a partner whose
organisation received a share gets. A route missing from the table fails the test, so a new
page cannot be forgotten. Staff roles of the association are covered page by page in
tests/<app>/test_access*.py."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accompaniment.models import FollowUp, Goal, Step, Task
from partners import documents, referrals, services

# route -> (object in the URL, status for a partner the person's file is shared with).
# Shared sections: identity, employment, documents. None: the URL names no object.
ROUTES = {
    "home": (None, 200),
    "health": (None, 200),
    # Posted by the language switch of every page (tests/mia/test_language.py).
    "language": (None, 405),
    "team_list": (None, 403),
    "team_invite": (None, 403),
    "beneficiaries:person_list": (None, 403),
    "beneficiaries:person_create": (None, 404),
    "beneficiaries:duplicates": (None, 403),
    "beneficiaries:site_list": (None, 403),
    "beneficiaries:site_create": (None, 403),
    "beneficiaries:household_create": (None, 404),
    "beneficiaries:person_detail": ("person", 200),
    "beneficiaries:person_edit": ("person", 404),
    "beneficiaries:person_timeline": ("person", 404),
    "beneficiaries:person_access_log": ("person", 403),
    "beneficiaries:merge": ("person", 404),
    "beneficiaries:household_detail": ("household", 404),
    "beneficiaries:household_edit": ("household", 404),
    "beneficiaries:household_timeline": ("household", 404),
    "beneficiaries:site_detail": ("site", 404),
    "beneficiaries:site_edit": ("site", 404),
    "accompaniment:followup_create": ("person", 404),
    "accompaniment:followup_edit": ("follow_up", 404),
    "accompaniment:task_done": ("task", 404),
    "accompaniment:plan": ("person", 404),
    "accompaniment:goal_create": ("person", 404),
    "accompaniment:goal_edit": ("goal", 404),
    "accompaniment:step_create": ("goal", 404),
    "accompaniment:step_edit": ("step", 404),
    "accompaniment:board": (None, 403),
    "accompaniment:transfer": (None, 403),
    "accompaniment:person_exit": ("person", 404),
    "accompaniment:person_reenter": ("person", 404),
    "partners:portal": (None, 200),
    "partners:organisations": (None, 403),
    "partners:consents": ("person", 404),
    "partners:consent_withdraw": ("consent", 404),
    "partners:consent_proof": ("consent", 404),
    "partners:person_referrals": ("person", 404),
    "partners:referral_create": ("person", 404),
    "partners:referrals_sent": (None, 403),
    "partners:referrals_received": (None, 200),
    "partners:referral_detail": ("referral", 200),
    "partners:referral_accept": ("referral", 405),
    "partners:referral_decline": ("referral", 405),
    "partners:referral_done": ("referral", 405),
    "partners:referral_cancel": ("referral", 404),
    "partners:person_documents": ("person", 200),
    # A household's papers may concern adults who did not consent: never shared as such.
    "partners:household_documents": ("household", 404),
    "partners:document_download": ("document", 200),
    "partners:document_delete": ("document", 404),
}
# Open without signing in; the language switch only takes a POST.
PUBLIC = {"health": 200, "language": 405}
# Third-party URL sets with their own rules: allauth (login, password) and the Django admin
# (administrator role, tested in tests/beneficiaries/test_access.py).
THIRD_PARTY = ("admin:", "account_", "mfa_", "socialaccount_")


def project_routes() -> set[str]:
    def walk(resolver, namespace=None):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                yield f"{namespace}:{entry.name}" if namespace else entry.name

    return {name for name in walk(get_resolver()) if not name.startswith(THIRD_PARTY)}


def test_every_route_has_a_row_in_the_matrix():
    routes = project_routes()

    assert sorted(routes - ROUTES.keys()) == []
    assert sorted(ROUTES.keys() - routes) == []


@pytest.fixture
def files(settings, tmp_path, person, site, referent, partner):
    """`person`'s file, shared with `partner`'s organisation (identity, employment, documents)
    and holding one row of every kind a URL can point to."""
    settings.MEDIA_ROOT = tmp_path / "media"
    consent = services.consent_record(
        person=person,
        organisation=partner.organisation,
        purpose="Accompagnement vers l'emploi",
        sections=["identity", "employment", "documents"],
        given_on=datetime.date(2026, 1, 5),
        by=referent,
    )
    follow_up = FollowUp.objects.create(
        organisation=person.organisation, person=person, author=referent, place="office"
    )
    follow_up.participants.set([person])
    goal = Goal.objects.create(
        organisation=person.organisation, person=person, pathway="employment", title="Emploi"
    )
    pdf = SimpleUploadedFile("papier.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    return {
        "person": person,
        "household": person.household,
        "site": site,
        "consent": consent,
        "follow_up": follow_up,
        "task": Task.objects.create(
            organisation=person.organisation,
            person=person,
            title="Appeler",
            due_on=datetime.date(2026, 12, 1),
            assigned_to=referent,
        ),
        "goal": goal,
        "step": Step.objects.create(goal=goal, title="CV"),
        "referral": referrals.referral_create(
            person=person,
            organisation=partner.organisation,
            pathway="employment",
            reason="Inscription",
            by=referent,
            base_url="http://testserver/",
        ),
        "document": documents.document_add(upload=pdf, kind="other", by=referent, person=person),
    }


def url_of(route: str, objects: dict) -> str:
    kind, _ = ROUTES[route]
    return reverse(route, args=[objects[kind].pk] if kind else [])


ALL = sorted(ROUTES)
OBJECT_ROUTES = sorted(route for route, (kind, _) in ROUTES.items() if kind)


@pytest.mark.parametrize("route", ALL)
def test_anonymous_visitors_go_to_the_login_page(client, files, route):
    response = client.get(url_of(route, files))

    if route in PUBLIC:
        assert response.status_code == PUBLIC[route]
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("route", ALL)
def test_partner_with_a_share_sees_only_what_was_shared(login_as, files, route):
    response = login_as("partner").get(url_of(route, files))

    assert response.status_code == ROUTES[route][1]


@pytest.mark.parametrize("route", OBJECT_ROUTES)
@pytest.mark.parametrize("persona", ["partner_without_share", "outsider"])
def test_nobody_else_reaches_the_file(login_as, files, route, persona):
    response = login_as(persona).get(url_of(route, files))

    assert response.status_code in (404, 405) if ROUTES[route][1] == 405 else 404


@pytest.mark.parametrize("route", sorted(set(ALL) - set(OBJECT_ROUTES)))
@pytest.mark.parametrize("persona", ["partner_without_share", "outsider"])
def test_lists_never_show_a_file_that_was_not_shared_with_them(login_as, files, route, persona):
    response = login_as(persona).get(url_of(route, files))

    assert response.status_code in (200, 302, 403, 404, 405)
    assert files["person"].last_name not in response.content.decode()


@pytest.mark.parametrize("route", OBJECT_ROUTES)
def test_a_withdrawn_consent_closes_the_file_at_once(login_as, files, referent, route):
    client = login_as("partner")
    services.consent_withdraw(consent=files["consent"], by=referent)

    response = client.get(url_of(route, files))

    # A referral stays the partner's business; the person behind it is no longer shared.
    if route.startswith("partners:referral_"):
        assert response.status_code in (200, 404, 405)
        assert files["person"].last_name not in response.content.decode()
    else:
        assert response.status_code == 404


def test_another_association_opens_its_own_files_and_only_those(login_as, files, outsider):
    from beneficiaries import services as beneficiaries_services
    from tests.beneficiaries.factories import PersonFactory

    own = beneficiaries_services.person_create(
        by=outsider, person=PersonFactory.build(first_name="Elena", last_name="Vasile")
    )
    client = login_as("outsider")

    assert client.get(reverse("beneficiaries:person_detail", args=[own.pk])).status_code == 200
    assert client.get(url_of("beneficiaries:person_detail", files)).status_code == 404


@pytest.mark.parametrize(
    ("persona", "shown", "hidden"),
    [
        (
            "partner",
            ["partners:portal", "partners:referrals_received"],
            ["partners:referrals_sent"],
        ),
        ("referent", ["partners:referrals_sent"], ["partners:portal", "accompaniment:board"]),
        ("coordinator", ["accompaniment:board", "team_list"], ["partners:referrals_received"]),
    ],
)
def test_the_menu_offers_what_the_role_may_open(login_as, persona, shown, hidden, db):
    html = login_as(persona).get(reverse("home")).content.decode()
    menu = html[html.index('<ul class="nav">') : html.index("</nav>")]

    for route in shown:
        assert f'href="{reverse(route)}"' in menu
    for route in hidden:
        assert f'href="{reverse(route)}"' not in menu

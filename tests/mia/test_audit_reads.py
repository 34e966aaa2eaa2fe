"""Every response that shows a person's data records who saw which people (issue 8, finding 6).

Each URL of the project, the Django admin's included, is listed from the resolver and must sit
in one of two tables: SHOWS_PEOPLE, with how the persona who may open it does so, or
SHOWS_NO_PERSON, with the reason. A new URL in neither fails, so a page showing people cannot
escape the trail. A page that shows people must leave an entry that "who looked at or changed
this file" finds for them (mia.audit.entries_about); a list names every person it showed, in
one entry; a page said to show nobody must not show the names of the test's people."""

import datetime
import json
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from beneficiaries import services as beneficiaries_services
from beneficiaries.models import ExitReason
from mia import audit
from mia.models import AuditEntry
from partners import documents, services
from tests.beneficiaries.factories import HouseholdFactory, PersonFactory
from tests.routes import route_names

TODAY = timezone.localdate()
NAMES = ("Ionescu", "Dumitru")


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


@pytest.fixture
def files(files, household, site, referent):
    """The shared file of tests/conftest.py (`person`, Ionescu, followed by `referent`, shared
    with `partner`'s organisation), and two more people: `other`, a likely duplicate of them in
    another household; `left`, a member of their household who left the programme."""
    other_household = beneficiaries_services.household_create(
        by=referent, household=HouseholdFactory.build(name="Famille Ionescu-Radu", site=site)
    )
    other = beneficiaries_services.person_create(
        by=referent,
        person=PersonFactory.build(
            first_name="Stefan", last_name="Ionescu", household=other_household
        ),
    )
    left = beneficiaries_services.person_create(
        by=referent,
        person=PersonFactory.build(first_name="Maria", last_name="Dumitru", household=household),
    )
    beneficiaries_services.person_exit(person=left, on=TODAY, reason=ExitReason.OTHER, by=referent)
    # The night's search of likely duplicates, which the coordinators' queue shows.
    beneficiaries_services.duplicate_scan_run(
        scan=beneficiaries_services.duplicate_scan_request(organisation=referent.organisation)
    )
    return {**files, "other": other, "left": left}


@dataclass(frozen=True)
class Visit:
    """How `persona` opens a route: the object its URL names (a key of `files`), the method,
    the query string and the posted data (functions of `files`), through htmx or not; and whose
    files the response shows (keys of `files`)."""

    persona: str
    kind: str | None = None
    method: str = "get"
    query: object = None
    data: object = None
    htmx: bool = False
    shows: tuple = ("person",)
    # Tells apart two visits of one route in the test's name.
    label: str = ""


def _post(data=None, **kwargs) -> Visit:
    return Visit(method="post", data=data, **kwargs)


# Pages and fragments that show people, and how each is opened.
SHOWS_PEOPLE = {
    "home": [Visit("referent", label="my week and caseload")],
    "beneficiaries:person_list": [
        Visit("coordinator", label="list"),
        _post(lambda f: {"q": "Ionescu"}, persona="referent", htmx=True, label="search"),
    ],
    "beneficiaries:person_create": [
        Visit("referent", query=lambda f: {"menage": f["household"].pk}, label="new member"),
        _post(
            lambda f: {"first_name": "Stefan", "last_name": "Ionescu", "sex": "M"},
            persona="referent",
            shows=("person", "other"),
            label="duplicates on save",
        ),
    ],
    "beneficiaries:duplicates": [
        _post(
            lambda f: {"first_name": "Ștefan", "last_name": "Ionescu"},
            persona="referent",
            htmx=True,
            shows=("person", "other"),
        )
    ],
    "beneficiaries:merge": [
        Visit("coordinator", "person", shows=("person", "other"), label="candidates"),
        Visit(
            "coordinator",
            "person",
            query=lambda f: {"autre": f["other"].pk},
            shows=("person", "other"),
            label="preview",
        ),
        _post(
            lambda f: {"q": "Ionescu"},
            persona="coordinator",
            kind="person",
            htmx=True,
            shows=("other",),
            label="search",
        ),
    ],
    "beneficiaries:person_detail": [Visit("referent", "person"), Visit("partner", "person")],
    "beneficiaries:person_edit": [Visit("referent", "person")],
    "beneficiaries:person_timeline": [Visit("referent", "person")],
    "beneficiaries:person_access_log": [Visit("referent", "person")],
    "beneficiaries:household_detail": [Visit("referent", "household", shows=("person", "left"))],
    "beneficiaries:household_edit": [Visit("referent", "household", shows=("person", "left"))],
    "beneficiaries:household_timeline": [Visit("referent", "household", shows=("person", "left"))],
    "beneficiaries:site_detail": [Visit("referent", "site", shows=("person", "other", "left"))],
    "accompaniment:followup_create": [Visit("referent", "person")],
    "accompaniment:followup_edit": [Visit("referent", "follow_up")],
    "accompaniment:task_done": [_post(persona="referent", kind="task", htmx=True)],
    "accompaniment:plan": [Visit("referent", "person")],
    "accompaniment:person_appointments": [Visit("referent", "person")],
    "accompaniment:appointment_create": [Visit("referent", "person")],
    "accompaniment:appointment_edit": [Visit("referent", "appointment")],
    "accompaniment:appointment_slip": [Visit("referent", "appointment")],
    "accompaniment:goal_create": [Visit("referent", "person")],
    "accompaniment:goal_edit": [Visit("referent", "goal")],
    "accompaniment:step_create": [Visit("referent", "goal")],
    "accompaniment:step_edit": [Visit("referent", "step")],
    "accompaniment:transfer": [
        Visit("coordinator", query=lambda f: {"portee": "personne", "id": f["person"].pk}),
        Visit(
            "coordinator",
            query=lambda f: {"portee": "site", "id": f["site"].pk},
            shows=("person", "other"),
            label="a site",
        ),
    ],
    # The referent's notice about `person` names them.
    "accompaniment:notices": [Visit("referent")],
    "accompaniment:board_people": [
        Visit("coordinator", query=lambda f: {"quoi": "non_vues"}, shows=("person", "other")),
        Visit(
            "manager",
            query=lambda f: {"quoi": "actives", "lieu": f["site"].pk},
            shows=("person", "other"),
            label="a site",
        ),
    ],
    # No task of these files is overdue: tests/accompaniment/test_board_lists.py checks the
    # entry of a list that shows some.
    "accompaniment:board_tasks": [Visit("coordinator", shows=())],
    "beneficiaries:merge_queue": [Visit("coordinator", shows=("person", "other"))],
    "accompaniment:person_exit": [Visit("referent", "person")],
    "accompaniment:person_reenter": [Visit("referent", "left", shows=("left",))],
    "accompaniment:rights": [
        Visit("referent", "person"),
        Visit("referent", "person", htmx=True, label="grid"),
    ],
    "accompaniment:procedure_create": [Visit("referent", "person")],
    "accompaniment:procedure_edit": [Visit("referent", "procedure")],
    "accompaniment:obstacle_create": [Visit("referent", "person")],
    "accompaniment:obstacle_edit": [Visit("referent", "obstacle")],
    "accompaniment:rights_list": [Visit("referent", shows=("person", "other"))],
    "accompaniment:schooling": [Visit("referent", "person")],
    "accompaniment:schooling_edit": [Visit("referent", "schooling")],
    "accompaniment:course_detail": [
        Visit("referent", "course"),
        Visit("manager", "course", label="manager"),
    ],
    "accompaniment:learner_add": [
        _post(
            lambda f: {"q": "Ionescu"},
            persona="referent",
            kind="course",
            htmx=True,
            shows=("other",),
        )
    ],
    "accompaniment:learner_edit": [Visit("referent", "learner")],
    "accompaniment:session_open": [
        _post(
            lambda f: {"date": "2000-01-03"},
            persona="referent",
            kind="course",
            label="date refused",
        )
    ],
    "accompaniment:attendance_sheet": [Visit("referent", "session")],
    "accompaniment:attendance_tick": [
        _post(
            lambda f: {"personne": f["person"].pk, "present": "1"},
            persona="referent",
            kind="session",
            htmx=True,
        )
    ],
    "accompaniment:person_french": [
        Visit("referent", "person"),
        Visit("referent", "person", htmx=True, label="fragment"),
    ],
    "accompaniment:assessment_create": [Visit("referent", "person")],
    "accompaniment:assessment_edit": [Visit("referent", "assessment")],
    "accompaniment:certification_create": [Visit("referent", "person")],
    "accompaniment:certification_edit": [Visit("referent", "certification")],
    "partners:portal": [Visit("partner")],
    "partners:consents": [Visit("referent", "person")],
    "partners:consent_withdraw": [Visit("referent", "consent")],
    "partners:consent_proof": [Visit("referent", "consent")],
    "partners:person_referrals": [Visit("referent", "person")],
    "partners:referral_create": [Visit("referent", "person")],
    "partners:referrals_sent": [Visit("referent")],
    "partners:referrals_received": [Visit("partner")],
    "partners:referral_detail": [Visit("referent", "referral"), Visit("partner", "referral")],
    "partners:referral_accept": [_post(persona="partner", kind="referral", htmx=True)],
    "partners:referral_decline": [
        _post(lambda f: {"reason": "Complet"}, persona="partner", kind="referral", htmx=True)
    ],
    "partners:referral_done": [_post(persona="partner", kind="referral", htmx=True)],
    "partners:referral_reply": [
        _post(lambda f: {"comment": "RDV pris"}, persona="partner", kind="referral", htmx=True)
    ],
    "partners:referral_cancel": [_post(persona="referent", kind="referral", htmx=True)],
    "partners:person_documents": [Visit("referent", "person"), Visit("partner", "person")],
    "partners:household_documents": [Visit("referent", "household")],
    "partners:document_download": [Visit("referent", "document"), Visit("partner", "document")],
    "partners:document_delete": [_post(persona="referent", kind="document", htmx=True)],
    # Employment.
    "employment:offer_detail": [Visit("referent", "offer")],
    "employment:offer_suggestions": [Visit("referent", "open_offer", shows=("person", "other"))],
    "employment:candidacy_status": [Visit("referent", "candidacy")],
    "employment:person_employment": [
        Visit("referent", "person"),
        Visit("referent", "person", htmx=True, label="card"),
    ],
    "employment:contract_create": [Visit("referent", "person")],
    "employment:contract_edit": [Visit("referent", "contract")],
    "employment:training_create": [Visit("referent", "person")],
    "employment:training_edit": [Visit("referent", "training")],
    "employment:workshop_create": [Visit("referent", "person")],
    "employment:workshop_edit": [Visit("referent", "workshop")],
    # Housing.
    "housing:evacuation_board": [Visit("coordinator", "evacuation")],
    "housing:site_housing": [
        Visit("manager", "site"),
        Visit("manager", "site", htmx=True, label="card"),
    ],
    "housing:wish_set": [
        _post(
            lambda f: {"menage": f["household"].pk, "wish": "yes"},
            persona="referent",
            kind="evacuation",
            htmx=True,
        )
    ],
    "housing:offer_create": [
        _post(
            lambda f: {
                "menage": f["household"].pk,
                "type": "chu",
                "offered_on": TODAY.isoformat(),
                "answer": "pending",
            },
            persona="referent",
            kind="evacuation",
            htmx=True,
        )
    ],
    "housing:offer_answer": [
        _post(
            lambda f: {"answer": "accepted", "version": 1},
            persona="referent",
            kind="shelter_offer",
            htmx=True,
        )
    ],
    "housing:trajectory": [
        Visit("referent", "household"),
        Visit("referent", "household", htmx=True, label="card"),
    ],
    "housing:person_housing": [
        Visit("referent", "person"),
        Visit("referent", "person", htmx=True, label="card"),
    ],
    "housing:placement_create": [Visit("referent", "household")],
    "housing:placement_edit": [Visit("referent", "placement")],
    "housing:siao_create": [Visit("referent", "household")],
    "housing:siao_edit": [Visit("referent", "siao_request")],
    "housing:application_create": [Visit("referent", "household")],
    "housing:application_edit": [Visit("referent", "housing_application")],
    "housing:recourse_create": [Visit("referent", "household")],
    "housing:recourse_edit": [Visit("referent", "housing_recourse")],
    # Local actions.
    "accompaniment:action_detail": [
        Visit("coordinator", "action"),
        Visit("referent", "action", label="referent"),
    ],
    "accompaniment:action_people": [
        Visit("coordinator", "action"),
        _post(
            lambda f: {"q": "Ionescu"},
            persona="coordinator",
            kind="action",
            htmx=True,
            shows=("person", "other"),
            label="search",
        ),
    ],
}

# Pages that show no person's data: who opens them, and why nothing of a person is there.
SHOWS_NO_PERSON = {
    "health": ("anonymous", "the application's own state"),
    "language": ("referent", "POST only: sets a cookie and redirects"),
    "team_list": ("coordinator", "the team's accounts, not the people followed"),
    "team_invite": ("coordinator", "a form to invite a colleague"),
    "team_sessions_end": ("administrator", "POST only: ends a colleague's sessions"),
    "security_events": ("administrator", "security events hold no personal data"),
    "beneficiaries:household_create": ("referent", "an empty form"),
    "beneficiaries:site_list": ("referent", "living places and their figures"),
    "beneficiaries:site_create": ("referent", "an empty form"),
    "beneficiaries:site_edit": ("referent", "a living place's form, no household"),
    "beneficiaries:distinct_pair": ("coordinator", "POST only: records a decision, redirects"),
    "beneficiaries:duplicate_scan": ("coordinator", "POST only: asks for a scan, redirects"),
    "accompaniment:board": ("coordinator", "figures per worker or site, no names"),
    "accompaniment:calendar_feed_settings": ("referent", "the worker's own feed address"),
    # A calendar application reads it, no one signed in: when, where and a file number, never
    # a name. Its reads are kept as CalendarFeed.last_read_at, not in the audit of people.
    "accompaniment:calendar_feed": ("anonymous", "times and places, no name"),
    "accompaniment:covers": ("coordinator", "who replaces whom: the team's accounts"),
    "accompaniment:cover_end": ("coordinator", "POST only: ends a cover"),
    "accompaniment:notice_open": ("referent", "POST only: marks a notice read, redirects"),
    "accompaniment:notices_read": ("referent", "POST only: marks notices read"),
    "partners:organisations": ("referent", "partner organisations and their contacts"),
    "accompaniment:courses": ("referent", "courses and their figures, no person named"),
    "accompaniment:course_create": ("referent", "an empty form"),
    "accompaniment:course_edit": ("referent", "a course's form, no learner"),
    "beneficiaries:site_map": ("referent", "living places on a map, no household"),
    "beneficiaries:site_population_add": ("referent", "a living place's form, no household"),
    "beneficiaries:site_conditions": ("referent", "a living place's form, no household"),
    "beneficiaries:site_legal": ("coordinator", "a living place's form, no household"),
    "employment:employers": ("referent", "the organisation's employers, no person"),
    "employment:employer_create": ("referent", "a form about an employer"),
    "employment:employer_detail": ("referent", "an employer and its offers, no person named"),
    "employment:employer_edit": ("referent", "a form about an employer"),
    "employment:offers": ("referent", "offers with counts of candidates, no person named"),
    "employment:offer_create": ("referent", "a form about an offer"),
    "employment:offer_edit": ("referent", "a form about an offer"),
    "employment:candidacy_propose": ("referent", "POST only: proposes a person and redirects"),
    "housing:evacuation_list": ("referent", "evacuations of sites and their counts, no household"),
    "housing:evacuation_create": ("coordinator", "a site's evacuation form"),
    "housing:evacuation_edit": ("coordinator", "an evacuation's dates and diagnostic"),
    "accompaniment:actions": ("referent", "actions and their counts, no person named"),
    "accompaniment:action_create": ("coordinator", "an empty form"),
    "accompaniment:action_edit": ("coordinator", "an action's form, no person"),
    "accompaniment:funding_create": ("coordinator", "a funding form"),
    "accompaniment:funding_edit": ("coordinator", "a funding form"),
}
SITE_KINDS = {
    "accompaniment:course_edit": "course",
    "beneficiaries:distinct_pair": "person",
    "beneficiaries:site_edit": "site",
    "accompaniment:calendar_feed": "calendar_feed",
    "accompaniment:cover_end": "cover",
    "accompaniment:notice_open": "notice",
    "beneficiaries:site_population_add": "site",
    "beneficiaries:site_conditions": "site",
    "beneficiaries:site_legal": "site",
    "employment:employer_detail": "employer",
    "employment:employer_edit": "employer",
    "employment:offer_edit": "offer",
    "employment:candidacy_propose": "open_offer",
    "housing:evacuation_create": "site",
    "housing:evacuation_edit": "evacuation",
    "accompaniment:action_edit": "action",
    "accompaniment:funding_create": "action",
    "accompaniment:funding_edit": "funding",
}
# The signed-in account's own pages (allauth): no person followed appears there.
ACCOUNT_PAGES = ("account_", "mfa_", "socialaccount_", "usersessions_")

# The admin: per registered model, whether its pages show people.
ADMIN_SHOWS_PEOPLE = {"beneficiaries.Person", "beneficiaries.Household", "partners.Consent"}
ADMIN_SHOWS_NO_PERSON = {
    "account.EmailAddress": "the team's sign-in addresses",
    "usersessions.UserSession": "the team's sessions",
    "mfa.Authenticator": "the team's second factors",
    "mia.Organisation": "organisations",
    "mia.User": "the team's accounts",
    "beneficiaries.Commune": "reference data",
    "accompaniment.ProcedureType": "the reference list of procedures",
    "beneficiaries.Site": "living places, no household listed",
    "partners.OrganisationContact": "partners' contacts",
}
# Admin pages that belong to no model.
ADMIN_PAGES = {
    "index",
    "app_list",
    "autocomplete",
    "jsi18n",
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "view_on_site",
    # Django's UserAdmin names its password page after auth.User: an account's password.
    "auth_user_password_change",
}


def admin_prefixes() -> dict[str, str]:
    return {
        f"admin:{model._meta.app_label}_{model._meta.model_name}_": model._meta.label
        for model in admin.site._registry
    }


def test_every_route_says_whether_it_shows_people():
    routes = {name for name in route_names() if not name.startswith(("admin:", *ACCOUNT_PAGES))}

    assert sorted(routes - SHOWS_PEOPLE.keys() - SHOWS_NO_PERSON.keys()) == []
    assert sorted((SHOWS_PEOPLE.keys() | SHOWS_NO_PERSON.keys()) - routes) == []
    assert not SHOWS_PEOPLE.keys() & SHOWS_NO_PERSON.keys()


def test_every_admin_page_says_whether_it_shows_people():
    prefixes = admin_prefixes()
    registered = set(prefixes.values())
    pages = {
        name.removeprefix("admin:")
        for name in route_names()
        if name.startswith("admin:") and not name.startswith(tuple(prefixes))
    }

    assert sorted(registered - ADMIN_SHOWS_PEOPLE - ADMIN_SHOWS_NO_PERSON.keys()) == []
    assert sorted((ADMIN_SHOWS_PEOPLE | ADMIN_SHOWS_NO_PERSON.keys()) - registered) == []
    assert not ADMIN_SHOWS_PEOPLE & ADMIN_SHOWS_NO_PERSON.keys()
    assert sorted(pages - ADMIN_PAGES) == []


VISITS = [
    pytest.param(route, visit, id=f"{route}-{visit.persona}-{visit.label}".strip("-"))
    for route, visits in sorted(SHOWS_PEOPLE.items())
    for visit in visits
]


def _open(client, route: str, visit: Visit, files: dict):
    url = reverse(route, args=[files[visit.kind].pk] if visit.kind else [])
    if visit.query:
        url += "?" + "&".join(f"{key}={value}" for key, value in visit.query(files).items())
    headers = {"HX-Request": "true"} if visit.htmx else {}
    data = visit.data(files) if visit.data else {}
    return getattr(client, visit.method)(url, data, headers=headers)


def _last_entry() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _entries_naming(person, *, after: int):
    return audit.entries_about(person_id=person.pk, household_id=person.household_id).filter(
        pk__gt=after
    )


def test_a_page_that_shows_people_records_who_saw_them(client, login_as, files, request):
    """Every visit in turn on one set of files, each in a savepoint rolled back after it (some
    are POSTs): each finds the files as the others did. A failure names its visit."""
    for persona in {visit.values[1].persona for visit in VISITS} - {"anonymous"}:
        request.getfixturevalue(persona)
    for param in VISITS:
        route, visit = param.values
        with transaction.atomic():
            client.logout()
            user = request.getfixturevalue(visit.persona)
            before = _last_entry()

            response = _open(login_as(visit.persona), route, visit, files)

            assert response.status_code == 200, param.id
            for key in visit.shows:
                entries = _entries_naming(files[key], after=before)
                assert entries.filter(user=user).exists(), f"{param.id}: no entry names {key}"
            written = AuditEntry.objects.filter(pk__gt=before)
            assert all("?" not in entry.path for entry in written), param.id
            kept = json.dumps(list(written.values("changes", "path", "section", "object_id")))
            assert not any(name in kept for name in (*NAMES, "Ștefan", "Stefan")), param.id
            transaction.set_rollback(True)


def test_a_page_said_to_show_nobody_shows_no_name(client, login_as, files):
    for route, (persona, _reason) in sorted(SHOWS_NO_PERSON.items()):
        kind = SITE_KINDS.get(route)
        client.logout()

        response = login_as(persona).get(reverse(route, args=[files[kind].pk] if kind else []))

        assert response.status_code in (200, 405), route
        html = response.content.decode()
        assert not any(name in html for name in NAMES), route


ADMIN_VIEWS = [
    pytest.param(label, action, id=f"{label}-{action}")
    for label in sorted(ADMIN_SHOWS_PEOPLE)
    for action in ("changelist", "change", "history")
]
ADMIN_OBJECTS = {
    "beneficiaries.Person": "person",
    "beneficiaries.Household": "household",
    "partners.Consent": "consent",
}


@pytest.mark.parametrize(("label", "action"), ADMIN_VIEWS)
def test_the_admin_s_lists_pages_and_histories_of_files_are_recorded(
    login_as, files, administrator, label, action
):
    app_label, model = label.lower().split(".")
    obj = files[ADMIN_OBJECTS[label]]
    args = [] if action == "changelist" else [obj.pk]
    before = _last_entry()

    response = login_as("administrator").get(
        reverse(f"admin:{app_label}_{model}_{action}", args=args)
    )

    assert response.status_code == 200
    entries = _entries_naming(files["person"], after=before)
    assert entries.filter(user=administrator, section="admin").exists()


@pytest.mark.parametrize("label", sorted(ADMIN_SHOWS_NO_PERSON))
def test_the_admin_s_other_lists_show_no_name(login_as, files, label):
    app_label, model = label.lower().split(".")

    response = login_as("administrator").get(reverse(f"admin:{app_label}_{model}_changelist"))

    assert response.status_code in (200, 403)
    assert not any(name in response.content.decode() for name in NAMES)


# --- What a list records -------------------------------------------------------------------


def test_a_list_records_every_person_it_showed_in_one_entry(login_as, household, referent):
    people = [
        beneficiaries_services.person_create(
            by=referent, person=PersonFactory.build(household=household, last_name="Radu")
        )
        for _ in range(12)
    ]
    hidden = beneficiaries_services.person_create(
        by=referent, person=PersonFactory.build(household=household, last_name="Zamfir")
    )
    before = _last_entry()

    response = login_as("referent").post(
        reverse("beneficiaries:person_list"), {"q": "radu"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    entry = AuditEntry.objects.get(pk__gt=before)
    assert (entry.action, entry.section, entry.user, entry.person_id) == (
        "view",
        "people",
        referent,
        None,
    )
    assert sorted(entry.person_ids) == sorted(person.pk for person in people)
    assert entry.path == reverse("beneficiaries:person_list")
    assert not _entries_naming(hidden, after=before).exists()
    for person in people:
        assert list(_entries_naming(person, after=before)) == [entry]


def test_a_list_that_shows_nobody_records_nothing(login_as, person):
    before = _last_entry()

    response = login_as("referent").post(
        reverse("beneficiaries:person_list"), {"q": "personne"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert not AuditEntry.objects.filter(pk__gt=before).exists()


def test_finding_an_id_in_lists_matches_whole_ids_only(db):
    for ids in ([12, 123], [112], [1, 2], []):
        AuditEntry.objects.create(
            action="view", app_label="beneficiaries", model="person", person_ids=ids
        )

    def lists_holding(pk):
        return sorted(entry.person_ids for entry in AuditEntry.objects.filter(person_ids__holds=pk))

    assert lists_holding(12) == [[12, 123]]
    assert lists_holding(1) == [[1, 2]]
    assert lists_holding(2) == [[1, 2]]
    assert lists_holding(23) == []


def test_the_access_log_shows_the_lists_that_showed_the_person(
    login_as, person, household, referent, colleague
):
    sister = beneficiaries_services.person_create(
        by=referent, person=PersonFactory.build(household=household, first_name="Ioana")
    )
    login_as("colleague").get(reverse("beneficiaries:person_list"))
    login_as("colleague").get(reverse("beneficiaries:site_detail", args=[household.site_id]))
    AuditEntry.objects.create(
        action="view", app_label="beneficiaries", model="person", person_ids=[sister.pk]
    )

    response = login_as("referent").get(
        reverse("beneficiaries:person_access_log", args=[person.pk])
    )

    entries = [row["entry"] for row in response.context["rows"]]
    lists = [entry for entry in entries if entry.user == colleague]
    assert [(e.section, sorted(e.person_ids), e.household_ids) for e in lists] == [
        ("site", [], [household.pk]),
        ("people", sorted([person.pk, sister.pk]), []),
    ]
    assert "dans une liste de 2 dossiers" in response.content.decode()
    assert all(entry.person_ids != [sister.pk] for entry in entries), "not the sister's lists"


# --- A partner's reads ---------------------------------------------------------------------


def test_a_partner_s_read_of_a_shared_file_is_audited(
    login_as, settings, tmp_path, person, referent, partner
):
    settings.MEDIA_ROOT = tmp_path / "media"
    services.consent_record(
        person=person,
        organisation=partner.organisation,
        purpose="Insertion professionnelle",
        sections=["identity", "documents"],
        given_on=datetime.date(2026, 1, 5),
        by=referent,
    )
    document = documents.document_add(
        upload=_pdf("papier.pdf"), kind="other", by=referent, person=person
    )
    client = login_as("partner")
    AuditEntry.objects.all().delete()

    assert client.get(reverse("partners:portal")).status_code == 200
    assert client.get(reverse("beneficiaries:person_detail", args=[person.pk])).status_code == 200
    download = client.get(reverse("partners:document_download", args=[document.pk]))
    assert download.status_code == 200

    portal, page, file = AuditEntry.objects.order_by("pk")
    assert all(
        (entry.user, entry.user_id_value) == (partner, partner.pk) for entry in (portal, page, file)
    )
    assert (portal.section, portal.person_ids) == ("portal", [person.pk])
    assert (page.action, page.person_id, page.object_id) == ("view", person.pk, str(person.pk))
    assert (file.action, file.person_id, file.object_id) == (
        "download",
        person.pk,
        str(document.pk),
    )


def test_the_consent_proof_download_is_recorded(login_as, files, referent):
    consent = files["consent"]
    before = _last_entry()

    response = login_as("referent").get(reverse("partners:consent_proof", args=[consent.pk]))

    assert response.status_code == 200
    entry = AuditEntry.objects.get(pk__gt=before)
    assert (entry.action, entry.user, entry.person_id, entry.model, entry.object_id) == (
        "download",
        referent,
        files["person"].pk,
        "consent",
        str(consent.pk),
    )

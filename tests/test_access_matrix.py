"""Every URL of the project, for every persona, against files of their own, shared and not
shared (issue: partners see exactly what was shared, nothing else).

The table below names each route with the object its URL points to and what a partner whose
organisation received a share gets. A route missing from the table fails the test, so a new
page cannot be forgotten. Staff roles of the association are covered page by page in
tests/<app>/test_access*.py, and all together for writes: WRITES says, for every route that
writes, what each persona's POST gets, and every refused POST leaves its row as it was."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from accompaniment.forms import FollowUpEditForm, GoalForm, StepForm
from accompaniment.forms_appointments import AppointmentForm
from accompaniment.forms_rights import ObstacleForm, ProcedureForm
from accompaniment.forms_school import SchoolingForm
from accompaniment.models import (
    Action,
    ActionFunding,
    Appointment,
    Assessment,
    Attendance,
    CalendarFeed,
    Certification,
    ClassSession,
    Course,
    Cover,
    FollowUp,
    Goal,
    Learner,
    Obstacle,
    Procedure,
    Schooling,
    Step,
)
from beneficiaries import services as beneficiaries_services
from beneficiaries.forms import HouseholdForm, PersonForm, SiteForm
from beneficiaries.models import (
    DistinctPair,
    DuplicateScan,
    Household,
    Person,
    Site,
    SiteLegalProcedure,
    SitePopulation,
)
from employment.models import Candidacy, Contract, Employer, JobOffer, Training, Workshop
from housing.models import (
    Evacuation,
    EvacuationHousehold,
    HousingRecourse,
    Placement,
    ShelterOffer,
    SiaoRequest,
    SocialHousingApplication,
)
from mia.models import SecurityEvent, SecurityEventKind, User
from partners import services
from partners.models import Consent, Document, Referral
from tests.beneficiaries.factories import PersonFactory
from tests.conftest import PERSONAS
from tests.routes import route_names

# route -> (object in the URL, status for a partner the person's file is shared with).
# Shared sections: identity, employment, documents. None: the URL names no object.
ROUTES = {
    # A partner has no caseload nor week: home is their referrals to handle.
    "home": (None, 302),
    "health": (None, 200),
    # Posted by the language switch of every page (tests/mia/test_language.py).
    "language": (None, 405),
    "team_list": (None, 403),
    "team_invite": (None, 403),
    "team_sessions_end": (None, 403),
    "security_events": (None, 403),
    "beneficiaries:person_list": (None, 403),
    "beneficiaries:person_create": (None, 404),
    "beneficiaries:duplicates": (None, 403),
    "beneficiaries:merge_queue": (None, 403),
    "beneficiaries:duplicate_scan": (None, 403),
    "beneficiaries:site_list": (None, 403),
    "beneficiaries:site_create": (None, 403),
    "beneficiaries:household_create": (None, 404),
    "beneficiaries:person_detail": ("person", 200),
    "beneficiaries:person_edit": ("person", 404),
    "beneficiaries:person_timeline": ("person", 404),
    "beneficiaries:person_access_log": ("person", 403),
    "beneficiaries:merge": ("person", 404),
    "beneficiaries:distinct_pair": ("person", 404),
    "beneficiaries:household_detail": ("household", 404),
    "beneficiaries:household_edit": ("household", 404),
    "beneficiaries:household_timeline": ("household", 404),
    "beneficiaries:site_detail": ("site", 404),
    "beneficiaries:site_edit": ("site", 404),
    "accompaniment:followup_create": ("person", 404),
    "accompaniment:followup_edit": ("follow_up", 404),
    "accompaniment:person_appointments": ("person", 404),
    "accompaniment:appointment_create": ("person", 404),
    "accompaniment:appointment_edit": ("appointment", 404),
    "accompaniment:appointment_slip": ("appointment", 404),
    "accompaniment:calendar_feed_settings": (None, 403),
    # The secret token decides, not who asks: whoever holds it reads the feed (no names).
    "accompaniment:calendar_feed": ("calendar_feed", 200),
    "accompaniment:task_done": ("task", 404),
    "accompaniment:plan": ("person", 404),
    "accompaniment:goal_create": ("person", 404),
    "accompaniment:goal_edit": ("goal", 404),
    "accompaniment:step_create": ("goal", 404),
    "accompaniment:step_edit": ("step", 404),
    "accompaniment:board": (None, 403),
    "accompaniment:board_people": (None, 403),
    "accompaniment:board_tasks": (None, 403),
    "accompaniment:transfer": (None, 403),
    "accompaniment:covers": (None, 403),
    "accompaniment:cover_end": ("cover", 404),
    # Every account has its own notices; one is opened (marked read) by a POST, and another
    # user's is a 404 whatever the method.
    "accompaniment:notices": (None, 200),
    "accompaniment:notice_open": ("notice", 404),
    "accompaniment:notices_read": (None, 405),
    "accompaniment:person_exit": ("person", 404),
    "accompaniment:person_reenter": ("person", 404),
    # Rights (accompaniment/rights.py): `files` shares no rights section with `partner`.
    "accompaniment:rights": ("person", 404),
    "accompaniment:procedure_create": ("person", 404),
    "accompaniment:procedure_edit": ("procedure", 404),
    "accompaniment:obstacle_create": ("person", 404),
    "accompaniment:obstacle_edit": ("obstacle", 404),
    "accompaniment:rights_list": (None, 403),
    # School (accompaniment/school.py): part of no shared section.
    "accompaniment:schooling": ("person", 404),
    "accompaniment:schooling_edit": ("schooling", 404),
    # French (accompaniment/french.py, attendance.py): `partner` is not the course's provider.
    "accompaniment:courses": (None, 200),
    "accompaniment:course_create": (None, 403),
    "accompaniment:course_detail": ("course", 404),
    "accompaniment:course_edit": ("course", 404),
    "accompaniment:learner_add": ("course", 404),
    "accompaniment:learner_edit": ("learner", 404),
    "accompaniment:session_open": ("course", 404),
    "accompaniment:attendance_sheet": ("session", 404),
    "accompaniment:attendance_tick": ("session", 404),
    "accompaniment:person_french": ("person", 404),
    "accompaniment:assessment_create": ("person", 404),
    "accompaniment:assessment_edit": ("assessment", 404),
    "accompaniment:certification_create": ("person", 404),
    "accompaniment:certification_edit": ("certification", 404),
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
    "partners:referral_reply": ("referral", 405),
    "partners:referral_cancel": ("referral", 404),
    "partners:person_documents": ("person", 200),
    # A household's papers may concern adults who did not consent: never shared as such.
    "partners:household_documents": ("household", 404),
    "partners:document_download": ("document", 200),
    "partners:document_delete": ("document", 404),
    "beneficiaries:site_map": (None, 403),
    "beneficiaries:site_population_add": ("site", 404),
    "beneficiaries:site_conditions": ("site", 404),
    "beneficiaries:site_legal": ("site", 404),
    # Employment (employment/).
    "employment:employers": (None, 403),
    "employment:employer_create": (None, 403),
    "employment:employer_detail": ("employer", 404),
    "employment:employer_edit": ("employer", 404),
    "employment:offers": (None, 403),
    "employment:offer_create": (None, 403),
    "employment:offer_detail": ("offer", 404),
    "employment:offer_edit": ("offer", 404),
    "employment:offer_suggestions": ("open_offer", 404),
    "employment:candidacy_propose": ("open_offer", 404),
    "employment:candidacy_status": ("candidacy", 404),
    "employment:person_employment": ("person", 200),
    "employment:contract_create": ("person", 404),
    "employment:contract_edit": ("contract", 404),
    "employment:training_create": ("person", 404),
    "employment:training_edit": ("training", 404),
    "employment:workshop_create": ("person", 404),
    "employment:workshop_edit": ("workshop", 404),
    # Housing (housing/): the housing section is not shared with `partner`.
    "housing:evacuation_list": (None, 403),
    "housing:evacuation_create": ("site", 404),
    "housing:site_housing": ("site", 404),
    "housing:evacuation_board": ("evacuation", 404),
    "housing:evacuation_edit": ("evacuation", 404),
    "housing:wish_set": ("evacuation", 404),
    "housing:offer_create": ("evacuation", 404),
    "housing:offer_answer": ("shelter_offer", 404),
    "housing:trajectory": ("household", 404),
    "housing:placement_create": ("household", 404),
    "housing:siao_create": ("household", 404),
    "housing:application_create": ("household", 404),
    "housing:recourse_create": ("household", 404),
    "housing:person_housing": ("person", 404),
    "housing:placement_edit": ("placement", 404),
    "housing:siao_edit": ("siao_request", 404),
    "housing:application_edit": ("housing_application", 404),
    "housing:recourse_edit": ("housing_recourse", 404),
    # Local actions (accompaniment/actions.py).
    "accompaniment:actions": (None, 403),
    "accompaniment:action_create": (None, 403),
    "accompaniment:action_detail": ("action", 404),
    "accompaniment:action_edit": ("action", 404),
    "accompaniment:action_people": ("action", 404),
    "accompaniment:funding_create": ("action", 404),
    "accompaniment:funding_edit": ("funding", 404),
}
# Open without signing in; the language switch only takes a POST.
PUBLIC = {"health": 200, "language": 405, "accompaniment:calendar_feed": 200}
# Third-party URL sets with their own rules: allauth (login, password) and the Django admin
# (administrator role, tested in tests/beneficiaries/test_access.py).
THIRD_PARTY = ("admin:", "account_", "mfa_", "socialaccount_", "usersessions_")


def project_routes() -> set[str]:
    return {name for name in route_names() if not name.startswith(THIRD_PARTY)}


def test_every_route_has_a_row_in_the_matrix():
    routes = project_routes()

    assert sorted(routes - ROUTES.keys()) == []
    assert sorted(ROUTES.keys() - routes) == []


def url_of(route: str, objects: dict) -> str:
    kind, _ = ROUTES[route]
    return reverse(route, args=[objects[kind].pk] if kind else [])


ALL = sorted(ROUTES)
# A URL holding a secret token instead of a file's id (the calendar feed) is opened by whoever
# holds the token: it is tested as the lists are, and must never show a name.
TOKEN_ROUTES = {"accompaniment:calendar_feed"}
OBJECT_ROUTES = sorted(
    route for route, (kind, _) in ROUTES.items() if kind and route not in TOKEN_ROUTES
)


# The GET tests below walk every route on one set of files (a GET changes none of them): a
# failure names its route.


def test_anonymous_visitors_go_to_the_login_page(client, files):
    for route in ALL:
        response = client.get(url_of(route, files))

        if route in PUBLIC:
            assert response.status_code == PUBLIC[route], route
        else:
            assert response.status_code == 302, route
            assert response["Location"].startswith(reverse("account_login")), route


def test_partner_with_a_share_sees_only_what_was_shared(login_as, files):
    client = login_as("partner")
    for route in ALL:
        assert client.get(url_of(route, files)).status_code == ROUTES[route][1], route


# A URL naming an object of the file answers 404 to a partner without a share and to a worker
# of another association, except a route that takes only a POST: it answers a GET 405 once the
# role passes, before the object is looked up, so nothing about the file shows.
POST_ONLY_ROUTES = {
    #                             partner_without_share, outsider
    "accompaniment:task_done":    (404, 405),
    "beneficiaries:distinct_pair": (404, 404),
    "partners:referral_accept":   (405, 404),
    "partners:referral_decline":  (405, 404),
    "partners:referral_done":     (405, 404),
    "partners:referral_reply":    (405, 404),
    "partners:referral_cancel":   (404, 405),
    "partners:document_delete":   (404, 405),
    "employment:candidacy_propose": (404, 405),
}  # fmt: skip


@pytest.mark.parametrize("persona", ["partner_without_share", "outsider"])
def test_nobody_else_reaches_the_file(login_as, files, persona):
    client = login_as(persona)
    for route in OBJECT_ROUTES:
        expected = 404
        if route in POST_ONLY_ROUTES:
            expected = POST_ONLY_ROUTES[route][persona == "outsider"]

        assert client.get(url_of(route, files)).status_code == expected, route


# Pages that name no object. A partner without a share gets what the partner with one gets
# (ROUTES); a worker of another association what a worker gets, on their own files.
OUTSIDER_PAGES = {
    "home": 200,
    "health": 200,
    "language": 405,
    "team_list": 403,
    "team_invite": 403,
    "team_sessions_end": 403,
    "security_events": 403,
    "beneficiaries:person_list": 200,
    "beneficiaries:person_create": 200,
    "beneficiaries:duplicates": 405,
    "beneficiaries:merge_queue": 403,
    "beneficiaries:duplicate_scan": 403,
    "beneficiaries:site_list": 200,
    "beneficiaries:site_create": 200,
    "beneficiaries:household_create": 200,
    "accompaniment:board": 403,
    "accompaniment:calendar_feed_settings": 200,
    "accompaniment:calendar_feed": 200,
    "accompaniment:board_people": 403,
    "accompaniment:board_tasks": 403,
    "accompaniment:transfer": 403,
    "accompaniment:covers": 403,
    "accompaniment:notices": 200,
    "accompaniment:notices_read": 405,
    "accompaniment:rights_list": 200,
    "accompaniment:courses": 200,
    "accompaniment:course_create": 200,
    "partners:portal": 403,
    "partners:organisations": 200,
    "partners:referrals_sent": 200,
    "beneficiaries:site_map": 200,
    "employment:employers": 200,
    "employment:employer_create": 200,
    "employment:offers": 200,
    "employment:offer_create": 200,
    "housing:evacuation_list": 200,
    "accompaniment:actions": 200,
    "accompaniment:action_create": 403,
    "partners:referrals_received": 403,
}


@pytest.mark.parametrize("persona", ["partner_without_share", "outsider"])
def test_lists_never_show_a_file_that_was_not_shared_with_them(login_as, files, persona):
    client = login_as(persona)
    for route in sorted(set(ALL) - set(OBJECT_ROUTES)):
        expected = OUTSIDER_PAGES[route] if persona == "outsider" else ROUTES[route][1]

        response = client.get(url_of(route, files))

        assert response.status_code == expected, route
        assert files["person"].last_name not in response.content.decode(), route


def test_a_withdrawn_consent_closes_the_file_at_once(login_as, files, referent):
    client = login_as("partner")
    services.consent_withdraw(consent=files["consent"], by=referent)

    for route in OBJECT_ROUTES:
        response = client.get(url_of(route, files))

        # A referral stays the partner's business; the person behind it is no longer shared.
        if route.startswith("partners:referral_"):
            assert response.status_code == ROUTES[route][1], route
            assert files["person"].last_name not in response.content.decode(), route
        else:
            assert response.status_code == 404, route


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
        ("manager", ["accompaniment:board"], ["team_list", "partners:referrals_sent"]),
    ],
)
def test_the_menu_offers_what_the_role_may_open(login_as, persona, shown, hidden, db):
    html = login_as(persona).get(reverse("home"), follow=True).content.decode()
    menu = html[html.index('<ul class="nav">') : html.index("</nav>")]

    for route in shown:
        assert f'href="{reverse(route)}"' in menu
    for route in hidden:
        assert f'href="{reverse(route)}"' not in menu


# --- Writes ------------------------------------------------------------------------------------
# Every route that writes, posted by every persona with a form its page would send: who may
# write what. A persona refused leaves the database as it was; an allowed one really writes.

OK = "written"  # the POST is saved, then the page redirects (302)
LOGIN = "login"  # sent to the login page

# route -> what each persona of PERSONAS gets. `referent` follows the person; `outsider` works
# for another association and may write on its own files (the creations), never on these.
WRITES = {
    #                                       anon   ref  coll coord  mgr adm partner w/o outsider
    "beneficiaries:person_create":         (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, OK),
    "beneficiaries:person_edit":           (LOGIN, OK,  403, OK,  404, 404, 404, 404, 404),
    "beneficiaries:merge":                 (LOGIN, 404, 404, OK,  404, 404, 404, 404, 404),
    "beneficiaries:distinct_pair":         (LOGIN, 404, 404, OK,  404, 404, 404, 404, 404),
    "beneficiaries:duplicate_scan":        (LOGIN, 403, 403, OK,  403, 403, 403, 403, 403),
    "beneficiaries:household_create":      (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, OK),
    "beneficiaries:household_edit":        (LOGIN, OK,  403, OK,  404, 404, 404, 404, 404),
    "beneficiaries:site_create":           (LOGIN, OK,  OK,  OK,  403, 403, 403, 403, OK),
    "beneficiaries:site_edit":             (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "accompaniment:followup_create":       (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "accompaniment:followup_edit":         (LOGIN, OK,  403, OK,  404, 404, 404, 404, 404),
    "accompaniment:appointment_create":    (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "accompaniment:appointment_edit":      (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "accompaniment:calendar_feed_settings": (LOGIN, OK, OK,  OK,  403, 403, 403, 403, OK),
    "accompaniment:task_done":             (LOGIN, OK,  404, OK,  404, 404, 404, 404, 404),
    "accompaniment:goal_create":           (LOGIN, OK,  403, OK,  404, 404, 404, 404, 404),
    "accompaniment:goal_edit":             (LOGIN, OK,  403, OK,  404, 404, 404, 404, 404),
    "accompaniment:step_create":           (LOGIN, OK,  403, OK,  404, 404, 404, 404, 404),
    "accompaniment:step_edit":             (LOGIN, OK,  403, OK,  404, 404, 404, 404, 404),
    "accompaniment:transfer":              (LOGIN, 403, 403, OK,  403, 403, 403, 403, 403),
    "accompaniment:covers":                (LOGIN, 403, 403, OK,  403, 403, 403, 403, 403),
    "accompaniment:cover_end":             (LOGIN, 404, 404, OK,  404, 404, 404, 404, 404),
    # The notice is the referent's: anyone else's id is a 404; "all read" marks one's own.
    "accompaniment:notice_open":           (LOGIN, OK,  404, 404, 404, 404, 404, 404, 404),
    "accompaniment:notices_read":          (LOGIN, OK,  302, 302, 302, 302, 302, 302, 302),
    "accompaniment:person_exit":           (LOGIN, OK,  403, OK,  403, 403, 404, 404, 404),
    "accompaniment:person_reenter":        (LOGIN, OK,  403, OK,  403, 403, 404, 404, 404),
    "accompaniment:procedure_create":      (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "accompaniment:procedure_edit":        (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "accompaniment:obstacle_create":       (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "accompaniment:obstacle_edit":         (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "accompaniment:schooling":             (LOGIN, OK,  OK,  OK,  403, 403, 404, 404, 404),
    "accompaniment:schooling_edit":        (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "accompaniment:course_create":         (LOGIN, OK,  OK,  OK,  403, 403, 403, 403, OK),
    "accompaniment:course_edit":           (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "accompaniment:learner_add":           (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "accompaniment:learner_edit":          (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "accompaniment:session_open":          (LOGIN, OK,  OK,  OK,  403, 403, 404, 404, 404),
    "accompaniment:attendance_sheet":      (LOGIN, OK,  OK,  OK,  403, 403, 404, 404, 404),
    "accompaniment:attendance_tick":       (LOGIN, OK,  OK,  OK,  403, 403, 404, 404, 404),
    "accompaniment:assessment_create":     (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "accompaniment:assessment_edit":       (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "accompaniment:certification_create":  (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "accompaniment:certification_edit":    (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "partners:consents":                   (LOGIN, OK,  403, OK,  403, 403, 404, 404, 404),
    "partners:consent_withdraw":           (LOGIN, OK,  403, OK,  403, 403, 404, 404, 404),
    "partners:referral_create":            (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "partners:referral_accept":            (LOGIN, 404, 404, 404, 404, 404, OK,  404, 404),
    "partners:referral_decline":           (LOGIN, 404, 404, 404, 404, 404, OK,  404, 404),
    "partners:referral_done":              (LOGIN, 404, 404, 404, 404, 404, OK,  404, 404),
    "partners:referral_reply":             (LOGIN, 404, 404, 404, 404, 404, OK,  404, 404),
    "partners:referral_cancel":            (LOGIN, OK,  404, OK,  404, 404, 404, 404, 404),
    "partners:person_documents":           (LOGIN, OK,  OK,  OK,  404, 403, 403, 404, 404),
    "partners:household_documents":        (LOGIN, OK,  OK,  OK,  404, 403, 404, 404, 404),
    "partners:document_delete":            (LOGIN, OK,  403, OK,  404, 404, 404, 404, 404),
    "beneficiaries:site_population_add": (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "beneficiaries:site_conditions":     (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "beneficiaries:site_legal":          (LOGIN, 404, 404, OK,  404, 404, 404, 404, 404),
    "employment:employer_create":           (LOGIN, OK,  OK,  OK,  403, 403, 403, 403, OK),
    "employment:employer_edit":             (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "employment:offer_create":              (LOGIN, OK,  OK,  OK,  403, 403, 403, 403, 200),
    "employment:offer_edit":                (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "employment:candidacy_propose":         (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "employment:candidacy_status":          (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "employment:contract_create":           (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "employment:contract_edit":             (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "employment:training_create":           (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "employment:training_edit":             (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "employment:workshop_create":           (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "employment:workshop_edit":             (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "housing:evacuation_create":            (LOGIN, 404, 404, OK,  404, 404, 404, 404, 404),
    "housing:evacuation_edit":              (LOGIN, 404, 404, OK,  404, 404, 404, 404, 404),
    "housing:wish_set":                     (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "housing:offer_create":                 (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "housing:offer_answer":                 (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "housing:placement_create":             (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "housing:placement_edit":               (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "housing:siao_create":                  (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "housing:siao_edit":                    (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "housing:application_create":           (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "housing:application_edit":             (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "housing:recourse_create":              (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "housing:recourse_edit":                (LOGIN, OK,  OK,  OK,  404, 404, 404, 404, 404),
    "accompaniment:action_create":          (LOGIN, 403, 403, OK,  OK,  403, 403, 403, 403),
    "accompaniment:action_edit":            (LOGIN, 404, 404, OK,  OK,  404, 404, 404, 404),
    "accompaniment:action_people":          (LOGIN, 404, 404, OK,  OK,  404, 404, 404, 404),
    "accompaniment:funding_create":         (LOGIN, 404, 404, OK,  OK,  404, 404, 404, 404),
    "accompaniment:funding_edit":           (LOGIN, 404, 404, OK,  OK,  404, 404, 404, 404),
    "team_invite":                         (LOGIN, 403, 403, OK,  403, OK,  403, 403, 403),
    "team_sessions_end":                   (LOGIN, 403, 403, 403, 403, OK,  403, 403, 403),
}  # fmt: skip

# Routes that write nothing, whatever is posted to them: pages that only show, searches posted
# so that names stay out of URLs, the duplicates panel, the language cookie.
READ_ONLY = {
    "home",
    "health",
    "language",
    "team_list",
    "security_events",
    "beneficiaries:person_list",
    "beneficiaries:duplicates",
    "beneficiaries:merge_queue",
    "beneficiaries:person_detail",
    "beneficiaries:person_timeline",
    "beneficiaries:person_access_log",
    "beneficiaries:household_detail",
    "beneficiaries:household_timeline",
    "beneficiaries:site_list",
    "beneficiaries:site_detail",
    "accompaniment:plan",
    "accompaniment:person_appointments",
    "accompaniment:appointment_slip",
    "accompaniment:calendar_feed",
    "accompaniment:board",
    "accompaniment:board_people",
    "accompaniment:board_tasks",
    "accompaniment:notices",
    "accompaniment:rights",
    "accompaniment:rights_list",
    "accompaniment:courses",
    "accompaniment:course_detail",
    "accompaniment:person_french",
    "partners:portal",
    "partners:organisations",
    "partners:consent_proof",
    "partners:person_referrals",
    "partners:referrals_sent",
    "partners:referrals_received",
    "partners:referral_detail",
    "partners:document_download",
    "beneficiaries:site_map",
    "employment:employers",
    "employment:employer_detail",
    "employment:offers",
    "employment:offer_detail",
    "employment:offer_suggestions",
    "employment:person_employment",
    "housing:evacuation_list",
    "housing:evacuation_board",
    "housing:site_housing",
    "housing:trajectory",
    "housing:person_housing",
    "accompaniment:actions",
    "accompaniment:action_detail",
}


def _as_posted(form, **changes) -> dict:
    """What a form's page sends as it was shown, with the fields a user changed."""
    shown = {field.name: field.value() for field in form}
    return {name: value for name, value in shown.items() if value not in (None, "")} | changes


def _stored(*kinds: str):
    """The rows the URL's objects are, as stored (None once deleted)."""

    def read(objects: dict):
        return [
            type(objects[kind]).objects.filter(pk=objects[kind].pk).values().first()
            for kind in kinds
        ]

    return read


def _count(model):
    return lambda objects: model.objects.count()


def _pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("papier.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


TODAY = datetime.date.today().isoformat()
TOMORROW = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()


# The weekly slot of a course's form (a formset).
SLOT = {
    "creneaux-TOTAL_FORMS": "1",
    "creneaux-INITIAL_FORMS": "0",
    "creneaux-0-weekday": "0",
    "creneaux-0-starts_at": "09:30",
    "creneaux-0-ends_at": "11:30",
}


def _action_body(o) -> dict:
    return {
        "name": "Scolarisation",
        "starts_on": TODAY,
        "place": "sites",
        "sites": [o["site"].pk],
        "departement": "93",
        "topics": ["school"],
    }


@dataclass(frozen=True)
class Post:
    target: str | None  # the object the URL names, a key of `world`
    body: Callable[[dict], dict]  # a form the allowed personas' POST saves
    changed: Callable[[dict], object]  # what that POST changes, read from the database


POSTS = {
    "beneficiaries:person_create": Post(
        None,
        lambda o: _as_posted(
            PersonForm(user=o["referent"]), first_name="Elena", last_name="Vasile"
        ),
        _count(Person),
    ),
    "beneficiaries:person_edit": Post(
        "person",
        lambda o: _as_posted(
            PersonForm(instance=o["person"], user=o["coordinator"]), phone="06 12 34 56 78"
        ),
        _stored("person"),
    ),
    "beneficiaries:merge": Post(
        "person",
        lambda o: {
            "autre": o["duplicate"].pk,
            "survivor": o["person"].pk,
            "confirm": "on",
            **{
                f"version_{pk}": version
                for pk, version in Person.objects.filter(
                    pk__in=[o["person"].pk, o["duplicate"].pk]
                ).values_list("pk", "version")
            },
        },
        _stored("person", "duplicate"),
    ),
    "beneficiaries:distinct_pair": Post(
        "person", lambda o: {"autre": o["duplicate"].pk}, _count(DistinctPair)
    ),
    "beneficiaries:duplicate_scan": Post(None, lambda o: {}, _count(DuplicateScan)),
    "beneficiaries:household_create": Post(
        None, lambda o: {"name": "Famille Vasile"}, _count(Household)
    ),
    "beneficiaries:household_edit": Post(
        "household",
        lambda o: _as_posted(
            HouseholdForm(instance=o["household"], user=o["referent"]), name="Famille Pop"
        ),
        _stored("household"),
    ),
    "beneficiaries:site_create": Post(
        None,
        lambda o: _as_posted(
            SiteForm(), name="Terrain du Canal", kind="bidonville", commune=o["site"].commune_id
        ),
        _count(Site),
    ),
    "beneficiaries:site_edit": Post(
        "site",
        lambda o: _as_posted(SiteForm(instance=o["site"]), name="Terrain des Tilleuls"),
        _stored("site"),
    ),
    "accompaniment:followup_create": Post(
        "person",
        lambda o: {
            "date": TODAY,
            "place": "office",
            "participants": [o["person"].pk],
            "note": "Point sur la domiciliation.",
        },
        _count(FollowUp),
    ),
    "accompaniment:followup_edit": Post(
        "follow_up",
        lambda o: _as_posted(FollowUpEditForm(follow_up=o["follow_up"]), note="Corrigé."),
        _stored("follow_up"),
    ),
    "accompaniment:task_done": Post("task", lambda o: {}, _stored("task")),
    "accompaniment:appointment_create": Post(
        "person",
        lambda o: {
            "date": TOMORROW,
            "time": "10:30",
            "duration_minutes": "60",
            "place": "office",
            "worker": o["referent"].pk,
        },
        _count(Appointment),
    ),
    "accompaniment:appointment_edit": Post(
        "appointment",
        lambda o: _as_posted(
            AppointmentForm(user=o["referent"], appointment=o["appointment"]),
            place="office",
            contact="Mme Diallo, accueil",
        ),
        _stored("appointment"),
    ),
    # Replace: a new address for whoever posts (created if they had none).
    "accompaniment:calendar_feed_settings": Post(
        None,
        lambda o: {"action": "replace"},
        lambda o: sorted(CalendarFeed.objects.values_list("user_id", "token")),
    ),
    "accompaniment:goal_create": Post(
        "person",
        lambda o: {"title": "Logement", "pathway": "housing", "status": "not_started"},
        _count(Goal),
    ),
    "accompaniment:goal_edit": Post(
        "goal",
        lambda o: _as_posted(GoalForm(instance=o["goal"]), title="Emploi durable"),
        _stored("goal"),
    ),
    "accompaniment:step_create": Post(
        "goal", lambda o: {"title": "Lettre de motivation", "who": "La personne"}, _count(Step)
    ),
    "accompaniment:step_edit": Post(
        "step",
        lambda o: _as_posted(StepForm(instance=o["step"]), title="CV à jour"),
        _stored("step"),
    ),
    "accompaniment:transfer": Post(
        None,
        lambda o: {
            "portee": "personne",
            "id": o["person"].pk,
            "vers": o["colleague"].pk,
            "attendu": 1,
            "motif": "Départ de la référente",
            "le": TODAY,
        },
        _stored("person"),
    ),
    "accompaniment:covers": Post(
        None,
        lambda o: {
            "absent": o["colleague"].pk,
            "covering": o["coordinator"].pk,
            "starts_on": TODAY,
            "ends_on": TODAY,
        },
        _count(Cover),
    ),
    "accompaniment:cover_end": Post("cover", lambda o: {}, _stored("cover")),
    "accompaniment:notice_open": Post("notice", lambda o: {}, _stored("notice")),
    "accompaniment:notices_read": Post(None, lambda o: {}, _stored("notice")),
    "accompaniment:person_exit": Post(
        "person", lambda o: {"date": TODAY, "reason": "moved_away"}, _stored("person")
    ),
    "accompaniment:person_reenter": Post("exited", lambda o: {"date": TODAY}, _stored("exited")),
    "partners:consents": Post(
        "person",
        lambda o: {
            "organisation": o["partner_without_share"].organisation_id,
            "purpose": "Domiciliation",
            "sections": ["identity"],
            "given_on": TODAY,
        },
        _count(Consent),
    ),
    "partners:consent_withdraw": Post("consent", lambda o: {}, _stored("consent")),
    "partners:referral_create": Post(
        "person",
        lambda o: {
            "organisation": o["partner_without_share"].organisation_id,
            "pathway": "rights",
            "reason": "Domiciliation",
            # No consent for this partner: the form asks first, then sends on request.
            "action": "send",
        },
        _count(Referral),
    ),
    "partners:referral_accept": Post("referral", lambda o: {}, _stored("referral")),
    "partners:referral_decline": Post(
        "referral", lambda o: {"reason": "Hors de notre secteur."}, _stored("referral")
    ),
    "partners:referral_done": Post("referral", lambda o: {}, _stored("referral")),
    "partners:referral_reply": Post(
        "referral",
        lambda o: {"comment": "Rendez-vous pris, venir avec une pièce d'identité."},
        _stored("referral"),
    ),
    "partners:referral_cancel": Post("referral", lambda o: {}, _stored("referral")),
    "partners:person_documents": Post(
        "person", lambda o: {"file": _pdf(), "kind": "caf"}, _count(Document)
    ),
    "partners:household_documents": Post(
        "household", lambda o: {"file": _pdf(), "kind": "housing"}, _count(Document)
    ),
    "partners:document_delete": Post("document", lambda o: {}, _stored("document")),
    "team_invite": Post(
        None,
        lambda o: {
            "email": "nouvelle@test.mia",
            "first_name": "Ana",
            "last_name": "Pop",
            "role": "social_worker",
            "organisation": o["person"].organisation_id,
        },
        _count(User),
    ),
    "team_sessions_end": Post(
        None,
        lambda o: {"user": o["referent"].pk},
        lambda o: SecurityEvent.objects.filter(kind=SecurityEventKind.SESSIONS_ENDED).count(),
    ),
    # Rights.
    "accompaniment:procedure_create": Post(
        "person",
        lambda o: {"type": "css", "status": "filed", "filed_on": TODAY},
        _count(Procedure),
    ),
    "accompaniment:procedure_edit": Post(
        "procedure",
        lambda o: _as_posted(
            ProcedureForm(person=o["procedure"].person, procedure=o["procedure"]),
            status="pending",
        ),
        _stored("procedure"),
    ),
    "accompaniment:obstacle_create": Post(
        "person",
        lambda o: {
            "kind": "health_refused",
            "body": "CPAM",
            "occurred_on": TODAY,
            "follow_up": "none",
        },
        _count(Obstacle),
    ),
    "accompaniment:obstacle_edit": Post(
        "obstacle",
        lambda o: _as_posted(
            ObstacleForm(user=o["referent"], obstacle=o["obstacle"]), follow_up="appeal"
        ),
        _stored("obstacle"),
    ),
    # School.
    "accompaniment:schooling": Post(
        "person",
        lambda o: {"since": TODAY, "level": "lycee", "school": "Lycée Jean-Renoir"},
        _count(Schooling),
    ),
    "accompaniment:schooling_edit": Post(
        "schooling",
        lambda o: _as_posted(
            SchoolingForm(instance=o["schooling"], person=o["schooling"].person),
            school="Lycée Jean-Renoir",
        ),
        _stored("schooling"),
    ),
    # French.
    "accompaniment:course_create": Post(
        None,
        lambda o: {
            "provider": o["course"].provider_id,
            "kind": "fle",
            "name": "FLE débutants",
            "starts_on": TODAY,
            "ends_on": TOMORROW,
            "hours_per_class": "2",
            **SLOT,
        },
        _count(Course),
    ),
    "accompaniment:course_edit": Post(
        "course",
        lambda o: {
            "provider": o["course"].provider_id,
            "kind": "asl",
            "name": "ASL renommé",
            "starts_on": o["course"].starts_on.isoformat(),
            "ends_on": o["course"].ends_on.isoformat(),
            "hours_per_class": "2",
            **SLOT,
        },
        _stored("course"),
    ),
    "accompaniment:learner_add": Post(
        "course",
        lambda o: {"person": o["duplicate"].pk, "status": "enrolled", "enrolled_on": TODAY},
        _count(Learner),
    ),
    "accompaniment:learner_edit": Post(
        "learner",
        lambda o: {
            "status": "completed",
            "enrolled_on": o["learner"].enrolled_on.isoformat(),
            "left_on": TODAY,
        },
        _stored("learner"),
    ),
    "accompaniment:session_open": Post("course", lambda o: {"date": TODAY}, _count(ClassSession)),
    "accompaniment:attendance_sheet": Post(
        "session", lambda o: {"hours": "1.5"}, _stored("session")
    ),
    "accompaniment:attendance_tick": Post(
        "session",
        lambda o: {"personne": o["person"].pk, "present": "1"},
        _count(Attendance),
    ),
    "accompaniment:assessment_create": Post(
        "person",
        lambda o: {"assessed_on": TODAY, "skill": "oral", "level": "a1", "assessor": "Mme Diallo"},
        _count(Assessment),
    ),
    "accompaniment:assessment_edit": Post(
        "assessment",
        lambda o: {
            "assessed_on": o["assessment"].assessed_on.isoformat(),
            "skill": "overall",
            "level": "a2",
            "assessor": "Mme Diallo",
        },
        _stored("assessment"),
    ),
    "accompaniment:certification_create": Post(
        "person",
        lambda o: {"kind": "delf_a1", "taken_on": TODAY, "result": "passed"},
        _count(Certification),
    ),
    "accompaniment:certification_edit": Post(
        "certification",
        lambda o: {
            "kind": "dilf",
            "taken_on": o["certification"].taken_on.isoformat(),
            "result": "failed",
        },
        _stored("certification"),
    ),
    "beneficiaries:site_population_add": Post(
        "site",
        lambda o: {"observed_on": TODAY, "people": "30", "minors": "12"},
        _count(SitePopulation),
    ),
    "beneficiaries:site_conditions": Post(
        "site",
        lambda o: {
            "electricity": "none",
            "water_access": "public_point",
            "social_diagnostic": "planned",
        },
        _stored("site"),
    ),
    "beneficiaries:site_legal": Post(
        "site",
        lambda o: {
            "complaint_on": TODAY,
            "court_decision": "pending",
            "police_assistance": "requested",
        },
        _count(SiteLegalProcedure),
    ),
    # Employment.
    "employment:employer_create": Post(
        None, lambda o: {"name": "GEIQ Propreté", "kind": "geiq"}, _count(Employer)
    ),
    "employment:employer_edit": Post(
        "employer", lambda o: {"name": "Régie renommée", "kind": "association"}, _stored("employer")
    ),
    "employment:offer_create": Post(
        None,
        lambda o: {
            "employer": o["employer"].pk,
            "title": "Cariste",
            "contract_type": "cdd",
            "published_on": TODAY,
            "status": "open",
        },
        _count(JobOffer),
    ),
    "employment:offer_edit": Post(
        "offer",
        lambda o: {
            "employer": o["employer"].pk,
            "title": "Cariste",
            "contract_type": "cdd",
            "published_on": o["offer"].published_on.isoformat(),
            "status": "open",
            "version": 1,
        },
        _stored("offer"),
    ),
    "employment:candidacy_propose": Post(
        "open_offer", lambda o: {"personne": o["person"].pk}, _count(Candidacy)
    ),
    "employment:candidacy_status": Post(
        "candidacy",
        lambda o: {f"c{o['candidacy'].pk}-status": "interview", f"c{o['candidacy'].pk}-version": 1},
        _stored("candidacy"),
    ),
    "employment:contract_create": Post(
        "person",
        lambda o: {"employer": o["employer"].pk, "contract_type": "cdi", "starts_on": TODAY},
        _count(Contract),
    ),
    "employment:contract_edit": Post(
        "contract",
        lambda o: {
            "employer": o["employer"].pk,
            "contract_type": "cdd",
            "starts_on": o["contract"].starts_on.isoformat(),
            "ended_on": o["contract"].ended_on.isoformat(),
            "job_title": "Agent·e",
            "version": 1,
        },
        _stored("contract"),
    ),
    "employment:training_create": Post(
        "person",
        lambda o: {"title": "Habilitation électrique", "starts_on": TODAY, "outcome": "ongoing"},
        _count(Training),
    ),
    "employment:training_edit": Post(
        "training",
        lambda o: {
            "title": "CACES R489",
            "starts_on": o["training"].starts_on.isoformat(),
            "outcome": "dropped",
            "ends_on": TODAY,
        },
        _stored("training"),
    ),
    "employment:workshop_create": Post(
        "person",
        lambda o: {"kind": "interview", "held_on": TODAY, "attended": "on"},
        _count(Workshop),
    ),
    "employment:workshop_edit": Post(
        "workshop",
        lambda o: {"kind": "cv", "held_on": o["workshop"].held_on.isoformat()},
        _stored("workshop"),
    ),
    # Housing.
    "housing:evacuation_create": Post(
        "site",
        lambda o: {"basis": "court", "decided_on": TODAY, "diagnostic_status": "planned"},
        _count(Evacuation),
    ),
    "housing:evacuation_edit": Post(
        "evacuation",
        lambda o: {
            "basis": "order",
            "decided_on": o["evacuation"].decided_on.isoformat(),
            "diagnostic_status": "planned",
            "version": o["evacuation"].version,
        },
        _stored("evacuation"),
    ),
    "housing:wish_set": Post(
        "evacuation",
        lambda o: {"menage": o["household"].pk, "wish": "no"},
        _count(EvacuationHousehold),
    ),
    "housing:offer_create": Post(
        "evacuation",
        lambda o: {
            "menage": o["household"].pk,
            "type": "chu",
            "offered_on": TODAY,
            "answer": "pending",
        },
        _count(ShelterOffer),
    ),
    "housing:offer_answer": Post(
        "shelter_offer",
        lambda o: {"answer": "accepted", "version": o["shelter_offer"].version},
        _stored("shelter_offer"),
    ),
    "housing:placement_create": Post(
        "household", lambda o: {"type": "social_lease", "started_on": TODAY}, _count(Placement)
    ),
    "housing:placement_edit": Post(
        "placement",
        lambda o: {
            "type": "chrs",
            "started_on": o["placement"].started_on.isoformat(),
            "ended_on": o["placement"].ended_on.isoformat(),
            "version": 1,
        },
        _stored("placement"),
    ),
    "housing:siao_create": Post(
        "household", lambda o: {"filed_on": TODAY, "status": "filed"}, _count(SiaoRequest)
    ),
    "housing:siao_edit": Post(
        "siao_request",
        lambda o: {
            "filed_on": o["siao_request"].filed_on.isoformat(),
            "status": "oriented",
            "version": 1,
        },
        _stored("siao_request"),
    ),
    "housing:application_create": Post(
        "household",
        lambda o: {"number": "0932026001234", "filed_on": TODAY, "status": "active"},
        _count(SocialHousingApplication),
    ),
    "housing:application_edit": Post(
        "housing_application",
        lambda o: {
            "number": o["housing_application"].number,
            "filed_on": o["housing_application"].filed_on.isoformat(),
            "renewed_on": TODAY,
            "status": "active",
            "version": 1,
        },
        _stored("housing_application"),
    ),
    "housing:recourse_create": Post(
        "household",
        lambda o: {"kind": "daho", "filed_on": TODAY, "decision": "pending"},
        _count(HousingRecourse),
    ),
    "housing:recourse_edit": Post(
        "housing_recourse",
        lambda o: {
            "kind": "dalo",
            "filed_on": o["housing_recourse"].filed_on.isoformat(),
            "decision": "priority",
            "decided_on": TODAY,
            "version": 1,
        },
        _stored("housing_recourse"),
    ),
    # Local actions.
    "accompaniment:action_create": Post(None, _action_body, _count(Action)),
    "accompaniment:action_edit": Post(
        "action", lambda o: _action_body(o) | {"version": o["action"].version}, _stored("action")
    ),
    "accompaniment:action_people": Post(
        "action",
        lambda o: {"add_person": o["duplicate"].pk},
        lambda o: sorted(o["action"].people.values_list("pk", flat=True)),
    ),
    "accompaniment:funding_create": Post(
        "action",
        lambda o: {"year": datetime.date.today().year, "source": "state", "budget": "5000"},
        _count(ActionFunding),
    ),
    "accompaniment:funding_edit": Post(
        "funding",
        lambda o: {
            "year": datetime.date.today().year,
            "source": "resorption",
            "budget": "9000",
            "spent": "100",
        },
        _stored("funding"),
    ),
}


def test_every_route_is_either_a_write_of_the_table_or_read_only():
    assert WRITES.keys() == POSTS.keys()
    assert sorted(WRITES.keys() & READ_ONLY) == []
    assert sorted(ROUTES.keys() - WRITES.keys() - READ_ONLY) == []
    assert sorted((WRITES.keys() | READ_ONLY) - ROUTES.keys()) == []


@pytest.fixture
def world(files, referent, colleague, coordinator, partner_without_share):
    """`files`, plus a second file of the same person (to merge), a person who left the
    programme (to re-enter), and the accounts the forms name."""
    household = files["person"].household
    duplicate = beneficiaries_services.person_create(
        by=referent,
        person=PersonFactory.build(first_name="Stefan", last_name="Ionescu", household=household),
    )
    exited = beneficiaries_services.person_create(
        by=referent, person=PersonFactory.build(household=household)
    )
    beneficiaries_services.person_exit(
        person=exited, on=datetime.date(2025, 6, 1), reason="moved_away", by=referent
    )
    return files | {
        "duplicate": duplicate,
        "exited": exited,
        "referent": referent,
        "colleague": colleague,
        "coordinator": coordinator,
        "partner_without_share": partner_without_share,
    }


@pytest.mark.parametrize("route", sorted(WRITES))
def test_who_may_write_what(client, login_as, world, route, request):
    """Every persona in turn on one world, each POST in a savepoint rolled back after it: each
    finds the rows as the others did (the accounts are made before, outside the savepoints)."""
    for persona in PERSONAS[1:]:
        request.getfixturevalue(persona)
    post = POSTS[route]
    url = reverse(route, args=[world[post.target].pk] if post.target else [])
    for persona, expected in zip(PERSONAS, WRITES[route], strict=True):
        client.logout()
        with transaction.atomic():
            before = post.changed(world)
            response = login_as(persona).post(url, post.body(world))
            after = post.changed(world)
            transaction.set_rollback(True)

        if expected == OK:
            assert response.status_code == 302, persona
            assert not response["Location"].startswith(reverse("account_login")), persona
            assert after != before, f"{persona}: an allowed POST is saved"
        elif expected == LOGIN:
            assert response.status_code == 302, persona
            assert response["Location"].startswith(reverse("account_login")), persona
            assert after == before, persona
        else:
            assert response.status_code == expected, persona
            assert after == before, persona

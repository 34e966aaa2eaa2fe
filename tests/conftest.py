"""The cast of every permission test (STYLE.md): each persona is a real account in the database.

`referent` follows `person` (in `household`, on `site`); `colleague` works in the same team;
`coordinator` and `manager` belong to the same association; `partner` belongs to an organisation
that will receive a share, `partner_without_share` to one that will not; `outsider` is a social
worker of another association on the same instance."""

import dataclasses
import datetime
import importlib

import factory.random
import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pytest_django.plugin import blocking_manager_key

from accompaniment.models import (
    Action,
    ActionFunding,
    Appointment,
    CalendarFeed,
    Cover,
    FollowUp,
    Goal,
    Notice,
    Step,
    Task,
)
from beneficiaries import services
from housing.models import (
    Evacuation,
    HousingRecourse,
    Placement,
    ShelterOffer,
    SiaoRequest,
    SocialHousingApplication,
)
from mia import audit
from mia.models import OrganisationKind, Role
from partners import documents, referrals
from partners import services as partner_services
from tests.accompaniment.factories_pathways import (
    AssessmentFactory,
    CertificationFactory,
    ClassSessionFactory,
    CourseFactory,
    LearnerFactory,
    ObstacleFactory,
    ProcedureFactory,
    SchoolingFactory,
    default_type,
)
from tests.beneficiaries.factories import HouseholdFactory, PersonFactory, SiteFactory
from tests.browser import chromium_instance  # noqa: F401 (one Chromium for every module's journeys)
from tests.employment.factories import (
    CandidacyFactory,
    ContractFactory,
    EmployerFactory,
    OfferFactory,
    TrainingFactory,
    WorkshopFactory,
)
from tests.mia.factories import OrganisationFactory, UserFactory


def pytest_configure(config):
    # Tests create many accounts: a fast hasher keeps the suite quick. Nothing else changes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Generated names are the same on every run: a failure can be replayed.
    factory.random.reseed_random("mia-tests")


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgresql` need a database server (to drop its connections): run on
    PostgreSQL, as CI runs the suite; on SQLite they are deselected, and counted as such."""
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    deselected = [item for item in items if item.get_closest_marker("postgresql")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("postgresql")]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends with a flush of every table, which also empties the reference
    data that migrations load (communes, default procedure types). Load it again, once every
    fixture is torn down;
    after the last test the test database is gone already (and the settings name the real one)."""
    result = yield
    marker = item.get_closest_marker("django_db")
    # live_server asks for transactional_db by getfixturevalue: not among the names requested.
    transactional = (marker and marker.kwargs.get("transaction")) or any(
        name in item.fixturenames for name in ("transactional_db", "live_server")
    )
    if transactional and nextitem is not None:
        communes = importlib.import_module("beneficiaries.migrations.0003_communes")
        types = importlib.import_module("accompaniment.migrations.0006_default_procedure_types")
        # As the migration loads them: no audit entry (the next test would find 14 of them).
        with item.config.stash[blocking_manager_key].unblock(), audit.suspended():
            communes.load(apps, None)
            types.load(apps, None)
    return result


@pytest.fixture
def fresh_caches(db):
    """allauth counts failed sign-ins per address and IP and remembers used TOTP codes in the
    cache: tests of signing in start and end with none (`pytestmark = usefixtures(...)`). The
    cache is a table of the test database (mia.cache) that a transactional test's flush keeps."""
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def association(db):
    return OrganisationFactory(name="Association opératrice", kind=OrganisationKind.OPERATOR)


@pytest.fixture
def other_association(db):
    return OrganisationFactory(name="Autre association", kind=OrganisationKind.OPERATOR)


@pytest.fixture
def referent(association):
    return UserFactory(email="referent@test.mia", organisation=association)


@pytest.fixture
def colleague(association):
    return UserFactory(email="collegue@test.mia", organisation=association)


@pytest.fixture
def coordinator(association):
    return UserFactory(
        email="coordination@test.mia", organisation=association, role=Role.COORDINATOR
    )


@pytest.fixture
def manager(association):
    return UserFactory(email="direction@test.mia", organisation=association, role=Role.MANAGER)


@pytest.fixture
def administrator(association):
    return UserFactory(
        email="admin@test.mia", organisation=association, role=Role.ADMINISTRATOR, is_staff=True
    )


@pytest.fixture
def partner(db):
    organisation = OrganisationFactory(name="France Travail", kind=OrganisationKind.STATE_SERVICE)
    return UserFactory(email="partenaire@test.mia", organisation=organisation, role=Role.PARTNER)


@pytest.fixture
def partner_without_share(db):
    organisation = OrganisationFactory(name="CCAS", kind=OrganisationKind.LOCAL_AUTHORITY)
    return UserFactory(email="partenaire2@test.mia", organisation=organisation, role=Role.PARTNER)


@pytest.fixture
def outsider(other_association):
    return UserFactory(email="autre@test.mia", organisation=other_association)


@pytest.fixture
def site(association):
    return SiteFactory(organisation=association, name="Terrain des Acacias")


@pytest.fixture
def household(association, site, referent):
    return services.household_create(
        by=referent, household=HouseholdFactory.build(name="Famille Ionescu", site=site)
    )


@pytest.fixture
def person(association, household, referent):
    return services.person_create(
        by=referent,
        person=PersonFactory.build(
            first_name="Ștefan", last_name="Ionescu", household=household, relationship="head"
        ),
    )


@dataclasses.dataclass(frozen=True)
class FeedLink:
    """A calendar feed as the URL names it: by its secret token (`pk`, for the tests that
    build every URL from `files[kind].pk`)."""

    pk: str


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


@pytest.fixture
def files(settings, tmp_path, person, site, referent, colleague, partner):
    """`person`'s file, shared with `partner`'s organisation (identity, employment, documents,
    with a proof of consent) and holding one row of every kind a URL can point to: the objects
    of the access matrix, the fuzz test and the audit walk (tests/mia/test_audit_reads.py)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    today = timezone.localdate()
    consent = partner_services.consent_record(
        person=person,
        organisation=partner.organisation,
        purpose="Accompagnement vers l'emploi",
        sections=["identity", "employment", "documents"],
        given_on=datetime.date(2026, 1, 5),
        proof=_pdf("preuve.pdf"),
        by=referent,
    )
    follow_up = FollowUp.objects.create(
        organisation=person.organisation, person=person, author=referent, place="office"
    )
    follow_up.participants.set([person])
    goal = Goal.objects.create(
        organisation=person.organisation, person=person, pathway="employment", title="Emploi"
    )
    # A French course given by a third organisation (neither `partner`'s nor the association's),
    # running this month, that `person` attends.
    course = CourseFactory(
        organisation=person.organisation,
        provider=OrganisationFactory(name="Organisme de formation", kind=OrganisationKind.TRAINING),
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=30),
    )
    employer = EmployerFactory(
        organisation=person.organisation, name="Régie de quartier", partner=partner.organisation
    )
    offer = OfferFactory(employer=employer, published_on=today - datetime.timedelta(days=20))
    open_offer = OfferFactory(employer=employer, published_on=today - datetime.timedelta(days=20))
    evacuation = Evacuation.objects.create(
        organisation=person.organisation,
        site=site,
        basis="court",
        decided_on=today - datetime.timedelta(days=60),
    )
    action = Action.objects.create(
        organisation=person.organisation,
        name="Santé sur le terrain",
        starts_on=today - datetime.timedelta(days=30),
        place="sites",
        departement="93",
        topics=["health"],
    )
    action.sites.add(site)
    action.people.add(person)
    return {
        "person": person,
        "household": person.household,
        "site": site,
        "consent": consent,
        # Employment: the contract ended, so that `person` is not in work and is suggested.
        "employer": employer,
        "offer": offer,
        "open_offer": open_offer,
        "candidacy": CandidacyFactory(
            offer=offer, person=person, proposed_on=today - datetime.timedelta(days=10)
        ),
        "contract": ContractFactory(
            person=person,
            employer=employer,
            starts_on=today - datetime.timedelta(days=60),
            ended_on=today - datetime.timedelta(days=30),
        ),
        "training": TrainingFactory(person=person, starts_on=today - datetime.timedelta(days=30)),
        "workshop": WorkshopFactory(person=person, held_on=today - datetime.timedelta(days=3)),
        # Housing.
        "evacuation": evacuation,
        "shelter_offer": ShelterOffer.objects.create(
            organisation=person.organisation,
            evacuation=evacuation,
            household=person.household,
            type="hotel_115",
            offered_on=today - datetime.timedelta(days=50),
        ),
        "placement": Placement.objects.create(
            organisation=person.organisation,
            household=person.household,
            type="chu",
            started_on=today - datetime.timedelta(days=50),
            ended_on=today - datetime.timedelta(days=20),
        ),
        "siao_request": SiaoRequest.objects.create(
            organisation=person.organisation,
            household=person.household,
            reference="SIAO-93-00001",
            filed_on=today - datetime.timedelta(days=40),
        ),
        "housing_application": SocialHousingApplication.objects.create(
            organisation=person.organisation,
            household=person.household,
            applicant=person,
            number="0932026000001",
            filed_on=today - datetime.timedelta(days=40),
        ),
        "housing_recourse": HousingRecourse.objects.create(
            organisation=person.organisation,
            household=person.household,
            kind="dalo",
            filed_on=today - datetime.timedelta(days=30),
        ),
        # A local action about `person`, on `site`.
        "action": action,
        "funding": ActionFunding.objects.create(
            action=action, year=today.year, source="resorption", budget=10000, spent=2500
        ),
        "follow_up": follow_up,
        "task": Task.objects.create(
            organisation=person.organisation,
            person=person,
            title="Appeler",
            due_on=today,
            assigned_to=referent,
        ),
        "goal": goal,
        "step": Step.objects.create(goal=goal, title="CV", due_on=today),
        "referral": referrals.referral_create(
            person=person,
            organisation=partner.organisation,
            pathway="employment",
            reason="Inscription",
            by=referent,
            base_url="http://testserver/",
        ),
        "document": documents.document_add(
            upload=_pdf("papier.pdf"), kind="other", by=referent, person=person
        ),
        "appointment": Appointment.objects.create(
            organisation=person.organisation,
            person=person,
            worker=referent,
            date=today + datetime.timedelta(days=1),
            time=datetime.time(10, 0),
            place="partner",
            address="1 rue de la Mairie, 93200 Saint-Denis",
            contact="Accueil du CCAS",
            to_bring=["identity", "domiciliation"],
            created_by=referent,
        ),
        "notice": Notice.objects.create(user=referent, kind="transfer", person=person),
        # `referent`'s calendar feed: its URL holds the token, not an id (FeedLink).
        "calendar_feed": FeedLink(
            CalendarFeed.objects.create(user=referent, token="jeton-de-test-" + "x" * 32).token
        ),
        "procedure": ProcedureFactory(person=person, type=default_type("ame")),
        "obstacle": ObstacleFactory(person=person),
        "schooling": SchoolingFactory(person=person),
        "course": course,
        "learner": LearnerFactory(course=course, person=person, enrolled_on=course.starts_on),
        "session": ClassSessionFactory(course=course, date=today - datetime.timedelta(days=1)),
        "assessment": AssessmentFactory(person=person),
        "certification": CertificationFactory(person=person),
        # `referent` away this week, `colleague` sees their week (accompaniment.covers).
        "cover": Cover.objects.create(
            organisation=person.organisation,
            absent=referent,
            covering=colleague,
            starts_on=today,
            ends_on=today + datetime.timedelta(days=7),
        ),
    }


PERSONAS = [
    "anonymous",
    "referent",
    "colleague",
    "coordinator",
    "manager",
    "administrator",
    "partner",
    "partner_without_share",
    "outsider",
]


@pytest.fixture
def login_as(client, request):
    """login_as("coordinator") -> the test client signed in as that persona (or anonymous)."""

    def _login(persona: str):
        if persona != "anonymous":
            client.force_login(request.getfixturevalue(persona))
        return client

    return _login

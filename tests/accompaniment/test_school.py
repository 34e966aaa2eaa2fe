"""School, for every child (issue 10): a child's schooling page (in force now, history, the
form to record it as it is now), the correction of a row, what the form refuses, who may see
and record it (per persona, GET and POST), the query budget, the audit trail, and the reads
other parts reuse (schoolings_in_force, current_schooling)."""

import datetime
from html import unescape
from urllib.parse import urlencode

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accompaniment import services_school as services
from accompaniment.models import ObstacleKind, ProcedureStatus, Schooling, SchoolLevel
from beneficiaries import services as beneficiaries_services
from beneficiaries.models import Commune
from mia import audit
from mia.models import AuditEntry
from partners import services as partner_services
from partners.models import Section
from tests.accompaniment.factories_pathways import (
    ObstacleFactory,
    ProcedureFactory,
    SchoolingFactory,
    default_type,
)
from tests.beneficiaries.factories import PersonFactory
from tests.conftest import PERSONAS

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def _years_ago(years: int) -> datetime.date:
    # 1 March: the same day every year (29 February is not).
    return datetime.date(TODAY.year - years, 3, 1)


@pytest.fixture
def montreuil(db):
    return Commune.objects.get(insee="93048")


@pytest.fixture
def child(household, referent):
    """A girl of the household, about 8: `referent` follows her as they follow her father."""
    return beneficiaries_services.person_create(
        by=referent,
        person=PersonFactory.build(
            first_name="Ana",
            last_name="Ionescu",
            household=household,
            relationship="child",
            birth_date=_years_ago(8),
            sex="F",
        ),
    )


def _html(response) -> str:
    """The page's text, its entities read (an apostrophe is &#x27; in the markup)."""
    return unescape(response.content.decode())


def _url(person) -> str:
    return reverse("accompaniment:schooling", args=[person.pk])


def _edit_url(row) -> str:
    return reverse("accompaniment:schooling_edit", args=[row.pk])


def _form(**changes) -> dict:
    """What the page's form sends for a child at the élémentaire, with `changes`."""
    data = {
        "since": TODAY.isoformat(),
        "level": SchoolLevel.ELEMENTAIRE,
        "school": "École élémentaire Jean-Jaurès",
        "commune": "93048",
        "enrolled_on": (TODAY - 10 * DAY).isoformat(),
        "mediation": "on",
        "mediation_since": (TODAY - 30 * DAY).isoformat(),
        "attendance_concern": "",
    }
    data |= changes
    return {name: value for name, value in data.items() if value not in (None, "")}


# --- The page ----------------------------------------------------------------------------------


def test_a_child_without_schooling_yet(login_as, child):
    response = login_as("referent").get(_url(child))

    assert response.status_code == 200
    html = _html(response)
    assert "Scolarité non renseignée." in html
    assert "Rien n'est encore enregistré." in html
    assert response.context["current"] is None
    assert not response.context["of_age"]
    assert "8 ans" in html
    # The form starts from today.
    assert response.context["form"]["since"].value() == TODAY


def test_the_referent_records_a_child_s_schooling(login_as, child, referent, montreuil):
    client = login_as("referent")

    response = client.post(_url(child), _form())

    assert response.status_code == 302
    assert response["Location"] == _url(child)
    row = Schooling.objects.get()
    assert (row.person, row.organisation_id, row.recorded_by) == (
        child,
        child.organisation_id,
        referent,
    )
    assert (row.since, row.level, row.school, row.commune) == (
        TODAY,
        SchoolLevel.ELEMENTAIRE,
        "École élémentaire Jean-Jaurès",
        montreuil,
    )
    assert (row.enrolled_on, row.mediation, row.mediation_since, row.attendance_concern) == (
        TODAY - 10 * DAY,
        True,
        TODAY - 30 * DAY,
        False,
    )
    html = _html(client.get(_url(child)))
    assert "La scolarité est enregistrée." in html
    assert "École élémentaire Jean-Jaurès" in html and "Montreuil" in html
    assert f"oui, depuis le {(TODAY - 30 * DAY):%d/%m/%Y}" in html


def test_a_second_record_keeps_the_first_in_the_history(login_as, child, referent):
    first = SchoolingFactory(
        person=child,
        since=TODAY - 200 * DAY,
        level=SchoolLevel.MATERNELLE,
        school="École maternelle Paul-Éluard",
        enrolled_on=TODAY - 210 * DAY,
    )
    client = login_as("colleague")
    page = client.get(_url(child))
    # The form starts from the schooling in force: the worker changes what changed.
    assert page.context["form"]["school"].value() == "École maternelle Paul-Éluard"
    assert page.context["form"]["level"].value() == SchoolLevel.MATERNELLE

    response = client.post(_url(child), _form(mediation="", mediation_since=""))

    assert response.status_code == 302
    assert Schooling.objects.count() == 2
    first.refresh_from_db()
    assert (first.level, first.school, first.since) == (
        SchoolLevel.MATERNELLE,
        "École maternelle Paul-Éluard",
        TODAY - 200 * DAY,
    )
    page = client.get(_url(child))
    assert page.context["current"].level == SchoolLevel.ELEMENTAIRE
    assert [row.level for row in page.context["history"]] == [
        SchoolLevel.ELEMENTAIRE,
        SchoolLevel.MATERNELLE,
    ]
    html = _html(page)
    assert "Historique (2 lignes)" in html
    assert "École maternelle Paul-Éluard" in html
    assert _edit_url(first) in html


def test_the_same_schooling_again_is_not_a_second_row(login_as, child):
    """A double tap on a phone: the form, as shown, posted twice."""
    client = login_as("referent")
    assert client.post(_url(child), _form()).status_code == 302

    response = client.post(_url(child), _form())

    assert response.status_code == 200
    assert "C'est déjà la scolarité en cours" in _html(response)
    assert Schooling.objects.count() == 1


def test_a_person_of_age_is_said_so_and_still_recorded(login_as, household, referent):
    young = beneficiaries_services.person_create(
        by=referent,
        person=PersonFactory.build(household=household, birth_date=_years_ago(19)),
    )
    client = login_as("referent")

    html = _html(client.get(_url(young)))

    assert "Cette personne a 19 ans : elle est majeure." in html
    response = client.post(_url(young), _form(level=SchoolLevel.OTHER, school="E2C de Bobigny"))
    assert response.status_code == 302
    assert Schooling.objects.get().person == young


def test_the_enrolment_procedure_and_the_refusals_show_on_the_page(login_as, child, referent):
    procedure = ProcedureFactory(
        person=child,
        type=default_type("scolarite"),
        status=ProcedureStatus.PENDING,
        filed_on=TODAY - 20 * DAY,
    )
    # Another procedure of the child is not the school's.
    ProcedureFactory(person=child, type=default_type("ame"), filed_on=TODAY - 5 * DAY)
    ObstacleFactory(
        person=child,
        kind=ObstacleKind.SCHOOL_REFUSED,
        body="Mairie de Montreuil",
        occurred_on=TODAY - 15 * DAY,
        details="Refus oral au guichet, sans écrit.",
    )
    ObstacleFactory(person=child, kind=ObstacleKind.BANK_REFUSED, body="Banque du coin")
    client = login_as("referent")

    response = client.get(_url(child))

    html = _html(response)
    assert [p for p, _url in response.context["procedures"]] == [procedure]
    assert "Inscription scolaire" in html and "En attente de réponse" in html
    assert "Aide médicale" not in html
    assert "Mairie de Montreuil" in html and "Banque du coin" not in html
    # The refusal's free text stays on the refusal's own page.
    assert "Refus oral" not in html
    # The form offers to link the row to the procedure, chosen by default.
    assert response.context["form"]["procedure"].value() == procedure.pk

    client.post(_url(child), _form(procedure=procedure.pk))
    assert Schooling.objects.get().procedure == procedure


def test_the_page_links_to_the_enrolment_procedure_and_the_refusal(login_as, child):
    response = login_as("referent").get(_url(child))

    html = _html(response)
    assert "Suivre l'inscription (démarche)" in html
    assert "Enregistrer un refus d'inscription" in html
    create = reverse("accompaniment:procedure_create", args=[child.pk])
    refusal = reverse("accompaniment:obstacle_create", args=[child.pk])
    back = urlencode({"next": _url(child)})
    assert f'href="{create}?type=scolarite&{back}"' in html
    assert f'href="{refusal}?kind=school_refused&{back}"' in html


def test_the_procedure_and_the_refusal_recorded_from_the_page_return_to_it(login_as, child):
    client = login_as("referent")
    back = urlencode({"next": _url(child)})
    create = reverse("accompaniment:procedure_create", args=[child.pk]) + f"?type=scolarite&{back}"
    assert f'href="{_url(child)}"' in _html(client.get(create))

    response = client.post(create, {"type": "scolarite", "status": "filed"})

    assert response.status_code == 302 and response["Location"] == _url(child)
    procedure = child.procedures.get()
    html = _html(client.get(_url(child)))
    edit = reverse("accompaniment:procedure_edit", args=[procedure.pk])
    assert f'href="{edit}?{back}"' in html

    refusal = reverse("accompaniment:obstacle_create", args=[child.pk])
    response = client.post(
        f"{refusal}?kind=school_refused&demarche={procedure.pk}&{back}",
        {
            "kind": "school_refused",
            "body": "Mairie",
            "occurred_on": "2026-09-01",
            "follow_up": "none",
        },
    )

    assert response.status_code == 302 and response["Location"] == _url(child)
    assert child.obstacles.get().procedure == procedure
    # Somewhere else than one of our pages is not followed: back to the rights page.
    response = client.post(
        f"{refusal}?kind=school_refused&next=https://example.org/",
        {
            "kind": "school_refused",
            "body": "Mairie",
            "occurred_on": "2026-09-02",
            "follow_up": "none",
        },
    )
    assert response["Location"].startswith(reverse("accompaniment:rights", args=[child.pk]))


@pytest.mark.parametrize("persona", ["manager", "administrator"])
def test_managers_read_the_schooling_and_get_no_form(login_as, child, persona):
    SchoolingFactory(person=child, since=TODAY - 5 * DAY)

    response = login_as(persona).get(_url(child))

    assert response.status_code == 200
    assert response.context["form"] is None
    html = _html(response)
    assert "École élémentaire Jean-Jaurès" in html
    assert 'name="level"' not in html
    assert "Corriger" not in html
    assert "Suivre l'inscription" not in html


# --- Correcting a row --------------------------------------------------------------------------


def test_a_row_recorded_wrong_is_corrected_in_place(login_as, child):
    row = SchoolingFactory(person=child, since=TODAY - 40 * DAY, school="Ecole Jean Jaures")
    other = SchoolingFactory(person=child, since=TODAY - 400 * DAY, level=SchoolLevel.MATERNELLE)
    client = login_as("colleague")
    page = client.get(_edit_url(row))
    assert page.status_code == 200
    assert page.context["form"]["school"].value() == "Ecole Jean Jaures"

    response = client.post(
        _edit_url(row),
        _form(
            since=(TODAY - 40 * DAY).isoformat(),
            school="École élémentaire Jean-Jaurès",
            enrolled_on=(TODAY - 41 * DAY).isoformat(),
            mediation="",
            mediation_since="",
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == _url(child)
    row.refresh_from_db()
    assert row.school == "École élémentaire Jean-Jaurès"
    assert row.commune_id == "93048"
    assert Schooling.objects.count() == 2
    other.refresh_from_db()
    assert other.level == SchoolLevel.MATERNELLE
    # The audit trail keeps what the row said (the school's name is redacted there).
    change = AuditEntry.objects.filter(model="schooling", action="update").get()
    assert change.person_id == child.pk


# --- Bad input ---------------------------------------------------------------------------------


BAD = [
    pytest.param(
        {"since": (TODAY + DAY).isoformat()},
        "since",
        "La date ne peut pas être dans le futur.",
        id="since-in-the-future",
    ),
    pytest.param({"since": ""}, "since", "Indiquez depuis quand.", id="since-missing"),
    pytest.param(
        {"since": _years_ago(9).isoformat()},
        "since",
        "La date précède la naissance de l'enfant.",
        id="since-before-birth",
    ),
    pytest.param(
        {"enrolled_on": (TODAY + DAY).isoformat()},
        "enrolled_on",
        "L'inscription ne peut pas être datée d'un jour à venir.",
        id="enrolled-in-the-future",
    ),
    pytest.param(
        {"level": SchoolLevel.NONE},
        "enrolled_on",
        "Un enfant non scolarisé n'a pas de date d'inscription",
        id="enrolled-but-not-in-school",
    ),
    pytest.param(
        {"mediation": ""},
        "mediation_since",
        "Une date de médiation va avec l'accompagnement par la médiation scolaire",
        id="mediation-date-without-mediation",
    ),
    pytest.param(
        {"mediation_since": (TODAY + DAY).isoformat()},
        "mediation_since",
        "La date ne peut pas être dans le futur.",
        id="mediation-in-the-future",
    ),
    pytest.param({"level": ""}, "level", "Choisissez le niveau.", id="level-missing"),
    pytest.param({"level": "lycee-agricole"}, "level", "Sélectionnez un choix valide", id="level"),
    pytest.param({"commune": "99999"}, "commune", "Sélectionnez un choix valide", id="commune"),
    pytest.param({"school": "é" * 151}, "school", "au plus 150 caractères", id="school-long"),
    pytest.param({"since": "2026-02-30"}, "since", "Saisissez une date valide", id="no-date"),
]


@pytest.mark.parametrize(("changes", "field", "message"), BAD)
def test_bad_input_is_said_on_its_field_and_saves_nothing(login_as, child, changes, field, message):
    response = login_as("referent").post(_url(child), _form(**changes))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in errors[field][0]
    assert message in _html(response)
    assert Schooling.objects.count() == 0


@pytest.mark.parametrize(("changes", "field", "message"), BAD)
def test_a_correction_obeys_the_same_rules(login_as, child, changes, field, message):
    row = SchoolingFactory(person=child, since=TODAY - 40 * DAY)
    before = Schooling.objects.filter(pk=row.pk).values().get()

    response = login_as("referent").post(_edit_url(row), _form(**changes))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert Schooling.objects.filter(pk=row.pk).values().get() == before


def test_a_procedure_of_another_child_is_not_offered(login_as, child, person):
    ProcedureFactory(person=child, type=default_type("scolarite"))
    theirs = ProcedureFactory(person=person, type=default_type("scolarite"))

    response = login_as("referent").post(_url(child), _form(procedure=theirs.pk))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["procedure"]
    assert Schooling.objects.count() == 0


def test_without_an_enrolment_procedure_the_form_offers_none(login_as, child, person):
    theirs = ProcedureFactory(person=person, type=default_type("scolarite"))
    client = login_as("referent")
    assert "procedure" not in client.get(_url(child)).context["form"].fields

    client.post(_url(child), _form(procedure=theirs.pk))

    assert Schooling.objects.get().procedure is None


def test_the_service_refuses_what_the_form_refuses(child, referent, outsider):
    """Imports and the demo call the service without the form: the same rules, in French."""
    good = {"since": TODAY, "level": SchoolLevel.COLLEGE}
    cases = [
        ({"since": TODAY + DAY}, "since"),
        ({"level": "inconnu"}, "level"),
        ({"level": SchoolLevel.NONE, "enrolled_on": TODAY}, "enrolled_on"),
        ({"mediation_since": TODAY}, "mediation_since"),
        ({"school": "x" * 151}, "school"),
    ]
    for changes, field in cases:
        with pytest.raises(ValidationError) as refused:
            services.schooling_record(person=child, by=referent, **(good | changes))
        assert list(refused.value.message_dict) == [field]
    with pytest.raises(ValidationError):
        services.schooling_record(person=child, by=outsider, **good)
    with pytest.raises(TypeError):
        services.schooling_record(person=child, by=referent, organisation=None, **good)
    assert Schooling.objects.count() == 0
    row = services.schooling_record(person=child, by=referent, **good)
    with pytest.raises(ValidationError):
        services.schooling_update(schooling=row, by=referent, mediation_since=TODAY)
    row.refresh_from_db()
    assert row.mediation_since is None


HOSTILE = [
    {"commune": "\x00"},
    {"commune": "9" * 5000},
    {"commune": ["93048", "93066"]},
    {"level": "<script>alert(1)</script>"},
    {"procedure": str(2**63)},
    {"procedure": "1e309"},
    {"since": "0000-00-00"},
    {"since": "9999-12-31"},
    {"enrolled_on": "٢٠٢٦-٠١-٠١"},
    {"school": "a\x00b"},
    {"organisation": "1", "person": "2", "recorded_by": "3"},
]


@pytest.mark.parametrize("changes", HOSTILE)
def test_tampered_posts_are_refused_or_ignored_never_a_500(login_as, child, referent, changes):
    ProcedureFactory(person=child, type=default_type("scolarite"))
    client = login_as("referent")

    response = client.post(_url(child), _form(**changes))

    # A NUL byte anywhere is refused before any view (mia.middleware): 400.
    assert response.status_code in (200, 302, 400)
    for row in Schooling.objects.all():
        # Extra names reach nothing the form does not offer.
        assert (row.person, row.organisation_id, row.recorded_by) == (
            child,
            child.organisation_id,
            referent,
        )


# --- Who may -----------------------------------------------------------------------------------

LOGIN = "login"
OK = "saved"
#            anon   ref  coll coord  mgr  adm  partner w/o outsider
PAGE_GET = (302, 200, 200, 200, 200, 200, 404, 404, 404)
PAGE_POST = (LOGIN, OK, OK, OK, 403, 403, 404, 404, 404)
EDIT_GET = (302, 200, 200, 200, 404, 404, 404, 404, 404)
EDIT_POST = (LOGIN, OK, OK, OK, 404, 404, 404, 404, 404)


def _cases(cells):
    return [
        pytest.param(persona, expected, id=persona)
        for persona, expected in zip(PERSONAS, cells, strict=True)
    ]


@pytest.fixture
def shared(files):
    """`files`: the father's file, shared with `partner`'s organisation (identity,
    employment, documents), with a row of schooling (a young adult's insertion scheme)."""
    row = SchoolingFactory(person=files["person"], since=TODAY - 30 * DAY, level="other")
    return files | {"schooling": row}


def _check_refused(response, expected, shared) -> None:
    if expected == 302:
        assert response["Location"].startswith(reverse("account_login"))
    if expected != 200:
        assert shared["person"].last_name not in _html(response)


@pytest.mark.parametrize(("persona", "expected"), _cases(PAGE_GET))
def test_who_opens_the_schooling_page(login_as, shared, persona, expected):
    response = login_as(persona).get(_url(shared["person"]))

    assert response.status_code == expected
    _check_refused(response, expected, shared)


@pytest.mark.parametrize(("persona", "expected"), _cases(EDIT_GET))
def test_who_opens_the_correction_of_a_row(login_as, shared, persona, expected):
    response = login_as(persona).get(_edit_url(shared["schooling"]))

    assert response.status_code == expected
    _check_refused(response, expected, shared)


def _posted(response, expected, before: int, after: int) -> None:
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert after == before
    elif expected == OK:
        assert response.status_code == 302
        assert not response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected
        assert after == before


@pytest.mark.parametrize(("persona", "expected"), _cases(PAGE_POST))
def test_who_records_a_schooling(login_as, shared, persona, expected):
    before = Schooling.objects.count()

    response = login_as(persona).post(
        _url(shared["person"]), _form(level=SchoolLevel.LYCEE, mediation="", mediation_since="")
    )

    after = Schooling.objects.count()
    _posted(response, expected, before, after)
    if expected == OK:
        assert after == before + 1


@pytest.mark.parametrize(("persona", "expected"), _cases(EDIT_POST))
def test_who_corrects_a_row(login_as, shared, persona, expected):
    row = shared["schooling"]
    before = Schooling.objects.filter(pk=row.pk).values_list("school", flat=True).get()

    response = login_as(persona).post(
        _edit_url(row),
        _form(
            since=row.since.isoformat(),
            school="Lycée Jean-Renoir",
            mediation="",
            mediation_since="",
        ),
    )

    after = Schooling.objects.filter(pk=row.pk).values_list("school", flat=True).get()
    _posted(response, expected, before, after)
    if expected == OK:
        assert after == "Lycée Jean-Renoir"


def test_a_partner_given_every_section_still_reads_no_schooling(
    login_as, shared, referent, partner
):
    """Schooling is part of no shared section: even a consent to share all of them opens
    neither page (the rights section shows procedures, not a child's school)."""
    partner_services.consent_record(
        person=shared["person"],
        organisation=partner.organisation,
        purpose="Tout",
        sections=list(Section.values),
        given_on=TODAY,
        by=referent,
    )
    client = login_as("partner")
    assert (
        client.get(reverse("beneficiaries:person_detail", args=[shared["person"].pk])).status_code
        == 200
    )

    assert client.get(_url(shared["person"])).status_code == 404
    assert client.get(_edit_url(shared["schooling"])).status_code == 404
    assert client.post(_url(shared["person"]), _form()).status_code == 404


def test_another_association_s_row_is_not_found(login_as, shared, outsider):
    theirs = beneficiaries_services.person_create(by=outsider, person=PersonFactory.build())
    row = SchoolingFactory(person=theirs)
    client = login_as("referent")

    assert client.get(_url(theirs)).status_code == 404
    assert client.get(_edit_url(row)).status_code == 404
    assert client.post(_edit_url(row), _form(since=row.since.isoformat())).status_code == 404


# --- Audit -------------------------------------------------------------------------------------


def test_reads_and_changes_are_audited(login_as, child, referent):
    client = login_as("referent")
    AuditEntry.objects.all().delete()

    client.get(_url(child))
    read = AuditEntry.objects.get()
    assert (read.action, read.section, read.person_id) == ("view", "schooling", child.pk)

    client.post(_url(child), _form())
    row = Schooling.objects.get()
    created = AuditEntry.objects.get(action="create")
    assert (created.model, created.object_id, created.person_id) == (
        "schooling",
        str(row.pk),
        child.pk,
    )
    client.get(_edit_url(row))
    assert audit.entries_about(person_id=child.pk).filter(section="schooling").count() == 2
    # Ids only in URLs: never a name.
    assert all("Ionescu" not in entry.path for entry in AuditEntry.objects.all())


# --- Query budgets -----------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 20])
def test_schooling_page_budget(login_as, child, size, django_assert_num_queries):
    for index in range(size):
        procedure = ProcedureFactory(person=child, type=default_type("scolarite"))
        SchoolingFactory(person=child, since=TODAY - (index + 1) * 30 * DAY, procedure=procedure)
        ObstacleFactory(person=child, kind=ObstacleKind.SCHOOL_REFUSED, occurred_on=TODAY)
    client = login_as("referent")
    # 1 session, 1 user; the person; the history (with commune, who recorded it, procedure
    # and type); the enrolment procedures (with type); the refusals; the communes of the
    # form's list; the audit entry.
    with django_assert_num_queries(8):
        response = client.get(_url(child))
    assert len(response.context["history"]) == size


@pytest.mark.parametrize("size", [1, 20])
def test_correction_page_budget(login_as, child, size, django_assert_num_queries):
    for _index in range(size):
        ProcedureFactory(person=child, type=default_type("scolarite"))
    row = SchoolingFactory(person=child, since=TODAY - 30 * DAY)
    client = login_as("referent")
    # 1 session, 1 user; the row (person, commune); the enrolment procedures (with type);
    # the communes of the form's list; the audit entry.
    with django_assert_num_queries(6):
        client.get(_edit_url(row))


# --- Reads for other parts ---------------------------------------------------------------------


def test_schoolings_in_force_on_a_date(child, household, referent):
    brother = beneficiaries_services.person_create(
        by=referent, person=PersonFactory.build(household=household, birth_date=_years_ago(13))
    )
    sister = beneficiaries_services.person_create(
        by=referent, person=PersonFactory.build(household=household, birth_date=_years_ago(2))
    )
    september, january = datetime.date(2025, 9, 1), datetime.date(2026, 1, 5)
    maternelle = SchoolingFactory(
        person=child, since=datetime.date(2024, 9, 2), level=SchoolLevel.MATERNELLE
    )
    elementaire = SchoolingFactory(person=child, since=september, level=SchoolLevel.ELEMENTAIRE)
    none = SchoolingFactory(
        person=brother, since=september, level=SchoolLevel.NONE, enrolled_on=None
    )
    # Recorded the same day, later: the last recorded is in force.
    college = SchoolingFactory(person=brother, since=september, level=SchoolLevel.COLLEGE)
    SchoolingFactory(person=sister, since=datetime.date(2026, 2, 1), level=SchoolLevel.EARLY)

    assert set(services.schoolings_in_force(datetime.date(2025, 6, 30))) == {maternelle}
    assert set(services.schoolings_in_force(january)) == {elementaire, college}
    assert set(services.schoolings_in_force(september).filter(level=SchoolLevel.COLLEGE)) == {
        college
    }
    assert none not in services.schoolings_in_force(TODAY)
    assert len(services.schoolings_in_force(datetime.date(2026, 2, 1))) == 3

    assert services.current_schooling([child.pk, brother.pk, sister.pk], on=january) == {
        child.pk: elementaire,
        brother.pk: college,
    }


def test_current_schooling_is_one_query(child, household, referent, django_assert_num_queries):
    for _index in range(5):
        other = beneficiaries_services.person_create(
            by=referent, person=PersonFactory.build(household=household, birth_year=2015)
        )
        SchoolingFactory(person=other, since=TODAY - 100 * DAY)
        SchoolingFactory(person=other, since=TODAY - 10 * DAY, level=SchoolLevel.COLLEGE)
    people = household.members.all()
    with django_assert_num_queries(1):
        found = services.current_schooling(people, on=TODAY)
        levels = {row.level for row in found.values()}
        communes = [row.commune for row in found.values()]
    assert levels == {SchoolLevel.COLLEGE} and len(found) == 5
    assert communes == [None] * 5

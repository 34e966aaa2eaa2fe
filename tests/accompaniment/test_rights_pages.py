"""The rights pages as their users read them: the grid and the procedures of a person (the
team, managers, a partner the rights were shared with), the forms of a procedure and of a
refusal with their bad input, the rights list and its filters, the timeline and the summary
at the top of the file, and the query budgets of the two lists."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accompaniment import services_rights as services
from accompaniment.models import Obstacle, Procedure, ProcedureStatus, Task
from beneficiaries import services as beneficiaries_services
from mia import audit
from mia.models import AuditEntry
from partners import services as partner_services
from partners.models import Consent
from tests.accompaniment.factories_pathways import ObstacleFactory, ProcedureFactory, default_type
from tests.beneficiaries.factories import PersonFactory

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
HTMX = {"HX-Request": "true"}


def rights_url(person) -> str:
    return reverse("accompaniment:rights", args=[person.pk])


def obtained(person, code="ame", *, until, **fields) -> Procedure:
    start = until - 364 * DAY
    return ProcedureFactory(
        person=person,
        type=default_type(code),
        status=ProcedureStatus.OBTAINED,
        filed_on=start - 30 * DAY,
        decided_on=start,
        valid_from=start,
        valid_until=until,
        **fields,
    )


def follow(by, household, **fields):
    return beneficiaries_services.person_create(
        by=by, person=PersonFactory.build(household=household, **fields)
    )


def share(person, partner, referent, sections, **fields) -> Consent:
    return partner_services.consent_record(
        person=person,
        organisation=partner.organisation,
        purpose="Accès aux droits",
        sections=sections,
        given_on=fields.pop("given_on", TODAY - 30 * DAY),
        by=referent,
        **fields,
    )


@pytest.fixture
def file(person, referent):
    """AME obtained, ending in 20 days; domiciliation refused with its refusal recorded (and
    the team's free text about it); a next step on the CAF procedure."""
    ame = obtained(person, until=TODAY + 20 * DAY, handler_name="CPAM de Bobigny")
    domiciliation = ProcedureFactory(
        person=person,
        type=default_type("domiciliation"),
        status=ProcedureStatus.REFUSED,
        filed_on=TODAY - 60 * DAY,
        decided_on=TODAY - 10 * DAY,
    )
    caf = services.procedure_create(
        person=person,
        type=default_type("caf"),
        by=referent,
        status=ProcedureStatus.FILED,
        filed_on=TODAY - 5 * DAY,
        next_step="Apporter le RIB à la CAF",
        next_step_due=TODAY + 3 * DAY,
    )
    obstacle = ObstacleFactory(
        person=person,
        procedure=domiciliation,
        body="CCAS de Bondy",
        occurred_on=TODAY - 10 * DAY,
        details="Refus au guichet, sans écrit.",
    )
    return {"ame": ame, "domiciliation": domiciliation, "caf": caf, "obstacle": obstacle}


# --- The rights page -----------------------------------------------------------------------------


def test_the_grid_says_where_each_right_stands(login_as, person, file):
    response = login_as("referent").get(rights_url(person))

    rows = {row.code: row for row in response.context["grid"]}
    assert rows["ame"].state == "expiring"
    assert rows["css"].state == "covered", "AME covers health: CSS is not a gap"
    assert rows["domiciliation"].state == "refused"
    assert rows["caf"].state == "pending"
    assert rows["identite"].state == "missing"
    assert "rsa" not in rows, "not essential, no procedure: not in the grid"
    assert response.context["counts"] == {"obtained": 1, "pending": 1, "missing": 3}
    html = response.content.decode()
    until = (TODAY + 20 * DAY).strftime("%d/%m/%Y")
    assert f"valable jusqu'au {until}" in html
    assert "Apporter le RIB à la CAF" in html
    assert "Refus au guichet, sans écrit." in html
    assert "CCAS de Bondy" in html
    refusal = reverse("accompaniment:obstacle_create", args=[person.pk])
    assert f"{refusal}?demarche={file['domiciliation'].pk}" in html


def test_an_optional_type_with_a_procedure_joins_the_grid(login_as, person):
    ProcedureFactory(person=person, type=default_type("navigo"))
    rows = login_as("referent").get(rights_url(person)).context["grid"]
    assert "navigo" in [row.code for row in rows]


def test_the_page_is_recorded_in_the_audit(login_as, person, file):
    AuditEntry.objects.all().delete()
    login_as("colleague").get(rights_url(person))
    assert audit.entries_about(person_id=person.pk).filter(section="rights").count() == 1


def test_managers_read_the_rights_not_the_teams_words(login_as, person, file):
    html = login_as("manager").get(rights_url(person)).content.decode()

    assert "CCAS de Bondy" in html, "the refusal itself is counted and shown"
    assert "Refus au guichet" not in html
    assert "Apporter le RIB" not in html
    assert reverse("accompaniment:procedure_create", args=[person.pk]) not in html


def test_htmx_gets_the_grid_alone(login_as, person, file):
    response = login_as("referent").get(rights_url(person), headers=HTMX)

    html = response.content.decode()
    assert "<html" not in html and 'id="grille-droits"' in html
    assert "Refus au guichet" not in html and "CCAS de Bondy" not in html


def test_a_partner_given_the_rights_section_reads_states_and_dates_only(
    login_as, person, referent, partner, file
):
    share(person, partner, referent, ["rights"])

    response = login_as("partner").get(rights_url(person))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Aide médicale de l&#x27;État (AME)" in html
    assert (TODAY + 20 * DAY).strftime("%d/%m/%Y") in html
    assert "CCAS de Bondy" not in html, "no refusals"
    assert "Refus au guichet" not in html and "Apporter le RIB" not in html
    assert str(referent) not in html.split("Historique", 1)[1], "no names in the history"
    assert reverse("accompaniment:procedure_edit", args=[file["ame"].pk]) not in html


@pytest.mark.parametrize("case", ["other sections", "expired", "withdrawn", "not yet"])
def test_a_partner_without_the_rights_section_under_a_valid_consent_gets_404(
    login_as, person, referent, partner, file, case
):
    if case == "other sections":
        share(person, partner, referent, ["identity", "employment"])
    elif case == "not yet":
        share(person, partner, referent, ["rights"], given_on=TODAY + DAY)
    else:
        consent = share(person, partner, referent, ["rights"])
        if case == "expired":
            Consent.objects.filter(pk=consent.pk).update(expires_on=TODAY - DAY)
        else:
            partner_services.consent_withdraw(consent=consent, by=referent)

    assert login_as("partner").get(rights_url(person)).status_code == 404


def test_a_right_past_its_end_reads_expired_before_the_night(login_as, person):
    procedure = obtained(person, until=TODAY - DAY)

    response = login_as("referent").get(rights_url(person))

    assert {row.code: row.state for row in response.context["grid"]}["ame"] == "expired"
    shown = next(p for p in response.context["procedures"] if p.pk == procedure.pk)
    assert shown.shown_status == "Expirée"
    assert Procedure.objects.get().status == ProcedureStatus.OBTAINED


# --- Procedure forms -----------------------------------------------------------------------------


def test_the_type_asked_for_is_chosen(login_as, person):
    url = reverse("accompaniment:procedure_create", args=[person.pk]) + "?type=css"
    form = login_as("referent").get(url).context["form"]
    assert form["type"].value() == "css"


def test_recording_a_procedure_with_its_next_step(login_as, person, referent, colleague):
    response = login_as("colleague").post(
        reverse("accompaniment:procedure_create", args=[person.pk]),
        {
            "type": "domiciliation",
            "status": "filed",
            "filed_on": (TODAY - DAY).isoformat(),
            "handler_name": "CCAS de Montreuil",
            "next_step": "Relancer le CCAS",
            "next_step_due": (TODAY + 14 * DAY).isoformat(),
        },
    )

    procedure = Procedure.objects.get()
    assert response["Location"] == rights_url(person) + f"#demarche-{procedure.pk}"
    assert (procedure.status, procedure.filed_on, procedure.handler_name) == (
        "filed",
        TODAY - DAY,
        "CCAS de Montreuil",
    )
    task = Task.objects.get()
    assert (task.procedure, task.assigned_to, task.due_on) == (
        procedure,
        referent,
        TODAY + 14 * DAY,
    )


def test_from_filed_to_obtained_computes_the_end(login_as, person):
    procedure = ProcedureFactory(person=person, type=default_type("css"), filed_on=TODAY - 9 * DAY)
    client = login_as("referent")

    response = client.post(
        reverse("accompaniment:procedure_edit", args=[procedure.pk]),
        {
            "status": "obtained",
            "filed_on": (TODAY - 9 * DAY).isoformat(),
            "decided_on": (TODAY - DAY).isoformat(),
            "version": procedure.version,
        },
        follow=True,
    )

    procedure.refresh_from_db()
    assert procedure.valid_until == services.add_months(TODAY - DAY, 12) - DAY
    html = response.content.decode()
    assert procedure.valid_until.strftime("%d/%m/%Y") in html
    renew = procedure.valid_until - 120 * DAY
    assert f"à partir du {renew:%d/%m/%Y}" in html
    assert procedure.changes.filter(previous="filed", status="obtained").exists()


BAD = [
    (
        {"status": "obtained", "filed_on": -2, "decided_on": -9},
        "decided_on",
        "La décision ne peut pas précéder le dépôt de la demande",
    ),
    (
        {"status": "obtained", "decided_on": -9, "valid_from": -9, "valid_until": -20},
        "valid_until",
        "La fin de validité ne peut pas précéder son début",
    ),
    ({"status": "filed", "filed_on": 3}, "filed_on", "ne peut pas être dans le futur"),
    ({"status": "filed", "next_step": "Relancer"}, "next_step_due", "Indiquez pour quand"),
    ({"status": "filed", "next_step_due": 3}, "next_step", "Décrivez la prochaine étape"),
    ({"status": "filed", "next_step": "X", "next_step_due": -1}, "next_step_due", "déjà passée"),
    ({"status": "filed", "filed_on": "31/02/2026"}, "filed_on", "Saisissez une date valide"),
    ({"status": "soon"}, "status", "Sélectionnez un choix valide"),
]


def _dates(data: dict) -> dict:
    return {
        name: (TODAY + value * DAY).isoformat() if isinstance(value, int) else value
        for name, value in data.items()
    }


@pytest.mark.parametrize(("data", "field", "message"), BAD)
def test_bad_input_on_a_new_procedure(login_as, person, data, field, message):
    response = login_as("referent").post(
        reverse("accompaniment:procedure_create", args=[person.pk]),
        {"type": "ame", **_dates(data)},
    )

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Procedure.objects.exists() and not Task.objects.exists()


@pytest.mark.parametrize(("data", "field", "message"), BAD)
def test_bad_input_on_a_procedure(login_as, person, data, field, message):
    procedure = ProcedureFactory(person=person, filed_on=TODAY - 30 * DAY)
    before = Procedure.objects.values().get()

    response = login_as("referent").post(
        reverse("accompaniment:procedure_edit", args=[procedure.pk]),
        {"filed_on": (TODAY - 30 * DAY).isoformat(), "version": 1, **_dates(data)},
    )

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert Procedure.objects.values().get() == before
    assert procedure.changes.count() == 0


def test_a_procedure_changed_meanwhile_is_not_overwritten(login_as, person, referent):
    procedure = ProcedureFactory(person=person, filed_on=TODAY - 3 * DAY)
    services.procedure_update(procedure=procedure, by=referent, status="pending")

    response = login_as("colleague").post(
        reverse("accompaniment:procedure_edit", args=[procedure.pk]),
        {"status": "abandoned", "version": 1},
    )

    assert response.status_code == 200
    assert "modifié par quelqu'un d'autre" in response.content.decode().replace("&#x27;", "'")
    assert Procedure.objects.get().status == "pending"


def test_the_procedure_page_lists_its_documents(login_as, person, referent, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from partners import documents

    settings.MEDIA_ROOT = tmp_path
    procedure = ProcedureFactory(person=person)
    paper = documents.document_add(
        upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
        kind="health_cover",
        by=referent,
        person=person,
    )
    paper.procedure = procedure
    paper.save()

    html = (
        login_as("referent")
        .get(reverse("accompaniment:procedure_edit", args=[procedure.pk]))
        .content.decode()
    )

    assert reverse("partners:document_download", args=[paper.pk]) in html
    upload_url = (
        reverse("partners:person_documents", args=[person.pk]) + f"?demarche={procedure.pk}"
    )
    assert upload_url in html


def test_a_paper_is_attached_to_its_procedure_from_the_procedure_page(
    login_as, person, referent, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    procedure = ProcedureFactory(person=person)
    other = ProcedureFactory(person=PersonFactory(organisation=person.organisation))
    client = login_as("referent")
    url = reverse("partners:person_documents", args=[person.pk]) + f"?demarche={procedure.pk}"

    form = client.get(url).context["form"]
    # Offered the person's procedures only, the one the worker came from chosen.
    assert list(form.fields["procedure"].queryset) == [procedure]
    assert form["procedure"].value() == procedure.pk
    # Another person's procedure named in the address is not preselected, nor accepted.
    foreign = reverse("partners:person_documents", args=[person.pk]) + f"?demarche={other.pk}"
    assert client.get(foreign).context["form"]["procedure"].value() is None
    pdf = b"%PDF-1.4\n%%EOF\n"
    refused = client.post(
        foreign,
        {
            "kind": "health_cover",
            "procedure": other.pk,
            "file": SimpleUploadedFile("a.pdf", pdf, content_type="application/pdf"),
        },
    )
    assert refused.status_code == 200 and refused.context["form"].errors["procedure"]
    assert not procedure.documents.exists() and not other.documents.exists()

    response = client.post(
        url,
        {
            "kind": "health_cover",
            "procedure": procedure.pk,
            "file": SimpleUploadedFile("a.pdf", pdf, content_type="application/pdf"),
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("accompaniment:procedure_edit", args=[procedure.pk])
    paper = procedure.documents.get()
    assert paper.person == person
    html = client.get(response["Location"]).content.decode()
    assert reverse("partners:document_download", args=[paper.pk]) in html


def test_a_paper_of_the_file_is_attached_to_no_procedure_unless_chosen(
    login_as, person, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    ProcedureFactory(person=person)
    response = login_as("referent").post(
        reverse("partners:person_documents", args=[person.pk]),
        {
            "kind": "identity",
            "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
        },
    )

    assert response["Location"] == reverse("beneficiaries:person_detail", args=[person.pk])
    assert person.documents.get().procedure is None


@pytest.mark.parametrize(
    "query",
    ["?type=%00nope", "?type=" + "x" * 5000, "?renouvelle=abc", "?renouvelle=99999999"],
)
def test_hostile_query_strings_on_the_procedure_form(login_as, person, query):
    response = login_as("referent").get(
        reverse("accompaniment:procedure_create", args=[person.pk]) + query
    )
    # A NUL byte is refused before the view (400); a bad id is a page that does not exist.
    assert response.status_code in {200, 400, 404}
    if "renouvelle" in query:
        assert response.status_code == 404


def test_a_renewal_is_offered_and_linked(login_as, person):
    old = obtained(person, until=TODAY + 10 * DAY)
    client = login_as("referent")
    html = client.get(rights_url(person)).content.decode()
    url = reverse("accompaniment:procedure_create", args=[person.pk])
    assert f"{url}?type=ame&amp;renouvelle={old.pk}" in html

    client.post(f"{url}?type=ame&renouvelle={old.pk}", {"type": "ame", "status": "filed"})

    renewal = Procedure.objects.exclude(pk=old.pk).get()
    assert renewal.renewal_of == old
    row = {r.code: r for r in client.get(rights_url(person)).context["grid"]}["ame"]
    assert (row.state, row.renewing) == ("expiring", True)


# --- Refusals ------------------------------------------------------------------------------------


def test_a_refused_procedure_suggests_its_refusal(login_as, person):
    procedure = ProcedureFactory(
        person=person,
        type=default_type("compte"),
        status="refused",
        filed_on=TODAY - 20 * DAY,
        decided_on=TODAY - 2 * DAY,
        handler_name="Banque du Centre",
    )
    url = reverse("accompaniment:obstacle_create", args=[person.pk])
    client = login_as("referent")

    form = client.get(f"{url}?demarche={procedure.pk}").context["form"]
    assert form["kind"].value() == "bank_refused"
    assert form["body"].value() == "Banque du Centre"
    assert form["occurred_on"].value() == TODAY - 2 * DAY

    response = client.post(
        f"{url}?demarche={procedure.pk}",
        {
            "kind": "bank_refused",
            "body": "Banque du Centre",
            "occurred_on": (TODAY - 2 * DAY).isoformat(),
            "follow_up": "appeal",
            "follow_up_on": TODAY.isoformat(),
        },
    )

    assert response["Location"] == rights_url(person) + "#refus"
    obstacle = Obstacle.objects.get()
    assert (obstacle.procedure, obstacle.kind, obstacle.follow_up) == (
        procedure,
        "bank_refused",
        "appeal",
    )


@pytest.mark.parametrize("query", ["?demarche=abc", "?demarche=1%00", "?demarche=99999999"])
def test_a_bad_procedure_in_the_query_string_is_404(login_as, person, query):
    url = reverse("accompaniment:obstacle_create", args=[person.pk])
    # A NUL byte is refused before the view (400).
    assert login_as("referent").get(url + query).status_code in {400, 404}


def test_another_persons_procedure_is_404(login_as, person, household, referent):
    other = ProcedureFactory(person=follow(referent, household))
    url = reverse("accompaniment:obstacle_create", args=[person.pk])
    assert login_as("referent").get(f"{url}?demarche={other.pk}").status_code == 404


def test_an_unknown_kind_is_ignored(login_as, person):
    url = reverse("accompaniment:obstacle_create", args=[person.pk])
    form = login_as("referent").get(url + "?kind=<script>").context["form"]
    assert form["kind"].value() in ("", None)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"occurred_on": 2}, "occurred_on", "ne peut pas être dans le futur"),
        (
            {"follow_up": "mediation", "follow_up_on": -20},
            "follow_up_on",
            "La suite ne peut pas précéder le refus",
        ),
        ({"follow_up_on": -1}, "follow_up", "Choisissez la suite donnée"),
        ({"body": ""}, "body", "Indiquez qui a refusé"),
        ({"kind": ""}, "kind", "Choisissez le refus"),
        ({"details": "x" * 2001}, "details", "2000"),
    ],
)
def test_bad_input_on_a_refusal(login_as, person, data, field, message):
    base = {"kind": "other", "body": "Mairie", "occurred_on": -5, "follow_up": "none"}

    response = login_as("referent").post(
        reverse("accompaniment:obstacle_create", args=[person.pk]), _dates(base | data)
    )

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Obstacle.objects.exists()


def test_correcting_a_refusal(login_as, person):
    obstacle = ObstacleFactory(person=person, occurred_on=TODAY - 5 * DAY)

    response = login_as("coordinator").post(
        reverse("accompaniment:obstacle_edit", args=[obstacle.pk]),
        {
            "kind": obstacle.kind,
            "body": obstacle.body,
            "occurred_on": obstacle.occurred_on.isoformat(),
            "follow_up": "defender",
            "follow_up_on": TODAY.isoformat(),
            "details": "Saisine envoyée.",
        },
    )

    assert response.status_code == 302
    obstacle.refresh_from_db()
    assert (obstacle.follow_up, obstacle.follow_up_on, obstacle.details) == (
        "defender",
        TODAY,
        "Saisine envoyée.",
    )


# --- The rights list -----------------------------------------------------------------------------


@pytest.fixture
def caseload(person, household, referent, colleague):
    """`person`: AME ends in 20 days. `ana`: no health cover. `mihai`: AME ended, a new one
    filed. `dan`: PUMa without end, domiciliation ends in 10 days. `elena`: the colleague's,
    without health cover."""
    obtained(person, until=TODAY + 20 * DAY)
    ana = follow(referent, household, first_name="Ana", last_name="Ionescu")
    mihai = follow(referent, household, first_name="Mihai", last_name="Ionescu")
    obtained(mihai, until=TODAY - 3 * DAY)
    ProcedureFactory(person=mihai, type=default_type("ame"), filed_on=TODAY)
    dan = follow(referent, household, first_name="Dan", last_name="Ionescu")
    ProcedureFactory(person=dan, type=default_type("puma"), status="obtained", filed_on=None)
    obtained(dan, "domiciliation", until=TODAY + 10 * DAY)
    elena = follow(colleague, household, first_name="Elena", last_name="Ionescu")
    return {"person": person, "ana": ana, "mihai": mihai, "dan": dan, "elena": elena}


def _listed(client, query: str = "") -> list[int]:
    response = client.get(reverse("accompaniment:rights_list") + query)
    assert response.status_code == 200
    return [line["person"].pk for line in response.context["lines"]]


def test_without_health_cover(login_as, caseload):
    listed = _listed(login_as("referent"), "?sans=health")
    assert set(listed) == {caseload["ana"].pk, caseload["mihai"].pk}


def test_ends_within_n_days(login_as, caseload):
    client = login_as("referent")
    assert _listed(client, "?fin=30") == [caseload["dan"].pk, caseload["person"].pk]
    assert _listed(client, "?fin=15") == [caseload["dan"].pk]


def test_a_category_that_ends_within_n_days(login_as, caseload):
    """ "Everyone whose domiciliation ends within 30 days": `sans` names the category."""
    client = login_as("referent")
    assert _listed(client, "?sans=domiciliation&fin=30") == [caseload["dan"].pk]
    assert _listed(client, "?sans=health&fin=30") == [caseload["person"].pk]
    assert _listed(client, "?sans=health&fin=10") == []


def test_my_caseload_or_the_team(login_as, caseload):
    assert caseload["elena"].pk not in _listed(login_as("referent"), "?sans=health")
    assert caseload["elena"].pk in _listed(login_as("referent"), "?sans=health&qui=equipe")
    # A coordinator looks at the team by default.
    assert caseload["elena"].pk in _listed(login_as("coordinator"), "?sans=health")


@pytest.mark.parametrize("query", ["?fin=-3", "?fin=abc", "?fin=99999999999", "?sans=bogus"])
def test_bad_filters_are_said_and_ignored(login_as, caseload, query):
    response = login_as("referent").get(reverse("accompaniment:rights_list") + query)
    assert response.status_code == 200
    assert response.context["filters"].errors
    assert len(response.context["lines"]) == 4


def test_the_list_is_recorded_with_everyone_it_shows(login_as, caseload):
    AuditEntry.objects.all().delete()
    login_as("referent").get(reverse("accompaniment:rights_list") + "?sans=health")
    entry = AuditEntry.objects.get()
    assert sorted(entry.person_ids) == sorted([caseload["ana"].pk, caseload["mihai"].pk])


def test_the_home_caseload_links_to_the_rights_list(login_as, person):
    html = login_as("referent").get(reverse("home")).content.decode()
    assert reverse("accompaniment:rights_list") in html


# --- Query budgets -------------------------------------------------------------------------------


def _lots(person, referent, size: int):
    for index in range(size):
        procedure = services.procedure_create(
            person=person,
            type=default_type(["ame", "css", "caf", "domiciliation", "navigo"][index % 5]),
            by=referent,
            status="filed",
            filed_on=TODAY - (index + 5) * DAY,
            next_step=f"Étape {index}",
            next_step_due=TODAY + DAY,
        )
        services.procedure_update(procedure=procedure, by=referent, status="pending")
        ObstacleFactory(person=person, procedure=procedure, occurred_on=TODAY - DAY)


@pytest.mark.parametrize("size", [1, 12])
def test_rights_page_budget(login_as, person, referent, size, django_assert_num_queries):
    _lots(person, referent, size)
    client = login_as("referent")
    # 1 session, 1 user; the person; the audit entry; the procedures (type,
    # handler), their history (with who), their open next steps; the essential types; the
    # refusals (with their procedure's type).
    with django_assert_num_queries(9):
        response = client.get(rights_url(person))
    assert len(response.context["procedures"]) == size


@pytest.mark.parametrize("size", [1, 12])
def test_rights_page_budget_for_a_partner(
    login_as, person, referent, partner, size, django_assert_num_queries
):
    _lots(person, referent, size)
    share(person, partner, referent, ["rights"])
    client = login_as("partner")
    # 1 session, 1 user; the person, if its rights are shared; the audit entry; the
    # procedures and their history; the essential types. No refusals, no next steps.
    with django_assert_num_queries(7):
        response = client.get(rights_url(person))
    assert len(response.context["procedures"]) == size


@pytest.mark.parametrize(
    ("query", "extra"),
    # `person` has no right at all: listed, but for the right ending.
    [("?sans=health&fin=60", 0), ("?sans=domiciliation", 1), ("?qui=equipe", 1)],
)
@pytest.mark.parametrize("size", [1, 12])
def test_rights_list_budget(
    login_as, person, household, referent, size, query, extra, django_assert_num_queries
):
    for index in range(size):
        someone = follow(referent, household)
        obtained(someone, until=TODAY + (index + 1) * DAY)
        ProcedureFactory(person=someone, type=default_type("caf"))
    client = login_as("referent")
    # 1 session, 1 user; the count and the page of people (household, site, commune,
    # referent); their procedures (with types); the essential types; the audit entry.
    with django_assert_num_queries(7):
        response = client.get(reverse("accompaniment:rights_list") + query)
    assert len(response.context["lines"]) == size + extra


# --- Timeline and summary ------------------------------------------------------------------------


def test_the_timeline_shows_procedures_their_states_and_refusals(login_as, person, referent):
    procedure = services.procedure_create(
        person=person,
        type=default_type("ame"),
        by=referent,
        status="filed",
        filed_on=TODAY - 40 * DAY,
    )
    services.procedure_update(
        procedure=procedure, by=referent, status="obtained", decided_on=TODAY - 2 * DAY
    )
    services.obstacle_record(
        person=person,
        by=referent,
        kind="school_refused",
        body="Mairie de Montreuil",
        occurred_on=TODAY - DAY,
        follow_up="defender",
        follow_up_on=TODAY,
    )
    client = login_as("referent")

    url = reverse("beneficiaries:person_timeline", args=[person.pk])
    entries = client.get(url).context["entries"]
    titles = [entry.title for entry in entries]
    assert "Démarche ouverte : Aide médicale de l'État (AME) (déposée)" in titles
    assert "Aide médicale de l'État (AME) : obtenue" in titles
    assert "Refus : Inscription scolaire refusée par la mairie — Mairie de Montreuil" in titles
    assert "Suite au refus : saisine du défenseur des droits" in titles
    obtained_entry = next(e for e in entries if e.title.endswith(": obtenue"))
    assert obtained_entry.date == TODAY - 2 * DAY
    assert obtained_entry.url == rights_url(person) + f"#demarche-{procedure.pk}"

    health = [e.title for e in client.get(url + "?parcours=health").context["entries"]]
    school = [e.title for e in client.get(url + "?parcours=schooling").context["entries"]]
    employment = client.get(url + "?parcours=employment").context["entries"]
    assert "Aide médicale de l'État (AME) : obtenue" in health
    assert not any("Refus" in title for title in health)
    assert any("Refus" in title for title in school) and not any("AME" in t for t in school)
    assert not [e for e in employment if e.kind.startswith(("procedure", "obstacle"))]


def _summary(client, person):
    return client.get(reverse("beneficiaries:person_detail", args=[person.pk])).context["summary"]


def test_the_summary_has_a_rights_line_and_alerts(login_as, person, referent):
    obtained(person, until=TODAY + 20 * DAY)
    ended = obtained(person, "domiciliation", until=TODAY - 5 * DAY)
    ProcedureFactory(person=person, type=default_type("caf"))

    summary = _summary(login_as("referent"), person)

    block = next(block for block in summary.blocks if block.key == "rights")
    assert block.count == 1 and block.count_label == "1 droit obtenu sur 7"
    assert block.lead == "En cours : 1 · manquants : 3"
    assert block.link == rights_url(person)
    assert [row.text for row in block.rows] == [
        "Domiciliation",
        "Aide médicale de l'État (AME)",
        "Pièce d'identité (passeport ou carte d'identité)",
    ]
    assert block.rows[0].late and not block.rows[1].late
    alerts = [alert.text for alert in summary.alerts]
    assert f"Aide médicale de l'État (AME) : fin le {TODAY + 20 * DAY:%d/%m}" in alerts
    assert f"Domiciliation : a pris fin le {ended.valid_until:%d/%m}" in alerts
    assert summary.alerts[-1].url == rights_url(person)


def test_a_right_being_renewed_raises_no_alert(login_as, person, file):
    ProcedureFactory(person=person, type=default_type("ame"), renewal_of=file["ame"])
    alerts = [alert.text for alert in _summary(login_as("referent"), person).alerts]
    assert not any("AME" in text for text in alerts)


def test_nothing_recorded_yet(login_as, person):
    block = next(b for b in _summary(login_as("referent"), person).blocks if b.key == "rights")
    assert block.rows == () and block.empty == "Aucune démarche enregistrée."


def test_the_household_page_names_whose_right_ends(login_as, person, household, referent):
    ana = follow(referent, household, first_name="Ana", last_name="Ionescu")
    obtained(ana, until=TODAY + 5 * DAY)
    response = login_as("referent").get(
        reverse("beneficiaries:household_detail", args=[household.pk])
    )
    alerts = [alert.text for alert in response.context["summary"].alerts]
    assert f"Ana Ionescu — Aide médicale de l'État (AME) : fin le {TODAY + 5 * DAY:%d/%m}" in (
        alerts
    )
    assert "rights" not in [block.key for block in response.context["summary"].blocks]


def test_the_summary_costs_one_query_whatever_the_procedures(person, referent):
    from accompaniment import sources_rights
    from beneficiaries import summary

    _lots(person, referent, 6)
    query = summary.SummaryQuery(user=referent, people=(person,), today=TODAY)
    with CaptureQueriesContext(connection) as captured:
        list(sources_rights.rights(query))
    assert len(captured) == 1


# --- Tampered forms ------------------------------------------------------------------------------

NOT_VALUES = ["²", "٣", "1" * 5000, "-1", "1.5", "9" * 30, "<b>x</b>", "2026-02-30", " "]


@pytest.mark.parametrize("value", NOT_VALUES)
def test_tampered_procedure_forms_never_fail(login_as, person, value, client):
    client.raise_request_exception = False
    procedure = ProcedureFactory(person=person)
    client = login_as("referent")
    fields = ["type", "status", "filed_on", "decided_on", "valid_from", "valid_until"]
    fields += ["handler", "handler_name", "next_step", "next_step_due", "version"]

    created = client.post(
        reverse("accompaniment:procedure_create", args=[person.pk]),
        dict.fromkeys(fields, value),
    )
    edited = client.post(
        reverse("accompaniment:procedure_edit", args=[procedure.pk]),
        dict.fromkeys(fields, value),
    )
    refused = client.post(
        reverse("accompaniment:obstacle_create", args=[person.pk]),
        dict.fromkeys(["kind", "body", "occurred_on", "follow_up", "follow_up_on"], value),
    )
    listed = client.get(
        reverse("accompaniment:rights_list"), dict.fromkeys(["qui", "sans", "fin", "page"], value)
    )

    assert (created.status_code, edited.status_code, refused.status_code) == (200, 200, 200)
    assert listed.status_code == 200
    assert Procedure.objects.count() == 1 and not Obstacle.objects.exists()


def test_the_rights_list_shows_a_short_page_then_the_next(
    login_as, household, referent, monkeypatch
):
    from accompaniment import rights

    monkeypatch.setattr(rights, "RIGHTS_LIST_ROWS", 3)
    for _index in range(4):
        follow(referent, household)
    client = login_as("referent")

    first = client.get(reverse("accompaniment:rights_list") + "?sans=health")
    second = client.get(reverse("accompaniment:rights_list") + "?sans=health&page=2")

    assert len(first.context["lines"]) == 3 and len(second.context["lines"]) == 1
    shown = [line["person"].pk for line in first.context["lines"] + second.context["lines"]]
    assert len(set(shown)) == 4

"""The employment pathway's pages: employers, offers (open first) with their candidates and
the suggested people, a person's employment (contracts, candidacies, trainings, workshops,
and the mobility steps read from the rights pathway), and the forms of each.

The organisation's staff read these pages (permissions.reads_employment); its field workers
record (permissions.records_employment). A partner reads a person's employment only, when
the person shared that section with their organisation under a valid consent: contracts,
candidacies' statuses and trainings, never the rest."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Prefetch, Q, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accompaniment.models import Procedure, ProcedureCategory
from beneficiaries import sharing
from beneficiaries.models import Person
from employment import services, suggestions
from employment.forms import (
    CandidacyStatusForm,
    ContractForm,
    EmployerForm,
    OfferForm,
    TrainingForm,
    WorkshopForm,
    add_errors,
)
from employment.models import (
    Candidacy,
    CandidacyChange,
    CandidacyStatus,
    Contract,
    Employer,
    JobOffer,
    OfferStatus,
    Training,
    Workshop,
)
from mia import audit, permissions
from mia.concurrency import ConflictError
from mia.params import int_or_404, int_or_none, next_url
from mia.permissions import access

# The section of a consent that shares a person's employment with a partner.
SECTION = "employment"
# The suggestions among my own caseload (?qui=moi), as the rights list says it.
MINE = "moi"
PAGE_SIZE = 30
MOBILITY = (ProcedureCategory.MOBILITY, ProcedureCategory.TRANSPORT)


def _person_url(person_id: int, anchor: str = "") -> str:
    url = reverse("employment:person_employment", args=[person_id])
    return f"{url}#{anchor}" if anchor else url


def _offer_url(offer_id: int, anchor: str = "") -> str:
    url = reverse("employment:offer_detail", args=[offer_id])
    return f"{url}#{anchor}" if anchor else url


def _form_page(request, template: str, context: dict) -> HttpResponse:
    return render(request, f"employment/{template}", context)


# --- Employers -------------------------------------------------------------------------------


@access(permissions.reads_employment)
@require_safe
def employers(request: HttpRequest) -> HttpResponse:
    """The organisation's employers, with their open offers and people hired: no person."""
    rows = (
        Employer.objects.visible_to(request.user)
        .select_related("commune", "partner")
        .annotate(
            open_offers=Count("offers", filter=Q(offers__status=OfferStatus.OPEN), distinct=True),
            hires=Count("contracts", distinct=True),
        )
        .order_by("name", "pk")
    )
    kind = request.GET.get("type", "")
    if kind:
        rows = rows.filter(kind=kind[:20])
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "employment/employers.html",
        {
            "page": page,
            "kind": kind,
            "kinds": Employer._meta.get_field("kind").choices,
            "can_record": permissions.records_employment(request.user),
        },
    )


@access(permissions.records_employment)
def employer_create(request: HttpRequest) -> HttpResponse:
    form = EmployerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            employer = services.employer_create(
                organisation=request.user.organisation, by=request.user, **form.fields_saved
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("L'employeur est enregistré."))
            return redirect("employment:employer_detail", employer.pk)
    return _form_page(request, "employer_form.html", {"form": form, "title": _("Nouvel employeur")})


@access(permissions.reads_employment, hide=True)
@require_safe
def employer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    employer = get_object_or_404(
        Employer.objects.visible_to(request.user).select_related("commune", "partner"), pk=pk
    )
    offers = (
        employer.offers.select_related("commune")
        .annotate(candidates=Count("candidacies"))
        .order_by(_open_first(), "-published_on", "-pk")
    )
    return render(
        request,
        "employment/employer_detail.html",
        {
            "employer": employer,
            "offers": offers[:PAGE_SIZE],
            "can_record": permissions.records_employment(request.user),
        },
    )


@access(permissions.records_employment, hide=True)
def employer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    employer = get_object_or_404(Employer.objects.visible_to(request.user), pk=pk)
    form = EmployerForm(request.POST or None, employer=employer)
    if request.method == "POST" and form.is_valid():
        try:
            services.employer_update(employer=employer, by=request.user, **form.fields_saved)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("L'employeur est mis à jour."))
            return redirect("employment:employer_detail", employer.pk)
    return _form_page(
        request,
        "employer_form.html",
        {"form": form, "employer": employer, "title": _("Modifier l'employeur")},
    )


# --- Offers ----------------------------------------------------------------------------------


def _open_first() -> Case:
    return Case(
        When(status=OfferStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
    )


@access(permissions.reads_employment)
@require_safe
def offers(request: HttpRequest) -> HttpResponse:
    """Offers, open first, newest first; with their candidates' count and hires. No person is
    named: the candidates are on each offer's page."""
    status = request.GET.get("etat", "")
    rows = (
        JobOffer.objects.visible_to(request.user)
        .select_related("employer", "commune")
        .annotate(
            candidates=Count("candidacies"),
            hired=Count("candidacies", filter=Q(candidacies__status=CandidacyStatus.HIRED)),
        )
        .order_by(_open_first(), "-published_on", "-pk")
    )
    if status in OfferStatus.values:
        rows = rows.filter(status=status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "employment/offers.html",
        {
            "page": page,
            "status": status,
            "statuses": OfferStatus.choices,
            "can_record": permissions.records_employment(request.user),
        },
    )


@access(permissions.records_employment)
def offer_create(request: HttpRequest) -> HttpResponse:
    organisation_id = request.user.organisation_id
    initial = {"published_on": timezone.localdate()}
    if employer_id := int_or_none(request.GET.get("employeur")):
        initial["employer"] = employer_id
    form = OfferForm(request.POST or None, organisation_id=organisation_id, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            offer = services.offer_create(
                organisation=request.user.organisation, by=request.user, **form.fields_saved
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("L'offre est enregistrée."))
            return redirect(_offer_url(offer.pk))
    return _form_page(request, "offer_form.html", {"form": form, "title": _("Nouvelle offre")})


def _offer(request: HttpRequest, pk: int) -> JobOffer:
    return get_object_or_404(
        JobOffer.objects.visible_to(request.user).select_related("employer", "commune"), pk=pk
    )


@access(permissions.reads_employment, hide=True)
@require_safe
def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The offer, its candidates with their status (changed here, one form each), their
    history, and the way to the suggested people. Queries: the offer, the candidates with
    their people, their histories, the audit entry."""
    offer = _offer(request, pk)
    user = request.user
    can_record = permissions.records_employment(user)
    candidacies = list(
        offer.candidacies.select_related("person", "contract")
        .prefetch_related(
            Prefetch(
                "changes",
                queryset=CandidacyChange.objects.select_related("by").order_by("-on", "-at", "-pk"),
            )
        )
        .order_by("-changed_on", "-pk")
    )
    for candidacy in candidacies:
        candidacy.form = CandidacyStatusForm(candidacy=candidacy) if can_record else None
        candidacy.has_contract = hasattr(candidacy, "contract")
    audit.record_list(
        request, offer, section=SECTION, people=[row.person_id for row in candidacies]
    )
    return render(
        request,
        "employment/offer_detail.html",
        {
            "offer": offer,
            "candidacies": candidacies,
            "can_record": can_record,
            "is_open": offer.status == OfferStatus.OPEN,
        },
    )


@access(permissions.records_employment, hide=True)
def offer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _offer(request, pk)
    form = OfferForm(request.POST or None, organisation_id=offer.organisation_id, offer=offer)
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_update(
                offer=offer,
                by=request.user,
                expected_version=form.expected_version,
                **form.fields_saved,
            )
        except ConflictError as conflict:
            form.show_conflict(conflict.current)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("L'offre est mise à jour."))
            return redirect(_offer_url(offer.pk))
    return _form_page(
        request,
        "offer_form.html",
        {"form": form, "offer": offer, "title": _("Modifier l'offre")},
    )


@access(permissions.reads_employment, hide=True)
@require_safe
def offer_suggestions(request: HttpRequest, pk: int) -> HttpResponse:
    """The people one could propose, best first, each with the reasons of its rank (see
    employment.suggestions). Queries: the offer, the count of the people who may be
    proposed, the page's ranks, its people with what their rank read, the audit entry."""
    offer = _offer(request, pk)
    user = request.user
    today = timezone.localdate()
    people = Person.objects.visible_to(user)
    # A referent may look among their own caseload first (?qui=moi): the people they know.
    keeps_caseload = permissions.keeps_caseload(user)
    mine = keeps_caseload and request.GET.get("qui") == MINE
    if mine:
        people = people.filter(referent=user)
    # The rank over bare rows (the page's lines join four tables: for its 30 rows only).
    order = suggestions.ranked(offer, people, today=today).values_list("pk", flat=True)
    page = Paginator(order, suggestions.PAGE_SIZE).get_page(request.GET.get("page"))
    shown = people.for_rows().filter(pk__in=list(page.object_list))
    rows = list(suggestions.ranked(offer, shown, today=today))
    shows_goal = permissions.reads_notes(user)
    lines = [
        {"person": person, "reasons": suggestions.reasons(offer, person, shows_goal=shows_goal)}
        for person in rows
    ]
    audit.record_list(request, offer, section=SECTION, people=[row.pk for row in rows])
    return render(
        request,
        "employment/offer_suggestions.html",
        {
            "offer": offer,
            "page": page,
            "lines": lines,
            "mine": mine,
            "mine_value": MINE,
            "keeps_caseload": keeps_caseload,
            "can_record": permissions.records_employment(user) and offer.status == OfferStatus.OPEN,
        },
    )


@access(permissions.records_employment, hide=True)
@require_POST
def candidacy_propose(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _offer(request, pk)
    person = get_object_or_404(
        Person.objects.visible_to(request.user), pk=int_or_404(request.POST.get("personne"))
    )
    try:
        candidacy = services.candidacy_propose(offer=offer, person=person, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(next_url(request, _offer_url(offer.pk)))
    messages.success(
        request,
        _("%(name)s est proposé·e pour l'offre « %(offer)s ».")
        % {"name": person.first_name, "offer": offer.title},
    )
    return redirect(_offer_url(offer.pk, f"candidature-{candidacy.pk}"))


@access(permissions.records_employment, hide=True)
def candidacy_status(request: HttpRequest, pk: int) -> HttpResponse:
    """A candidacy's status, from the offer's page (or this page when the input needs
    correcting). Hired: on to the contract, prefilled from the offer."""
    candidacy = get_object_or_404(
        Candidacy.objects.visible_to(request.user).select_related("offer__employer", "person"),
        pk=pk,
    )
    form = CandidacyStatusForm(request.POST or None, candidacy=candidacy)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.candidacy_set_status(
                candidacy=candidacy,
                status=data["status"],
                reason=data["reason"],
                on=data["on"],
                by=request.user,
                expected_version=form.expected_version,
            )
        except ConflictError as conflict:
            form.show_conflict(conflict.current)
        except ValidationError as error:
            add_errors(form, error)
        else:
            if (
                candidacy.status == CandidacyStatus.HIRED
                and not Contract.objects.filter(candidacy=candidacy).exists()
            ):
                messages.success(
                    request, _("L'embauche est enregistrée : vérifiez et enregistrez le contrat.")
                )
                url = reverse("employment:contract_create", args=[candidacy.person_id])
                return redirect(f"{url}?candidature={candidacy.pk}")
            messages.success(
                request,
                _("Candidature : %(status)s.") % {"status": candidacy.status_label.lower()},
            )
            return redirect(
                next_url(request, _offer_url(candidacy.offer_id, f"candidature-{candidacy.pk}"))
            )
    audit.record_read(request, candidacy, section=SECTION)
    return _form_page(
        request,
        "candidacy_form.html",
        {"form": form, "candidacy": candidacy, "offer": candidacy.offer},
    )


# --- A person's employment -------------------------------------------------------------------


def _employment_person(request: HttpRequest, pk: int) -> Person:
    """The team's own file; for a partner, a file whose employment section is shared with
    their organisation under a valid consent (404 otherwise)."""
    people = Person.objects.visible_to(request.user)
    if permissions.reads_shared_files(request.user):
        condition = sharing.section_filter(request.user, SECTION)
        if condition is None:
            raise Http404
        people = people.filter(condition)
    return get_object_or_404(people, pk=pk)


def current_contract(contracts: list[Contract], today: datetime.date) -> Contract | None:
    running = [contract for contract in contracts if contract.is_running_on(today)]
    return min(running, key=lambda c: (c.starts_on, c.pk)) if running else None


@access(permissions.opens_person_pages, hide=True)
@require_safe
def person_employment(request: HttpRequest, pk: int) -> HttpResponse:
    """Contracts, candidacies, trainings; for the team, workshops and the mobility steps of
    the rights pathway too (links to them, never typed twice). With htmx: the card of the
    person's page. Queries: the person, contracts, candidacies, trainings (+ workshops and
    mobility procedures for the team), the audit entry."""
    person = _employment_person(request, pk)
    user = request.user
    today = timezone.localdate()
    partner_view = permissions.reads_shared_files(user)
    contracts = list(
        Contract.objects.filter(person=person)
        .select_related("employer")
        .order_by("-starts_on", "-pk")
    )
    candidacies = list(
        Candidacy.objects.filter(person=person)
        .select_related("offer__employer")
        .order_by("-changed_on", "-pk")
    )
    trainings = list(
        Training.objects.filter(person=person)
        .select_related("provider")
        .order_by("-starts_on", "-pk")
    )
    current = current_contract(contracts, today)
    context = {
        "person": person,
        "contracts": contracts,
        "current": current,
        "candidacies": candidacies,
        "in_progress": [
            row
            for row in candidacies
            if row.status in (CandidacyStatus.PROPOSED, CandidacyStatus.INTERVIEW)
        ],
        "trainings": trainings,
        "training_now": next(
            (t for t in trainings if t.outcome == "ongoing" and t.starts_on <= today), None
        ),
        "partner_view": partner_view,
        "today": today,
        "can_record": permissions.records_employment(user)
        and person.organisation_id == user.organisation_id,
    }
    audit.record_read(request, person, section=SECTION)
    if request.htmx:
        return render(request, "employment/partials/person_card.html", context)
    if not partner_view:
        context["workshops"] = list(
            Workshop.objects.filter(person=person).order_by("-held_on", "-pk")
        )
        context["mobility"] = list(
            Procedure.objects.filter(person=person, type__category__in=MOBILITY)
            .select_related("type")
            .order_by("type__position", "-created_at", "-pk")
        )
        context["records_pathways"] = permissions.records_pathways(user)
    return render(request, "employment/person_employment.html", context)


def _done(request: HttpRequest, person_id: int, message: str, anchor: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(next_url(request, _person_url(person_id, anchor)))


@access(permissions.records_employment, hide=True)
def contract_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=pk)
    candidacy = None
    initial = {}
    if value := request.GET.get("candidature"):
        candidacy = get_object_or_404(
            Candidacy.objects.visible_to(request.user)
            .filter(person=person)
            .select_related("offer__employer"),
            pk=int_or_404(value),
        )
        initial = services.contract_from_offer(candidacy)
    form = ContractForm(request.POST or None, person=person, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            contract = services.contract_create(
                person=person, by=request.user, candidacy=candidacy, **form.fields_saved
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            return _done(
                request,
                person.pk,
                _("Le contrat est enregistré : %(type)s chez %(employer)s.")
                % {"type": contract.get_contract_type_display(), "employer": contract.employer},
                f"contrat-{contract.pk}",
            )
    audit.record_read(request, person, section=SECTION)
    return _form_page(
        request,
        "contract_form.html",
        {"form": form, "person": person, "candidacy": candidacy, "title": _("Nouveau contrat")},
    )


@access(permissions.records_employment, hide=True)
def contract_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contract = get_object_or_404(
        Contract.objects.visible_to(request.user).select_related("person", "employer"), pk=pk
    )
    person = contract.person
    form = ContractForm(request.POST or None, person=person, contract=contract)
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_update(
                contract=contract,
                by=request.user,
                expected_version=form.expected_version,
                **form.fields_saved,
            )
        except ConflictError as conflict:
            form.show_conflict(conflict.current)
        except ValidationError as error:
            add_errors(form, error)
        else:
            return _done(request, person.pk, _("Le contrat est mis à jour."), f"contrat-{pk}")
    audit.record_read(request, contract, section=SECTION)
    return _form_page(
        request,
        "contract_form.html",
        {"form": form, "person": person, "contract": contract, "title": _("Contrat")},
    )


@access(permissions.records_employment, hide=True)
def training_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=pk)
    form = TrainingForm(request.POST or None, initial={"starts_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            training = services.training_create(person=person, by=request.user, **form.fields_saved)
        except ValidationError as error:
            add_errors(form, error)
        else:
            return _done(
                request, person.pk, _("La formation est enregistrée."), f"formation-{training.pk}"
            )
    audit.record_read(request, person, section=SECTION)
    return _form_page(
        request,
        "person_form.html",
        {"form": form, "person": person, "title": _("Nouvelle formation")},
    )


@access(permissions.records_employment, hide=True)
def training_edit(request: HttpRequest, pk: int) -> HttpResponse:
    training = get_object_or_404(
        Training.objects.visible_to(request.user).select_related("person"), pk=pk
    )
    form = TrainingForm(request.POST or None, training=training)
    if request.method == "POST" and form.is_valid():
        try:
            services.training_update(training=training, by=request.user, **form.fields_saved)
        except ValidationError as error:
            add_errors(form, error)
        else:
            return _done(
                request, training.person_id, _("La formation est mise à jour."), f"formation-{pk}"
            )
    audit.record_read(request, training, section=SECTION)
    return _form_page(
        request,
        "person_form.html",
        {"form": form, "person": training.person, "title": _("Formation")},
    )


@access(permissions.records_employment, hide=True)
def workshop_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=pk)
    form = WorkshopForm(request.POST or None, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.workshop_create(person=person, by=request.user, **form.fields_saved)
        except ValidationError as error:
            add_errors(form, error)
        else:
            return _done(request, person.pk, _("L'atelier est enregistré."), "ateliers")
    audit.record_read(request, person, section=SECTION)
    return _form_page(
        request,
        "person_form.html",
        {"form": form, "person": person, "title": _("Nouvel atelier")},
    )


@access(permissions.records_employment, hide=True)
def workshop_edit(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = get_object_or_404(
        Workshop.objects.visible_to(request.user).select_related("person"), pk=pk
    )
    form = WorkshopForm(request.POST or None, workshop=workshop)
    if request.method == "POST" and form.is_valid():
        try:
            services.workshop_update(workshop=workshop, by=request.user, **form.fields_saved)
        except ValidationError as error:
            add_errors(form, error)
        else:
            return _done(request, workshop.person_id, _("L'atelier est mis à jour."), "ateliers")
    audit.record_read(request, workshop, section=SECTION)
    return _form_page(
        request,
        "person_form.html",
        {"form": form, "person": workshop.person, "title": _("Atelier")},
    )

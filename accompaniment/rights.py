"""Access to rights: a person's rights page (the grid, the procedures with their history, the
refusals), the forms of a procedure and of a refusal, and the rights list of a caseload or a
team ("without health cover", "domiciliation ends within 30 days")."""

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Prefetch, Q, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accompaniment import rights_grid
from accompaniment import services_rights as services
from accompaniment.forms_rights import MINE, TEAM, ObstacleForm, ProcedureForm, RightsFilter
from accompaniment.models import (
    Obstacle,
    ObstacleKind,
    Procedure,
    ProcedureCategory,
    ProcedureChange,
    ProcedureStatus,
    ProcedureType,
    Task,
)
from beneficiaries import sharing
from beneficiaries.models import Person
from mia import audit, permissions
from mia.concurrency import ConflictError
from mia.params import int_or_404, next_url
from mia.permissions import access

# The section of a consent that shares this page with a partner (partners.models.Section).
SECTION = "rights"


def _rights_url(person_id: int, anchor: str = "") -> str:
    url = reverse("accompaniment:rights", args=[person_id])
    return f"{url}#{anchor}" if anchor else url


def _essential(organisation_id: int) -> list[ProcedureType]:
    return list(
        ProcedureType.objects.for_organisation(organisation_id)
        .filter(essential=True)
        .order_by("position", "name", "pk")
    )


def _shown_status(procedure: Procedure, today: datetime.date) -> str:
    """A right past its last day reads expired, before the night's task has marked it."""
    if (
        procedure.status == ProcedureStatus.OBTAINED
        and procedure.valid_until
        and procedure.valid_until < today
    ):
        return str(ProcedureStatus.EXPIRED.label)
    return procedure.get_status_display()


def _renew_from(procedure: Procedure) -> datetime.date | None:
    if procedure.status != ProcedureStatus.OBTAINED or procedure.valid_until is None:
        return None
    return procedure.valid_until - datetime.timedelta(days=rights_grid.renew_days(procedure.type))


# --- A person's rights ---------------------------------------------------------------------------


@access(permissions.opens_person_pages, hide=True)
@require_safe
def rights(request: HttpRequest, pk: int) -> HttpResponse:
    """The team reads everything but the refusals' free text, which is for those who read
    notes; a partner reads it only when the rights section is shared with their organisation
    under a valid consent, and then the procedures' states and dates only."""
    user = request.user
    people = Person.objects.visible_to(user)
    partner_view = permissions.reads_shared_files(user)
    if partner_view:
        shared = sharing.section_filter(user, SECTION)
        people = people.filter(shared) if shared is not None else people.none()
    person = get_object_or_404(people, pk=pk)
    audit.record_read(request, person, section=SECTION)
    today = timezone.localdate()
    reads_notes = permissions.reads_notes(user)
    procedures = Procedure.objects.filter(person=person).select_related("type", "handler")
    if not request.htmx:
        changes = ProcedureChange.objects.order_by("-on", "-at", "-pk")
        if not partner_view:
            changes = changes.select_related("by")
        procedures = procedures.prefetch_related(Prefetch("changes", queryset=changes))
        if reads_notes:
            # A next step is the worker's own words, as a task is (NotesQuerySet).
            open_tasks = Task.objects.filter(done_on__isnull=True).order_by("due_on", "pk")
            procedures = procedures.prefetch_related(
                Prefetch("tasks", queryset=open_tasks, to_attr="open_tasks")
            )
    procedures = list(procedures.order_by("type__position", "-created_at", "-pk"))
    grid = rights_grid.grid(
        essential=_essential(person.organisation_id), procedures=procedures, today=today
    )
    context = {
        "person": person,
        "grid": grid,
        "counts": rights_grid.counts(grid),
        "today": today,
        "partner_view": partner_view,
        "can_record": permissions.records_pathways(user)
        and person.organisation_id == user.organisation_id,
    }
    if request.htmx:
        return render(request, "accompaniment/rights/partials/grid.html", context)
    for procedure in procedures:
        procedure.shown_status = _shown_status(procedure, today)
        procedure.renew_from = _renew_from(procedure)
    obstacles = []
    if not partner_view:
        obstacles = list(
            Obstacle.objects.filter(person=person)
            .select_related("procedure__type")
            .order_by("-occurred_on", "-pk")
        )
    return render(
        request,
        "accompaniment/rights/rights.html",
        context
        | {
            "procedures": procedures,
            "obstacles": obstacles,
            "shows_details": reads_notes,
            "shows_who": not partner_view,
        },
    )


def _procedure_done(request: HttpRequest, procedure: Procedure, message: str) -> HttpResponse:
    messages.success(request, message)
    # Back where the worker came from (a child's schooling page), else to the rights grid.
    return redirect(next_url(request, _rights_url(procedure.person_id, f"demarche-{procedure.pk}")))


@access(permissions.records_pathways, hide=True)
def procedure_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=pk)
    renewal_of = None
    if value := request.GET.get("renouvelle"):
        renewal_of = get_object_or_404(
            Procedure.objects.visible_to(request.user).filter(person=person).select_related("type"),
            pk=int_or_404(value),
        )
    type_code = request.GET.get("type", "")[:40] or (renewal_of.type.code if renewal_of else "")
    form = ProcedureForm(request.POST or None, person=person, type_code=type_code)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            procedure = services.procedure_create(
                person=person,
                type=data["type"],
                by=request.user,
                renewal_of=renewal_of,
                next_step=data["next_step"],
                next_step_due=data["next_step_due"],
                **form.fields_saved,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _procedure_done(
                request,
                procedure,
                _("La démarche « %(type)s » est enregistrée.") % {"type": procedure.type.name},
            )
    audit.record_read(request, person, section=SECTION)
    return render(
        request,
        "accompaniment/rights/procedure_form.html",
        {
            "form": form,
            "person": person,
            "renewal_of": renewal_of,
            "back": next_url(request, ""),
        },
    )


@access(permissions.records_pathways, hide=True)
def procedure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The procedure's page: its form, its history, its next steps, its papers and the
    refusals recorded about it."""
    procedure = get_object_or_404(
        Procedure.objects.visible_to(request.user).select_related(
            "type", "person__referent", "handler", "renewal_of__type"
        ),
        pk=pk,
    )
    person = procedure.person
    form = ProcedureForm(request.POST or None, person=person, procedure=procedure)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.procedure_update(
                procedure=procedure,
                by=request.user,
                next_step=data["next_step"],
                next_step_due=data["next_step_due"],
                expected_version=form.expected_version,
                **form.fields_saved,
            )
        except ConflictError as conflict:
            form.show_conflict(conflict.current)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            message = _("La démarche « %(type)s » est mise à jour.") % {"type": procedure.type.name}
            if procedure.status == ProcedureStatus.OBTAINED and procedure.valid_until:
                message = _("La démarche « %(type)s » est obtenue, valable jusqu'au %(date)s.") % {
                    "type": procedure.type.name,
                    "date": procedure.valid_until.strftime("%d/%m/%Y"),
                }
            return _procedure_done(request, procedure, message)
    audit.record_read(request, procedure, section=SECTION)
    today = timezone.localdate()
    documents = None
    if permissions.reads_documents(request.user):
        # Papers of the partners app, read through the relation: accompaniment imports
        # nothing from partners, which is above it.
        documents = list(procedure.documents.order_by("-uploaded_at", "-pk"))
    return render(
        request,
        "accompaniment/rights/procedure_form.html",
        {
            "form": form,
            "person": person,
            "procedure": procedure,
            "shown_status": _shown_status(procedure, today),
            "renew_from": _renew_from(procedure),
            "changes": procedure.changes.select_related("by").order_by("-on", "-at", "-pk"),
            "open_tasks": procedure.tasks.filter(done_on__isnull=True).order_by("due_on", "pk"),
            "obstacles": procedure.obstacles.order_by("-occurred_on", "-pk"),
            "documents": documents,
            "refusal_kind": services.refusal_kind(procedure.type),
            "back": next_url(request, ""),
        },
    )


# --- Refusals ------------------------------------------------------------------------------------


@access(permissions.records_pathways, hide=True)
def obstacle_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=pk)
    procedure = None
    if value := request.GET.get("demarche"):
        procedure = get_object_or_404(
            Procedure.objects.visible_to(request.user)
            .filter(person=person)
            .select_related("type", "handler"),
            pk=int_or_404(value),
        )
    kind = request.GET.get("kind", "")
    if kind not in ObstacleKind.values:
        kind = services.refusal_kind(procedure.type) if procedure else ""
    initial = {"kind": kind, "occurred_on": timezone.localdate()}
    if procedure is not None:
        initial |= {
            "body": procedure.handler_label,
            "occurred_on": procedure.decided_on or timezone.localdate(),
        }
    form = ObstacleForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            obstacle = services.obstacle_record(
                person=person, by=request.user, procedure=procedure, **form.fields_saved
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Le refus est enregistré : %(kind)s.") % {"kind": obstacle.get_kind_display()},
            )
            return redirect(next_url(request, _rights_url(person.pk, "refus")))
    audit.record_read(request, person, section=SECTION)
    return render(
        request,
        "accompaniment/rights/obstacle_form.html",
        {
            "form": form,
            "person": person,
            "procedure": procedure,
            "back": next_url(request, ""),
        },
    )


@access(permissions.records_pathways, hide=True)
def obstacle_edit(request: HttpRequest, pk: int) -> HttpResponse:
    obstacle = get_object_or_404(
        Obstacle.objects.visible_to(request.user).select_related("person", "procedure__type"),
        pk=pk,
    )
    form = ObstacleForm(request.POST or None, user=request.user, obstacle=obstacle)
    if request.method == "POST" and form.is_valid():
        try:
            services.obstacle_update(obstacle=obstacle, by=request.user, **form.fields_saved)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Le refus est mis à jour."))
            return redirect(next_url(request, _rights_url(obstacle.person_id, "refus")))
    audit.record_read(request, obstacle, section=SECTION)
    return render(
        request,
        "accompaniment/rights/obstacle_form.html",
        {
            "form": form,
            "person": obstacle.person,
            "procedure": obstacle.procedure,
            "obstacle": obstacle,
            "back": next_url(request, ""),
        },
    )


# --- The rights list -----------------------------------------------------------------------------

# Quick filters offered above the list: the questions the field asks most.
SHORTCUTS = [
    ({"sans": ProcedureCategory.HEALTH}, _("Sans couverture santé")),
    ({"sans": ProcedureCategory.DOMICILIATION}, _("Sans domiciliation")),
    ({"sans": ProcedureCategory.DOMICILIATION, "fin": 30}, _("Domiciliation : fin sous 30 jours")),
    ({"fin": 30}, _("Un droit se termine sous 30 jours")),
]


# A work list read on a phone, each line with the rights asked about: a short page keeps it
# fast (bench/pages.py) and the filters narrow it.
RIGHTS_LIST_ROWS = 25


def _valid_on(today: datetime.date) -> Q:
    return (
        Q(status=ProcedureStatus.OBTAINED)
        & (Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        & (Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    )


def _filtered(people, *, category: str | None, within: int | None, today: datetime.date):
    """Without `within`: the people with no procedure of `category` valid today ("sans
    couverture santé"). With it: those with a right obtained (of `category`, if given) whose
    last day comes within that many days ("la domiciliation se termine sous 30 jours"), the
    soonest first (`ends_on`)."""
    of_person = Procedure.objects.filter(person=OuterRef("pk"))
    if category:
        of_person = of_person.filter(type__category=category)
    if within:
        ending = of_person.filter(
            status=ProcedureStatus.OBTAINED,
            valid_until__gte=today,
            valid_until__lte=today + datetime.timedelta(days=within),
        )
        return people.filter(Exists(ending)).annotate(
            ends_on=Subquery(ending.order_by("valid_until").values("valid_until")[:1])
        )
    if category:
        return people.filter(~Exists(of_person.filter(_valid_on(today))))
    return people


@access(permissions.reads_pathways)
@require_safe
def rights_list(request: HttpRequest) -> HttpResponse:
    """The people of my caseload (or of the team), by what they lack or what ends soon. Each
    line says where they stand on the rights asked about; the page costs the same queries
    whatever the number of people (one for their procedures, one for the types)."""
    user = request.user
    # A social worker's own caseload first; coordinators and managers look at the team.
    default_who = MINE if permissions.keeps_caseload(user) else TEAM
    if permissions.edits_all_files(user):
        default_who = TEAM
    filters = RightsFilter(request.GET, default_who=default_who)
    who, without, within = filters.value("qui"), filters.value("sans"), filters.value("fin")
    today = timezone.localdate()
    people = Person.objects.visible_to(user).active().for_rows()
    if who == MINE:
        people = people.filter(referent=user)
    people = _filtered(people, category=without, within=within, today=today)
    order = ["last_name", "first_name", "pk"]
    if within:
        order = [F("ends_on").asc(nulls_last=True), *order]
    page = Paginator(people.order_by(*order), RIGHTS_LIST_ROWS).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    procedures: dict[int, list[Procedure]] = {row.pk: [] for row in rows}
    for procedure in Procedure.objects.filter(person_id__in=procedures).select_related("type"):
        procedures[procedure.person_id].append(procedure)
    essential = _essential(user.organisation_id) if rows else []
    lines = []
    for person in rows:
        grid = rights_grid.grid(essential=essential, procedures=procedures[person.pk], today=today)
        shown = [row for row in grid if row.category == without] if without else grid
        if within:
            # The rights ending; all of the category if a later one of the same type goes on.
            shown = [
                row
                for row in shown
                if row.state in rights_grid.HELD
                and row.until
                and (row.until - today).days <= within
            ] or shown
        lines.append({"person": person, "rows": shown, "counts": rights_grid.counts(grid)})
    audit.record_list(request, Person, section=SECTION, people=[row.pk for row in rows])
    return render(
        request,
        "accompaniment/rights/rights_list.html",
        {
            "filters": filters,
            "page": page,
            "lines": lines,
            "who": who,
            "without": without,
            "without_label": dict(ProcedureCategory.choices).get(without, ""),
            "within": within,
            "shortcuts": [
                {
                    "url": "?" + urlencode({"qui": who, **query}),
                    "label": label,
                    "current": (query.get("sans"), query.get("fin")) == (without, within),
                }
                for query, label in SHORTCUTS
            ],
            "today": today,
            "mine": MINE,
            "team": TEAM,
        },
    )

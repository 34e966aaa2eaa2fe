"""What the rights part adds to the registries of beneficiaries: the person's timeline
(beneficiaries.timeline) and the summary at the top of the person's and household's pages
(beneficiaries.summary)."""

from django.db.models import Case, F, FilteredRelation, Q, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accompaniment import rights_grid
from accompaniment.models import (
    Obstacle,
    ObstacleFollowUp,
    Procedure,
    ProcedureCategory,
    ProcedureChange,
    ProcedureStatus,
    ProcedureType,
)
from accompaniment.timeline_sources import with_action, within_action
from beneficiaries import summary, timeline
from beneficiaries.models import Pathway
from beneficiaries.summary import Alert, Block, Row, SummaryQuery
from beneficiaries.timeline import PERSON_NAME, Entry, TimelineQuery
from mia.links import object_url

# --- Timeline ------------------------------------------------------------------------------------

# The timeline's pathways a category's entries are filed under, besides "rights".
EXTRA_PATHWAYS = {
    ProcedureCategory.HEALTH: Pathway.HEALTH,
    ProcedureCategory.SCHOOL: Pathway.SCHOOLING,
}


def _pathways(category: str) -> tuple[str, ...]:
    extra = EXTRA_PATHWAYS.get(category)
    return (Pathway.RIGHTS, extra) if extra else (Pathway.RIGHTS,)


def _categories(pathway: str | None) -> list[str] | None:
    """The categories whose entries a pathway filter keeps (None: all of them)."""
    if not pathway or pathway == Pathway.RIGHTS:
        return None
    return [code for code, extra in EXTRA_PATHWAYS.items() if extra == pathway]


def procedure_changes(query: TimelineQuery):
    """A procedure opened (its first state), then each state it went through."""
    if query.pathway and query.pathway not in {Pathway.RIGHTS, *EXTRA_PATHWAYS.values()}:
        return []
    rows = (
        ProcedureChange.objects.filter(procedure__person_id__in=query.person_ids)
        .select_related("procedure__type", "procedure__person")
        .only(
            *("status", "previous", "on", "procedure__person_id", "procedure__valid_until"),
            *("procedure__type__name", "procedure__type__category"),
            *(f"procedure__{field}" for field in PERSON_NAME),
        )
        .annotate(action_name=F("procedure__action__name"))
        .order_by("-on", "-pk")
    )
    if (categories := _categories(query.pathway)) is not None:
        rows = rows.filter(procedure__type__category__in=categories)
    statuses = {value: str(label).lower() for value, label in ProcedureStatus.choices}
    opened, changed = _("Démarche ouverte : %(type)s (%(status)s)"), _("%(type)s : %(status)s")
    until = _("valable jusqu'au %(date)s")
    within = within_action()
    entries = []
    for row in rows[: query.limit]:
        procedure = row.procedure
        values = {"type": procedure.type.name, "status": statuses.get(row.status, row.status)}
        detail = ""
        if row.status == ProcedureStatus.OBTAINED and procedure.valid_until:
            detail = until % {"date": procedure.valid_until.strftime("%d/%m/%Y")}
        entries.append(
            Entry(
                date=row.on,
                rank=(30, row.pk),
                kind="procedure" if not row.previous else f"procedure_{row.status}",
                # Opened within a local action: said once, on its first entry.
                title=changed % values
                if row.previous
                else with_action(opened % values, row.action_name, within),
                detail=detail,
                pathways=_pathways(procedure.type.category),
                who=str(procedure.person),
                url=object_url("accompaniment:rights", procedure.person_id)
                + f"#demarche-{row.procedure_id}",
            )
        )
    return entries


def obstacles(query: TimelineQuery):
    """A refusal recorded, and what was done about it. Its free text stays on the rights page,
    for those who read notes."""
    if query.pathway and query.pathway not in {Pathway.RIGHTS, Pathway.SCHOOLING}:
        return []
    rows = (
        Obstacle.objects.filter(person_id__in=query.person_ids)
        .select_related("person")
        .only("kind", "body", "occurred_on", "follow_up", "follow_up_on", *PERSON_NAME)
        .order_by("-occurred_on", "-pk")
    )
    if query.pathway == Pathway.SCHOOLING:
        rows = rows.filter(kind="school_refused")
    refused, followed = _("Refus : %(kind)s — %(body)s"), _("Suite au refus : %(follow_up)s")
    entries = []
    for row in rows[: query.limit]:
        pathways = (Pathway.RIGHTS, Pathway.SCHOOLING) if row.kind == "school_refused" else ()
        pathways = pathways or (Pathway.RIGHTS,)
        url = object_url("accompaniment:rights", row.person_id) + "#refus"
        entries.append(
            Entry(
                date=row.occurred_on,
                rank=(31, row.pk),
                kind="obstacle",
                title=refused % {"kind": row.get_kind_display(), "body": row.body},
                pathways=pathways,
                who=str(row.person),
                url=url,
            )
        )
        if row.follow_up_on and row.follow_up != ObstacleFollowUp.NONE:
            entries.append(
                Entry(
                    date=row.follow_up_on,
                    rank=(31, row.pk),
                    kind="obstacle_follow_up",
                    title=followed % {"follow_up": row.get_follow_up_display().lower()},
                    pathways=pathways,
                    who=str(row.person),
                    url=url,
                )
            )
    return entries


# --- Summary -------------------------------------------------------------------------------------


def _grids(query: SummaryQuery) -> dict[int, list[rights_grid.GridRow]]:
    """Each person's grid, in ONE query: the organisation's essential types and every type
    of the page's people's procedures, one row per (type, procedure), a type without any
    procedure once (a LEFT JOIN on the procedures of these people only)."""
    organisation_id = query.people[0].organisation_id
    essential = ProcedureType.objects.for_organisation(organisation_id).filter(essential=True)
    in_grid = Q(pk__in=essential.values("pk"))
    mine = Q(procedures__person_id__in=query.person_ids)
    fields = ("pk", "person_id", "status", "valid_from", "valid_until", "created_at")
    rows = (
        ProcedureType.objects.annotate(
            mine=FilteredRelation("procedures", condition=mine),
            in_grid=Case(When(in_grid, then=Value(True)), default=Value(False)),
        )
        .filter(in_grid | Q(mine__pk__isnull=False))
        .annotate(**{f"p_{name}": F(f"mine__{name}") for name in fields})
        .order_by("position", "name", "pk", "p_pk")
    )
    essential_types: dict[int, ProcedureType] = {}
    procedures: dict[int, list[Procedure]] = {pk: [] for pk in query.person_ids}
    for row in rows:
        if row.in_grid:
            essential_types.setdefault(row.pk, row)
        if row.p_pk is not None:
            procedures[row.p_person_id].append(
                Procedure(
                    pk=row.p_pk,
                    person_id=row.p_person_id,
                    type=row,
                    status=row.p_status,
                    valid_from=row.p_valid_from,
                    valid_until=row.p_valid_until,
                    created_at=row.p_created_at,
                )
            )
    return {
        pk: rights_grid.grid(
            essential=essential_types.values(), procedures=found, today=query.today
        )
        for pk, found in procedures.items()
    }


def _alert_text(row: rights_grid.GridRow) -> str:
    day = row.until.strftime("%d/%m") if row.until else ""
    if row.state == rights_grid.State.EXPIRED:
        if not day:
            return _("%(type)s : a pris fin") % {"type": row.type.name}
        return _("%(type)s : a pris fin le %(date)s") % {"type": row.type.name, "date": day}
    return _("%(type)s : fin le %(date)s") % {"type": row.type.name, "date": day}


def _row_meta(row: rights_grid.GridRow) -> str:
    procedure = row.procedure
    if row.state in rights_grid.HELD and row.until:
        return _("jusqu'au %(date)s") % {"date": row.until.strftime("%d/%m/%Y")}
    if row.state == rights_grid.State.PENDING and procedure is not None:
        return procedure.get_status_display()
    return ""


def rights(query: SummaryQuery):
    """A person's page: a block (obtained, under way, missing; the rights to act on first)
    and an alert per right ending soon or ended. A household's page: the alerts, each naming
    its member. People who left the programme have nothing to renew."""
    active = {person.pk for person in query.active}
    if not query.people:
        return
    grids = _grids(query)
    names = query.names
    for person_id, grid in grids.items():
        if person_id not in active:
            continue
        for row in grid:
            ending = row.state == rights_grid.State.EXPIRING
            if (ending or row.state == rights_grid.State.EXPIRED) and not row.renewing:
                text = _alert_text(row)
                if query.household:
                    text = f"{names.get(person_id, '')} — {text}"
                yield Alert(
                    text=text,
                    url=summary.allowed(query.user, object_url("accompaniment:rights", person_id)),
                    link_label=_("Droits"),
                )
    if query.household:
        return
    person = query.people[0]
    grid = grids[person.pk]
    counts = rights_grid.counts(grid)
    lead = _("En cours : %(pending)d · manquants : %(missing)d") % {
        "pending": counts["pending"],
        "missing": counts["missing"],
    }
    # Nothing recorded yet: the block says so rather than list every right as missing.
    started = any(row.procedure is not None for row in grid)
    yield Block(
        key="rights",
        order=45,
        title=_("Accès aux droits"),
        count=counts["obtained"],
        count_label=ngettext(
            "%(count)d droit obtenu sur %(total)d",
            "%(count)d droits obtenus sur %(total)d",
            counts["obtained"],
        )
        % {"count": counts["obtained"], "total": len(grid)},
        lead=lead if grid else "",
        rows=tuple(
            Row(
                text=row.type.name,
                meta=" — ".join(part for part in (row.label, _row_meta(row)) if part),
                late=row.state == rights_grid.State.EXPIRED,
            )
            for row in (rights_grid.needs_attention(grid) if started else [])[: summary.ROWS]
        ),
        link=summary.allowed(query.user, object_url("accompaniment:rights", person.pk)),
        link_label=_("Voir les droits"),
        empty=_("Aucun droit à renouveler ni à demander.")
        if started
        else _("Aucune démarche enregistrée."),
    )


def register_sources() -> None:
    """Called by AccompanimentConfig.ready()."""
    timeline.register("accompaniment.procedures", procedure_changes)
    timeline.register("accompaniment.obstacles", obstacles)
    summary.register("accompaniment.rights", rights)

"""What the employment pathway adds to the registries of beneficiaries: the person's timeline
(contracts signed and ended, candidacies' statuses, trainings, workshops) and the summary at
the top of the person's page ("En emploi : CDDI chez X depuis le …"). One query a source."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from beneficiaries.models import Pathway
from beneficiaries.summary import Block, Row, SummaryQuery, allowed
from beneficiaries.summary import register as register_summary
from beneficiaries.timeline import PERSON_NAME, Entry, TimelineQuery
from beneficiaries.timeline import register as register_timeline
from employment.models import (
    CandidacyChange,
    CandidacyStatus,
    Contract,
    Training,
    TrainingOutcome,
    Workshop,
)
from mia import permissions
from mia.links import object_url

PATHWAYS = (Pathway.EMPLOYMENT,)


def _employment_only(query: TimelineQuery) -> bool:
    return not query.pathway or query.pathway == Pathway.EMPLOYMENT


def _page(person_id: int, anchor: str = "") -> str:
    url = object_url("employment:person_employment", person_id)
    return f"{url}#{anchor}" if anchor else url


def _day(day) -> str:
    return day.strftime("%d/%m/%Y")


# --- Timeline --------------------------------------------------------------------------------


def contracts(query: TimelineQuery):
    """A contract signed (its first day) and, once recorded, its end."""
    if not _employment_only(query):
        return []
    rows = (
        Contract.objects.filter(person_id__in=query.person_ids)
        .select_related("person", "employer")
        .only("contract_type", "starts_on", "ended_on", "employer__name", *PERSON_NAME)
        .order_by("-starts_on", "-pk")
    )
    signed, ended = (
        _("Contrat signé : %(type)s chez %(employer)s"),
        _("Fin de contrat : %(type)s chez %(employer)s"),
    )
    entries = []
    for row in rows[: query.limit]:
        values = {"type": row.get_contract_type_display(), "employer": row.employer.name}
        url = _page(row.person_id, f"contrat-{row.pk}")
        entries.append(
            Entry(
                date=row.starts_on,
                rank=(50, row.pk),
                kind="contract",
                title=signed % values,
                pathways=PATHWAYS,
                who=str(row.person),
                url=url,
            )
        )
        if row.ended_on:
            entries.append(
                Entry(
                    date=row.ended_on,
                    rank=(50, row.pk),
                    kind="contract_ended",
                    title=ended % values,
                    pathways=PATHWAYS,
                    who=str(row.person),
                    url=url,
                )
            )
    return entries


def candidacies(query: TimelineQuery):
    """Each status a candidacy went through: proposed, interview, hired, not retained."""
    if not _employment_only(query):
        return []
    rows = (
        CandidacyChange.objects.filter(candidacy__person_id__in=query.person_ids)
        .select_related("candidacy__person", "candidacy__offer__employer")
        .only(
            *("status", "previous", "reason", "on", "candidacy__person_id"),
            *("candidacy__offer__title", "candidacy__offer__employer__name"),
            *(f"candidacy__{field}" for field in PERSON_NAME),
        )
        .order_by("-on", "-pk")
    )
    proposed = _("Proposée pour l'offre « %(offer)s » (%(employer)s)")
    changed = _("Candidature « %(offer)s » : %(status)s")
    entries = []
    for row in rows[: query.limit]:
        offer = row.candidacy.offer
        status = row.get_status_display().lower()
        if row.status == CandidacyStatus.NOT_RETAINED and row.reason:
            status = f"{status} ({row.get_reason_display().lower()})"
        values = {"offer": offer.title, "employer": offer.employer.name, "status": status}
        entries.append(
            Entry(
                date=row.on,
                rank=(51, row.pk),
                kind=f"candidacy_{row.status}",
                title=(changed if row.previous else proposed) % values,
                pathways=PATHWAYS,
                who=str(row.candidacy.person),
                url=_page(row.candidacy.person_id),
            )
        )
    return entries


def trainings(query: TimelineQuery):
    if not _employment_only(query):
        return []
    rows = (
        Training.objects.filter(person_id__in=query.person_ids)
        .select_related("person")
        .only("title", "starts_on", "ends_on", "outcome", *PERSON_NAME)
        .order_by("-starts_on", "-pk")
    )
    started, ended = _("Formation : %(title)s"), _("Formation %(title)s : %(outcome)s")
    entries = []
    for row in rows[: query.limit]:
        url = _page(row.person_id, f"formation-{row.pk}")
        entries.append(
            Entry(
                date=row.starts_on,
                rank=(52, row.pk),
                kind="training",
                title=started % {"title": row.title},
                pathways=PATHWAYS,
                who=str(row.person),
                url=url,
            )
        )
        if row.ends_on and row.outcome != TrainingOutcome.ONGOING:
            entries.append(
                Entry(
                    date=row.ends_on,
                    rank=(52, row.pk),
                    kind=f"training_{row.outcome}",
                    title=ended
                    % {"title": row.title, "outcome": row.get_outcome_display().lower()},
                    pathways=PATHWAYS,
                    who=str(row.person),
                    url=url,
                )
            )
    return entries


def workshops(query: TimelineQuery):
    if not _employment_only(query):
        return []
    rows = (
        Workshop.objects.filter(person_id__in=query.person_ids)
        .select_related("person")
        .only("kind", "held_on", "attended", *PERSON_NAME)
        .order_by("-held_on", "-pk")
    )
    title = _("Atelier : %(kind)s")
    return [
        Entry(
            date=row.held_on,
            rank=(53, row.pk),
            kind="workshop",
            title=title % {"kind": row.get_kind_display()},
            detail="" if row.attended else _("absente"),
            pathways=PATHWAYS,
            who=str(row.person),
            url=_page(row.person_id, "ateliers"),
        )
        for row in rows[: query.limit]
    ]


# --- Summary ---------------------------------------------------------------------------------


def employment(query: SummaryQuery):
    """A person's page: in employment today or not, and the latest contracts. One query."""
    if query.household or not permissions.reads_employment(query.user):
        return
    person = query.people[0]
    today = query.today
    rows = list(
        Contract.objects.filter(person_id=person.pk)
        .select_related("employer")
        .only(
            *("contract_type", "starts_on", "planned_end", "ended_on", "person_id"),
            "employer__name",
        )
        .order_by("-starts_on", "-pk")[:10]
    )
    running = [row for row in rows if row.is_running_on(today)]
    lead = _("Pas en emploi aujourd'hui")
    if running:
        current = min(running, key=lambda row: (row.starts_on, row.pk))
        lead = _("En emploi : %(type)s chez %(employer)s depuis le %(date)s") % {
            "type": current.get_contract_type_display(),
            "employer": current.employer.name,
            "date": _day(current.starts_on),
        }
    page = allowed(query.user, _page(person.pk))
    yield Block(
        key="employment",
        order=55,
        title=_("Emploi"),
        count=len(running),
        count_label=ngettext(
            "%(count)d contrat en cours", "%(count)d contrats en cours", len(running)
        )
        % {"count": len(running)},
        lead=lead,
        rows=tuple(
            Row(
                text=_("%(type)s chez %(employer)s")
                % {"type": row.get_contract_type_display(), "employer": row.employer.name},
                date=row.starts_on,
                meta=_("jusqu'au %(date)s") % {"date": _day(row.end)} if row.end else "",
                url=page,
            )
            for row in rows[:3]
        ),
        link=page,
        link_label=_("Voir l'emploi"),
        empty=_("Aucun contrat enregistré."),
    )


def register_sources() -> None:
    """Called by EmploymentConfig.ready()."""
    register_timeline("employment.contracts", contracts)
    register_timeline("employment.candidacies", candidacies)
    register_timeline("employment.trainings", trainings)
    register_timeline("employment.workshops", workshops)
    register_summary("employment.summary", employment)

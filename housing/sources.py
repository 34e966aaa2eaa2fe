"""What housing adds to the registries of beneficiaries: the timeline of a person or a household
(offers made and answered, placements started and ended, applications and recourses), and a
block of the summary at the top of their pages (where the household is sheltered now)."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from beneficiaries import summary, timeline
from beneficiaries.models import Pathway, Person
from beneficiaries.summary import Block, Row, SummaryQuery
from beneficiaries.timeline import Entry, TimelineQuery
from housing.models import (
    Answer,
    HousingRecourse,
    Placement,
    ShelterOffer,
    SiaoRequest,
    SocialHousingApplication,
)
from mia.links import object_url

PATHWAYS = (Pathway.HOUSING,)


def _households(person_ids):
    return Person.objects.filter(pk__in=person_ids).values("household_id")


def _wanted(query: TimelineQuery) -> bool:
    return not query.pathway or query.pathway == Pathway.HOUSING


def _url(household_id: int, anchor: str) -> str:
    return object_url("housing:trajectory", household_id) + f"#{anchor}"


def offers(query: TimelineQuery):
    """An offer made after an evacuation, and its answer."""
    if not _wanted(query):
        return []
    rows = (
        ShelterOffer.objects.filter(household_id__in=_households(query.person_ids))
        .select_related("evacuation__site")
        .only(
            "type",
            "place",
            "offered_on",
            "answer",
            "answered_on",
            "refusal_reason",
            "household_id",
            "evacuation__site__name",
        )
        .order_by("-offered_on", "-pk")
    )
    entries = []
    for row in rows[: query.limit]:
        url = _url(row.household_id, "propositions")
        values = {"type": row.get_type_display(), "site": row.evacuation.site.name}
        entries.append(
            Entry(
                date=row.offered_on,
                rank=(60, row.pk),
                kind="shelter_offer",
                title=_("Proposition d'hébergement : %(type)s (évacuation de %(site)s)") % values,
                detail=row.place,
                pathways=PATHWAYS,
                url=url,
            )
        )
        if row.answer != Answer.PENDING and row.answered_on:
            title = _("Proposition acceptée : %(type)s") % values
            if row.answer == Answer.REFUSED:
                title = _("Proposition refusée : %(type)s (%(reason)s)") % (
                    values | {"reason": row.get_refusal_reason_display().lower()}
                )
            entries.append(
                Entry(
                    date=row.answered_on,
                    rank=(61, row.pk),
                    kind=f"shelter_offer_{row.answer}",
                    title=title,
                    pathways=PATHWAYS,
                    url=url,
                )
            )
    return entries


def placements(query: TimelineQuery):
    """A household entering a shelter or a home, and leaving it."""
    if not _wanted(query):
        return []
    rows = (
        Placement.objects.filter(household_id__in=_households(query.person_ids))
        .only("type", "place", "started_on", "ended_on", "household_id")
        .order_by("-started_on", "-pk")
    )
    entries = []
    for row in rows[: query.limit]:
        url = _url(row.household_id, "parcours")
        values = {"type": row.get_type_display()}
        entries.append(
            Entry(
                date=row.started_on,
                rank=(62, row.pk),
                kind="placement",
                title=_("Entrée : %(type)s") % values,
                detail=row.place,
                pathways=PATHWAYS,
                url=url,
            )
        )
        if row.ended_on:
            entries.append(
                Entry(
                    date=row.ended_on,
                    rank=(63, row.pk),
                    kind="placement_ended",
                    title=_("Sortie : %(type)s") % values,
                    pathways=PATHWAYS,
                    url=url,
                )
            )
    return entries


def applications(query: TimelineQuery):
    """SIAO requests, social-housing applications (and their renewals), DALO / DAHO recourses."""
    if not _wanted(query):
        return []
    households = _households(query.person_ids)
    entries = []
    for row in SiaoRequest.objects.filter(household_id__in=households).order_by("-filed_on")[
        : query.limit
    ]:
        entries.append(
            Entry(
                date=row.filed_on,
                rank=(64, row.pk),
                kind="siao_request",
                title=_("Demande SIAO : %(status)s") % {"status": row.get_status_display().lower()},
                pathways=PATHWAYS,
                url=_url(row.household_id, "demandes"),
            )
        )
    for row in SocialHousingApplication.objects.filter(household_id__in=households).order_by(
        "-filed_on"
    )[: query.limit]:
        values = {"number": row.number, "status": row.get_status_display().lower()}
        entries.append(
            Entry(
                date=row.filed_on,
                rank=(65, row.pk),
                kind="housing_application",
                title=_("Demande de logement social n° %(number)s (%(status)s)") % values,
                pathways=PATHWAYS,
                url=_url(row.household_id, "demandes"),
            )
        )
        if row.renewed_on:
            entries.append(
                Entry(
                    date=row.renewed_on,
                    rank=(66, row.pk),
                    kind="housing_application_renewed",
                    title=_("Demande de logement social renouvelée (n° %(number)s)") % values,
                    pathways=PATHWAYS,
                    url=_url(row.household_id, "demandes"),
                )
            )
    for row in HousingRecourse.objects.filter(household_id__in=households).order_by("-filed_on")[
        : query.limit
    ]:
        values = {"kind": row.get_kind_display(), "decision": row.get_decision_display().lower()}
        entries.append(
            Entry(
                date=row.filed_on,
                rank=(67, row.pk),
                kind="housing_recourse",
                title=_("Recours %(kind)s : %(decision)s") % values,
                pathways=PATHWAYS,
                url=_url(row.household_id, "demandes"),
            )
        )
    return entries


def housing(query: SummaryQuery):
    """A block: where the household is sheltered or housed now, and its placements so far.
    One query (the placements of the page's households)."""
    household_ids = {person.household_id for person in query.people if person.household_id}
    if not household_ids:
        return
    rows = list(
        Placement.objects.filter(household_id__in=household_ids)
        .only("type", "place", "started_on", "ended_on", "household_id")
        .order_by("-started_on", "-pk")
    )
    if not rows:
        return
    current = [row for row in rows if row.ended_on is None]
    household_id = next(iter(household_ids)) if len(household_ids) == 1 else None
    link = ""
    if household_id is not None:
        link = summary.allowed(query.user, object_url("housing:trajectory", household_id))
    lead = _("Aucun hébergement en cours")
    if current:
        lead = _("Actuellement : %(type)s") % {"type": current[0].get_type_display()}
    yield Block(
        key="housing",
        order=60,
        title=_("Hébergement et logement"),
        count=len(rows),
        count_label=ngettext(
            "%(count)d hébergement ou logement", "%(count)d hébergements ou logements", len(rows)
        )
        % {"count": len(rows)},
        lead=lead,
        rows=tuple(
            Row(
                text=row.get_type_display(),
                date=row.started_on,
                meta=row.place,
            )
            for row in rows[: summary.ROWS]
        ),
        link=link,
        link_label=_("Parcours d'hébergement"),
        empty=_("Aucun hébergement enregistré."),
    )


def register_sources() -> None:
    """Called by HousingConfig.ready()."""
    timeline.register("housing.offers", offers)
    timeline.register("housing.placements", placements)
    timeline.register("housing.applications", applications)
    summary.register("housing.housing", housing)

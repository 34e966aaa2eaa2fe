"""The figures of housing, for a period and a scope (beneficiaries.scope.Scope), as
accompaniment/indicators.py does for the rights and French: the Préfecture's report and the
State platform read them, never a count typed by someone.

Each returns an `Indicator` (the figure, the people behind it, the rows counted), or a dict of
them keyed by the classification, every key present. Households are those with at least one
member in `scope.people()` (their site and département are the scope's reading of their
members); the people of a household figure are its members in the scope. Each costs a fixed
number of queries (said in its docstring); the querysets returned are lazy."""

import datetime
import statistics

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Person, Site, SiteStatus
from beneficiaries.scope import Indicator, Scope
from housing import resorption
from housing.models import (
    PERMANENT_TYPES,
    Answer,
    Evacuation,
    EvacuationHousehold,
    Placement,
    PlacementType,
    ShelterOffer,
    Wish,
)

__all__ = [
    "DAY_BANDS",
    "days_to_permanent_housing",
    "exits_to_permanent_housing",
    "households_by_housing_type",
    "offers_after_evacuations",
    "sites_resorbed",
]

# The distribution of the days from programme entry to permanent housing: [from, under).
DAY_BANDS = {
    "under_6_months": (_("Moins de 6 mois"), 0, 183),
    "6_to_12_months": (_("6 à 12 mois"), 183, 365),
    "1_to_2_years": (_("1 à 2 ans"), 365, 730),
    "2_years_and_more": (_("2 ans et plus"), 730, None),
}


def _households(scope: Scope):
    """The ids of the households of the scope's people (a subquery)."""
    return scope.people().filter(household__isnull=False).values("household_id")


def _members(scope: Scope, records: QuerySet) -> QuerySet[Person]:
    return scope.people().filter(household_id__in=records.values("household_id"))


def _evacuations(scope: Scope) -> QuerySet[Evacuation]:
    """Evacuations of the organisation carried out in the period, or announced in it and not
    carried out yet; within the scope's site or département."""
    evacuations = Evacuation.objects.filter(organisation_id=scope.organisation_id).filter(
        Q(carried_out_on__range=(scope.start, scope.end))
        | Q(carried_out_on__isnull=True, decided_on__lte=scope.end)
    )
    if scope.site_id is not None:
        evacuations = evacuations.filter(site_id=scope.site_id)
    if scope.departement is not None:
        evacuations = evacuations.filter(site__commune__departement=scope.departement)
    return evacuations


def offers_after_evacuations(scope: Scope) -> dict[int, dict[str, Indicator]]:
    """Per evacuation (see `_evacuations`), in order of decision: offers made, accepted,
    refused (records: the offers), and households that wish shelter with no offer at all
    ("none"; records: their board rows). Offers are those made to households of the scope.
    Value: offers, or households for "none". Three queries."""
    evacuations = list(
        _evacuations(scope).order_by("decided_on", "pk").values_list("pk", flat=True)
    )
    offers = ShelterOffer.objects.filter(
        evacuation_id__in=evacuations, household_id__in=_households(scope)
    )
    counts: dict[tuple[int, str], int] = {}
    for evacuation_id, answer, count in (
        offers.order_by().values_list("evacuation_id", "answer").annotate(count=Count("pk"))
    ):
        counts[evacuation_id, answer] = count
    without = EvacuationHousehold.objects.filter(
        evacuation_id__in=evacuations, wish=Wish.YES, household_id__in=_households(scope)
    ).exclude(
        Exists(
            ShelterOffer.objects.filter(
                evacuation_id=OuterRef("evacuation_id"), household_id=OuterRef("household_id")
            )
        )
    )
    none_counts = dict(without.order_by().values_list("evacuation_id").annotate(count=Count("pk")))
    result = {}
    for pk in evacuations:
        made = offers.filter(evacuation_id=pk)
        answered = {
            answer: Indicator(
                value=counts.get((pk, answer), 0),
                people=_members(scope, made.filter(answer=answer)),
                records=made.filter(answer=answer),
            )
            for answer in (Answer.ACCEPTED, Answer.REFUSED)
        }
        rows = without.filter(evacuation_id=pk)
        result[pk] = {
            "made": Indicator(
                value=sum(counts.get((pk, answer), 0) for answer in Answer.values),
                people=_members(scope, made),
                records=made,
            ),
            "accepted": answered[Answer.ACCEPTED],
            "refused": answered[Answer.REFUSED],
            "none": Indicator(
                value=none_counts.get(pk, 0), people=_members(scope, rows), records=rows
            ),
        }
    return result


def _in_force(day: datetime.date) -> Q:
    return Q(started_on__lte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gte=day))


def households_by_housing_type(scope: Scope) -> dict[str, Indicator]:
    """The scope's households by the type of their placement in force on the period's last day
    (none: not counted). Value: households; records: the placements. One query."""
    records = Placement.objects.filter(
        organisation_id=scope.organisation_id, household_id__in=_households(scope)
    ).filter(_in_force(scope.end))
    counts = dict(
        records.order_by().values_list("type").annotate(count=Count("household_id", distinct=True))
    )
    return {
        code: Indicator(
            value=counts.get(code, 0),
            people=_members(scope, records.filter(type=code)),
            records=records.filter(type=code),
        )
        for code in PlacementType.values
    }


def _first_permanent(scope: Scope) -> QuerySet[Placement]:
    """Each household's first placement in permanent housing, when it began in the period."""
    placements = Placement.objects.filter(
        organisation_id=scope.organisation_id,
        household_id__in=_households(scope),
        type__in=PERMANENT_TYPES,
    )
    earlier = Placement.objects.filter(type__in=PERMANENT_TYPES)
    earlier = earlier.filter(household_id=OuterRef("household_id")).filter(
        Q(started_on__lt=OuterRef("started_on"))
        | Q(started_on=OuterRef("started_on"), pk__lt=OuterRef("pk"))
    )
    return placements.filter(started_on__range=(scope.start, scope.end)).exclude(Exists(earlier))


def exits_to_permanent_housing(scope: Scope) -> Indicator:
    """Households that entered permanent housing (a social or private lease) for the first
    time during the period. Value: households; records: those placements. One query."""
    records = _first_permanent(scope)
    return Indicator(value=records.count(), people=_members(scope, records), records=records)


def days_to_permanent_housing(scope: Scope) -> dict:
    """For the households of `exits_to_permanent_housing`: the days from programme entry (the
    earliest `entered_on` of its members) to the first day in permanent housing. Returns
    {"median": days or None, "households": n, "bands": {band: Indicator}} (DAY_BANDS; value:
    households; records: their placements). One query."""
    records = _first_permanent(scope)
    rows = list(
        records.annotate(entered=Min("household__members__entered_on")).values_list(
            "pk", "started_on", "entered"
        )
    )
    days = {pk: max((started - entered).days, 0) for pk, started, entered in rows if entered}
    bands = {}
    for code, (_label, low, high) in DAY_BANDS.items():
        ids = [pk for pk, value in days.items() if value >= low and (high is None or value < high)]
        chosen = records.filter(pk__in=ids)
        bands[code] = Indicator(value=len(ids), people=_members(scope, chosen), records=chosen)
    return {
        "median": statistics.median(days.values()) if days else None,
        "households": len(days),
        "bands": bands,
    }


def sites_resorbed(scope: Scope) -> dict:
    """The organisation's sites closed during the period (within the scope's site or
    département), and among them those resorbed (at least 66 % of their inhabitants with a
    lasting solution, housing.resorption), with the solutions of all of them added up by
    solution: {"closed": Indicator, "resorbed": Indicator, "solutions": {code: {"households":
    n, "people": n}}}. Value: sites (records: the sites; people: their inhabitants in the
    programme). Five queries."""
    sites = Site.objects.filter(
        organisation_id=scope.organisation_id,
        closed_on__range=(scope.start, scope.end),
    ).exclude(status=SiteStatus.OPEN)
    if scope.site_id is not None:
        sites = sites.filter(pk=scope.site_id)
    if scope.departement is not None:
        sites = sites.filter(commune__departement=scope.departement)
    site_ids = list(sites.values_list("pk", flat=True))
    results = resorption.resorptions(site_ids, organisation_id=scope.organisation_id)
    resorbed = [pk for pk, result in results.items() if result.resorbed]
    solutions = {code: {"households": 0, "people": 0} for code, _label in resorption.SOLUTIONS}
    households: dict[int, set[int]] = {}
    for pk, result in results.items():
        households[pk] = set(result.solution_of)
        for count in result.counts:
            solutions[count.code]["households"] += count.households
            solutions[count.code]["people"] += count.people

    def _people(ids) -> QuerySet[Person]:
        chosen = {household for pk in ids for household in households[pk]}
        return scope.people().filter(household_id__in=chosen)

    return {
        "closed": Indicator(
            value=len(site_ids), people=_people(site_ids), records=sites.filter(pk__in=site_ids)
        ),
        "resorbed": Indicator(
            value=len(resorbed), people=_people(resorbed), records=sites.filter(pk__in=resorbed)
        ),
        "solutions": solutions,
    }

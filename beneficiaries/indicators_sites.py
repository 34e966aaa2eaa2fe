"""The figures of the sites as the State's Résorption-bidonvilles platform asks them, for a scope
(beneficiaries.scope.Scope): sites open, their population, their living conditions, and the
sites closed by cause. Read from what the teams record (population entries, conditions,
closures), never typed twice.

Scope: the organisation, and its `site` or `departement` when given (the site's commune's);
the scope's sex, age band and action do not apply to sites (a population entry is a count,
not people). **The date** is the scope's last day, `end`. `people` is the scope's people whose
household lives on the counted sites now (lazy); `records` the sites (or entries) counted.
Each function costs the fixed number of queries its docstring says.
"""

import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from beneficiaries.models import (
    CONDITION_FIELDS,
    CONDITIONS,
    POPULATION_COUNTS,
    HouseholdStay,
    Person,
    Site,
    SitePopulation,
    SiteStatus,
    Summary,
    conditions_summary,
)
from beneficiaries.scope import Indicator, Scope

__all__ = [
    "Indicator",
    "conditions_by_summary",
    "population_on",
    "sites_closed",
    "sites_open",
]


def _sites(scope: Scope) -> QuerySet[Site]:
    sites = Site.objects.filter(organisation_id=scope.organisation_id)
    if scope.site_id is not None:
        sites = sites.filter(pk=scope.site_id)
    if scope.departement is not None:
        sites = sites.filter(commune__departement=scope.departement)
    return sites


def open_on(day: datetime.date) -> Q:
    """A site open on `day`: installed (or known) on or before it, not closed by then. A site
    with neither date is counted from the start."""
    started = Q(opened_on__lte=day) | Q(opened_on__isnull=True, known_since__lte=day)
    unknown_start = Q(opened_on__isnull=True, known_since__isnull=True)
    return (started | unknown_start) & (Q(closed_on__isnull=True) | Q(closed_on__gt=day))


def _people_on(scope: Scope, sites: QuerySet[Site]) -> QuerySet[Person]:
    return scope.people().filter(household__site__in=sites.values("pk"))


def _people_who_lived_on(scope: Scope, sites: QuerySet[Site]) -> QuerySet[Person]:
    stays = HouseholdStay.objects.filter(household=OuterRef("household_id"), site__in=sites)
    return scope.people().filter(Exists(stays))


def sites_open(scope: Scope) -> Indicator:
    """Sites open on the scope's last day. Value: sites. One query."""
    records = _sites(scope).filter(open_on(scope.end))
    return Indicator(records.count(), _people_on(scope, records), records)


def _latest_entries(scope: Scope) -> QuerySet[SitePopulation]:
    """Each open site's latest population entry on or before the date."""
    day = scope.end
    later = SitePopulation.objects.filter(
        site=OuterRef("site"), observed_on__gt=OuterRef("observed_on"), observed_on__lte=day
    )
    return SitePopulation.objects.filter(
        site__in=_sites(scope).filter(open_on(day)).values("pk"), observed_on__lte=day
    ).exclude(Exists(later))


def population_on(scope: Scope) -> dict[str, Indicator]:
    """The population of the sites open on the date, from each site's latest entry on or
    before it, by count: people, women, households, minors, minors by age band, minors in
    school, and the dwellings (POPULATION_COUNTS' keys). A count not given on an entry adds
    nothing (unknown is not zero: compare with `records`). Value: people (or dwellings);
    records: the entries summed. One query."""
    records = _latest_entries(scope)
    sums = records.aggregate(**{name: Coalesce(Sum(name), 0) for name in POPULATION_COUNTS})
    people = _people_on(scope, _sites(scope).filter(pk__in=records.values("site")))
    return {name: Indicator(sums[name], people, records) for name in POPULATION_COUNTS}


def conditions_by_summary(scope: Scope) -> dict[str, dict[str, Indicator]]:
    """The sites open on the date by living condition then summary (good, to improve, bad,
    unknown; every key present). The conditions as recorded now (they have no history).
    Value: sites. One query (the summaries are derived in Python, models.conditions_summary)."""
    sites = _sites(scope).filter(open_on(scope.end))
    rows = list(sites.values("pk", *CONDITION_FIELDS))
    ids: dict[str, dict[str, list[int]]] = {
        key: {summary: [] for summary in Summary.values} for key in CONDITIONS
    }
    for row in rows:
        for key, summary in conditions_summary(row).items():
            ids[key][summary].append(row["pk"])
    result = {}
    for key, by_summary in ids.items():
        result[key] = {}
        for summary, pks in by_summary.items():
            records = Site.objects.filter(pk__in=pks)
            result[key][summary] = Indicator(len(pks), _people_on(scope, records), records)
    return result


def sites_closed(scope: Scope) -> dict[str, Indicator]:
    """Sites closed during the period (closed_on from start to end), by cause (SiteStatus's
    closed values: evacuated by court decision, by order, resorbed, closed otherwise; every key
    present). Value: sites. One query."""
    closed = _sites(scope).filter(closed_on__gte=scope.start, closed_on__lte=scope.end)
    counts = dict(
        closed.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return {
        status: Indicator(
            counts.get(status, 0),
            _people_who_lived_on(scope, closed.filter(status=status)),
            closed.filter(status=status),
        )
        for status in SiteStatus.values
        if status != SiteStatus.OPEN
    }

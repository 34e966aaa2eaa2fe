"""A period and a scope: the "for whom, when" of every indicator (the Préfecture's report, the
State platform's yearly figures, the dashboards), and `Indicator`, what each indicator returns.

Every app's `indicators.py` takes a `Scope` and returns an `Indicator`: a figure together with
the queryset of the people behind it, so that a manager can open the list of records a figure
counts (DOMAIN.md: "every figure must be reproducible"). Both live here, in the lowest app the
other apps' indicators import, so that employment and housing reuse them.

Conventions, the same for every indicator built on `Scope.people()`:

- **The period** is `start` to `end`, both days included.
- **In the programme during the period**: a person with a period in the programme
  (`Enrolment`) that overlaps it: entered on or before `end`, and not exited, or exited on or
  after `start`. A person who left and came back is in the scope of a period overlapping either
  stay, whatever `Person.entered_on` (the latest entry only) says.
- **The organisation** is required: no figure mixes two associations.
- **Site and département**: those of the site the person's household lived on last during the
  period (`HouseholdStay`: the stay in force at `end`, or the last one that ended within the
  period). Each person has at most one site for a period, so the figures by site or by
  département add up to the organisation's. Before its first recorded stay a household is read
  at that stay's site: households are recorded when the team meets them, often after their
  members entered the programme, and a report on the months before would otherwise lose them.
  A household without any recorded stay (made outside `beneficiaries.services`) is read at its
  current site. The household is the person's current one: memberships have no history. A
  person without a household, or whose household had left its site before the period and lived
  on none during it, is outside any site or département.
- **Action**: the people a local action concerns, named on it or members of a household named
  on it (the household's current members: memberships have no history).
- **Age** is the age on `end`, the period's last day: in completed years from `birth_date`;
  from `birth_year` alone (often all that is known), `end`'s year minus the birth year, i.e.
  the age the person reaches during that year, as `Person.age` counts it. A person with neither
  has no age band but `AgeBand.UNKNOWN`, and is not a child for the children's figures.
"""

import dataclasses
import datetime
from decimal import Decimal

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Departement, Enrolment, Household, HouseholdStay, Person, Sex, Site
from mia.models import Organisation


class AgeBand(models.TextChoices):
    """DOMAIN.md's bands, which every indicator may be broken down by; UNKNOWN makes the
    breakdown add up to the total."""

    UNDER_16 = "under_16", _("Moins de 16 ans")
    FROM_16_TO_25 = "16_25", _("16 à 25 ans")
    FROM_26_TO_49 = "26_49", _("26 à 49 ans")
    FROM_50 = "50_plus", _("50 ans et plus")
    UNKNOWN = "unknown", _("Âge non renseigné")


# Each band as [at least, under) years old.
AGE_BAND_YEARS: dict[str, tuple[int | None, int | None]] = {
    AgeBand.UNDER_16: (None, 16),
    AgeBand.FROM_16_TO_25: (16, 26),
    AgeBand.FROM_26_TO_49: (26, 50),
    AgeBand.FROM_50: (50, None),
}


def _years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` earlier; 29 February gives the 28th, the last day on which a person
    born then is as old as the comparison of (month, day) in `Person.age` says."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def aged(on: datetime.date, *, at_least: int | None = None, under: int | None = None) -> Q:
    """A condition on Person: aged at least `at_least` and under `under` years on `on` (see the
    module's docstring for a birth year without a date). Bounds computed here, in Python, so
    that the same plain comparisons run on SQLite and PostgreSQL and use the columns as they
    are. Neither bound: the age is known."""
    by_date = Q(birth_date__isnull=False)
    by_year = Q(birth_date__isnull=True, birth_year__isnull=False)
    if at_least is not None:
        by_date &= Q(birth_date__lte=_years_before(on, at_least))
        by_year &= Q(birth_year__lte=on.year - at_least)
    if under is not None:
        by_date &= Q(birth_date__gt=_years_before(on, under))
        by_year &= Q(birth_year__gt=on.year - under)
    return by_date | by_year


def in_age_band(on: datetime.date, band: str) -> Q:
    if band == AgeBand.UNKNOWN:
        return Q(birth_date__isnull=True, birth_year__isnull=True)
    at_least, under = AGE_BAND_YEARS[band]
    return aged(on, at_least=at_least, under=under)


def _pk(value) -> int | None:
    return value.pk if isinstance(value, models.Model) else value


@dataclasses.dataclass(frozen=True)
class Scope:
    """For whom and when a figure is computed. `organisation` and `site` take an instance or
    an id; `departement` a code ("93"), `sex` a `Sex` value, `age_band` an `AgeBand` value."""

    start: datetime.date
    end: datetime.date
    organisation: Organisation | int
    departement: str | None = None
    site: Site | int | None = None
    sex: str | None = None
    age_band: str | None = None
    # A local action (accompaniment.models.Action, or its id): the people it concerns, named
    # on it or through their household. Read through the reverse relations (`actions`) so that
    # this app does not import accompaniment.
    action: models.Model | int | None = None

    def __post_init__(self):
        # A wrong scope must fail loudly, never give figures of another scope.
        if self.organisation is None:
            raise ValueError("A scope needs an organisation.")
        if self.start > self.end:
            raise ValueError(f"The period starts ({self.start}) after it ends ({self.end}).")
        if self.departement is not None and self.departement not in Departement.values:
            raise ValueError(f"Unknown département {self.departement!r}.")
        if self.sex is not None and self.sex not in Sex.values:
            raise ValueError(f"Unknown sex {self.sex!r}.")
        if self.age_band is not None and self.age_band not in AgeBand.values:
            raise ValueError(f"Unknown age band {self.age_band!r}.")
        if isinstance(self.site, Site) and self.site.organisation_id != self.organisation_id:
            raise ValueError("The site is another organisation's.")
        organisation_of_action = getattr(self.action, "organisation_id", self.organisation_id)
        if organisation_of_action != self.organisation_id:
            raise ValueError("The action is another organisation's.")

    @property
    def organisation_id(self) -> int:
        return _pk(self.organisation)

    @property
    def site_id(self) -> int | None:
        return _pk(self.site)

    @property
    def action_id(self) -> int | None:
        return _pk(self.action)

    def enrolments(self) -> QuerySet[Enrolment]:
        """The periods in the programme that overlap the scope's period."""
        return Enrolment.objects.filter(entered_on__lte=self.end).filter(
            Q(exited_on__isnull=True) | Q(exited_on__gte=self.start)
        )

    def entered_on(self, person: str = "pk") -> Subquery:
        """An expression: the entry date of the person's latest period in the programme that
        overlaps the scope (`person` names the person's id in the outer query)."""
        latest = self.enrolments().filter(person=OuterRef(person)).order_by("-entered_on", "-pk")
        return Subquery(latest.values("entered_on")[:1])

    def people(self) -> QuerySet[Person]:
        """The organisation's people in the programme during the period, within the scope's
        site or département, sex and age band. One query when evaluated; usable as a subquery
        (`person__in=scope.people()`), which every indicator does."""
        people = Person.objects.filter(organisation_id=self.organisation_id).filter(
            Exists(self.enrolments().filter(person=OuterRef("pk")))
        )
        if self.sex is not None:
            people = people.filter(sex=self.sex)
        if self.age_band is not None:
            people = people.filter(in_age_band(self.end, self.age_band))
        if self.site is not None:
            people = self._on_site(people, site_id=self.site_id)
        if self.departement is not None:
            people = self._on_site(people, site__commune__departement=self.departement)
        if self.action is not None:
            concerned = Person.objects.filter(
                Q(actions=self.action_id) | Q(household__actions=self.action_id)
            )
            people = people.filter(pk__in=concerned.values("pk"))
        return people

    def _on_site(self, people: QuerySet[Person], **site: object) -> QuerySet[Person]:
        """People whose household's site during the period (see the module's docstring) is
        `site` (a condition on a Site: `site_id=…`, `site__commune__departement=…`). Three sets
        of households, each computed once (anti-joins on the stays), rather than subqueries
        per person: at 20,000 people, a quarter of the time."""
        organisation = {"household__organisation_id": self.organisation_id}
        stays = HouseholdStay.objects.filter(**organisation)
        same_household = stays.filter(household=OuterRef("household_id"))
        in_period = Q(started_on__lte=self.end) & (
            Q(ended_on__isnull=True) | Q(ended_on__gte=self.start)
        )
        after = Q(started_on__gt=OuterRef("started_on")) | Q(
            started_on=OuterRef("started_on"), pk__gt=OuterRef("pk")
        )
        before = Q(started_on__lt=OuterRef("started_on")) | Q(
            started_on=OuterRef("started_on"), pk__lt=OuterRef("pk")
        )
        # The last stay during the period.
        last = stays.filter(in_period, **site).exclude(
            Exists(same_household.filter(in_period).filter(after))
        )
        # The first stay, when it began after the period.
        first = stays.filter(started_on__gt=self.end, **site).exclude(
            Exists(same_household.filter(before))
        )
        # No stay recorded: the current site.
        unrecorded = Household.objects.filter(organisation_id=self.organisation_id, **site).exclude(
            Exists(HouseholdStay.objects.filter(household=OuterRef("pk")))
        )
        return people.filter(
            Q(household_id__in=last.values("household_id"))
            | Q(household_id__in=first.values("household_id"))
            | Q(household_id__in=unrecorded.values("pk"))
        )


@dataclasses.dataclass(frozen=True)
class Indicator:
    """A figure and what it counts. `value`: a number of people, of records or of hours (each
    indicator's docstring says which). `people`: the people behind it, a lazy queryset (the
    figure's cost does not include it). `records`: the rows counted when they are not people
    (procedures, refusals, attendances, schoolings…), also lazy; None when the figure is read
    from `people` alone (the children by age)."""

    value: int | Decimal
    people: QuerySet[Person]
    records: QuerySet | None = None

"""The figures of the employment pathway, for a period and a scope (beneficiaries.scope.Scope),
read from the trainings and contracts recorded in the daily work, never from a count typed.

As in accompaniment/indicators.py: each function takes a `Scope` and returns an `Indicator`
(the figure, the people behind it, the rows counted), or a dict of them for a breakdown with
every key present; rows of the scope's organisation only, about people of `scope.people()`;
a fixed number of queries (said in each docstring), `people` and `records` lazy; a period's
both ends included.

A contract runs on a day from its start to its actual end, or, when none is recorded, its
planned end (ContractQuerySet.running_on); a contract without either runs on."""

import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from beneficiaries.models import Person, Sex
from beneficiaries.scope import Indicator, Scope
from employment.models import Contract, ContractType, Training, _running_on

__all__ = [
    "Indicator",
    "contracts_by_type",
    "people_in_employment_at_exit",
    "people_in_employment_on",
    "people_in_training",
    "people_with_a_contract_in_year",
]


def _people_of(records: QuerySet) -> QuerySet[Person]:
    return Person.objects.filter(pk__in=records.values("person_id"))


def _contracts(scope: Scope) -> QuerySet[Contract]:
    return Contract.objects.filter(organisation_id=scope.organisation_id, person__in=scope.people())


def people_in_training(scope: Scope, *, qualifying: bool | None = None) -> Indicator:
    """People in a training during the period: one that started on or before the period's
    last day and had not ended before its first (no end: still going), whatever its outcome
    (a training dropped in the period was followed until then). `qualifying`: only those
    trainings (True) or the others (False). Value: people; records: the trainings. One query."""
    records = Training.objects.filter(
        organisation_id=scope.organisation_id,
        person__in=scope.people(),
        starts_on__lte=scope.end,
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=scope.start))
    if qualifying is not None:
        records = records.filter(qualifying=qualifying)
    people = _people_of(records)
    return Indicator(value=people.count(), people=people, records=records)


def contracts_by_type(scope: Scope) -> dict[str, Indicator]:
    """Contracts that started in the period, by type (CDI, CDD, CDDI…, in ContractType's
    order). Value: contracts; records: the contracts. One query (a GROUP BY)."""
    records = _contracts(scope).filter(starts_on__range=(scope.start, scope.end))
    counts = dict(records.order_by().values_list("contract_type").annotate(count=Count("pk")))
    result = {}
    for key in ContractType.values:
        rows = records.filter(contract_type=key)
        result[key] = Indicator(value=counts.get(key, 0), people=_people_of(rows), records=rows)
    return result


def people_in_employment_on(scope: Scope, day: datetime.date | None = None) -> Indicator:
    """People of the scope with a contract running on `day` (the period's last day if not
    given). Value: people; records: the contracts running that day. One query."""
    day = day or scope.end
    records = _contracts(scope).filter(_running_on(day))
    people = _people_of(records)
    return Indicator(value=people.count(), people=people, records=records)


def people_in_employment_at_exit(scope: Scope) -> Indicator:
    """People who left the programme in the period (a period in the programme, Enrolment,
    ending in it) with a contract of the organisation running on their exit day: the
    "employed at exit" of the Préfecture's report. Value: people; records: the contracts
    running on those exit days. One query."""
    exits = scope.enrolments().filter(
        person__in=scope.people(), exited_on__range=(scope.start, scope.end)
    )
    running_at_exit = Contract.objects.filter(
        organisation_id=scope.organisation_id,
        person_id=OuterRef("person_id"),
        starts_on__lte=OuterRef("exited_on"),
    ).filter(
        Q(ended_on__gte=OuterRef("exited_on"))
        | Q(ended_on__isnull=True)
        & (Q(planned_end__isnull=True) | Q(planned_end__gte=OuterRef("exited_on")))
    )
    employed = exits.filter(Exists(running_at_exit))
    people = Person.objects.filter(pk__in=employed.values("person_id"))
    # The contracts running on their holder's exit day: a missing end reads "runs on".
    records = (
        _contracts(scope)
        .alias(last_day=Coalesce("ended_on", "planned_end", Value(datetime.date.max)))
        .filter(
            Exists(
                exits.filter(
                    person_id=OuterRef("person_id"),
                    exited_on__gte=OuterRef("starts_on"),
                    exited_on__lte=OuterRef("last_day"),
                )
            )
        )
    )
    return Indicator(value=people.count(), people=people, records=records)


def people_with_a_contract_in_year(scope: Scope, year: int | None = None) -> dict[str, Indicator]:
    """People of the scope with at least one contract running on a day of `year` (the
    period's last year if not given), and the women among them: {"total": …, "women": …}.
    Value: people; records: those contracts. Two queries."""
    year = year or scope.end.year
    records = _contracts(scope).in_year(year)
    people = _people_of(records)
    women_records = records.filter(person__sex=Sex.FEMALE)
    women = _people_of(women_records)
    return {
        "total": Indicator(value=people.count(), people=people, records=records),
        "women": Indicator(value=women.count(), people=women, records=women_records),
    }

"""The summary at the top of a person's or a household's page: where the accompaniment stands.

Each app contributes a source in its AppConfig.ready() (accompaniment: follow-ups, tasks,
appointments, the plan; partners: consents), as the timeline does (beneficiaries.timeline):
a function that receives the page's people (`SummaryQuery`) and returns blocks (a count, the
first few rows, a link to the full list), alerts and actions. A source costs a fixed number of
queries whatever the number of rows (a count with the slice, one query per block), and shows
only what the user may read: the page itself is opened by the team that reads files."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.urls import Resolver404, resolve
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from beneficiaries.models import Pathway
from mia import permissions

# Rows shown per block: the rest is one tap away, on the full list.
ROWS = 3


@dataclass(frozen=True)
class SummaryQuery:
    user: object
    # The page's people, loaded by the view: the person, or a household's members.
    people: tuple
    today: datetime.date
    # A household's page: rows say whom they concern (names of members only).
    household: object = None

    @property
    def person_ids(self) -> tuple[int, ...]:
        return tuple(person.pk for person in self.people)

    @property
    def names(self) -> dict[int, str]:
        return {person.pk: str(person) for person in self.people} if self.household else {}

    @property
    def active(self) -> list:
        return [person for person in self.people if person.exited_on is None]


@dataclass(frozen=True)
class Row:
    text: str
    date: datetime.date | None = None
    # Time, place, pathways: what the row says after its date.
    meta: str = ""
    # The note's first line (for those who read notes), the next step of a goal.
    detail: str = ""
    who: str = ""
    url: str = ""
    late: bool = False


@dataclass(frozen=True)
class Block:
    key: str
    order: int
    title: str
    count: int
    # "3 entretiens": the count in words, with French plurals (ngettext).
    count_label: str
    rows: tuple[Row, ...] = ()
    link: str = ""
    link_label: str = ""
    empty: str = ""
    # A line under the title: "Dernier contact le 3 mars 2026".
    lead: str = ""


@dataclass(frozen=True)
class Alert:
    text: str
    url: str = ""
    link_label: str = ""


@dataclass(frozen=True)
class Action:
    label: str
    url: str
    primary: bool = False


@dataclass
class Summary:
    blocks: list[Block] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)


Source = Callable[[SummaryQuery], Iterable[Block | Alert | Action]]
_sources: dict[str, Source] = {}


def register(name: str, source: Source) -> None:
    _sources[name] = source


def build(*, user, people: Iterable, today: datetime.date, household=None) -> Summary:
    query = SummaryQuery(user=user, people=tuple(people), today=today, household=household)
    summary = Summary()
    for source in _sources.values():
        for item in source(query):
            if isinstance(item, Block):
                summary.blocks.append(item)
            elif isinstance(item, Alert):
                summary.alerts.append(item)
            else:
                summary.actions.append(item)
    summary.blocks.sort(key=lambda block: block.order)
    summary.actions.sort(key=lambda action: not action.primary)
    return summary


# --- Helpers for the sources -------------------------------------------------------------------


def allowed(user, url: str) -> str:
    """`url` if the role rule its view declares (@access) lets `user` in, else "": the summary
    never shows a link that leads to a 403 or a 404 (a manager reads no notes)."""
    try:
        rule = getattr(resolve(url).func, "access_rule", None)
    except Resolver404:
        return ""
    if rule == "public":
        return url
    check = getattr(permissions, rule, None) if rule else None
    return url if callable(check) and check(user) else ""


def pathway_labels(codes: Iterable[str]) -> str:
    labels = dict(Pathway.choices)
    return ", ".join(str(labels[code]) for code in codes if code in labels)


def first_line(text: str) -> str:
    """A note's first non-empty line: the rest stays on the follow-up."""
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def short_date(day: datetime.date) -> str:
    return formats.date_format(day, "j F Y")


# --- What beneficiaries knows: the last contact, the referent ----------------------------------


def last_contact(query: SummaryQuery) -> datetime.date | None:
    """The latest follow-up of the page's people (Person.last_contact_on, no query)."""
    return max((p.last_contact_on for p in query.people if p.last_contact_on), default=None)


def _not_seen(query: SummaryQuery):
    # Only people still in the programme are expected to be seen again.
    if not query.active:
        return
    weeks = query.user.organisation.follow_up_alert_weeks
    latest = max((p.last_contact_on for p in query.active if p.last_contact_on), default=None)
    if latest is None:
        yield Alert(text=_("Pas encore d'entretien : à rencontrer."))
    elif latest < query.today - datetime.timedelta(weeks=weeks):
        yield Alert(
            text=ngettext(
                "Pas de contact depuis plus de %(weeks)d semaine (dernier le %(date)s).",
                "Pas de contact depuis plus de %(weeks)d semaines (dernier le %(date)s).",
                weeks,
            )
            % {"weeks": weeks, "date": short_date(latest)}
        )


def _no_referent(query: SummaryQuery):
    # People who left the programme need no referent any more.
    without = [person for person in query.active if person.referent_id is None]
    if not without:
        return
    if query.household is None:
        yield Alert(text=_("Aucun·e référent·e : personne ne suit ce dossier."))
    else:
        yield Alert(
            text=ngettext(
                "%(count)d membre sans référent·e.",
                "%(count)d membres sans référent·e.",
                len(without),
            )
            % {"count": len(without)}
        )


register("beneficiaries.not_seen", _not_seen)
register("beneficiaries.referent", _no_referent)

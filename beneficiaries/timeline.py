"""One chronological view of everything about a person or a household.

Each app contributes a source in its AppConfig.ready(): a function that receives the request
(`TimelineQuery`) and returns its entries, in one query. Apps higher up (accompaniment,
employment, housing, partners) add sources without this module knowing them."""

import datetime
import heapq
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from beneficiaries.models import Pathway


@dataclass(frozen=True)
class TimelineQuery:
    user: object
    person_ids: tuple[int, ...]
    pathway: str | None
    # How many entries of the newest each source must return, at most.
    limit: int


@dataclass(frozen=True, order=True)
class Entry:
    date: datetime.date
    # Ties on one date: a stable order between sources, then within a source.
    rank: tuple = field(default=(), compare=True)
    kind: str = field(default="", compare=False)
    title: str = field(default="", compare=False)
    detail: str = field(default="", compare=False)
    pathways: tuple[str, ...] = field(default=(), compare=False)
    url: str = field(default="", compare=False)
    who: str = field(default="", compare=False)

    @property
    def pathway_labels(self) -> list[str]:
        labels = dict(Pathway.choices)
        return [labels[code] for code in self.pathways if code in labels]


Source = Callable[[TimelineQuery], Iterable[Entry]]

# Entries name the person they concern: sources read these two of the person's thirty columns
# (`.only(*PERSON_NAME)` with `select_related("person")`).
PERSON_NAME = ("person__first_name", "person__last_name")
_sources: dict[str, Source] = {}


def register(name: str, source: Source) -> None:
    _sources[name] = source


def entries(*, user, person_ids: Iterable[int], pathway: str | None, limit: int) -> list[Entry]:
    """The `limit` newest entries over every source, newest first."""
    query = TimelineQuery(
        user=user, person_ids=tuple(person_ids), pathway=pathway or None, limit=limit
    )
    collected = [entry for source in _sources.values() for entry in source(query)]
    return heapq.nlargest(limit, collected)

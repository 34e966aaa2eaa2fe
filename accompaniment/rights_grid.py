"""Where a person stands on each right: the grid of the rights page, the line of the file's
summary and the columns of the rights list all read it from here, so that they never disagree.

Pure functions over rows already loaded (the types, the person's procedures): no query here.
A right obtained reads "expired" the day after its last day, whether or not the nightly task
(accompaniment.tasks.procedure_renewals) has marked it yet (Procedure.is_valid_on)."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from accompaniment.models import OPEN_STATUSES, Procedure, ProcedureStatus, ProcedureType

# A right ending within this many days reads "expiring soon" when its type says nothing.
DEFAULT_RENEW_DAYS = 30


class State:
    OBTAINED = "obtained"
    EXPIRING = "expiring"
    PENDING = "pending"
    REFUSED = "refused"
    EXPIRED = "expired"
    MISSING = "missing"
    # Missing or ended, but another type of the same category gives the right (PUMa, AME).
    COVERED = "covered"


STATE_LABELS = {
    State.OBTAINED: _("Obtenu"),
    State.EXPIRING: _("Bientôt à renouveler"),
    State.PENDING: _("En cours"),
    State.REFUSED: _("Refusé"),
    State.EXPIRED: _("Expiré"),
    State.MISSING: _("Manquant"),
    State.COVERED: _("Couvert par une autre démarche"),
}
# Held today, under way, or neither (what the summary counts).
HELD = {State.OBTAINED, State.EXPIRING}
LACKING = {State.MISSING, State.REFUSED, State.EXPIRED}
# The rows a worker acts on first, in this order (the summary shows the first few).
ATTENTION = [State.EXPIRED, State.EXPIRING, State.REFUSED, State.MISSING, State.PENDING]


def renew_days(procedure_type: ProcedureType) -> int:
    return procedure_type.renew_before_days or DEFAULT_RENEW_DAYS


@dataclass
class GridRow:
    type: ProcedureType
    state: str
    # The procedure the state comes from (the valid one, the one under way, the latest).
    procedure: Procedure | None = None
    # Obtained: the last day of the right (None: no end known); expired: the day it ended.
    until: datetime.date | None = None
    # Held or ended, and a renewal (a newer procedure) is under way.
    renewing: bool = False
    covered_by: str = ""

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def code(self) -> str:
        return self.type.code

    @property
    def category(self) -> str:
        return self.type.category


def _key(procedure: Procedure) -> tuple:
    return (procedure.created_at or datetime.datetime.min, procedure.pk or 0)


def state_of(
    procedure_type: ProcedureType, procedures: list[Procedure], today: datetime.date
) -> GridRow:
    """The state of one right from the person's procedures of that type."""
    valid = [p for p in procedures if p.is_valid_on(today)]
    under_way = [
        p
        for p in procedures
        if p.status in OPEN_STATUSES
        or (p.status == ProcedureStatus.OBTAINED and p.valid_from and p.valid_from > today)
    ]
    if valid:
        # The one that lasts longest (no end date lasts longest of all).
        best = max(valid, key=lambda p: (p.valid_until is None, p.valid_until or today, _key(p)))
        until = best.valid_until
        state = State.OBTAINED
        if until is not None and (until - today).days <= renew_days(procedure_type):
            state = State.EXPIRING
        return GridRow(procedure_type, state, best, until, renewing=bool(under_way))
    if under_way:
        return GridRow(procedure_type, State.PENDING, max(under_way, key=_key))
    if not procedures:
        return GridRow(procedure_type, State.MISSING)
    latest = max(procedures, key=_key)
    if latest.status == ProcedureStatus.REFUSED:
        return GridRow(procedure_type, State.REFUSED, latest)
    ended = latest.status == ProcedureStatus.EXPIRED or (
        latest.status == ProcedureStatus.OBTAINED
        and latest.valid_until is not None
        and latest.valid_until < today
    )
    if ended:
        return GridRow(procedure_type, State.EXPIRED, latest, latest.valid_until)
    # Abandoned: nothing held, nothing under way.
    return GridRow(procedure_type, State.MISSING, latest)


def grid(
    *,
    essential: Iterable[ProcedureType],
    procedures: Iterable[Procedure],
    today: datetime.date,
) -> list[GridRow]:
    """One row per essential type of the organisation and per other type the person has a
    procedure of, in the types' order. Procedures are grouped by the type's code: a default
    type an organisation replaced later (same code) still counts for the new one."""
    types: dict[str, ProcedureType] = {t.code: t for t in essential}
    by_code: dict[str, list[Procedure]] = {}
    for procedure in procedures:
        by_code.setdefault(procedure.type.code, []).append(procedure)
        types.setdefault(procedure.type.code, procedure.type)
    rows = [state_of(t, by_code.get(code, []), today) for code, t in types.items()]
    held = {}
    for row in rows:
        if row.state in HELD:
            held.setdefault(row.category, row.type.name)
    for row in rows:
        # Health cover is held through PUMa: AME missing (or ended) is not a gap to fill.
        if row.state in LACKING and row.category in held:
            row.state, row.covered_by = State.COVERED, held[row.category]
    rows.sort(key=lambda row: (row.type.position, row.type.name, row.type.pk or 0))
    return rows


def counts(rows: Iterable[GridRow]) -> dict[str, int]:
    found = {"obtained": 0, "pending": 0, "missing": 0}
    for row in rows:
        if row.state in HELD:
            found["obtained"] += 1
        elif row.state == State.PENDING:
            found["pending"] += 1
        elif row.state in LACKING:
            found["missing"] += 1
    return found


def needs_attention(rows: Iterable[GridRow]) -> list[GridRow]:
    """Rows to act on, the most urgent first: ended, ending, refused, missing, under way.
    A right being renewed already is not urgent any more."""
    urgent = [row for row in rows if row.state in ATTENTION and not row.renewing]
    return sorted(urgent, key=lambda row: ATTENTION.index(row.state))

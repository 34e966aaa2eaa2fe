"""The coordinators' caseload board, and the lists behind each of its figures.

Managers read it too, read-only: the figures and the lists behind them, never a note (a task's
title is one) nor a button that leads to a page they may not use (transfers, new files)."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accompaniment.models import Task
from beneficiaries.forms import UNASSIGNED
from beneficiaries.models import LikelyPair, Person, PersonStatus, Site
from mia import audit, permissions
from mia.links import object_url
from mia.models import Organisation
from mia.params import int_or_404
from mia.permissions import access
from mia.text import sort_key

# --- Caseload board ------------------------------------------------------------------------------


@dataclass
class Tally:
    """One line of the board: a worker, a site, or a total."""

    label: str
    pk: int | None = None
    people: int = 0
    not_seen: int = 0
    # None on the line of people without referent: tasks are counted per assignee.
    overdue: int | None = 0
    households: int = 0
    # People of a site nobody follows (the sites' view; the workers' view has a line of them).
    unassigned: int = 0
    commune: str = ""
    sort_key: str = ""
    # Follows people but may no longer hold a caseload (account closed, role changed).
    former: bool = False
    # Links, built here once: hundreds of {% url %} tags would cost more than the queries.
    url: str = ""
    transfer_url: str = ""
    # The list behind each figure (accompaniment:board_people, accompaniment:board_tasks).
    people_url: str = ""
    not_seen_url: str = ""
    overdue_url: str = ""
    unassigned_url: str = ""


def _display_name(first: str, last: str, email: str) -> str:
    return f"{first} {last}".strip() or email


def _name_key(first: str, last: str, email: str) -> str:
    """Workers by last name, accents aside, as every list of people."""
    return sort_key(f"{last} {first}") or email


# The board's two views: one line per worker (the default) or per site.
BY_WORKER, BY_SITE = "referents", "lieux"
# The lists of people behind the figures (`?quoi=`).
ACTIVE, NOT_SEEN, WITHOUT_REFERENT = "actives", "non_vues", "sans_referent"
# `?referent=aucun` / `?lieu=aucun`: the line of people nobody follows, or with no known site.
NONE = UNASSIGNED


def _alert_weeks(user) -> int:
    return (
        Organisation.objects.filter(pk=user.organisation_id)
        .values_list("follow_up_alert_weeks", flat=True)
        .first()
    ) or 0


def _not_seen_since(since: datetime.date) -> Q:
    return Q(last_contact_on__isnull=True) | Q(last_contact_on__lt=since)


def _open_tasks(user):
    """The tasks the board counts. Those who read notes start from what they may read; a manager
    counts the organisation's tasks and sees their dates, never their titles (board_tasks defers
    the column)."""
    if permissions.reads_notes(user):
        return Task.objects.visible_to(user)
    if permissions.reads_caseload_board(user):
        return Task.objects.filter(organisation_id=user.organisation_id)
    return Task.objects.none()


def _overdue_tasks(user, today: datetime.date):
    """Tasks of people still followed, done by nobody yet, due before today."""
    return _open_tasks(user).filter(
        done_on__isnull=True, due_on__lt=today, person__exited_on__isnull=True
    )


@access(permissions.reads_caseload_board)
def board(request: HttpRequest) -> HttpResponse:
    """Per worker, or per site: active people, households, people not seen for the
    organisation's alert period, overdue tasks; and who has no referent. Each figure links to
    the list it counts.

    Each view is two grouped queries, whatever the number of people: the active people
    grouped by referent (or site), read from an index that holds every column they need
    (Person.Meta.indexes), and their overdue tasks grouped the same way. Nothing reads the
    follow-ups: Person.last_contact_on says when someone was last seen."""
    user = request.user
    view = BY_SITE if request.GET.get("vue") == BY_SITE else BY_WORKER
    today = timezone.localdate()
    weeks = _alert_weeks(user)
    since = today - datetime.timedelta(weeks=weeks)
    people = Person.objects.visible_to(user).active().order_by()
    counts = {
        "people": Count("pk"),
        "not_seen": Count("pk", filter=_not_seen_since(since)),
        # A household lives on one site but its members may have different referents.
        "households": Count("household", distinct=True),
        "unassigned": Count("pk", filter=Q(referent__isnull=True)),
    }
    overdue = _overdue_tasks(user, today).order_by()
    totals = Tally(_("Total"))
    if view == BY_WORKER:
        groups = people.values_list("referent_id").annotate(**counts)
        tasks = overdue.values_list("assigned_to_id").annotate(count=Count("pk"))
        rows = _worker_rows(user)
    else:
        groups = people.values_list("household__site_id").annotate(**counts)
        tasks = overdue.values_list("person__household__site_id").annotate(count=Count("pk"))
        rows = {}
    unassigned = 0
    for pk, count, not_seen, households, without_referent in groups:
        row = rows.get(pk)
        if row is None:
            # A site; in the workers' view, an account that follows people but is no longer
            # a possible referent; in both, the line of people without referent or site.
            row = rows[pk] = Tally("", pk=pk, former=view == BY_WORKER and pk is not None)
        row.people, row.not_seen, row.households = count, not_seen, households
        row.unassigned = without_referent
        totals.people += count
        totals.not_seen += not_seen
        unassigned += without_referent
    for pk, count in tasks:
        totals.overdue += count
        # A task assigned to nobody, or to someone who follows nobody, counts in the total
        # only; a task of someone without a known site counts on that line.
        if pk in rows and (pk is not None or view == BY_SITE):
            rows[pk].overdue += count

    can_transfer = permissions.assigns_referents(user)
    _link_figures([totals], key=None)
    unassigned_url = _people_url(WITHOUT_REFERENT)
    context = {
        "view": view,
        "totals": totals,
        "unassigned": unassigned,
        "weeks": weeks,
        "unassigned_url": unassigned_url,
        "can_transfer": can_transfer,
        "merges_files": permissions.merges_files(user),
    }
    if context["merges_files"]:
        # The pairs of the latest scan still to check (a new scan replaces the old one's).
        context["likely_pairs"] = LikelyPair.objects.filter(
            scan__organisation_id=user.organisation_id, scan__finished_at__isnull=False
        ).count()
    if view == BY_WORKER:
        _name_former_workers(user, rows)
        workers = sorted(
            (row for pk, row in rows.items() if pk is not None),
            key=lambda row: (row.sort_key, row.pk),
        )
        # The people nobody follows close the table, with no tasks of their own to count.
        without_referent = rows.get(None) or Tally("")
        without_referent.label = _("Sans référent·e")
        without_referent.url = (
            reverse("beneficiaries:person_list")
            + "?"
            + urlencode({"referent": UNASSIGNED, "status": PersonStatus.ACTIVE})
        )
        without_referent.overdue = None
        table = [*workers, without_referent]
        _link_figures(table, key="referent")
        context |= {
            "heading": _("Par référent·e"),
            "first_column": _("Référent·e"),
            "workers": workers,
            "without_referent": without_referent,
            "rows": table,
        }
    else:
        site_page = _site_page(user, request.GET.get("page"), rows)
        _link_figures(site_page, key="lieu")
        context |= {
            "heading": _("Par lieu de vie"),
            "first_column": _("Lieu de vie"),
            "site_page": site_page,
            "rows": site_page,
        }
    if not can_transfer:
        for row in context["rows"]:
            row.transfer_url = ""
    return render(request, "accompaniment/board.html", context)


def _people_url(what: str, key: str | None = None, value="") -> str:
    query = {"quoi": what} | ({key: value} if key else {})
    return f"{reverse('accompaniment:board_people')}?{urlencode(query)}"


def _link_figures(rows, *, key: str | None) -> None:
    """The list behind each figure of each line: `key` is `referent` or `lieu` (None: the whole
    organisation). A figure of 0 opens nothing."""
    people_url, tasks_url = (
        reverse("accompaniment:board_people"),
        reverse("accompaniment:board_tasks"),
    )
    for row in rows:
        scope = f"&{key}={NONE if row.pk is None else row.pk}" if key else ""
        if row.people:
            row.people_url = f"{people_url}?quoi={ACTIVE}{scope}"
        if row.not_seen:
            row.not_seen_url = f"{people_url}?quoi={NOT_SEEN}{scope}"
        if row.unassigned:
            row.unassigned_url = f"{people_url}?quoi={WITHOUT_REFERENT}{scope}"
        if row.overdue:
            row.overdue_url = f"{tasks_url}?{scope[1:]}" if scope else tasks_url


def _link_workers(rows) -> None:
    """Each worker's active caseload in the people list, and the transfer of all of it."""
    people_url = reverse("beneficiaries:person_list")
    transfer_url = reverse("accompaniment:transfer")
    for row in rows:
        row.url = f"{people_url}?referent={row.pk}&status={PersonStatus.ACTIVE}"
        row.transfer_url = f"{transfer_url}?portee=referent&id={row.pk}"


def _worker_rows(user) -> dict[int, Tally]:
    """Everyone who may hold a caseload, with or without people yet."""
    rows = {}
    for pk, first, last, email in permissions.possible_referents(user).values_list(
        "pk", "first_name", "last_name", "email"
    ):
        rows[pk] = Tally(
            _display_name(first, last, email), pk=pk, sort_key=_name_key(first, last, email)
        )
    _link_workers(rows.values())
    return rows


def _name_former_workers(user, rows: dict[int | None, Tally]) -> None:
    """People still followed by an account that can no longer follow anyone: name it, so that
    the coordinator hands its caseload over."""
    former = {pk: row for pk, row in rows.items() if row.former}
    if not former:
        return
    for pk, first, last, email in (
        permissions.team_members(user)
        .filter(pk__in=former)
        .values_list("pk", "first_name", "last_name", "email")
    ):
        row = former[pk]
        row.label, row.sort_key = _display_name(first, last, email), _name_key(first, last, email)
    for pk, row in former.items():
        row.label = row.label or _("Compte n° %(pk)d") % {"pk": pk}
        row.sort_key = row.sort_key or row.label
    _link_workers(former.values())


def _site_page(user, number: str | None, rows: dict[int | None, Tally]):
    """Sites with people followed, by name a page at a time (hundreds at national scale); the
    line of people with no known site comes last."""
    # Every site of the organisation, rather than a list of hundreds of ids to look up.
    for pk, name, commune in Site.objects.visible_to(user).values_list(
        "pk", "name", "commune__name"
    ):
        if pk in rows:
            rows[pk].label, rows[pk].commune, rows[pk].sort_key = name, commune, sort_key(name)
    if None in rows:
        rows[None].label = _("Sans lieu de vie connu")
    page = Paginator(
        sorted(rows.values(), key=lambda row: (row.pk is None, row.sort_key, row.pk or 0)),
        settings.MIA_PAGE_SIZE,
    ).get_page(number)
    transfer_url = reverse("accompaniment:transfer")
    for row in page:
        if row.pk is not None:
            row.url = object_url("beneficiaries:site_detail", row.pk)
            row.transfer_url = f"{transfer_url}?portee=site&id={row.pk}"
    return page


# --- The lists behind the figures ----------------------------------------------------------------


@dataclass
class _Scope:
    """Whose figures a list details: a worker, a site, the line of people without either, or
    the whole organisation; as filters of people and of tasks, and in words."""

    people: Q
    tasks: Q
    label: str
    view: str = BY_WORKER


def _scope(request: HttpRequest) -> _Scope:
    """`?referent=<id>|aucun` or `?lieu=<id>|aucun`, or neither. Another organisation's worker
    or site is a 404, as is an id that is not one."""
    user = request.user
    referent, site = request.GET.get("referent"), request.GET.get("lieu")
    if referent and site:
        raise Http404
    if referent == NONE:
        return _Scope(Q(referent__isnull=True), Q(assigned_to__isnull=True), _("Sans référent·e"))
    if referent:
        worker = get_object_or_404(
            permissions.team_members(user).only("first_name", "last_name", "email"),
            pk=int_or_404(referent),
        )
        label = _display_name(worker.first_name, worker.last_name, worker.email)
        return _Scope(Q(referent_id=worker.pk), Q(assigned_to_id=worker.pk), label)
    if site == NONE:
        return _Scope(
            Q(household__site__isnull=True),
            Q(person__household__site__isnull=True),
            _("Sans lieu de vie connu"),
            BY_SITE,
        )
    if site:
        place = get_object_or_404(Site.objects.visible_to(user).only("name"), pk=int_or_404(site))
        return _Scope(
            Q(household__site_id=place.pk),
            Q(person__household__site_id=place.pk),
            place.name,
            BY_SITE,
        )
    return _Scope(Q(), Q(), _("Toute l'organisation"))


def _back_url(scope: _Scope) -> str:
    board_url = reverse("accompaniment:board")
    return f"{board_url}?vue={BY_SITE}" if scope.view == BY_SITE else board_url


@access(permissions.reads_caseload_board)
def board_people(request: HttpRequest) -> HttpResponse:
    """The people behind a figure of the board: those followed, those not seen for the alert
    period (longest unseen first), those without a referent; of a worker, a site, or all."""
    user = request.user
    what = request.GET.get("quoi")
    if what not in (ACTIVE, NOT_SEEN, WITHOUT_REFERENT):
        what = ACTIVE
    scope = _scope(request)
    today = timezone.localdate()
    weeks = _alert_weeks(user)
    people = Person.objects.visible_to(user).active().filter(scope.people)
    if what == NOT_SEEN:
        people = people.filter(_not_seen_since(today - datetime.timedelta(weeks=weeks)))
        people = people.order_by(
            F("last_contact_on").asc(nulls_first=True), "last_name", "first_name", "pk"
        )
    elif what == WITHOUT_REFERENT:
        people = people.filter(referent__isnull=True)
    page = Paginator(people.for_rows(), settings.MIA_PAGE_SIZE).get_page(request.GET.get("page"))
    for person in page:
        person.days_since = (
            (today - person.last_contact_on).days if person.last_contact_on else None
        )
    audit.record_list(request, Person, section="board", people=[person.pk for person in page])
    titles = {
        ACTIVE: _("Personnes accompagnées"),
        NOT_SEEN: _("Personnes sans entretien récent"),
        WITHOUT_REFERENT: _("Personnes sans référent·e"),
    }
    return render(
        request,
        "accompaniment/board_people.html",
        {
            "page": page,
            "what": what,
            "title": titles[what],
            "scope": scope,
            "weeks": weeks,
            "back_url": _back_url(scope),
            "follow_up_next": request.get_full_path(),
            "reads_notes": permissions.reads_notes(user),
        },
    )


@access(permissions.reads_caseload_board)
def board_tasks(request: HttpRequest) -> HttpResponse:
    """The overdue tasks behind a figure of the board, oldest first: of a worker (as
    assignee), of a site (its people's), or all. Titles are notes: for those who read them."""
    user = request.user
    scope = _scope(request)
    today = timezone.localdate()
    reads_notes = permissions.reads_notes(user)
    columns = [
        *("due_on", "organisation_id", "person_id", "assigned_to_id"),
        *("person__first_name", "person__last_name"),
        *("assigned_to__first_name", "assigned_to__last_name", "assigned_to__email"),
    ]
    tasks = (
        _overdue_tasks(user, today)
        .filter(scope.tasks)
        .select_related("person", "assigned_to")
        .only(*columns, *(["title"] if reads_notes else []))
        .order_by("due_on", "pk")
    )
    page = Paginator(tasks, settings.MIA_PAGE_SIZE).get_page(request.GET.get("page"))
    for task in page:
        task.days_late = (today - task.due_on).days
    audit.record_list(request, Person, section="board", people=[task.person_id for task in page])
    return render(
        request,
        "accompaniment/board_tasks.html",
        {
            "page": page,
            "scope": scope,
            "back_url": _back_url(scope),
            "reads_notes": reads_notes,
        },
    )

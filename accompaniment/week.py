"""The home page: "my week" (today and late first, then the rest of the week, then the people
to see again), the weeks of the colleagues one covers, and the caseload with its own search.

Whatever the number of people, tasks, appointments or covered colleagues, the page costs the
same queries: each kind of row is read once for every worker shown, ranked per worker and per
section by a window function, and carries its section's total."""

import datetime
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Case, Count, F, IntegerField, Max, Q, Value, When, Window
from django.db.models.functions import RowNumber
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accompaniment.covers import covered_by
from accompaniment.models import Appointment, AppointmentStatus, GoalStatus, Step, Task
from beneficiaries import searches
from beneficiaries.forms import UNASSIGNED
from beneficiaries.models import Departement, Person, PersonStatus, Site, SiteStatus
from mia import audit, permissions
from mia.links import object_url
from mia.models import Organisation
from mia.permissions import access
from mia.text import elides

# Rows of one kind in one section, per worker: a week's work, not an archive.
MY_WEEK_LIMIT = 20
# The caseload on the home page: short pages, so that the page fits a phone (the people list
# and the board show longer ones).
CASELOAD_PAGE_SIZE = 20
# The caseload's own search: posted, like every search (beneficiaries.searches).
SEARCH_FIELD = "portefeuille"
TODAY, WEEK = 0, 1


def end_of_week(today: datetime.date) -> datetime.date:
    return today + datetime.timedelta(days=6 - today.weekday())


def not_seen_since(today: datetime.date, weeks: int) -> Q:
    # Never seen counts too: a new person waits for a first entretien.
    return Q(last_contact_on__isnull=True) | Q(
        last_contact_on__lt=today - datetime.timedelta(weeks=weeks)
    )


def _alert_weeks(user) -> int:
    return (
        Organisation.objects.filter(pk=user.organisation_id)
        .values_list("follow_up_alert_weeks", flat=True)
        .first()
    ) or 4


@dataclass
class Row:
    """One line of a section: an appointment, a task or a step of a projet, about a person."""

    kind: str
    date: datetime.date
    person: Person
    title: str
    url: str = ""
    time: datetime.time | None = None
    late: bool = False
    task: Task | None = None
    can_complete: bool = False
    slip_url: str = ""

    @property
    def sort_key(self) -> tuple:
        # Today's appointments by their time first, then what is late, oldest first.
        return (self.late, self.date, self.time or datetime.time.max, self.kind)


@dataclass
class Section:
    rows: list[Row] = field(default_factory=list)
    appointments: int = 0
    tasks: int = 0
    steps: int = 0
    late: int = 0
    truncated: bool = False

    @property
    def count(self) -> int:
        return self.appointments + self.tasks + self.steps


@dataclass
class Week:
    """What one worker has to do by Sunday, and whom they have not seen for a while."""

    worker: object
    today: Section = field(default_factory=Section)
    week: Section = field(default_factory=Section)
    not_seen: list[Person] = field(default_factory=list)
    not_seen_count: int = 0
    # A covered colleague's: the last day of the cover.
    until: datetime.date | None = None

    @property
    def cover_title(self) -> str:
        """A covered colleague's week, as its folded heading reads."""
        name, date = str(self.worker), date_format(self.until, "j F")
        if elides(name):
            return _("Semaine d'%(name)s (remplacement jusqu'au %(date)s)") % {
                "name": name,
                "date": date,
            }
        return _("Semaine de %(name)s (remplacement jusqu'au %(date)s)") % {
            "name": name,
            "date": date,
        }

    @property
    def people(self) -> list[int]:
        rows = [*self.today.rows, *self.week.rows]
        return [row.person.pk for row in rows] + [person.pk for person in self.not_seen]


def _ranked(queryset, *, worker: str, day: str, order: list, today: datetime.date, sections=True):
    """The first MY_WEEK_LIMIT rows of each worker (and section: today or late / later this
    week), each with the total of its group (`total`), in one query for any number of workers."""
    partition = [F(worker)]
    if sections:
        # Today's rows first, then the oldest of what is late; later this week, by date.
        order = [Case(When(**{day: today}, then=Value(0)), default=Value(1)), *order]
        section = Case(
            When(**{f"{day}__lte": today}, then=Value(TODAY)),
            default=Value(WEEK),
            output_field=IntegerField(),
        )
        queryset = queryset.annotate(section=section)
        partition.append(section)
    return queryset.annotate(
        rank=Window(RowNumber(), partition_by=partition, order_by=order),
        total=Window(Count("pk"), partition_by=partition),
    ).filter(rank__lte=MY_WEEK_LIMIT)


def _add(week: Week, row: Row, *, section: int, total: int, kind: str) -> None:
    target = week.today if section == TODAY else week.week
    target.rows.append(row)
    if row.late:
        target.late += 1
    # Each group's total arrives with each of its rows: the last one read says it.
    setattr(target, kind, total)


def weeks_of(user, workers: list, *, today: datetime.date, alert_weeks: int) -> dict[int, Week]:
    """The weeks of `workers` (the user, colleagues they cover) as `user` may read them: four
    queries, whatever their number."""
    end = end_of_week(today)
    weeks = {worker.pk: Week(worker=worker) for worker in workers}
    ids = list(weeks)
    people = Person.objects.visible_to(user).active()

    appointments = _ranked(
        Appointment.objects.visible_to(user)
        .filter(worker_id__in=ids, status=AppointmentStatus.PLANNED, date__lte=end)
        .filter(person__in=people)
        .select_related("person", "partner")
        .only(
            *("worker_id", "date", "time", "place", "purpose", "person_id"),
            *("person__first_name", "person__last_name", "partner__name"),
        ),
        worker="worker_id",
        day="date",
        order=[F("date").asc(), F("time").asc(), F("pk").asc()],
        today=today,
    )
    for appointment in appointments:
        row = Row(
            kind="appointment",
            date=appointment.date,
            time=appointment.time,
            person=appointment.person,
            title=appointment.purpose
            or (appointment.partner.name if appointment.partner else "")
            or appointment.get_place_display(),
            url=object_url("accompaniment:appointment_edit", appointment.pk),
            slip_url=object_url("accompaniment:appointment_slip", appointment.pk),
            late=appointment.date < today,
        )
        _add(
            weeks[appointment.worker_id],
            row,
            section=appointment.section,
            total=appointment.total,
            kind="appointments",
        )

    tasks = _ranked(
        Task.objects.visible_to(user)
        .filter(assigned_to_id__in=ids, done_on__isnull=True, due_on__lte=end)
        .select_related("person")
        .only(
            *("organisation_id", "assigned_to_id", "title", "due_on", "done_on", "person_id"),
            *("person__first_name", "person__last_name"),
        ),
        worker="assigned_to_id",
        day="due_on",
        order=[F("due_on").asc(), F("pk").asc()],
        today=today,
    )
    for task in tasks:
        row = Row(
            kind="task",
            date=task.due_on,
            person=task.person,
            title=task.title,
            task=task,
            can_complete=permissions.can_complete_task(user, task),
            late=task.due_on < today,
        )
        _add(weeks[task.assigned_to_id], row, section=task.section, total=task.total, kind="tasks")

    steps = _ranked(
        Step.objects.filter(
            goal__person__in=people.filter(referent_id__in=ids),
            goal__status__in=[GoalStatus.NOT_STARTED, GoalStatus.IN_PROGRESS],
            done_on__isnull=True,
            due_on__lte=end,
        )
        .annotate(referent_id=F("goal__person__referent_id"))
        .select_related("goal__person")
        .only(
            *("title", "due_on", "goal_id", "goal__person_id"),
            *("goal__person__first_name", "goal__person__last_name"),
        ),
        worker="goal__person__referent_id",
        day="due_on",
        order=[F("due_on").asc(), F("pk").asc()],
        today=today,
    )
    for step in steps:
        person = step.goal.person
        row = Row(
            kind="step",
            date=step.due_on,
            person=person,
            title=step.title,
            url=object_url("accompaniment:plan", person.pk) + f"#objectif-{step.goal_id}",
            late=step.due_on < today,
        )
        _add(weeks[step.referent_id], row, section=step.section, total=step.total, kind="steps")

    not_seen = _ranked(
        people.filter(referent_id__in=ids)
        .filter(not_seen_since(today, alert_weeks))
        .only("referent_id", "first_name", "last_name", "last_contact_on"),
        worker="referent_id",
        day="last_contact_on",
        order=[F("last_contact_on").asc(nulls_first=True), "last_name", "first_name", "pk"],
        today=today,
        sections=False,
    ).order_by(F("last_contact_on").asc(nulls_first=True), "last_name", "first_name", "pk")
    for person in not_seen:
        week = weeks[person.referent_id]
        week.not_seen.append(person)
        week.not_seen_count = person.total

    for week in weeks.values():
        for section in (week.today, week.week):
            section.rows.sort(key=lambda row: row.sort_key)
            section.truncated = len(section.rows) < section.count
    return weeks


# --- The page ----------------------------------------------------------------------------------


def _caseload_page(request: HttpRequest, people):
    return Paginator(
        people.for_rows().order_by("last_name", "first_name", "pk"), CASELOAD_PAGE_SIZE
    ).get_page(request.GET.get("page"))


def _caseload(request: HttpRequest, user, *, today: datetime.date, alert_weeks: int) -> dict:
    """The people `user` follows, searched and filtered as asked, one short page of them."""
    mine = Person.objects.visible_to(user).filter(referent=user).active()
    to_see_again = request.GET.get("a_revoir") == "1"
    text = ""
    if request.method == "POST":
        to_see_again = request.POST.get("a_revoir") == "1"
        text = request.POST.get(SEARCH_FIELD, "").strip()
    elif key := request.GET.get("r"):
        text = searches.recall(request, key)
    listed = mine
    if to_see_again:
        listed = listed.filter(not_seen_since(today, alert_weeks))
    # Links of the list (pages, the "back" of a follow-up) carry the filters and a key to the
    # typed text, never the text.
    query = QueryDict(mutable=True)
    if to_see_again:
        query["a_revoir"] = "1"
    if text:
        query["r"] = searches.remember(request, text)
    page = _caseload_page(request, listed.search(text) if text else listed)
    close = False
    if text and not page.paginator.count:
        # Nothing under this spelling: names one letter away (Stanscu for Stanescu), said so.
        close = True
        page = _caseload_page(request, listed.search(text, close=True))
    here = reverse("home")
    page_query = query.copy()
    if page.number > 1:
        page_query["page"] = str(page.number)
    return {
        "page": page,
        "search_text": text,
        "close": close,
        "to_see_again": to_see_again,
        "query": query.urlencode(),
        "url": f"{here}?{query.urlencode()}" if query else here,
        "back_url": f"{here}?{page_query.urlencode()}" if page_query else here,
    }


def _figures(user, *, today: datetime.date) -> dict:
    """The small dashboard of those who read figures: counts, each opening its list when the
    user may open it."""
    departement = "household__site__commune__departement"
    people = Person.objects.visible_to(user)
    weeks = _alert_weeks(user)
    active = Q(exited_on__isnull=True)
    counts = people.aggregate(
        active=Count("pk", filter=active),
        unassigned=Count("pk", filter=active & Q(referent__isnull=True)),
        not_seen=Count("pk", filter=active & not_seen_since(today, weeks)),
        exited=Count("pk", filter=~active),
        **{
            f"dep_{code}": Count("pk", filter=active & Q(**{departement: code}))
            for code in Departement.values
        },
    )
    open_sites = Site.objects.visible_to(user).filter(status=SiteStatus.OPEN).count()
    lists = permissions.reads_person_files(user)
    board = permissions.reads_caseload_board(user)
    people_url = reverse("beneficiaries:person_list")
    board_url = reverse("accompaniment:board_people") if board else ""

    def stat(label: str, count: int, url: str) -> dict:
        return {"label": label, "count": count, "url": url}

    return {
        "weeks": weeks,
        "main": [
            stat(
                _("personnes accompagnées"),
                counts["active"],
                f"{people_url}?status={PersonStatus.ACTIVE}" if lists else "",
            ),
            stat(
                _("sans référent·e"),
                counts["unassigned"],
                f"{people_url}?referent={UNASSIGNED}&status={PersonStatus.ACTIVE}" if lists else "",
            ),
            stat(
                _("sans entretien récent"),
                counts["not_seen"],
                f"{board_url}?quoi=non_vues" if board else "",
            ),
            stat(
                _("lieux de vie occupés"),
                open_sites,
                reverse("beneficiaries:site_list") + f"?status={SiteStatus.OPEN}" if lists else "",
            ),
            stat(
                _("sorties du programme"),
                counts["exited"],
                f"{people_url}?status={PersonStatus.EXITED}" if lists else "",
            ),
        ],
        "departements": [
            stat(
                label,
                counts[f"dep_{code}"],
                f"{people_url}?departement={code}&status={PersonStatus.ACTIVE}" if lists else "",
            )
            for code, label in Departement.choices
        ],
        "board_url": reverse("accompaniment:board") if board else "",
    }


@access(permissions.signed_in)
def home(request: HttpRequest) -> HttpResponse:
    """ "Mon portefeuille": today and late, the rest of the week, the people to see again, the
    weeks of the colleagues one covers, then the people one follows, with a search of their own.
    Those who read figures get a small dashboard; a partner has neither caseload nor week: their
    home is the list of referrals to handle."""
    user = request.user
    if permissions.reads_shared_files(user):
        return redirect("partners:referrals_received")
    keeps_caseload = permissions.keeps_caseload(user)
    if request.method == "POST" and not keeps_caseload:
        return redirect("home")
    today = timezone.localdate()
    alert_weeks = _alert_weeks(user) if keeps_caseload else None
    caseload = None
    if keeps_caseload:
        caseload = _caseload(request, user, today=today, alert_weeks=alert_weeks)
        if request.method == "POST" and not request.htmx:
            return redirect(caseload["url"] + "#portefeuille")
        if request.htmx:
            # The caseload's search, typed: the list only.
            audit.record_list(
                request, Person, section="caseload", people=[p.pk for p in caseload["page"]]
            )
            response = render(
                request,
                "accompaniment/partials/caseload_list.html",
                {"caseload": caseload, "can_log": permissions.reads_notes(user)},
            )
            response["HX-Replace-Url"] = caseload["url"]
            return response
    mine = covering = None
    if keeps_caseload:
        colleagues = list(
            covered_by(user, today).annotate(
                cover_until=Max(
                    "covers__ends_on",
                    filter=Q(
                        covers__covering=user,
                        covers__starts_on__lte=today,
                        covers__ends_on__gte=today,
                    ),
                )
            )
        )
        weeks = weeks_of(user, [user, *colleagues], today=today, alert_weeks=alert_weeks)
        mine = weeks.pop(user.pk)
        covering = list(weeks.values())
        for week in covering:
            week.until = week.worker.cover_until
        audit.record_list(
            request,
            Person,
            section="caseload",
            people=[
                *(person.pk for person in caseload["page"]),
                *mine.people,
                *(pk for week in covering for pk in week.people),
            ],
        )
    figures = _figures(user, today=today) if permissions.reads_figures(user) else None
    return render(
        request,
        "accompaniment/home.html",
        {
            "today": today,
            "week": mine,
            "covering": covering,
            "alert_weeks": alert_weeks,
            "caseload": caseload,
            "figures": figures,
            "keeps_caseload": keeps_caseload,
            "can_log": permissions.reads_notes(user),
            "creates_files": permissions.creates_person_files(user),
        },
    )

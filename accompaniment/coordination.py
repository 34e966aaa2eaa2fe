"""Coordinators' pages: the caseload board, transfers, entries and exits of the programme."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accompaniment.forms_coordination import (
    SCOPES,
    PersonExitForm,
    PersonReenterForm,
    TransferForm,
)
from accompaniment.models import Task
from beneficiaries import services
from beneficiaries.forms import UNASSIGNED
from beneficiaries.models import Enrolment, Household, Person, PersonStatus, Site
from mia import permissions
from mia.models import Organisation
from mia.permissions import access
from mia.text import fold

# --- Caseload board ------------------------------------------------------------------------------


@dataclass
class Tally:
    """One line of the board: a worker, a site, or a total."""

    label: str
    pk: int | None = None
    people: int = 0
    not_seen: int = 0
    overdue: int = 0
    household_ids: set = field(default_factory=set)
    commune: str = ""
    sort_key: str = ""
    # Follows people but may no longer hold a caseload (account closed, role changed).
    former: bool = False
    # Links, built here once: hundreds of {% url %} tags would cost more than the queries.
    url: str = ""
    transfer_url: str = ""

    @property
    def households(self) -> int:
        return len(self.household_ids)


def _display_name(first: str, last: str, email: str) -> str:
    return f"{first} {last}".strip() or email


def _name_key(first: str, last: str, email: str) -> str:
    """Workers by last name, accents aside, as every list of people."""
    return fold(f"{last} {first}") or email


@access(permissions.reads_caseload_board)
def board(request: HttpRequest) -> HttpResponse:
    """Per worker and per site: active people, households, people not seen for the
    organisation's alert period, overdue tasks; and who has no referent.

    One scan of the people, grouped by (referent, site, household), and one of the overdue
    tasks, grouped by (assignee, site), whatever the number of workers and sites: Python adds
    the groups up both ways (a household lives on one site, so household counts stay exact).
    Nothing reads the follow-ups: Person.last_contact_on says when someone was last seen."""
    user = request.user
    today = timezone.localdate()
    weeks = (
        Organisation.objects.filter(pk=user.organisation_id)
        .values_list("follow_up_alert_weeks", flat=True)
        .first()
    ) or 0
    since = today - datetime.timedelta(weeks=weeks)

    workers = {
        pk: Tally(_display_name(first, last, email), pk=pk, sort_key=_name_key(first, last, email))
        for pk, first, last, email in permissions.possible_referents(user).values_list(
            "pk", "first_name", "last_name", "email"
        )
    }
    sites: dict[int | None, Tally] = {}
    unassigned = Tally(_("Sans référent·e"))
    totals = Tally(_("Total"))
    groups = (
        Person.objects.visible_to(user)
        .active()
        .order_by()
        .values_list("referent_id", "household__site_id", "household_id")
        .annotate(
            count=Count("pk"),
            not_seen=Count(
                "pk", filter=Q(last_contact_on__isnull=True) | Q(last_contact_on__lt=since)
            ),
        )
    )
    # Thousands of groups at national scale: read them as plain tuples (no per-value
    # converters) and add them up in local dicts before filling the tallies.
    sql, params = groups.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    by_worker: dict = defaultdict(lambda: [0, 0, set()])
    by_site: dict = defaultdict(lambda: [0, 0, set()])
    overall = [0, 0, set()]
    site_of_household = {}
    for referent_id, site_id, household_id, count, not_seen in rows:
        site_of_household[household_id] = site_id
        for sums in (by_worker[referent_id], by_site[site_id], overall):
            sums[0] += count
            sums[1] += not_seen
            if household_id is not None:
                sums[2].add(household_id)
    former_ids = set()
    for referent_id, (people, not_seen, household_ids) in by_worker.items():
        if referent_id is None:
            worker = unassigned
        elif referent_id not in workers:
            label = _("Compte n° %(pk)d") % {"pk": referent_id}
            worker = workers[referent_id] = Tally(label, pk=referent_id, former=True)
            former_ids.add(referent_id)
        else:
            worker = workers[referent_id]
        worker.people, worker.not_seen, worker.household_ids = people, not_seen, household_ids
    no_site = _("Sans lieu de vie connu")  # the real names replace it just below
    for site_id, (people, not_seen, household_ids) in by_site.items():
        site = sites[site_id] = Tally(no_site, pk=site_id)
        site.people, site.not_seen, site.household_ids = people, not_seen, household_ids
    totals.people, totals.not_seen, totals.household_ids = overall
    if former_ids:
        # People still followed by an account that can no longer follow anyone: name it, so
        # that the coordinator hands its caseload over.
        for pk, first, last, email in (
            permissions.team_members(user)
            .filter(pk__in=former_ids)
            .values_list("pk", "first_name", "last_name", "email")
        ):
            workers[pk].label = _display_name(first, last, email)
            workers[pk].sort_key = _name_key(first, last, email)
    for pk, name, commune in (
        Site.objects.visible_to(user)
        .filter(pk__in=[pk for pk in sites if pk is not None])
        .values_list("pk", "name", "commune__name")
    ):
        sites[pk].label, sites[pk].commune, sites[pk].sort_key = name, commune, fold(name)

    # Overdue tasks in two small queries rather than one join: joined to the people, PostgreSQL
    # hashes every active person of the organisation to keep a few thousand tasks.
    open_overdue = Task.objects.visible_to(user).filter(done_on__isnull=True, due_on__lt=today)
    overdue = list(
        open_overdue.order_by()
        .values_list("assigned_to_id", "person_id")
        .annotate(count=Count("pk"))
    )
    # Their households' sites are known from the groups above (active people only). A
    # subquery, not a list of ids: thousands of parameters cost more than the query itself.
    household_of = dict(
        Person.objects.filter(pk__in=open_overdue.values("person_id"))
        .active()
        .values_list("pk", "household_id")
    )
    for assigned_to_id, person_id, count in overdue:
        if person_id not in household_of:
            continue
        site_id = site_of_household.get(household_of[person_id])
        if assigned_to_id in workers:
            workers[assigned_to_id].overdue += count
        if site_id in sites:
            sites[site_id].overdue += count
        totals.overdue += count

    people_url = reverse("beneficiaries:person_list")
    transfer_url = reverse("accompaniment:transfer")
    for worker in workers.values():
        worker.url = f"{people_url}?referent={worker.pk}&status={PersonStatus.ACTIVE}"
        worker.transfer_url = f"{transfer_url}?portee=referent&id={worker.pk}"
    # Sites by name, a page at a time: at national scale they are hundreds.
    site_page = Paginator(
        sorted(sites.values(), key=lambda row: (row.pk is None, row.sort_key, row.pk or 0)),
        settings.MIA_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    for site in site_page:
        if site.pk is not None:
            site.url = reverse("beneficiaries:site_detail", args=[site.pk])
            site.transfer_url = f"{transfer_url}?portee=site&id={site.pk}"
    return render(
        request,
        "accompaniment/board.html",
        {
            "workers": sorted(workers.values(), key=lambda row: (row.sort_key, row.pk)),
            "site_page": site_page,
            "unassigned": unassigned,
            "totals": totals,
            "weeks": weeks,
            "unassigned_url": f"{people_url}?"
            + urlencode({"referent": UNASSIGNED, "status": PersonStatus.ACTIVE}),
        },
    )


# --- Transfers -----------------------------------------------------------------------------------

# Names shown before "et N autres": enough to check, short enough on a phone.
PREVIEW_SIZE = 10


def _transfer_scope(user, scope: str, pk: int) -> tuple[str, Person]:
    """What a transfer is about, and the active people it concerns. Every lookup goes through
    what the coordinator may see: another organisation's id is a 404."""
    people = Person.objects.visible_to(user).active()
    if scope == "personne":
        person = get_object_or_404(Person.objects.visible_to(user), pk=pk)
        return str(person), people.filter(pk=person.pk)
    if scope == "menage":
        household = get_object_or_404(Household.objects.visible_to(user), pk=pk)
        subject = _("Ménage %(name)s") % {"name": household.name}
        return subject, people.filter(household=household)
    if scope == "site":
        site = get_object_or_404(Site.objects.visible_to(user), pk=pk)
        subject = _("Lieu de vie %(name)s") % {"name": site.name}
        return subject, people.filter(household__site=site)
    worker = get_object_or_404(permissions.team_members(user), pk=pk)
    return _("Portefeuille de %(name)s") % {"name": worker}, people.filter(referent=worker)


@access(permissions.assigns_referents)
def transfer(request: HttpRequest) -> HttpResponse:
    """Assign or transfer one person, a household, a site or a whole caseload: a GET shows what
    would move, the POST of that preview moves it."""
    data = request.POST if request.method == "POST" else request.GET
    scope, pk = data.get("portee", ""), data.get("id", "")
    if scope not in SCOPES or not pk.isdigit():
        raise Http404
    subject, people = _transfer_scope(request.user, scope, int(pk))
    bound = request.method == "POST" or "vers" in data
    form = TransferForm(
        data if bound else None, user=request.user, initial={"portee": scope, "id": pk}
    )
    target = form.cleaned_data["vers"] if form.is_bound and form.is_valid() else None
    figures = people.aggregate(
        total=Count("pk"), already=Count("pk", filter=Q(referent_id=target or 0))
    )
    moving_count = figures["total"] - figures["already"]
    if request.method == "POST" and target is not None:
        if form.cleaned_data["attendu"] == moving_count and moving_count:
            with_target = permissions.possible_referents(request.user).get(pk=target)
            moved = services.caseload_transfer(
                persons=people, to_referent=with_target, by=request.user
            )
            messages.success(
                request,
                ngettext(
                    "%(count)d personne est désormais suivie par %(name)s.",
                    "%(count)d personnes sont désormais suivies par %(name)s.",
                    moved,
                )
                % {"count": moved, "name": with_target},
            )
            return redirect("accompaniment:board")
        form.add_error(
            None,
            _(
                "Les personnes concernées ont changé depuis l'aperçu. Vérifiez la liste "
                "ci-dessous puis confirmez à nouveau."
            ),
        )
    shown = people.exclude(referent_id=target) if target else people
    listed = list(
        shown.select_related("household", "referent").order_by("last_name", "first_name", "pk")[
            :PREVIEW_SIZE
        ]
    )
    count = moving_count if target else figures["total"]
    return render(
        request,
        "accompaniment/transfer.html",
        {
            "form": form,
            "scope": scope,
            "pk": pk,
            "subject": subject,
            "target": target,
            "target_name": form.referent_names.get(target, ""),
            "total": figures["total"],
            "already": figures["already"],
            "count": count,
            "listed": listed,
            "others": count - len(listed),
        },
    )


# --- Entries and exits of the programme ----------------------------------------------------------


def _editable_person(request: HttpRequest, pk: int) -> Person:
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=pk)
    if not permissions.can_edit_person(request.user, person):
        raise PermissionDenied
    return person


def _date(value: datetime.date) -> str:
    return formats.date_format(value, "d/m/Y")


@access(permissions.reads_person_files, hide=True)
def person_exit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _editable_person(request, pk)
    already_left = _("Cette personne est déjà sortie du programme (le %(date)s).")
    if person.exited_on:
        messages.error(request, already_left % {"date": _date(person.exited_on)})
        return redirect("beneficiaries:person_detail", pk=person.pk)
    form = PersonExitForm(request.POST or None, entered_on=person.entered_on)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_exit(
                person=person,
                on=form.cleaned_data["date"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except Enrolment.DoesNotExist:
            # Someone recorded the exit between the page's opening and this save.
            person.refresh_from_db(fields=["exited_on"])
            messages.error(request, already_left % {"date": _date(person.exited_on)})
            return redirect("beneficiaries:person_detail", pk=person.pk)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("La sortie du programme est enregistrée."))
            return redirect("beneficiaries:person_detail", pk=person.pk)
    return render(request, "accompaniment/person_exit.html", {"person": person, "form": form})


@access(permissions.reads_person_files, hide=True)
def person_reenter(request: HttpRequest, pk: int) -> HttpResponse:
    person = _editable_person(request, pk)
    if not person.exited_on:
        messages.error(request, _("Cette personne est déjà accompagnée dans le programme."))
        return redirect("beneficiaries:person_detail", pk=person.pk)
    form = PersonReenterForm(request.POST or None, exited_on=person.exited_on)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_reenter(person=person, on=form.cleaned_data["date"], by=request.user)
        except ValidationError as error:
            # One open period at most: a second, simultaneous return is refused here.
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Le retour dans le programme est enregistré."))
            return redirect("beneficiaries:person_detail", pk=person.pk)
    return render(request, "accompaniment/person_reenter.html", {"person": person, "form": form})

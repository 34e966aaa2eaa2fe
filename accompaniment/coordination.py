"""Coordinators' pages: the caseload board, transfers, entries and exits of the programme."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
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
from mia import audit, permissions
from mia.links import object_url
from mia.models import Organisation
from mia.params import int_or_none
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
    commune: str = ""
    sort_key: str = ""
    # Follows people but may no longer hold a caseload (account closed, role changed).
    former: bool = False
    # Links, built here once: hundreds of {% url %} tags would cost more than the queries.
    url: str = ""
    transfer_url: str = ""


def _display_name(first: str, last: str, email: str) -> str:
    return f"{first} {last}".strip() or email


def _name_key(first: str, last: str, email: str) -> str:
    """Workers by last name, accents aside, as every list of people."""
    return sort_key(f"{last} {first}") or email


# The board's two views: one line per worker (the default) or per site.
BY_WORKER, BY_SITE = "referents", "lieux"


@access(permissions.reads_caseload_board)
def board(request: HttpRequest) -> HttpResponse:
    """Per worker, or per site: active people, households, people not seen for the
    organisation's alert period, overdue tasks; and who has no referent.

    Each view is two grouped queries, whatever the number of people: the active people
    grouped by referent (or site), read from an index that holds every column they need
    (Person.Meta.indexes), and their overdue tasks grouped the same way. Nothing reads the
    follow-ups: Person.last_contact_on says when someone was last seen."""
    user = request.user
    view = BY_SITE if request.GET.get("vue") == BY_SITE else BY_WORKER
    today = timezone.localdate()
    weeks = (
        Organisation.objects.filter(pk=user.organisation_id)
        .values_list("follow_up_alert_weeks", flat=True)
        .first()
    ) or 0
    since = today - datetime.timedelta(weeks=weeks)
    people = Person.objects.visible_to(user).active().order_by()
    counts = {
        "people": Count("pk"),
        "not_seen": Count(
            "pk", filter=Q(last_contact_on__isnull=True) | Q(last_contact_on__lt=since)
        ),
        # A household lives on one site but its members may have different referents.
        "households": Count("household", distinct=True),
        "unassigned": Count("pk", filter=Q(referent__isnull=True)),
    }
    # Tasks of people still followed, done by nobody yet, due before today.
    overdue = (
        Task.objects.visible_to(user)
        .filter(done_on__isnull=True, due_on__lt=today, person__exited_on__isnull=True)
        .order_by()
    )
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
        totals.people += count
        totals.not_seen += not_seen
        unassigned += without_referent
    for pk, count in tasks:
        totals.overdue += count
        # A task assigned to nobody, or to someone who follows nobody, counts in the total
        # only; a task of someone without a known site counts on that line.
        if pk in rows and (pk is not None or view == BY_SITE):
            rows[pk].overdue += count

    unassigned_url = (
        reverse("beneficiaries:person_list")
        + "?"
        + urlencode({"referent": UNASSIGNED, "status": PersonStatus.ACTIVE})
    )
    context = {
        "view": view,
        "totals": totals,
        "unassigned": unassigned,
        "weeks": weeks,
        "unassigned_url": unassigned_url,
    }
    if view == BY_WORKER:
        _name_former_workers(user, rows)
        workers = sorted(
            (row for pk, row in rows.items() if pk is not None),
            key=lambda row: (row.sort_key, row.pk),
        )
        # The people nobody follows close the table, with no tasks of their own to count.
        without_referent = rows.get(None) or Tally("")
        without_referent.label, without_referent.url = _("Sans référent·e"), unassigned_url
        without_referent.overdue = None
        context |= {
            "heading": _("Par référent·e"),
            "first_column": _("Référent·e"),
            "workers": workers,
            "without_referent": without_referent,
            "rows": [*workers, without_referent],
        }
    else:
        site_page = _site_page(user, request.GET.get("page"), rows)
        context |= {
            "heading": _("Par lieu de vie"),
            "first_column": _("Lieu de vie"),
            "site_page": site_page,
            "rows": site_page,
        }
    return render(request, "accompaniment/board.html", context)


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
    scope, pk = data.get("portee", ""), int_or_none(data.get("id"))
    if scope not in SCOPES or pk is None:
        raise Http404
    subject, people = _transfer_scope(request.user, scope, pk)
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
    # The people listed, and the person or household the transfer names in its title.
    named = [pk]
    audit.record_list(
        request,
        Person,
        section="transfer",
        people=[person.pk for person in listed] + (named if scope == "personne" else []),
        households=named if scope == "menage" else [],
    )
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
    audit.record_read(request, person, section="exit")
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
    audit.record_read(request, person, section="exit")
    return render(request, "accompaniment/person_reenter.html", {"person": person, "form": form})

"""Coordinators' pages: transfers, entries and exits of the programme (the caseload board is
in accompaniment/board.py)."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accompaniment import covers as cover_services
from accompaniment import transfers
from accompaniment.forms_coordination import (
    SCOPES,
    CoverForm,
    PersonExitForm,
    PersonReenterForm,
    TransferConfirmForm,
    TransferForm,
)
from accompaniment.models import Transfer
from beneficiaries import services
from beneficiaries.models import Enrolment, Household, Person, Site
from mia import audit, permissions
from mia.params import int_or_none
from mia.permissions import access
from mia.text import elides

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
        return household.heading, people.filter(household=household)
    if scope == "site":
        site = get_object_or_404(Site.objects.visible_to(user), pk=pk)
        subject = _("Lieu de vie %(name)s") % {"name": site.name}
        return subject, people.filter(household__site=site)
    worker = get_object_or_404(permissions.team_members(user), pk=pk)
    if elides(str(worker)):
        subject = _("Portefeuille d'%(name)s") % {"name": worker}
    else:
        subject = _("Portefeuille de %(name)s") % {"name": worker}
    return subject, people.filter(referent=worker)


# The scope of the page's links, as a Transfer records it.
TRANSFER_SCOPES = {
    "personne": Transfer.Scope.PERSON,
    "menage": Transfer.Scope.HOUSEHOLD,
    "site": Transfer.Scope.SITE,
    "referent": Transfer.Scope.REFERENT,
}


@access(permissions.assigns_referents)
def transfer(request: HttpRequest) -> HttpResponse:
    """Assign or transfer one person, a household, a site or a whole caseload, with the open
    tasks and future appointments their referent held: a GET shows what would move, the POST
    of that preview (with a reason and a date) moves it (accompaniment.transfers)."""
    data = request.POST if request.method == "POST" else request.GET
    scope, pk = data.get("portee", ""), int_or_none(data.get("id"))
    if scope not in SCOPES or pk is None:
        raise Http404
    subject, people = _transfer_scope(request.user, scope, pk)
    bound = request.method == "POST" or "vers" in data
    form = TransferForm(
        data if bound else None, user=request.user, initial={"portee": scope, "id": pk}
    )
    confirm = TransferConfirmForm(request.POST if request.method == "POST" else None)
    target = form.cleaned_data["vers"] if form.is_bound and form.is_valid() else None
    figures = people.aggregate(
        total=Count("pk"), already=Count("pk", filter=Q(referent_id=target or 0))
    )
    moving_count = figures["total"] - figures["already"]
    if request.method == "POST" and target is not None and confirm.is_valid():
        if form.cleaned_data["attendu"] == moving_count and moving_count:
            with_target = permissions.possible_referents(request.user).get(pk=target)
            done = transfers.transfer_work(
                people=people,
                to_referent=with_target,
                reason=confirm.cleaned_data["motif"],
                on=confirm.cleaned_data["le"],
                scope=TRANSFER_SCOPES[scope],
                by=request.user,
            )
            moved = done.people.count()
            messages.success(
                request,
                ngettext(
                    "%(count)d personne est désormais suivie par %(name)s.",
                    "%(count)d personnes sont désormais suivies par %(name)s.",
                    moved,
                )
                % {"count": moved, "name": with_target}
                + " "
                + _work_moved(done.tasks_moved, done.appointments_moved),
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
    today = timezone.localdate()
    # The work that goes with them: held by their referent of now (accompaniment.transfers).
    tasks = transfers.open_tasks(shown).count() if count else 0
    appointments = transfers.future_appointments(shown, today=today).count() if count else 0
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
            "confirm": confirm,
            "scope": scope,
            "pk": pk,
            "subject": subject,
            "target": target,
            "target_name": form.referent_names.get(target, ""),
            "total": figures["total"],
            "already": figures["already"],
            "count": count,
            "tasks": tasks,
            "appointments": appointments,
            "work_moved": _work_moved(tasks, appointments),
            "listed": listed,
            "others": count - len(listed),
        },
    )


def _work_moved(tasks: int, appointments: int) -> str:
    """What goes with the people: "2 tâches ouvertes et 1 rendez-vous à venir…", or none."""
    if not tasks and not appointments:
        return _("Aucune tâche ouverte ni rendez-vous à venir ne change de main.")
    # Counts of zero are left out: "0 tâche" needs the French catalogue's plural rule.
    parts = []
    if tasks:
        parts.append(
            ngettext("%(count)d tâche ouverte", "%(count)d tâches ouvertes", tasks)
            % {"count": tasks}
        )
    if appointments:
        parts.append(
            ngettext("%(count)d rendez-vous à venir", "%(count)d rendez-vous à venir", appointments)
            % {"count": appointments}
        )
    return _("Travail transmis : %(work)s.") % {"work": _(" et ").join(parts)}


# --- Temporary covers ----------------------------------------------------------------------------


@access(permissions.assigns_referents)
def covers(request: HttpRequest) -> HttpResponse:
    """The covers not over yet, and the form to set one: while a referent is away, a colleague
    sees their week on the home page (accompaniment.covers)."""
    form = CoverForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        referents = permissions.possible_referents(request.user)
        try:
            cover = cover_services.cover_add(
                absent=referents.get(pk=form.cleaned_data["absent"]),
                covering=referents.get(pk=form.cleaned_data["covering"]),
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
                by=request.user,
            )
        except cover_services.CoverRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                _("%(covering)s voit la semaine de %(absent)s jusqu'au %(date)s inclus.")
                % {
                    "covering": cover.covering,
                    "absent": cover.absent,
                    "date": _date(cover.ends_on),
                },
            )
            return redirect("accompaniment:covers")
    today = timezone.localdate()
    return render(
        request,
        "accompaniment/covers.html",
        {
            "form": form,
            "covers": list(cover_services.current_and_future(request.user, today=today)),
            "today": today,
        },
    )


@access(permissions.assigns_referents, hide=True)
@require_POST
def cover_end(request: HttpRequest, pk: int) -> HttpResponse:
    """End a cover now (the colleague is back), or delete one that has not begun."""
    today = timezone.localdate()
    cover = get_object_or_404(cover_services.current_and_future(request.user, today=today), pk=pk)
    deleted = cover_services.cover_end(cover=cover, today=today)
    messages.success(
        request,
        _("Le remplacement est supprimé.") if deleted else _("Le remplacement est terminé."),
    )
    return redirect("accompaniment:covers")


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

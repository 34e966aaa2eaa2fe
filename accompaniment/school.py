"""School, for every child: a child's schooling page (in force now, its history, the form to
record it as it is now) and the correction of a row. Enrolment itself is a procedure of the
rights pages, and a refused enrolment an obstacle: this page links to both."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accompaniment import services_school as services
from accompaniment.forms_school import SchoolingForm
from accompaniment.models import Obstacle, ObstacleKind, Schooling
from beneficiaries.models import Person
from beneficiaries.summary import allowed
from mia import audit, permissions
from mia.permissions import access

# The enrolment procedure's type (accompaniment/data/procedure_types.csv).
SCHOOL_PROCEDURE_TYPE = "scolarite"


def _page_url(person_id: int) -> str:
    return reverse("accompaniment:schooling", args=[person_id])


def _link(user, route: str, pk: int, **query) -> str:
    """A link to a page of the rights part, if its rule lets `user` in."""
    url = allowed(user, reverse(route, args=[pk]))
    return f"{url}?{urlencode(query)}" if url and query else url


@access(permissions.reads_pathways, hide=True)
def schooling(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=pk)
    can_record = permissions.records_pathways(request.user)
    if request.method == "POST" and not can_record:
        raise PermissionDenied
    today = timezone.localdate()
    history = list(
        Schooling.objects.visible_to(request.user)
        .filter(person=person)
        .select_related("commune", "recorded_by", "procedure__type")
        .order_by("-since", "-pk")
    )
    current = next((row for row in history if row.since <= today), None)
    procedures = list(services.school_procedures(person).visible_to(request.user))
    form = None
    if can_record:
        form = SchoolingForm(
            request.POST or None, person=person, procedures=procedures, current=current
        )
    if request.method == "POST" and form.is_valid():
        try:
            services.schooling_record(person=person, by=request.user, **form.saved_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("La scolarité est enregistrée."))
            return redirect(_page_url(person.pk))
    refusals = list(
        Obstacle.objects.visible_to(request.user)
        .filter(person=person, kind=ObstacleKind.SCHOOL_REFUSED)
        .only("person_id", "kind", "body", "occurred_on", "follow_up", "follow_up_on")
        .order_by("-occurred_on", "-pk")
    )
    audit.record_read(request, person, section="schooling")
    age = person.age
    back = {"next": _page_url(person.pk)}
    return render(
        request,
        "accompaniment/school/schooling.html",
        {
            "person": person,
            "age": age,
            "of_age": age is not None and age >= services.ADULT_AGE,
            "current": current,
            "history": history,
            "procedures": [
                (
                    procedure,
                    _link(request.user, "accompaniment:procedure_edit", procedure.pk, **back),
                )
                for procedure in procedures
            ],
            "refusals": [
                (refusal, _link(request.user, "accompaniment:obstacle_edit", refusal.pk, **back))
                for refusal in refusals
            ],
            "form": form,
            "can_record": can_record,
            "procedure_url": _link(
                request.user,
                "accompaniment:procedure_create",
                person.pk,
                type=SCHOOL_PROCEDURE_TYPE,
                **back,
            ),
            # A refusal is of the latest enrolment procedure, when there is one.
            "refusal_url": _link(
                request.user,
                "accompaniment:obstacle_create",
                person.pk,
                kind=ObstacleKind.SCHOOL_REFUSED,
                **({"demarche": procedures[0].pk} if procedures else {}),
                **back,
            ),
            "today": today,
        },
    )


@access(permissions.records_pathways, hide=True)
def schooling_edit(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(
        Schooling.objects.visible_to(request.user).select_related("person", "commune"), pk=pk
    )
    person = row.person
    procedures = list(services.school_procedures(person).visible_to(request.user))
    # The row as stored, for the page's title: a refused form changes the instance it binds.
    since = row.since
    form = SchoolingForm(request.POST or None, instance=row, person=person, procedures=procedures)
    if request.method == "POST" and form.is_valid():
        try:
            services.schooling_update(schooling=row, by=request.user, **form.saved_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("La ligne de scolarité est corrigée."))
            return redirect(_page_url(person.pk))
    audit.record_read(request, row, section="schooling")
    return render(
        request,
        "accompaniment/school/schooling_edit.html",
        {"person": person, "row": row, "since": since, "form": form},
    )

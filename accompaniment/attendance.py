"""Attendance sheets: a class is opened for a date of its course, then a trainer or a social
worker ticks who came, one tap per learner, on a phone.

Each tap posts one learner and the state wanted (present or absent, never "toggle"), and
writes that learner's row only: two people ticking the same sheet at once both keep their
ticks, and a tap sent twice on a poor network changes nothing the second time. Without
JavaScript each learner is a button of a form; with htmx only the learner's button and the
count are sent back."""

from django.contrib import messages
from django.core.exceptions import BadRequest, ValidationError
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accompaniment import services_french as services
from accompaniment.forms_french import SessionForm, SessionOpenForm
from accompaniment.french import by_name, course_detail_page
from accompaniment.models import Attendance, ClassSession
from mia import audit, permissions
from mia.params import int_or_404
from mia.permissions import access

PRESENT = {"1": True, "0": False}


def post_only() -> HttpResponseNotAllowed:
    """A GET of a route that only takes a POST, once the object is found: a trainer's
    partner account passes the role rule, so the course must answer 404 first when it is
    not theirs (a consent withdrawn, another provider's course), whatever the method."""
    return HttpResponseNotAllowed(["POST"])


def _sheet_url(session_id: int, anchor: str = "") -> str:
    url = reverse("accompaniment:attendance_sheet", args=[session_id])
    return f"{url}#{anchor}" if anchor else url


def _session(request: HttpRequest, pk: int) -> ClassSession:
    session = get_object_or_404(
        services.sessions_of(request.user).select_related("course__provider"), pk=pk
    )
    if not permissions.takes_attendance(request.user, session.course):
        raise Http404
    return session


def sheet_rows(session: ClassSession, user):
    """The sheet's learners, each with the tick recorded (`present`: True, False, or None
    before anyone ticked) and whether `user` reads their name: one query."""
    tick = Attendance.objects.filter(session=session, person_id=OuterRef("person_id"))
    return (
        services.sheet_learners(session)
        .select_related("person")
        .only("course_id", "person_id", "status", "person__first_name", "person__last_name")
        .annotate(present=Subquery(tick.values("present")[:1]), named=services.names_shown(user))
    )


@access(permissions.opens_attendance_sheets)
def session_open(request: HttpRequest, pk: int) -> HttpResponse:
    """The class of the date posted, opened the first time (hours: the course's), then its
    sheet. A date outside the course is refused on the course's page, nothing saved."""
    course = get_object_or_404(
        services.courses_of(request.user).select_related("provider").prefetch_related("slots"),
        pk=pk,
    )
    if not permissions.takes_attendance(request.user, course):
        raise Http404
    if request.method != "POST":
        return post_only()
    form = SessionOpenForm(request.POST, course=course)
    if form.is_valid():
        try:
            session, _created = services.session_open(
                course=course, on=form.cleaned_data["date"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if not services.scheduled_on(course, session.date):
                # The slots come in weekday order (CourseSlot.Meta.ordering).
                days = ", ".join(
                    dict.fromkeys(str(slot.get_weekday_display()) for slot in course.slots.all())
                )
                messages.warning(
                    request,
                    _(
                        "Le %(date)s n'est pas un jour de cours prévu (%(days)s) : "
                        "la séance est ouverte quand même."
                    )
                    % {"date": formats.date_format(session.date, "l j F Y"), "days": days},
                )
            return redirect(_sheet_url(session.pk))
    return course_detail_page(request, course, open_form=form)


@access(permissions.opens_attendance_sheets)
def attendance_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """The sheet of one class; its form changes the class's hours or cancels it."""
    session = _session(request, pk)
    course = session.course
    form = SessionForm(
        request.POST or None, initial={"hours": session.hours, "cancelled": session.cancelled}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(session=session, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("La séance est mise à jour."))
            return redirect(_sheet_url(session.pk))
    rows = by_name(sheet_rows(session, request.user))
    audit.record_list(request, session, section="french", people=[row.person_id for row in rows])
    return render(
        request,
        "accompaniment/french/attendance_sheet.html",
        {
            "session": session,
            "course": course,
            "rows": rows,
            "present_count": sum(row.present is True for row in rows),
            "form": form,
            "scheduled": services.scheduled_on(course, session.date),
            "hidden_names": any(not row.named for row in rows),
            "today": timezone.localdate(),
        },
    )


@access(permissions.opens_attendance_sheets)
def attendance_tick(request: HttpRequest, pk: int) -> HttpResponse:
    """One learner ticked: `personne` (their file number) and `present` (1 or 0)."""
    session = _session(request, pk)
    if request.method != "POST":
        return post_only()
    person_id = int_or_404(request.POST.get("personne"))
    present = PRESENT.get(request.POST.get("present", ""))
    if present is None:
        raise BadRequest("present: 1 or 0")
    row = sheet_rows(session, request.user).filter(person_id=person_id).first()
    if row is None:
        raise Http404
    try:
        services.attendance_mark(
            session=session, person=row.person, present=present, by=request.user
        )
    except ValidationError as error:
        if request.htmx:
            return render(
                request,
                "accompaniment/french/partials/tick.html",
                {"session": session, "row": row, "error": " ".join(error.messages)},
            )
        messages.error(request, " ".join(error.messages))
        return redirect(_sheet_url(session.pk))
    row.present = present
    if request.htmx:
        return render(
            request,
            "accompaniment/french/partials/tick_response.html",
            {"session": session, "row": row, "present_count": services.present_count(session)},
        )
    return redirect(_sheet_url(session.pk, f"apprenant-{person_id}"))

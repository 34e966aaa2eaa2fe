"""Referrals (orientations): sent from a person's page, answered by the partner organisation.
Pages about one referral answer 404 to whoever may not see it."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beneficiaries import sharing
from beneficiaries.models import Pathway, Person
from mia import audit, params, permissions
from mia.permissions import access
from partners import referrals
from partners.forms_referrals import DeclineForm, ReferralForm, ReplyForm
from partners.models import (
    OPEN_STATUSES,
    Consent,
    Referral,
    ReferralStatus,
    Section,
    section_codename,
)
from partners.sharing import grants_of


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _status_filter(request: HttpRequest, queryset):
    status = request.GET.get("statut", "")
    if status in ReferralStatus.values:
        queryset = queryset.filter(status=status)
    else:
        status = ""
    return queryset, status


def _page(request: HttpRequest, queryset):
    return Paginator(queryset, settings.MIA_PAGE_SIZE).get_page(request.GET.get("page"))


@access(permissions.reads_person_files, hide=True)
def person_referrals(request: HttpRequest, pk: int) -> HttpResponse:
    """The person's referrals and their status; a fragment of the person's page (htmx)."""
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=pk)
    rows = (
        Referral.objects.visible_to(request.user)
        .filter(person=person)
        .select_related("organisation", "created_by")
    )
    context = {
        "person": person,
        "referrals": rows,
        "can_refer": permissions.sends_referrals(request.user),
        "shows_reasons": permissions.reads_referral_reasons(request.user),
    }
    audit.record_read(request, person, section="referrals")
    if request.htmx:
        return render(request, "partners/partials/referral_person_list.html", context)
    return render(request, "partners/referral_person.html", context)


def _draft_key(person: Person) -> str:
    return f"referral-draft:{person.pk}"


def _consent_first_url(person: Person, organisation, pathway: str) -> str:
    """The person's consents page with the organisation and the suggested sections checked,
    and the way back to this form: ids and codes only, never the reason (kept in the session)."""
    back = reverse("partners:referral_create", args=[person.pk])
    back += "?" + urlencode({"organisation": organisation.pk, "pathway": pathway, "reprise": 1})
    query = {
        "organisation": organisation.pk,
        "sections": ",".join(referrals.suggested_sections(organisation, pathway)),
        "next": back,
    }
    return reverse("partners:consents", args=[person.pk]) + "?" + urlencode(query)


def _initial_from(request: HttpRequest, person: Person) -> dict:
    """Back from the consents page (`reprise`): the choices made, from the query string (ids and
    codes checked here) and the reason from the session draft."""
    initial: dict = {}
    if "reprise" in request.GET:
        initial["reason"] = request.session.get(_draft_key(person), {}).get("reason", "")
    organisation_id = params.int_or_none(request.GET.get("organisation"))
    if organisation_id is not None:
        organisation = referrals.partner_organisations().filter(pk=organisation_id).first()
        if organisation is not None:
            initial["organisation"] = organisation
    if request.GET.get("pathway") in Pathway.values:
        initial["pathway"] = request.GET["pathway"]
    return initial


@access(permissions.sends_referrals, hide=True)
def referral_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a referral. Without a consent sharing the person's identity with the partner, the
    form says what the partner will see (a file number) and offers to record the consent
    first; the referral goes without it only if the worker says so (`action=send`)."""
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=pk)
    can_record_consent = permissions.manages_consents(request.user, person)
    unnamed_to = None  # the chosen partner, if they would not know who the person is
    if request.method == "POST":
        form = ReferralForm(request.POST)
        valid = form.is_valid()
        organisation = form.cleaned_data.get("organisation")
        action = request.POST.get("action", "")
        if organisation is not None and action == "consent" and can_record_consent:
            request.session[_draft_key(person)] = {"reason": request.POST.get("reason", "")[:2000]}
            pathway = form.cleaned_data.get("pathway", "")
            return redirect(_consent_first_url(person, organisation, pathway))
        if organisation is not None and not referrals.identity_consented(
            person=person, organisation=organisation
        ):
            unnamed_to = organisation
        if valid and (unnamed_to is None or action == "send"):
            referral = referrals.referral_create(
                person=person,
                organisation=organisation,
                pathway=form.cleaned_data["pathway"],
                reason=form.cleaned_data["reason"],
                by=request.user,
                base_url=_base_url(request),
            )
            request.session.pop(_draft_key(person), None)
            messages.success(
                request,
                _("Orientation envoyée à %(partner)s.") % {"partner": referral.organisation},
            )
            return redirect("beneficiaries:person_detail", pk=person.pk)
    else:
        initial = _initial_from(request, person)
        form = ReferralForm(initial=initial)
        organisation = initial.get("organisation")
        if organisation is not None and not referrals.identity_consented(
            person=person, organisation=organisation
        ):
            unnamed_to = organisation
    # Whether the partner will see the file comes from the consents, not from the referral.
    consented = sorted(
        {
            consent.organisation.name
            for consent in Consent.objects.valid()
            .filter(person=person)
            .select_related("organisation")
        }
    )
    audit.record_read(request, person, section="referrals")
    return render(
        request,
        "partners/referral_form.html",
        {
            "person": person,
            "form": form,
            "consented": consented,
            "unnamed_to": unnamed_to,
            "can_record_consent": can_record_consent,
        },
    )


@access(permissions.sends_referrals)
def referrals_sent(request: HttpRequest) -> HttpResponse:
    """A worker's referrals; a coordinator sees every referral of the organisation."""
    rows = Referral.objects.visible_to(request.user)
    if not permissions.edits_all_files(request.user):
        rows = rows.filter(created_by=request.user)
    rows, status = _status_filter(request, rows)
    rows = rows.select_related("person", "organisation", "created_by")
    page = _page(request, rows)
    _record_list(request, page)
    return render(
        request,
        "partners/referral_sent.html",
        {"page": page, "status": status, "statuses": ReferralStatus.choices},
    )


# Rows of each part of the partner's work list, on a phone; "Voir les N" lists one status whole,
# a page at a time.
WORK_LIST_ROWS = 20


def _received_rows(request: HttpRequest):
    """The referrals addressed to the partner's organisation."""
    return Referral.objects.answerable_by(request.user).select_related("person__organisation")


def _mark_shared(user, *lists) -> None:
    """Whether each referral's file is shared with the partner, and whether they may know who
    the person is (identity shared): two queries about the referrals shown only. As EXISTS
    subqueries of the list, PostgreSQL built the set of every shared file (tens of thousands)
    for each of the page's three lists: 210 ms of SQL against a few."""
    referrals = [referral for rows in lists for referral in rows]
    ids = {referral.person_id for referral in referrals}
    shared = set(Person.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
    named = set(
        grants_of(user)
        .filter(content_object_id__in=ids, permission__codename=section_codename(Section.IDENTITY))
        .values_list("content_object_id", flat=True)
    )
    for referral in referrals:
        referral.person_shared = referral.person_id in shared
        referral.person_named = referral.person_id in named


@access(permissions.answers_referrals)
def referrals_received(request: HttpRequest) -> HttpResponse:
    """The partner's work list: first the referrals to handle (sent, not answered yet), then
    those in progress (accepted), then the others, folded. A status filter lists one status.
    The person is named only under a consent that shares their identity."""
    rows = _received_rows(request)
    rows, status = _status_filter(request, rows)
    if status:
        page = _page(request, rows)
        _mark_shared(request.user, page)
        _record_list(request, page)
        return render(
            request,
            "partners/referral_received.html",
            {"page": page, "status": status, "statuses": ReferralStatus.choices},
        )
    counts = rows.aggregate(
        to_handle=Count("pk", filter=Q(status=ReferralStatus.SENT)),
        in_progress=Count("pk", filter=Q(status=ReferralStatus.ACCEPTED)),
        others=Count("pk", filter=~Q(status__in=OPEN_STATUSES)),
    )
    size = WORK_LIST_ROWS
    # The oldest waiting first: the partner works down the list.
    to_handle = list(rows.filter(status=ReferralStatus.SENT).order_by("created_at", "pk")[:size])
    in_progress = list(
        rows.filter(status=ReferralStatus.ACCEPTED).order_by("created_at", "pk")[:size]
    )
    paginator = Paginator(rows.exclude(status__in=OPEN_STATUSES), WORK_LIST_ROWS)
    paginator.count = counts["others"]  # counted above with the others: no second COUNT
    page = paginator.get_page(request.GET.get("page"))
    _mark_shared(request.user, to_handle, in_progress, page)
    audit.record_list(
        request,
        Referral,
        section="referrals",
        people=[row.person_id for row in (*to_handle, *in_progress, *page)],
    )
    return render(
        request,
        "partners/referral_received.html",
        {
            "work_list": True,
            "to_handle": to_handle,
            "to_handle_count": counts["to_handle"],
            "in_progress": in_progress,
            "in_progress_count": counts["in_progress"],
            "page": page,
            "status": status,
            "statuses": ReferralStatus.choices,
        },
    )


def _record_list(request: HttpRequest, page) -> None:
    # Even named by number only, a referral says something about its person.
    audit.record_list(
        request, Referral, section="referrals", people=[row.person_id for row in page]
    )


def _detail_context(
    request: HttpRequest, referral: Referral, decline_form=None, reply_form=None
) -> dict:
    user = request.user
    staff = permissions.reads_person_files(user)
    # The partner's side: which sections of the file are shared with them (one query).
    shared = {} if staff else sharing.sections(user, referral.person)
    partner = permissions.answers_referrals(user)
    return {
        "referral": referral,
        "events": referral.events.select_related("by"),
        "staff": staff,
        "shows_reasons": permissions.reads_referral_reasons(user),
        "person_shared": staff or bool(shared),
        "person_named": staff or Section.IDENTITY in shared,
        "can_answer": referral.is_open and partner,
        "can_reply": partner and referral.status in referrals.REPLY_STATUSES,
        "can_cancel": referral.is_open
        and Referral.objects.cancellable_by(user).filter(pk=referral.pk).exists(),
        "decline_form": decline_form or DeclineForm(),
        "reply_form": reply_form or ReplyForm(referral=referral),
    }


def _render_detail(
    request: HttpRequest, referral: Referral, decline_form=None, reply_form=None, status=200
):
    audit.record_read(request, referral, section="referrals")
    template = (
        "partners/partials/referral_card.html" if request.htmx else "partners/referral_detail.html"
    )
    context = _detail_context(request, referral, decline_form, reply_form)
    return render(request, template, context, status=status)


@access(permissions.reads_referrals, hide=True)
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_object_or_404(
        Referral.objects.visible_to(request.user).select_related(
            "person__organisation", "organisation", "created_by", "answered_by"
        ),
        pk=pk,
    )
    return _render_detail(request, referral)


def _answer(request: HttpRequest, pk: int, queryset, action, *, success: str = "") -> HttpResponse:
    """Run `action(referral)`; a referral answered meanwhile gets a message, not a 500."""
    referral = get_object_or_404(queryset, pk=pk)
    try:
        referral = action(referral)
    except referrals.ReferralStateError:
        messages.error(
            request, _("Cette orientation a déjà reçu une réponse ou a été annulée entre-temps.")
        )
    else:
        messages.success(
            request,
            success
            or _("Orientation n° %(number)d : %(status)s.")
            % {"number": referral.pk, "status": referral.get_status_display().lower()},
        )
    if request.htmx:
        referral = Referral.objects.select_related(
            "person__organisation", "organisation", "created_by", "answered_by"
        ).get(pk=referral.pk)
        return _render_detail(request, referral)
    # From the work list, back to it; from the referral's page, back there.
    return redirect(
        params.next_url(request, reverse("partners:referral_detail", args=[referral.pk]))
    )


@access(permissions.answers_referrals, hide=True)
@require_POST
def referral_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(
        request,
        pk,
        Referral.objects.answerable_by(request.user),
        lambda referral: referrals.referral_accept(
            referral=referral, by=request.user, base_url=_base_url(request)
        ),
    )


def _answerable(request: HttpRequest, pk: int) -> Referral:
    """A referral the partner may answer, with what its page shows, for a form sent back."""
    return get_object_or_404(
        Referral.objects.answerable_by(request.user).select_related(
            "person__organisation", "organisation", "created_by", "answered_by"
        ),
        pk=pk,
    )


@access(permissions.answers_referrals, hide=True)
@require_POST
def referral_decline(request: HttpRequest, pk: int) -> HttpResponse:
    form = DeclineForm(request.POST)
    if not form.is_valid():
        referral = _answerable(request, pk)
        return _render_detail(request, referral, decline_form=form)
    return _answer(
        request,
        pk,
        Referral.objects.answerable_by(request.user),
        lambda referral: referrals.referral_decline(
            referral=referral,
            reason=form.cleaned_data["reason"],
            by=request.user,
            base_url=_base_url(request),
        ),
    )


@access(permissions.answers_referrals, hide=True)
@require_POST
def referral_done(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(
        request,
        pk,
        Referral.objects.answerable_by(request.user),
        lambda referral: referrals.referral_done(
            referral=referral, by=request.user, base_url=_base_url(request)
        ),
    )


@access(permissions.answers_referrals, hide=True)
@require_POST
def referral_reply(request: HttpRequest, pk: int) -> HttpResponse:
    """The partner's comment and the appointment they gave the person, on a referral addressed
    to their organisation that is open or done."""
    form = ReplyForm(request.POST)
    if not form.is_valid():
        referral = _answerable(request, pk)
        return _render_detail(request, referral, reply_form=form)
    return _answer(
        request,
        pk,
        Referral.objects.answerable_by(request.user),
        lambda referral: referrals.referral_reply(
            referral=referral,
            comment=form.cleaned_data["comment"],
            appointment_at=form.cleaned_data["appointment_at"],
            by=request.user,
            base_url=_base_url(request),
        ),
        success=_("Votre réponse est transmise au référent."),
    )


@access(permissions.sends_referrals, hide=True)
@require_POST
def referral_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(
        request,
        pk,
        Referral.objects.cancellable_by(request.user),
        lambda referral: referrals.referral_cancel(
            referral=referral, by=request.user, base_url=_base_url(request)
        ),
    )

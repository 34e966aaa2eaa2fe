"""Referrals (orientations): sent from a person's page, answered by the partner organisation.
Pages about one referral answer 404 to whoever may not see it."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beneficiaries.models import Person
from mia import audit, permissions
from mia.permissions import access
from partners import referrals
from partners.forms_referrals import DeclineForm, ReferralForm
from partners.models import Consent, Referral, ReferralStatus


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
    }
    audit.record_read(request, person, section="referrals")
    if request.htmx:
        return render(request, "partners/partials/referral_person_list.html", context)
    return render(request, "partners/referral_person.html", context)


@access(permissions.sends_referrals, hide=True)
def referral_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=pk)
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        referral = referrals.referral_create(
            person=person,
            organisation=form.cleaned_data["organisation"],
            pathway=form.cleaned_data["pathway"],
            reason=form.cleaned_data["reason"],
            by=request.user,
            base_url=_base_url(request),
        )
        messages.success(
            request,
            _("Orientation envoyée à %(partner)s.") % {"partner": referral.organisation},
        )
        return redirect("beneficiaries:person_detail", pk=person.pk)
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
        {"person": person, "form": form, "consented": consented},
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


@access(permissions.answers_referrals)
def referrals_received(request: HttpRequest) -> HttpResponse:
    """Referrals addressed to the partner's organisation. The person is named by number only;
    their file opens if a consent shares it with the organisation."""
    shared = Person.objects.visible_to(request.user).filter(pk=OuterRef("person_id"))
    rows = Referral.objects.answerable_by(request.user).annotate(person_shared=Exists(shared))
    rows, status = _status_filter(request, rows)
    rows = rows.select_related("person__organisation")
    page = _page(request, rows)
    _record_list(request, page)
    return render(
        request,
        "partners/referral_received.html",
        {"page": page, "status": status, "statuses": ReferralStatus.choices},
    )


def _record_list(request: HttpRequest, page) -> None:
    # Even named by number only, a referral says something about its person.
    audit.record_list(
        request, Referral, section="referrals", people=[row.person_id for row in page]
    )


def _detail_context(request: HttpRequest, referral: Referral, decline_form=None) -> dict:
    user = request.user
    staff = permissions.reads_person_files(user)
    return {
        "referral": referral,
        "events": referral.events.select_related("by"),
        "staff": staff,
        "shows_reasons": permissions.reads_referral_reasons(user),
        "person_shared": staff
        or Person.objects.visible_to(user).filter(pk=referral.person_id).exists(),
        "can_answer": referral.is_open and permissions.answers_referrals(user),
        "can_cancel": referral.is_open
        and Referral.objects.cancellable_by(user).filter(pk=referral.pk).exists(),
        "decline_form": decline_form or DeclineForm(),
    }


def _render_detail(request: HttpRequest, referral: Referral, decline_form=None, status=200):
    audit.record_read(request, referral, section="referrals")
    template = (
        "partners/partials/referral_card.html" if request.htmx else "partners/referral_detail.html"
    )
    return render(
        request, template, _detail_context(request, referral, decline_form), status=status
    )


@access(permissions.reads_referrals, hide=True)
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_object_or_404(
        Referral.objects.visible_to(request.user).select_related(
            "person__organisation", "organisation", "created_by", "answered_by"
        ),
        pk=pk,
    )
    return _render_detail(request, referral)


def _answer(request: HttpRequest, pk: int, queryset, action) -> HttpResponse:
    """Run `action(referral)`; a referral answered meanwhile gets a message, not a 500."""
    referral = get_object_or_404(queryset, pk=pk)
    try:
        referral = action(referral)
    except referrals.ReferralStateError:
        messages.error(
            request, _("Cette orientation a déjà reçu une réponse ou a été annulée entre-temps.")
        )
    if request.htmx:
        referral = Referral.objects.select_related(
            "person__organisation", "organisation", "created_by", "answered_by"
        ).get(pk=referral.pk)
        return _render_detail(request, referral)
    return redirect("partners:referral_detail", pk=referral.pk)


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


@access(permissions.answers_referrals, hide=True)
@require_POST
def referral_decline(request: HttpRequest, pk: int) -> HttpResponse:
    form = DeclineForm(request.POST)
    if not form.is_valid():
        referral = get_object_or_404(
            Referral.objects.answerable_by(request.user).select_related(
                "person__organisation", "organisation", "created_by", "answered_by"
            ),
            pk=pk,
        )
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

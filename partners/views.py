"""The partner portal (files shared with my organisation) and, on the team's side, a person's
consents: record, see who has access, withdraw, download the proof."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from beneficiaries import searches
from beneficiaries.models import Person
from mia import audit, params, permissions
from mia.models import Organisation, OrganisationKind, Role, User
from mia.permissions import access
from partners import services
from partners.forms import ConsentForm
from partners.models import Consent, PersonGroupObjectPermission, Section, section_of
from partners.sharing import grants_of


@access(permissions.reads_shared_files)
def portal(request: HttpRequest) -> HttpResponse:
    """Files shared with the user's organisation under a valid consent, with what is shared and
    until when. A typed name is posted, kept in the session, never put in the URL."""
    if request.method == "POST":
        text = request.POST.get("q", "").strip()
        return redirect(
            f"{request.path}?r={searches.remember(request, text)}" if text else request.path
        )
    query = searches.recall(request, request.GET.get("r", "")) if "r" in request.GET else ""
    shared = Person.objects.visible_to(request.user)
    page = _portal_page(request, shared.search(query, by=request.user) if query else shared)
    close = bool(query) and not page.paginator.count
    if close:
        # Nothing under this spelling: names one letter away (Stanscu for Stanescu), said so.
        page = _portal_page(request, shared.search(query, by=request.user, close=True))
    labels = dict(Section.choices)
    rows = []
    for person in page:
        codes = {section_of(grant.permission.codename) for grant in person.shared_grants}
        expiries = [grant.consent.expires_on for grant in person.shared_grants]
        rows.append(
            {
                "person": person,
                "sections": [labels[code] for code in Section.values if code in codes],
                "expires_on": None if None in expiries else min(expiries, default=None),
            }
        )
    audit.record_list(request, Person, section="portal", people=[row["person"].pk for row in rows])
    return render(
        request,
        "partners/portal.html",
        {"page": page, "rows": rows, "query": query, "close": close},
    )


def _portal_page(request: HttpRequest, people):
    people = people.order_by("last_name", "first_name", "pk").prefetch_related(
        Prefetch(
            "grants",
            queryset=grants_of(request.user).select_related("permission", "consent"),
            to_attr="shared_grants",
        )
    )
    return Paginator(people, settings.MIA_PAGE_SIZE).get_page(request.GET.get("page"))


def _person_for_consents(request: HttpRequest, pk: int) -> Person:
    return get_object_or_404(Person.objects.visible_to(request.user), pk=pk)


def _consent_prefill(request: HttpRequest) -> dict:
    """What a link may check in the form (`?organisation=<id>&sections=identity,employment`,
    from a referral sent without consent): a partner organisation and known sections. Anything
    else is left out: the form stays as it would be, the worker chooses."""
    initial: dict = {}
    organisation_id = params.int_or_none(request.GET.get("organisation"))
    if organisation_id is not None:
        organisation = (
            Organisation.objects.exclude(kind=OrganisationKind.OPERATOR)
            .filter(pk=organisation_id)
            .first()
        )
        if organisation is not None:
            initial["organisation"] = organisation
            initial["purpose"] = _("Orientation vers %(partner)s") % {"partner": organisation}
    asked = set(request.GET.get("sections", "").split(","))
    sections = [code for code in Section.values if code in asked]
    if sections:
        initial["sections"] = sections
    return initial


@access(permissions.reads_person_files, hide=True)
def consents(request: HttpRequest, pk: int) -> HttpResponse:
    """A person's consents and who has access now; the referent or a coordinator records one.
    The form may come prefilled from a referral, with `next` leading back to it."""
    person = _person_for_consents(request, pk)
    can_manage = permissions.manages_consents(request.user, person)
    back = reverse("partners:consents", args=[person.pk])
    form = None
    if can_manage:
        form = ConsentForm(
            request.POST or None,
            request.FILES or None,
            person=person,
            initial=_consent_prefill(request) if request.method == "GET" else None,
        )
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            services.consent_record(
                person=person,
                organisation=data["organisation"],
                purpose=data["purpose"],
                sections=data["sections"],
                given_on=data["given_on"],
                expires_on=data.get("expires_on"),
                proof=data.get("proof"),
                by=request.user,
                household=person.household if data.get("for_household") else None,
            )
            messages.success(request, _("Le consentement est enregistré, le partage est ouvert."))
            return redirect(params.next_url(request, back))
    history = (
        Consent.objects.visible_to(request.user)
        .filter(person=person)
        .select_related("organisation", "recorded_by", "withdrawn_by")
    )
    access_now = (
        PersonGroupObjectPermission.objects.filter(content_object=person)
        .select_related("permission", "consent__organisation")
        .order_by("consent__organisation__name", "permission__codename")
    )
    codes: dict = {}
    for grant in access_now:
        if grant.consent.is_valid():
            # A set: two consents may share the same section, named once.
            codes.setdefault(grant.consent.organisation, set()).add(
                section_of(grant.permission.codename)
            )
    shared_with = {
        organisation: [label for code, label in Section.choices if code in shared]
        for organisation, shared in codes.items()
    }
    audit.record_read(request, person, section="consents")
    return render(
        request,
        "partners/consents.html",
        {
            "person": person,
            "form": form,
            "consents": history,
            "shared_with": shared_with,
            "can_manage": can_manage,
            "reads_proofs": permissions.reads_consent_proofs(request.user),
            # Only a page of ours: shown in the form, checked again when it is posted.
            "next": params.next_url(request, ""),
        },
    )


def _visible_consent(request: HttpRequest, pk: int) -> Consent:
    return get_object_or_404(
        Consent.objects.visible_to(request.user).select_related("person", "organisation"), pk=pk
    )


@access(permissions.reads_person_files, hide=True)
@require_http_methods(["GET", "POST"])
def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Asks for confirmation, then ends the consent: the organisation loses access at once."""
    consent = _visible_consent(request, pk)
    if not permissions.manages_consents(request.user, consent.person):
        raise PermissionDenied
    if consent.withdrawn_on:
        return redirect("partners:consents", pk=consent.person_id)
    if request.method == "POST":
        services.consent_withdraw(consent=consent, by=request.user)
        messages.success(request, _("Le consentement est retiré : le partage est fermé."))
        return redirect("partners:consents", pk=consent.person_id)
    audit.record_read(request, consent, section="consents")
    return render(request, "partners/consent_withdraw.html", {"consent": consent})


@access(permissions.reads_consent_proofs, hide=True)
def consent_proof(request: HttpRequest, pk: int) -> FileResponse:
    """The scanned proof, from private storage, always as a download."""
    consent = _visible_consent(request, pk)
    if not consent.proof:
        raise Http404
    extension = consent.proof.name.rsplit(".", 1)[-1]
    handle = consent.proof.open("rb")
    audit.record_download(
        request,
        consent,
        section="consents",
        person_id=consent.person_id,
        household_id=consent.household_id,
    )
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"consentement-{consent.pk}.{extension}",
    )


# --- Partner organisations ---------------------------------------------------------------------


@access(permissions.reads_person_files)
def organisations(request: HttpRequest) -> HttpResponse:
    """The partner organisations, whom to call there, and how many of the association's files
    each may open today: the staff's directory."""
    partners = list(
        Organisation.objects.exclude(kind=OrganisationKind.OPERATOR)
        .prefetch_related("contacts")
        .order_by("name")
    )
    users = dict(
        User.objects.filter(role=Role.PARTNER, is_active=True)
        .values_list("organisation_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    shared = dict(
        Consent.objects.valid()
        .filter(person__organisation_id=request.user.organisation_id)
        .values_list("organisation_id")
        .annotate(count=Count("person", distinct=True))
        .order_by()
    )
    for organisation in partners:
        organisation.partner_users = users.get(organisation.pk, 0)
        organisation.shared_files = shared.get(organisation.pk, 0)
    return render(request, "partners/organisations.html", {"organisations": partners})

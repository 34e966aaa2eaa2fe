"""Housing's pages: the evacuations of the organisation, an evacuation's board (each household's
wish and offers, entered row by row on a phone on the day), a household's housing trajectory
with its placements and applications, the housing card of a person's page (for the team, and
for a partner the housing section is shared with), and a site's evacuations and solutions.

The board's rows post one household at a time and send back that row and the headline (out of
band): two coordinators entering offers on one board at once both keep theirs."""

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from beneficiaries import sharing
from beneficiaries.models import Household, HouseholdStay, Person, Site
from housing import resorption, services
from housing.forms import (
    AnswerForm,
    ApplicationForm,
    EvacuationForm,
    OfferForm,
    PlacementForm,
    RecourseForm,
    SiaoForm,
    WishForm,
    add_errors,
)
from housing.models import (
    PERMANENT_TYPES,
    Answer,
    Evacuation,
    EvacuationHousehold,
    HousingRecourse,
    Placement,
    PlacementType,
    RefusalReason,
    ShelterOffer,
    SiaoRequest,
    SocialHousingApplication,
    Wish,
)
from mia import audit, permissions
from mia.concurrency import ConflictError
from mia.params import int_or_404, int_or_none
from mia.permissions import access

# The section of a consent that shares a person's housing with a partner (partners.Section).
SECTION = "housing"
# The board's filter (?voir=attente): the households still waiting for an offer.
WAITING = "attente"
EVACUATIONS_PAGE = 25


# The lists a board row's forms offer (written in the row's template, not as Django forms: a
# board of 80 households would otherwise build 80 forms).


def _board_parts(evacuation: Evacuation) -> dict:
    """What every row of the board shares, made once for all (a board of 100 households made
    them for each): its forms' URLs and the options of its selects (hotel via the 115 chosen
    by default)."""
    return {
        "wish_url": reverse("housing:wish_set", args=[evacuation.pk]),
        "offer_url": reverse("housing:offer_create", args=[evacuation.pk]),
        "offer_type_options": format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (value, mark_safe(" selected") if value == PlacementType.HOTEL_115 else "", label)
                for value, label in PlacementType.choices
            ),
        ),
        "refusal_options": format_html_join(
            "", '<option value="{}">{}</option>', RefusalReason.choices
        ),
    }


def _board_url(evacuation_id: int, household_id: int | None = None) -> str:
    url = reverse("housing:evacuation_board", args=[evacuation_id])
    return f"{url}#menage-{household_id}" if household_id else url


def _trajectory_url(household_id: int, anchor: str = "") -> str:
    url = reverse("housing:trajectory", args=[household_id])
    return f"{url}#{anchor}" if anchor else url


# --- The evacuations --------------------------------------------------------------------------


@access(permissions.reads_housing)
@require_safe
def evacuation_list(request: HttpRequest) -> HttpResponse:
    """The organisation's evacuations: those still to come first (the nearest first), then
    those carried out, the latest first; 25 a page, each with its count of offers."""
    evacuations = (
        Evacuation.objects.visible_to(request.user)
        .select_related("site__commune")
        .only(
            *("basis", "decided_on", "expected_on", "carried_out_on"),
            *("site__name", "site__commune__name", "site__commune__departement"),
        )
        .annotate(offer_count=Count("offers"))
        .order_by(
            F("carried_out_on").desc(nulls_first=True),
            F("expected_on").asc(nulls_last=True),
            "-decided_on",
            "-pk",
        )
    )
    page = Paginator(evacuations, EVACUATIONS_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "housing/evacuation_list.html",
        {
            "page": page,
            "evacuations": page.object_list,
            "can_announce": permissions.manages_evacuations(request.user),
        },
    )


@access(permissions.manages_evacuations, hide=True)
def evacuation_create(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(Site.objects.visible_to(request.user).select_related("commune"), pk=pk)
    form = EvacuationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            evacuation = services.evacuation_announce(
                site=site,
                by=request.user,
                close_site=form.cleaned_data["close_site"],
                **form.saved,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("L'évacuation est enregistrée : le tableau est ouvert."))
            return redirect(_board_url(evacuation.pk))
    return render(request, "housing/evacuation_form.html", {"form": form, "site": site})


@access(permissions.manages_evacuations, hide=True)
def evacuation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    evacuation = get_object_or_404(
        Evacuation.objects.visible_to(request.user).select_related("site__commune"), pk=pk
    )
    form = EvacuationForm(request.POST or None, user=request.user, evacuation=evacuation)
    if request.method == "POST" and form.is_valid():
        try:
            services.evacuation_update(
                evacuation=evacuation,
                by=request.user,
                close_site=form.cleaned_data["close_site"],
                expected_version=form.expected_version,
                **form.saved,
            )
        except ConflictError as conflict:
            form.show_conflict(conflict.current)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("L'évacuation est mise à jour."))
            return redirect(_board_url(evacuation.pk))
    return render(
        request,
        "housing/evacuation_form.html",
        {"form": form, "site": evacuation.site, "evacuation": evacuation},
    )


def board_rows(evacuation: Evacuation, household_ids=None) -> list[dict]:
    """The board's households (or those of `household_ids`), each with its wish and offers:
    three queries whatever their number (households with their member count, wishes, offers)."""
    households = services.board_households(evacuation)
    if household_ids is not None:
        households = households.filter(pk__in=household_ids)
    households = list(households.annotate(member_count=Count("members")).order_by("name", "pk"))
    ids = [household.pk for household in households]
    wishes = dict(
        EvacuationHousehold.objects.filter(evacuation=evacuation, household_id__in=ids).values_list(
            "household_id", "wish"
        )
    )
    offers: dict[int, list[ShelterOffer]] = defaultdict(list)
    for offer in ShelterOffer.objects.filter(evacuation=evacuation, household_id__in=ids).order_by(
        "offered_on", "pk"
    ):
        offers[offer.household_id].append(offer)
    rows = []
    for household in households:
        found = offers[household.pk]
        latest = found[-1] if found else None
        rows.append(
            {
                "household": household,
                "wish": wishes.get(household.pk, Wish.UNKNOWN),
                "offers": found,
                "latest": latest,
                # A refused offer leaves the case open: shelter is due all the same.
                "needs_offer": latest is None or latest.answer == Answer.REFUSED,
            }
        )
    return rows


def headline(evacuation: Evacuation) -> dict:
    """N of the M households that wish shelter have an offer (pending or accepted: after a
    refusal another offer is due). Two queries."""
    wishing = EvacuationHousehold.objects.filter(evacuation=evacuation, wish=Wish.YES)
    wishing_ids = set(wishing.values_list("household_id", flat=True))
    latest_answer: dict[int, str] = {}
    for household_id, answer in (
        ShelterOffer.objects.filter(evacuation=evacuation, household_id__in=wishing_ids)
        .order_by("offered_on", "pk")
        .values_list("household_id", "answer")
    ):
        latest_answer[household_id] = answer
    with_offer = sum(1 for answer in latest_answer.values() if answer != Answer.REFUSED)
    accepted = sum(1 for answer in latest_answer.values() if answer == Answer.ACCEPTED)
    return {"with_offer": with_offer, "wishing": len(wishing_ids), "accepted": accepted}


@access(permissions.reads_housing, hide=True)
@require_safe
def evacuation_board(request: HttpRequest, pk: int) -> HttpResponse:
    evacuation = get_object_or_404(
        Evacuation.objects.visible_to(request.user).select_related("site__commune"), pk=pk
    )
    rows = board_rows(evacuation)
    # On the day, a coordinator works through those still waiting: no offer yet, or the last
    # one refused, and not declining shelter.
    waiting_only = request.GET.get("voir") == WAITING
    if waiting_only:
        rows = [row for row in rows if row["needs_offer"] and row["wish"] != Wish.NO]
    audit.record_list(
        request,
        evacuation,
        section=SECTION,
        households=[row["household"].pk for row in rows],
    )
    return render(
        request,
        "housing/evacuation_board.html",
        {
            "evacuation": evacuation,
            "site": evacuation.site,
            "rows": rows,
            "headline": headline(evacuation),
            "waiting_only": waiting_only,
            "waiting": WAITING,
            "can_record": permissions.records_housing(request.user),
            "can_manage": permissions.manages_evacuations(request.user),
            "today": timezone.localdate(),
            **_board_parts(evacuation),
        },
    )


def _board_household(request: HttpRequest, pk: int):
    """The evacuation of the URL, then (a POST only) the household of the board posted as
    `menage`: the evacuation answers 404 first, whatever the method."""
    evacuation = get_object_or_404(
        Evacuation.objects.visible_to(request.user).select_related("site"), pk=pk
    )
    if request.method != "POST":
        return evacuation, None
    household = get_object_or_404(
        services.board_households(evacuation).filter(
            pk__in=Household.objects.visible_to(request.user).values("pk")
        ),
        pk=int_or_404(request.POST.get("menage")),
    )
    return evacuation, household


def _row_response(
    request: HttpRequest, evacuation: Evacuation, household: Household, *, error=""
) -> HttpResponse:
    if request.htmx:
        # The row sent back names the household: its read is recorded as the board's is.
        audit.record_read(request, household, section=SECTION)
        row = board_rows(evacuation, [household.pk])[0]
        return render(
            request,
            "housing/partials/board_response.html",
            {
                "evacuation": evacuation,
                "row": row,
                "headline": headline(evacuation),
                "can_record": True,
                "today": timezone.localdate(),
                "error": error,
                **_board_parts(evacuation),
            },
        )
    if error:
        messages.error(request, error)
    return redirect(_board_url(evacuation.pk, household.pk))


def _messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


@access(permissions.records_housing, hide=True)
def wish_set(request: HttpRequest, pk: int) -> HttpResponse:
    """One household's wish (`menage`: its number): the state wanted (yes, no, not known),
    never a toggle."""
    evacuation, household = _board_household(request, pk)
    if household is None:
        return HttpResponseNotAllowed(["POST"])
    form = WishForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            services.wish_record(
                evacuation=evacuation,
                household=household,
                wish=form.cleaned_data["wish"],
                by=request.user,
            )
        except ValidationError as exc:
            error = _messages_of(exc)
    else:
        error = _("Choisissez oui, non ou ne sait pas.")
    return _row_response(request, evacuation, household, error=error)


@access(permissions.records_housing, hide=True)
def offer_create(request: HttpRequest, pk: int) -> HttpResponse:
    """An offer made to one household of the board (`menage`), another after a refusal."""
    evacuation, household = _board_household(request, pk)
    if household is None:
        return HttpResponseNotAllowed(["POST"])
    form = OfferForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            services.offer_record(
                evacuation=evacuation, household=household, by=request.user, **form.saved
            )
        except ValidationError as exc:
            error = _messages_of(exc)
    else:
        error = " ".join(
            str(message) for messages_ in form.errors.values() for message in messages_
        )
    return _row_response(request, evacuation, household, error=error)


@access(permissions.records_housing, hide=True)
def offer_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The household's answer to one offer: accepted, refused (with its reason), or none yet."""
    offer = get_object_or_404(
        ShelterOffer.objects.visible_to(request.user).select_related(
            "evacuation__site", "household"
        ),
        pk=pk,
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = AnswerForm(request.POST, offer=offer)
    error = ""
    if form.is_valid():
        try:
            services.offer_answer(
                offer=offer,
                by=request.user,
                expected_version=form.cleaned_data.get("version"),
                **form.saved,
            )
        except ConflictError:
            error = _(
                "Cette proposition a été modifiée par quelqu'un d'autre : voici sa réponse à jour."
            )
        except ValidationError as exc:
            error = _messages_of(exc)
    else:
        error = " ".join(
            str(message) for messages_ in form.errors.values() for message in messages_
        )
    return _row_response(request, offer.evacuation, offer.household, error=error)


# --- A household's housing --------------------------------------------------------------------


def _line(household: Household, stays, placements) -> list[dict]:
    """The trajectory, oldest first: the sites lived on, then each placement."""
    steps = [
        {
            "kind": "site",
            "label": stay.site.name,
            "detail": _("Lieu de vie"),
            "start": stay.started_on,
            "end": stay.ended_on,
            "current": stay.ended_on is None and not any(p.ended_on is None for p in placements),
        }
        for stay in stays
    ]
    for placement in placements:
        steps.append(
            {
                "kind": placement.rung,
                "label": placement.get_type_display(),
                "detail": placement.place,
                "start": placement.started_on,
                "end": placement.ended_on,
                "current": placement.ended_on is None,
                "placement": placement,
            }
        )
    steps.sort(key=lambda step: (step["start"], step["kind"] != "site"))
    return steps


def housing_context(household: Household, *, partner_view: bool = False) -> dict:
    """What a household's housing page and cards show: six queries."""
    # A partner reads the shelters and the applications, never where the household lives.
    stays = (
        []
        if partner_view
        else list(
            HouseholdStay.objects.filter(household=household)
            .select_related("site")
            .order_by("started_on", "pk")
        )
    )
    placements = list(
        Placement.objects.filter(household=household)
        .select_related("action")
        .order_by("started_on", "pk")
    )
    entered = (
        Person.objects.filter(household=household)
        .order_by("entered_on")
        .values_list("entered_on", flat=True)
        .first()
    )
    permanent = next((p for p in placements if p.type in PERMANENT_TYPES), None)
    current = next((p for p in reversed(placements) if p.ended_on is None), None)
    days = None
    if permanent is not None and entered is not None:
        days = max((permanent.started_on - entered).days, 0)
    context = {
        "household": household,
        "line": _line(household, stays, placements),
        "placements": placements,
        "current": current,
        "current_site": household.site if household.site_id and not partner_view else None,
        "permanent": permanent,
        "entered_on": entered,
        "days_to_permanent": days,
        "siao_requests": list(SiaoRequest.objects.filter(household=household)),
        "applications": list(SocialHousingApplication.objects.filter(household=household)),
        "recourses": list(HousingRecourse.objects.filter(household=household)),
        "partner_view": partner_view,
    }
    return context


@access(permissions.reads_housing, hide=True)
@require_safe
def trajectory(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_object_or_404(
        Household.objects.visible_to(request.user).select_related("site"), pk=pk
    )
    audit.record_read(request, household, section=SECTION)
    context = housing_context(household) | {
        "can_record": permissions.records_housing(request.user)
        and household.organisation_id == request.user.organisation_id,
    }
    if request.htmx:
        return render(request, "housing/partials/household_card.html", context)
    offers = (
        ShelterOffer.objects.filter(household=household)
        .select_related("evacuation__site")
        .annotate(placement_count=Count("placements"))
        .order_by("offered_on", "pk")
    )
    return render(
        request,
        "housing/trajectory.html",
        context | {"offers": offers, "today": timezone.localdate()},
    )


@access(permissions.opens_person_pages, hide=True)
@require_safe
def person_housing(request: HttpRequest, pk: int) -> HttpResponse:
    """The housing card of a person's page: their household's. A partner reads it only when the
    person's housing section is shared with their organisation under a valid consent."""
    user = request.user
    people = Person.objects.visible_to(user)
    partner_view = permissions.reads_shared_files(user)
    if partner_view:
        shared = sharing.section_filter(user, SECTION)
        people = people.filter(shared) if shared is not None else people.none()
    person = get_object_or_404(people.select_related("household__site"), pk=pk)
    audit.record_read(request, person, section=SECTION)
    context = {"person": person, "partner_view": partner_view, "household": person.household}
    if person.household_id:
        context |= housing_context(person.household, partner_view=partner_view)
    context["can_record"] = (
        not partner_view
        and permissions.records_housing(user)
        and person.organisation_id == user.organisation_id
    )
    template = (
        "housing/partials/person_card.html" if request.htmx else "housing/person_housing.html"
    )
    return render(request, template, context)


def _household_for_writing(request: HttpRequest, pk: int) -> Household:
    return get_object_or_404(
        Household.objects.visible_to(request.user).filter(
            organisation_id=request.user.organisation_id
        ),
        pk=pk,
    )


@access(permissions.records_housing, hide=True)
def placement_create(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household_for_writing(request, pk)
    offer = None
    if (offer_id := int_or_none(request.GET.get("proposition"))) is not None:
        offer = ShelterOffer.objects.filter(household=household, pk=offer_id).first()
    form = PlacementForm(request.POST or None, household=household, offer=offer)
    if request.method == "POST" and form.is_valid():
        try:
            placement = services.placement_create(
                household=household, by=request.user, **form.saved
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("L'hébergement « %(type)s » est enregistré.")
                % {"type": placement.get_type_display()},
            )
            return redirect(_trajectory_url(household.pk, "parcours"))
    audit.record_read(request, household, section=SECTION)
    return render(
        request,
        "housing/record_form.html",
        {"form": form, "household": household, "title": _("Nouvel hébergement ou logement")},
    )


@access(permissions.records_housing, hide=True)
def placement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    placement = get_object_or_404(
        Placement.objects.visible_to(request.user).select_related("household", "offer", "action"),
        pk=pk,
    )
    household = placement.household
    form = PlacementForm(request.POST or None, household=household, placement=placement)
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_update(
                placement=placement,
                by=request.user,
                expected_version=form.expected_version,
                **form.saved,
            )
        except ConflictError as conflict:
            form.show_conflict(conflict.current)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("L'hébergement est mis à jour."))
            return redirect(_trajectory_url(household.pk, "parcours"))
    audit.record_read(request, placement, section=SECTION, household_id=household.pk)
    return render(
        request,
        "housing/record_form.html",
        {
            "form": form,
            "household": household,
            "title": placement.get_type_display(),
            "row": placement,
        },
    )


# SIAO requests, social-housing applications, DALO / DAHO recourses: one pair of views each.
RECORDS = {
    "siao": (SiaoRequest, SiaoForm, _("Demande SIAO"), "demandes"),
    "application": (
        SocialHousingApplication,
        ApplicationForm,
        _("Demande de logement social"),
        "demandes",
    ),
    "recourse": (HousingRecourse, RecourseForm, _("Recours DALO / DAHO"), "demandes"),
}


def _record_form(request: HttpRequest, kind: str, household: Household, row=None) -> HttpResponse:
    model, form_class, title, anchor = RECORDS[kind]
    extra = {"household": household} if form_class is ApplicationForm else {}
    initial = {}
    if row is not None:
        initial = {name: getattr(row, name) for name in form_class.SAVED}
        if "applicant" in initial:
            initial["applicant"] = row.applicant_id
    form = form_class(request.POST or None, instance=row, initial=initial, **extra)
    if request.method == "POST" and form.is_valid():
        try:
            if row is None:
                services.application_create(
                    model=model, household=household, by=request.user, **form.saved
                )
            else:
                services.application_update(
                    row=row, by=request.user, expected_version=form.expected_version, **form.saved
                )
        except ConflictError as conflict:
            form.show_conflict(conflict.current)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("« %(title)s » est enregistrée.") % {"title": title})
            return redirect(_trajectory_url(household.pk, anchor))
    if row is None:
        audit.record_read(request, household, section=SECTION)
    else:
        audit.record_read(request, row, section=SECTION, household_id=household.pk)
    return render(
        request,
        "housing/record_form.html",
        {"form": form, "household": household, "title": title, "row": row},
    )


def _create(kind: str):
    @access(permissions.records_housing, hide=True)
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        return _record_form(request, kind, _household_for_writing(request, pk))

    view.__name__ = f"{kind}_create"
    return view


def _edit(kind: str):
    model = RECORDS[kind][0]

    @access(permissions.records_housing, hide=True)
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        row = get_object_or_404(
            model.objects.visible_to(request.user).select_related("household"), pk=pk
        )
        return _record_form(request, kind, row.household, row)

    view.__name__ = f"{kind}_edit"
    return view


siao_create, siao_edit = _create("siao"), _edit("siao")
application_create, application_edit = _create("application"), _edit("application")
recourse_create, recourse_edit = _create("recourse"), _edit("recourse")


# --- A site's evacuations and solutions -------------------------------------------------------


@access(permissions.reads_housing, hide=True)
@require_safe
def site_housing(request: HttpRequest, pk: int) -> HttpResponse:
    """The "Évacuations et solutions" card of a site's page: its evacuations, and its
    inhabitants by the solution they got (housing.resorption)."""
    site = get_object_or_404(Site.objects.visible_to(request.user), pk=pk)
    evacuations = list(Evacuation.objects.filter(site=site).order_by("-decided_on", "-pk"))
    result = resorption.resorption(site)
    audit.record_list(request, site, section=SECTION, households=list(result.solution_of))
    context = {
        "site": site,
        "evacuations": evacuations,
        "resorption": result,
        "percent": resorption.RESORBED_PERCENT,
        "can_manage": permissions.manages_evacuations(request.user),
        # An evacuation announced and not carried out yet: its board is where to go.
        "under_way": any(evacuation.carried_out_on is None for evacuation in evacuations),
    }
    template = "housing/partials/site_card.html" if request.htmx else "housing/site_housing.html"
    return render(request, template, context)

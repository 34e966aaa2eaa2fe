"""Likely duplicates while a file is opened, the coordinators' queue of likely duplicates, and
merging two files of one person.

Names never travel in URLs (they would land in server logs): the duplicates panel and the merge
page's search post them in the request body; URLs carry ids only."""

import dataclasses

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from beneficiaries import services
from beneficiaries.duplicates import (
    conflicting_fields,
    likely_duplicates,
    person_relations,
    with_related_counts,
)
from beneficiaries.models import DuplicateScan, LikelyPair, Nationality, Person, Sex
from mia import audit, permissions
from mia.params import int_or_404
from mia.permissions import access

SEARCH_RESULTS = 20


class _Described(forms.Form):
    """What the creation form says so far; a field not valid yet is simply left out."""

    first_name = forms.CharField(required=False, max_length=100)
    last_name = forms.CharField(required=False, max_length=100)
    birth_date = forms.DateField(required=False)
    birth_year = forms.IntegerField(required=False, min_value=1900, max_value=2100)
    sex = forms.ChoiceField(required=False, choices=Sex.choices)


@access(permissions.creates_person_files)
@require_POST
def duplicates(request: HttpRequest) -> HttpResponse:
    """The panel of the creation form: files that may already be this person."""
    described = _Described(request.POST)
    described.is_valid()
    data = described.cleaned_data
    candidates = likely_duplicates(
        queryset=Person.objects.visible_to(request.user),
        first_name=data.get("first_name") or "",
        last_name=data.get("last_name") or "",
        birth_year=data.get("birth_year"),
        birth_date=data.get("birth_date"),
        sex=data.get("sex"),
    )
    audit.record_list(
        request, Person, section="duplicates", people=[c.person.pk for c in candidates]
    )
    return render(
        request,
        "beneficiaries/partials/duplicates.html",
        {"candidates": candidates, "ask_confirmation": any(c.strong for c in candidates)},
    )


@access(permissions.merges_files)
def merge_queue(request: HttpRequest) -> HttpResponse:
    """Files of the organisation that are likely one person, best first, each pair leading to
    its comparison and merge: the pairs of the latest scan (beneficiaries.tasks, nightly or
    asked for here), as comparing every file takes seconds at national scale. While a scan
    runs, the page says so and htmx asks again every few seconds, then reloads."""
    user = request.user
    scans = DuplicateScan.objects.filter(organisation_id=user.organisation_id)
    scan = scans.filter(finished_at__isnull=False).order_by("-finished_at", "-pk").first()
    pending = scans.filter(
        finished_at__isnull=True, requested_at__gte=timezone.now() - services.SCAN_PENDING
    ).first()
    if request.htmx and request.GET.get("attente"):
        if pending:
            return render(request, "beneficiaries/partials/scan_status.html", {"pending": pending})
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    people = Person.objects.visible_to(user)
    pairs = LikelyPair.objects.filter(scan=scan, first__in=people.order_by().values("pk"))
    page = Paginator(pairs.order_by("-score", "first", "second"), settings.MIA_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    shown = [pk for pair in page for pk in (pair.first_id, pair.second_id)]
    if shown:
        found = people.filter(pk__in=shown).for_rows().in_bulk()
        for pair in page:
            pair.people = [found[pk] for pk in (pair.first_id, pair.second_id) if pk in found]
    audit.record_list(request, Person, section="duplicates", people=shown)
    return render(
        request,
        "beneficiaries/merge_queue.html",
        {"page": page, "scan": scan, "pending": pending},
    )


@access(permissions.merges_files)
@require_POST
def duplicate_scan(request: HttpRequest) -> HttpResponse:
    """ "Mettre à jour la liste": the organisation's files are compared again, by Celery."""
    services.duplicate_scan_request(organisation=request.user.organisation, by=request.user)
    return redirect("beneficiaries:merge_queue")


@access(permissions.merges_files, hide=True)
@require_POST
def distinct_pair(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Ce sont deux personnes": the pair (this file and the one posted as `autre`) leaves the
    queue of likely duplicates."""
    other = int_or_404(request.POST.get("autre"))
    people = Person.objects.visible_to(request.user)
    found = people.filter(pk__in=[pk, other]).in_bulk()
    if pk == other or len(found) != 2:
        raise Http404
    services.pair_distinct(one=found[pk], other=found[other], by=request.user)
    messages.success(
        request,
        _(
            "Dossiers n° %(first)s et n° %(second)s : deux personnes, la paire ne sera plus "
            "proposée."
        )
        % {"first": min(pk, other), "second": max(pk, other)},
    )
    return redirect("beneficiaries:merge_queue")


class MergeForm(forms.Form):
    survivor = forms.TypedChoiceField(
        label=gettext_lazy("Dossier à garder"), coerce=int, widget=forms.RadioSelect
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("Je confirme que ces deux dossiers concernent la même personne"),
        error_messages={"required": gettext_lazy("Cochez la case pour confirmer la fusion.")},
    )

    def __init__(self, *args, pair: list[Person], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survivor"].choices = [
            (
                person.pk,
                _("Garder le dossier n° %(pk)s (%(name)s)") % {"pk": person.pk, "name": person},
            )
            for person in pair
        ]
        self.fields["survivor"].initial = pair[0].pk
        # Which value to keep where both files say something different; the survivor's unless
        # the coordinator picks the other (static/js/merge.js follows a change of survivor).
        for name in conflicting_fields(*pair):
            self.fields[f"keep_{name}"] = forms.TypedChoiceField(
                label=FIELD_LABELS[name],
                coerce=int,
                required=False,
                widget=forms.RadioSelect(attrs={"data-keep": ""}),
                choices=[(person.pk, _shown(person, name)) for person in pair],
                initial=pair[0].pk,
            )
        # Versions of the files as shown: a file saved meanwhile makes the merge ask again.
        for person in pair:
            self.fields[f"version_{person.pk}"] = forms.IntegerField(
                widget=forms.HiddenInput, initial=person.version
            )

    def kept(self) -> dict[str, int]:
        """{field: pk of the file whose value is kept}, for the fields the coordinator chose."""
        return {
            name.removeprefix("keep_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("keep_") and value
        }

    def expected_versions(self) -> dict[int, int]:
        return {
            int(name.removeprefix("version_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("version_")
        }


@access(permissions.merges_files, hide=True)
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 1: pick the other file among likely duplicates or by a search. Step 2 (`?autre=`):
    compare both side by side, choose the file to keep, confirm."""
    people = Person.objects.visible_to(request.user)
    other_id = request.POST.get("autre") or request.GET.get("autre")
    if other_id:
        return _merge_preview(request, people, pk=pk, other_id=other_id)
    person = get_object_or_404(people.select_related("household", "referent"), pk=pk)
    others = people.exclude(pk=person.pk).select_related("household__site", "referent")
    query = request.POST.get("q", "").strip()[:200] if request.method == "POST" else ""
    results = list(others.search(query)[:SEARCH_RESULTS]) if query else None
    context = {"person": person, "query": query, "results": results}
    found = [other.pk for other in results or ()]
    if request.htmx and request.method == "POST":
        audit.record_list(request, Person, section="merge", people=found)
        return render(request, "beneficiaries/partials/duplicates_search.html", context)
    context["candidates"] = likely_duplicates(
        queryset=others,
        first_name=person.first_name,
        last_name=person.last_name,
        birth_year=person.birth_year,
        birth_date=person.birth_date,
        sex=person.sex,
    )
    candidates = [candidate.person.pk for candidate in context["candidates"]]
    audit.record_list(request, Person, section="merge", people=[person.pk, *found, *candidates])
    return render(request, "beneficiaries/merge.html", context)


def _merge_preview(request: HttpRequest, people, *, pk: int, other_id: str) -> HttpResponse:
    other_pk = int_or_404(other_id)
    if other_pk == pk:
        raise Http404
    # Both files and the rows each holds, in one query.
    found = {
        person.pk: person
        for person in with_related_counts(
            people.filter(pk__in=[pk, other_pk]).select_related("household__site", "referent")
        )
    }
    if len(found) != 2:
        raise Http404
    pair = [found[pk], found[other_pk]]
    form = MergeForm(request.POST or None, pair=pair)
    if request.method == "POST" and form.is_valid():
        survivor = found[form.cleaned_data["survivor"]]
        duplicate = pair[1] if survivor is pair[0] else pair[0]
        try:
            services.person_merge(
                survivor=survivor,
                duplicate=duplicate,
                by=request.user,
                expected_versions=form.expected_versions(),
                keep=form.kept(),
            )
        except services.MergeRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                _("Dossiers fusionnés : le dossier n° %(pk)s a été supprimé, son contenu rattaché.")
                % {"pk": duplicate.pk},
            )
            return redirect("beneficiaries:person_detail", pk=survivor.pk)
    counts = [
        (relation.label, *(getattr(person, f"count_{relation.key}") for person in pair))
        for relation in person_relations()
    ]
    audit.record_list(request, Person, section="merge", people=[person.pk for person in pair])
    return render(
        request,
        "beneficiaries/merge_preview.html",
        {"pair": pair, "form": form, "counts": counts, "rows": _compared(pair, form)},
    )


FIELD_LABELS = {
    "first_name": gettext_lazy("Prénom"),
    "last_name": gettext_lazy("Nom"),
    "other_names": gettext_lazy("Autres graphies"),
    "sex": gettext_lazy("Sexe"),
    "birth_date": gettext_lazy("Naissance"),
    "nationality": gettext_lazy("Nationalité"),
    "phone": gettext_lazy("Téléphone"),
    "mail_address": gettext_lazy("Adresse postale"),
    "household": gettext_lazy("Ménage"),
    "referent": gettext_lazy("Référent·e"),
    "enrolment": gettext_lazy("Accompagnement"),
    "last_contact_on": gettext_lazy("Dernier contact"),
}


def _date(value) -> str:
    return formats.date_format(value, "d/m/Y") if value else ""


def _shown(person: Person, name: str) -> str:
    """A field of the file as the comparison shows it ("" when unknown)."""
    if name == "sex":
        return person.get_sex_display() if person.sex != Sex.UNKNOWN else ""
    if name == "nationality":
        return person.get_nationality_display() if person.nationality != Nationality.UNKNOWN else ""
    if name == "birth_date":
        return _date(person.birth_date) or str(person.birth_year or "")
    if name == "household":
        if not person.household:
            return ""
        site = person.household.site
        return f"{person.household.name} ({site.name})" if site else person.household.name
    if name == "referent":
        return str(person.referent or "")
    if name == "enrolment":
        entered = _("entrée le %(date)s") % {"date": _date(person.entered_on)}
        if person.exited_on:
            return entered + " — " + _("sortie le %(date)s") % {"date": _date(person.exited_on)}
        return entered
    if name == "last_contact_on":
        return _date(person.last_contact_on)
    return getattr(person, name) or ""


@dataclasses.dataclass
class _Compared:
    label: str
    values: list[str]
    # Shown differently in the two files: highlighted.
    differs: bool
    # Both files say something different: the coordinator picks one (the form's radios).
    choice: object = None


def _compared(pair: list[Person], form: MergeForm) -> list[_Compared]:
    rows = []
    for name, label in FIELD_LABELS.items():
        values = [_shown(person, name) for person in pair]
        choice = form[f"keep_{name}"] if f"keep_{name}" in form.fields else None
        rows.append(_Compared(str(label), values, values[0] != values[1], choice))
    return rows

"""Writes of a site's record from installation to resorption: population entries (with the
dwellings seen that day), living conditions and social diagnostic, closure, and the legal
procedure (coordinators only). Views, the demo and later imports call these; each checks its
input itself, so that an import cannot store more minors than people."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries import services
from beneficiaries.models import (
    CONDITION_FIELDS,
    POPULATION_COUNTS,
    ClosedReason,
    Site,
    SiteLegalProcedure,
    SitePopulation,
    SiteStatus,
    SocialDiagnostic,
)
from mia import permissions
from mia.concurrency import save_versioned

CONDITIONS_FORM_FIELDS = (
    *CONDITION_FIELDS,
    "conditions_updated_on",
    "social_diagnostic",
    "social_diagnostic_on",
)
LEGAL_FIELDS = (
    "complaint_on",
    "court_decision",
    "court_decision_on",
    "police_assistance",
    "evacuation_order_on",
    "insalubrity_order_on",
    "evacuation_expected_on",
)


@transaction.atomic
def population_record(
    *, site: Site, by, observed_on: datetime.date, people: int, **counts: int | None
) -> SitePopulation:
    """Record a population entry (total, women, households, minors by age band, in school,
    dwellings). An entry of the same day is replaced: the day's latest count is the one."""
    unknown = set(counts) - set(POPULATION_COUNTS)
    if unknown:
        raise TypeError(f"population_record: unknown counts {sorted(unknown)}")
    entry = SitePopulation.objects.filter(site=site, observed_on=observed_on).first()
    if entry is None:
        entry = SitePopulation(site=site, observed_on=observed_on)
    entry.people = people
    for name in POPULATION_COUNTS:
        if name != "people":
            setattr(entry, name, counts.get(name))
    entry.recorded_by = by
    if observed_on < (site.opened_on or datetime.date.min):
        raise ValidationError(
            {"observed_on": _("Le relevé ne peut pas précéder l'installation du lieu.")}
        )
    # clean() (the bands' sum, minors in school…) then the constraints, in words.
    entry.full_clean(exclude=["site", "recorded_by"], validate_unique=False)
    entry.save()
    return entry


@transaction.atomic
def conditions_update(*, site: Site, by, **fields) -> Site:
    """Update the living conditions and the social diagnostic. The date of the conditions is
    today unless given."""
    unknown = set(fields) - set(CONDITIONS_FORM_FIELDS)
    if unknown:
        raise TypeError(f"conditions_update: unknown fields {sorted(unknown)}")
    for name, value in fields.items():
        setattr(site, name, value)
    today = timezone.localdate()
    site.conditions_updated_on = site.conditions_updated_on or today
    errors = {}
    if site.conditions_updated_on > today:
        errors["conditions_updated_on"] = _("Le relevé ne peut pas être daté dans le futur.")
    if site.social_diagnostic == SocialDiagnostic.DONE:
        if site.social_diagnostic_on is None:
            errors["social_diagnostic_on"] = _("Indiquez la date du diagnostic réalisé.")
        elif site.social_diagnostic_on > today:
            errors["social_diagnostic_on"] = _(
                "Un diagnostic réalisé ne peut pas être daté dans le futur."
            )
    if site.social_diagnostic == SocialDiagnostic.NOT_DONE:
        site.social_diagnostic_on = None
    if errors:
        raise ValidationError(errors)
    site.full_clean(exclude=["organisation", "commune"], validate_unique=False)
    site.save(update_fields=[*CONDITIONS_FORM_FIELDS, "updated_at"])
    return site


@transaction.atomic
def site_close(*, site: Site, by, status: str, closed_on: datetime.date, reason: str = "") -> Site:
    """Close a site with its cause: evacuated by court decision or by administrative order,
    resorbed (everyone got a solution), or closed otherwise (fire, departure, other)."""
    errors = {}
    if status == SiteStatus.OPEN or status not in SiteStatus.values:
        errors["status"] = _("Choisissez la cause de la fermeture.")
    if closed_on > timezone.localdate():
        errors["closed_on"] = _("La date de fermeture ne peut pas être dans le futur.")
    if site.opened_on and closed_on < site.opened_on:
        errors["closed_on"] = _("La fermeture ne peut pas précéder l'installation.")
    if status == SiteStatus.CLOSED and reason not in ClosedReason.values:
        errors["closed_reason"] = _("Indiquez pourquoi le lieu a fermé.")
    if status != SiteStatus.CLOSED and reason:
        errors["closed_reason"] = _(
            "La cause se renseigne seulement pour un lieu « fermé (autre raison) »."
        )
    if errors:
        raise ValidationError(errors)
    was_open = site.status == SiteStatus.OPEN
    site.status, site.closed_on, site.closed_reason = status, closed_on, reason
    site.save(update_fields=["status", "closed_on", "closed_reason", "updated_at"])
    if was_open:
        services.households_leave(site, closed_on)
    return site


def legal_procedure_of(site: Site, *, user) -> SiteLegalProcedure | None:
    """The site's legal procedure for someone who may read it, else None (never loaded)."""
    if not permissions.reads_site_legal_procedure(user):
        return None
    return SiteLegalProcedure.objects.visible_to(user).filter(site=site).first()


@transaction.atomic
def legal_procedure_save(
    *, site: Site, by, expected_version: int | None = None, **fields
) -> SiteLegalProcedure:
    """Create or update the site's legal procedure. Only a coordinator records it (the view
    checks the role; this checks it again, as an import would call it). With
    `expected_version`, a procedure changed meanwhile is not overwritten (ConflictError)."""
    if not permissions.records_site_legal_procedure(by):
        raise PermissionError("Only coordinators record a site's legal procedure.")
    if site.organisation_id != by.organisation_id:
        raise PermissionError("Another organisation's site.")
    unknown = set(fields) - set(LEGAL_FIELDS)
    if unknown:
        raise TypeError(f"legal_procedure_save: unknown fields {sorted(unknown)}")
    legal = SiteLegalProcedure.objects.filter(site=site).first()
    created = legal is None
    if created:
        legal = SiteLegalProcedure(site=site)
    for name, value in fields.items():
        setattr(legal, name, value)
    legal.updated_by = by
    today = timezone.localdate()
    errors = {}
    for name in ("complaint_on", "court_decision_on", "evacuation_order_on"):
        if getattr(legal, name) and getattr(legal, name) > today:
            errors[name] = _("Cette date ne peut pas être dans le futur.")
    if legal.court_decision_on and legal.court_decision in ("none", "pending"):
        errors["court_decision_on"] = _("Une date de décision suppose une décision rendue.")
    if (
        legal.complaint_on
        and legal.court_decision_on
        and legal.court_decision_on < legal.complaint_on
    ):
        errors["court_decision_on"] = _("La décision ne peut pas précéder la plainte.")
    if errors:
        raise ValidationError(errors)
    legal.full_clean(exclude=["site", "updated_by"], validate_unique=False)
    if created:
        legal.save()
    elif expected_version is not None:
        save_versioned(
            legal,
            expected=expected_version,
            update_fields=[*LEGAL_FIELDS, "updated_by", "updated_at"],
        )
    else:
        legal.version += 1
        legal.save()
    return legal

"""Writes of the employment pathway: employers, offers, candidacies with their history (a
status change is a row of CandidacyChange), contracts, trainings and workshops. Views, the
demo loader and later imports call these; each checks its own dates, so that nothing stores a
contract ending before it starts, whatever the caller. Every error is {field: French message}."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.models import Person
from employment.models import (
    Candidacy,
    CandidacyChange,
    CandidacyStatus,
    Contract,
    Employer,
    JobOffer,
    NotRetainedReason,
    Training,
    Workshop,
)
from mia.concurrency import save_versioned

EMPLOYER_FIELDS = ("name", "kind", "commune", "partner", "contact")
OFFER_FIELDS = (
    "employer",
    "title",
    "place",
    "commune",
    "contract_type",
    "weekly_hours",
    "published_on",
    "starts_on",
    "ends_on",
    "min_french_level",
    "driving_licence",
    "requirements",
    "status",
)
CONTRACT_FIELDS = (
    "employer",
    "contract_type",
    "job_title",
    "starts_on",
    "planned_end",
    "ended_on",
    "weekly_hours",
    "pass_iae_number",
    "pass_iae_start",
    "pass_iae_end",
)
TRAINING_FIELDS = (
    "title",
    "qualifying",
    "provider",
    "provider_name",
    "starts_on",
    "ends_on",
    "hours",
    "outcome",
)
WORKSHOP_FIELDS = ("kind", "title", "held_on", "attended")

MAX_WEEKLY_HOURS = Decimal("48")


def _date(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _hours(errors: dict, value, name: str = "weekly_hours") -> None:
    if value is not None and not (Decimal("0") < value <= MAX_WEEKLY_HOURS):
        errors[name] = _("Entre 0 et 48 heures par semaine.")


def _same_organisation(errors: dict, name: str, obj, organisation_id: int, message: str) -> None:
    if obj is not None and obj.organisation_id != organisation_id:
        errors[name] = message


# --- Employers -------------------------------------------------------------------------------


def check_employer(employer: Employer) -> None:
    errors: dict[str, str] = {}
    if not employer.name.strip():
        errors["name"] = _("Indiquez le nom de l'employeur.")
    _raise(errors)


@transaction.atomic
def employer_create(*, organisation, by, **fields) -> Employer:
    employer = Employer(organisation=organisation, **fields)
    employer.name = employer.name.strip()
    check_employer(employer)
    employer.save()
    return employer


@transaction.atomic
def employer_update(*, employer: Employer, by, **fields) -> Employer:
    for name, value in fields.items():
        setattr(employer, name, value)
    employer.name = employer.name.strip()
    check_employer(employer)
    employer.save(update_fields=[*fields, "updated_at"])
    return employer


# --- Offers ----------------------------------------------------------------------------------


def check_offer(offer: JobOffer, *, first_change: datetime.date | None = None) -> None:
    """`first_change`: the earliest day a candidacy of the offer took a status, which its
    publication cannot follow."""
    errors: dict[str, str] = {}
    if not offer.title.strip():
        errors["title"] = _("Indiquez le poste.")
    if offer.employer_id is None:
        errors["employer"] = _("Choisissez l'employeur.")
    else:
        _same_organisation(
            errors,
            "employer",
            offer.employer,
            offer.organisation_id,
            _("Cet employeur n'est pas un employeur de votre équipe."),
        )
    if offer.published_on and offer.published_on > timezone.localdate():
        errors["published_on"] = _("La date de publication ne peut pas être dans le futur.")
    elif first_change and offer.published_on and offer.published_on > first_change:
        errors["published_on"] = _(
            "Une candidature a déjà été proposée le %(date)s : l'offre ne peut pas être "
            "publiée après."
        ) % {"date": _date(first_change)}
    if offer.ends_on and offer.starts_on and offer.ends_on < offer.starts_on:
        errors["ends_on"] = _("La fin ne peut pas précéder le début (le %(date)s).") % {
            "date": _date(offer.starts_on)
        }
    _hours(errors, offer.weekly_hours)
    _raise(errors)


@transaction.atomic
def offer_create(*, organisation, by, **fields) -> JobOffer:
    offer = JobOffer(organisation=organisation, created_by=by, **fields)
    if offer.published_on is None:
        offer.published_on = timezone.localdate()
    offer.title = offer.title.strip()
    check_offer(offer)
    offer.save()
    return offer


def _first_change(offer: JobOffer) -> datetime.date | None:
    first = offer.candidacies.order_by("proposed_on").values_list("proposed_on", flat=True)
    return first.first()


@transaction.atomic
def offer_update(*, offer: JobOffer, by, expected_version: int, **fields) -> JobOffer:
    for name, value in fields.items():
        setattr(offer, name, value)
    offer.title = offer.title.strip()
    check_offer(offer, first_change=_first_change(offer) if offer.pk else None)
    save_versioned(offer, expected=expected_version, update_fields=[*fields, "updated_at"])
    return offer


# --- Candidacies -----------------------------------------------------------------------------


def check_status_change(
    *,
    offer: JobOffer,
    status: str,
    reason: str,
    on: datetime.date | None,
    since: datetime.date | None = None,
) -> None:
    """A status set on a day: not before the offer was published nor before the candidacy's
    previous status (`since`), not in the future; a reason when and only when not retained."""
    errors: dict[str, str] = {}
    if status not in CandidacyStatus.values:
        errors["status"] = _("Choisissez l'état de la candidature.")
    if status == CandidacyStatus.NOT_RETAINED and reason not in NotRetainedReason.values:
        errors["reason"] = _("Indiquez pourquoi la candidature n'est pas retenue.")
    elif status != CandidacyStatus.NOT_RETAINED and reason:
        errors["reason"] = _("Un motif ne se donne que pour une candidature non retenue.")
    if on is None:
        errors["on"] = _("Indiquez la date.")
    elif on > timezone.localdate():
        errors["on"] = _("La date ne peut pas être dans le futur.")
    elif on < offer.published_on:
        errors["on"] = _(
            "L'offre a été publiée le %(date)s : la candidature ne peut pas dater d'avant."
        ) % {"date": _date(offer.published_on)}
    elif since and on < since:
        errors["on"] = _(
            "La candidature est à son état actuel depuis le %(date)s : choisissez une "
            "date à partir de celle-ci."
        ) % {"date": _date(since)}
    _raise(errors)


@transaction.atomic
def candidacy_propose(
    *, offer: JobOffer, person: Person, by, on: datetime.date | None = None
) -> Candidacy:
    on = on or timezone.localdate()
    errors: dict[str, str] = {}
    if person.organisation_id != offer.organisation_id:
        errors["person"] = _("Cette personne n'est pas accompagnée par votre équipe.")
    elif person.exited_on is not None:
        errors["person"] = _("Cette personne est sortie du programme.")
    if offer.status != "open":
        errors["offer"] = _("L'offre n'est plus ouverte : rouvrez-la pour proposer quelqu'un.")
    _raise(errors)
    check_status_change(offer=offer, status=CandidacyStatus.PROPOSED, reason="", on=on)
    try:
        with transaction.atomic():
            candidacy = Candidacy.objects.create(
                organisation_id=offer.organisation_id,
                offer=offer,
                person=person,
                status=CandidacyStatus.PROPOSED,
                proposed_on=on,
                changed_on=on,
                proposed_by=by,
            )
    except IntegrityError:
        raise ValidationError(
            {"person": _("Cette personne est déjà proposée pour cette offre.")}
        ) from None
    CandidacyChange.objects.create(
        candidacy=candidacy, status=CandidacyStatus.PROPOSED, previous="", on=on, by=by
    )
    return candidacy


@transaction.atomic
def candidacy_set_status(
    *,
    candidacy: Candidacy,
    status: str,
    by,
    expected_version: int,
    on: datetime.date | None = None,
    reason: str = "",
) -> Candidacy:
    """Move a candidacy to `status` on `on` (today if empty), with its history row. Two people
    changing it at once: the second gets a ConflictError (mia.concurrency), nothing lost."""
    on = on or timezone.localdate()
    reason = reason or ""
    check_status_change(
        offer=candidacy.offer, status=status, reason=reason, on=on, since=candidacy.proposed_on
    )
    previous = candidacy.status
    candidacy.status, candidacy.reason, candidacy.changed_on = status, reason, on
    save_versioned(
        candidacy,
        expected=expected_version,
        update_fields=["status", "reason", "changed_on", "updated_at"],
    )
    CandidacyChange.objects.create(
        candidacy=candidacy, status=status, previous=previous, reason=reason, on=on, by=by
    )
    return candidacy


# --- Contracts -------------------------------------------------------------------------------


def check_contract(contract: Contract) -> None:
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if contract.employer_id is None:
        errors["employer"] = _("Choisissez l'employeur.")
    else:
        _same_organisation(
            errors,
            "employer",
            contract.employer,
            contract.organisation_id,
            _("Cet employeur n'est pas un employeur de votre équipe."),
        )
    start = contract.starts_on
    if start is None:
        errors["starts_on"] = _("Indiquez le début du contrat.")
    else:
        if contract.planned_end and contract.planned_end < start:
            errors["planned_end"] = _(
                "La fin prévue ne peut pas précéder le début du contrat (le %(date)s)."
            ) % {"date": _date(start)}
        if contract.ended_on and contract.ended_on < start:
            errors["ended_on"] = _(
                "Le contrat ne peut pas finir avant d'avoir commencé (le %(date)s)."
            ) % {"date": _date(start)}
        elif contract.ended_on and contract.ended_on > today:
            errors["ended_on"] = _(
                "La fin effective ne peut pas être dans le futur : indiquez-la en fin prévue."
            )
    _hours(errors, contract.weekly_hours)
    number = contract.pass_iae_number.strip()
    if (contract.pass_iae_start or contract.pass_iae_end) and not number:
        errors["pass_iae_number"] = _("Indiquez le numéro du PASS IAE.")
    if number and contract.pass_iae_start is None:
        errors["pass_iae_start"] = _("Indiquez le début du PASS IAE.")
    if (
        contract.pass_iae_start
        and contract.pass_iae_end
        and contract.pass_iae_end < contract.pass_iae_start
    ):
        errors["pass_iae_end"] = _(
            "La fin du PASS IAE ne peut pas précéder son début (le %(date)s)."
        ) % {"date": _date(contract.pass_iae_start)}
    _raise(errors)


@transaction.atomic
def contract_create(
    *, person: Person, by, candidacy: Candidacy | None = None, **fields
) -> Contract:
    contract = Contract(
        organisation_id=person.organisation_id,
        person=person,
        candidacy=candidacy,
        created_by=by,
        **fields,
    )
    contract.pass_iae_number = contract.pass_iae_number.strip()
    check_contract(contract)
    if candidacy is not None and candidacy.person_id != person.pk:
        raise ValidationError({"candidacy": _("Cette candidature est celle d'une autre personne.")})
    if candidacy is not None and Contract.objects.filter(candidacy=candidacy).exists():
        raise ValidationError({"candidacy": _("Le contrat de cette embauche est déjà enregistré.")})
    contract.save()
    return contract


@transaction.atomic
def contract_update(*, contract: Contract, by, expected_version: int, **fields) -> Contract:
    for name, value in fields.items():
        setattr(contract, name, value)
    contract.pass_iae_number = contract.pass_iae_number.strip()
    check_contract(contract)
    save_versioned(contract, expected=expected_version, update_fields=[*fields, "updated_at"])
    return contract


def contract_from_offer(candidacy: Candidacy) -> dict:
    """What a hire's contract starts from: the offer's employer, type, title, hours and dates
    (starting on the hire's day when the offer gave none)."""
    offer = candidacy.offer
    return {
        "employer": offer.employer_id,
        "contract_type": offer.contract_type,
        "job_title": offer.title,
        "weekly_hours": offer.weekly_hours,
        "starts_on": max(filter(None, [offer.starts_on, candidacy.changed_on])),
        "planned_end": offer.ends_on,
    }


# --- Trainings and workshops -----------------------------------------------------------------


def check_training(training: Training) -> None:
    errors: dict[str, str] = {}
    if not training.title.strip():
        errors["title"] = _("Indiquez la formation.")
    if training.starts_on is None:
        errors["starts_on"] = _("Indiquez le début de la formation.")
    elif training.ends_on and training.ends_on < training.starts_on:
        errors["ends_on"] = _("La fin ne peut pas précéder le début (le %(date)s).") % {
            "date": _date(training.starts_on)
        }
    if training.hours is not None and not (Decimal("0") < training.hours <= Decimal("5000")):
        errors["hours"] = _("Entre 0 et 5 000 heures.")
    if training.outcome in ("completed", "certified") and training.ends_on is None:
        errors["ends_on"] = _("Une formation terminée a une date de fin.")
    elif training.outcome in ("completed", "certified") and training.ends_on > timezone.localdate():
        errors["ends_on"] = _("Une formation terminée ne finit pas dans le futur.")
    _raise(errors)


@transaction.atomic
def training_create(*, person: Person, by, **fields) -> Training:
    training = Training(
        organisation_id=person.organisation_id, person=person, created_by=by, **fields
    )
    training.title = training.title.strip()
    check_training(training)
    training.save()
    return training


@transaction.atomic
def training_update(*, training: Training, by, **fields) -> Training:
    for name, value in fields.items():
        setattr(training, name, value)
    training.title = training.title.strip()
    check_training(training)
    training.save(update_fields=[*fields, "updated_at"])
    return training


def check_workshop(workshop: Workshop) -> None:
    errors: dict[str, str] = {}
    if workshop.held_on is None:
        errors["held_on"] = _("Indiquez la date de l'atelier.")
    elif workshop.attended and workshop.held_on > timezone.localdate():
        errors["attended"] = _("Un atelier à venir ne peut pas encore avoir été suivi.")
    _raise(errors)


@transaction.atomic
def workshop_create(*, person: Person, by, **fields) -> Workshop:
    workshop = Workshop(
        organisation_id=person.organisation_id, person=person, created_by=by, **fields
    )
    check_workshop(workshop)
    workshop.save()
    return workshop


@transaction.atomic
def workshop_update(*, workshop: Workshop, by, **fields) -> Workshop:
    for name, value in fields.items():
        setattr(workshop, name, value)
    check_workshop(workshop)
    workshop.save(update_fields=list(fields))
    return workshop

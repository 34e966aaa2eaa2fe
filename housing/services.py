"""Writes of housing: an evacuation (announced, its diagnostic, carried out, which may close the
site), its board row by row (a household's wish, each offer and its answer), the applications
(SIAO, social housing with its yearly renewal, DALO / DAHO) and the placements. Each checks its
dates itself and raises ValidationError({field: French message}), saving nothing, so that the
views, the demo and later imports give the same message."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accompaniment.models import Action, Task
from beneficiaries import services as beneficiaries_services
from beneficiaries.models import (
    Household,
    HouseholdStay,
    Pathway,
    Person,
    Relationship,
    Site,
    SiteStatus,
)
from housing.models import (
    APPLICATION_VALIDITY_DAYS,
    RENEW_BEFORE_DAYS,
    Answer,
    ApplicationStatus,
    DiagnosticStatus,
    Evacuation,
    EvacuationBasis,
    EvacuationHousehold,
    HousingRecourse,
    Placement,
    PlacementType,
    RecourseDecision,
    RecourseKind,
    RefusalReason,
    ShelterOffer,
    SiaoRequest,
    SiaoStatus,
    SocialHousingApplication,
    Wish,
)
from mia.concurrency import save_versioned

EVACUATION_FIELDS = (
    "basis",
    "decided_on",
    "expected_on",
    "diagnostic_status",
    "diagnostic_on",
    "diagnostic_user",
    "diagnostic_organisation",
    "carried_out_on",
)
OFFER_FIELDS = ("type", "place", "offered_on", "answer", "answered_on", "refusal_reason")
PLACEMENT_FIELDS = ("type", "place", "started_on", "ended_on", "offer", "action")
SIAO_FIELDS = ("reference", "filed_on", "status")
APPLICATION_FIELDS = ("applicant", "number", "filed_on", "renewed_on", "status")
RECOURSE_FIELDS = ("kind", "filed_on", "decision", "decided_on", "deadline")

# The site's status once evacuated, by what the evacuation rests on.
CLOSED_STATUS = {
    EvacuationBasis.COURT: SiteStatus.EVACUATED_COURT,
    EvacuationBasis.ORDER: SiteStatus.EVACUATED_ORDER,
}


def _date(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _unknown(fields: dict, allowed: tuple[str, ...], name: str) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"{name}: unknown fields {sorted(unknown)}")


def _not_future(errors: dict, field: str, day, today, label: str) -> None:
    if day and day > today:
        errors.setdefault(field, _("%(what)s ne peut pas être dans le futur.") % {"what": label})


def _save(row, *, fields: tuple[str, ...], expected_version: int | None) -> None:
    update_fields = [*fields, "updated_at"]
    if expected_version is not None:
        save_versioned(row, expected=expected_version, update_fields=update_fields)
    else:
        row.version += 1
        row.save(update_fields=[*update_fields, "version"])


# --- Evacuations ----------------------------------------------------------------------------------


def check_evacuation(evacuation: Evacuation, *, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if evacuation.basis not in EvacuationBasis.values:
        errors["basis"] = _("Choisissez le fondement : décision de justice ou arrêté.")
    if evacuation.decided_on is None:
        errors["decided_on"] = _("Indiquez la date de la décision.")
    _not_future(errors, "decided_on", evacuation.decided_on, today, _("La décision"))
    if evacuation.diagnostic_status not in DiagnosticStatus.values:
        errors["diagnostic_status"] = _("Choisissez où en est le diagnostic social.")
    decided = evacuation.decided_on
    if decided and evacuation.expected_on and evacuation.expected_on < decided:
        errors["expected_on"] = _(
            "L'évacuation prévue ne peut précéder la décision (le %(date)s)."
        ) % {"date": _date(decided)}
    if evacuation.diagnostic_status == DiagnosticStatus.DONE:
        if evacuation.diagnostic_on is None:
            errors["diagnostic_on"] = _("Indiquez la date du diagnostic réalisé.")
        _not_future(
            errors, "diagnostic_on", evacuation.diagnostic_on, today, _("Un diagnostic réalisé")
        )
    if evacuation.diagnostic_user_id and evacuation.diagnostic_user.organisation_id != (
        evacuation.organisation_id
    ):
        errors["diagnostic_user"] = _("Choisissez un membre de votre équipe.")
    if evacuation.carried_out_on:
        _not_future(errors, "carried_out_on", evacuation.carried_out_on, today, _("L'évacuation"))
        if decided and evacuation.carried_out_on < decided:
            errors["carried_out_on"] = _(
                "L'évacuation ne peut précéder la décision (le %(date)s)."
            ) % {"date": _date(decided)}
    if errors:
        raise ValidationError(errors)


def _close_site(evacuation: Evacuation) -> None:
    """The site evacuated on that day: its status says on what basis (Site's constraint: a
    status other than open has a closing date). A site closed before keeps its record."""
    site = Site.objects.select_for_update().get(pk=evacuation.site_id)
    if site.status != SiteStatus.OPEN:
        return
    site.status = CLOSED_STATUS[evacuation.basis]
    site.closed_on = evacuation.carried_out_on
    site.save(update_fields=["status", "closed_on", "updated_at"])
    beneficiaries_services.households_leave(site, evacuation.carried_out_on)


@transaction.atomic
def evacuation_announce(*, site: Site, by, close_site: bool = False, **fields) -> Evacuation:
    """An evacuation announced (a court decision or an order): the site's board opens. Recorded
    afterwards with the day it was carried out, the site closes when `close_site` is asked."""
    _unknown(fields, EVACUATION_FIELDS, "evacuation_announce")
    evacuation = Evacuation(
        organisation_id=site.organisation_id, site=site, created_by=by, **fields
    )
    check_evacuation(evacuation)
    _check_closing(evacuation, close_site)
    evacuation.save()
    if close_site:
        _close_site(evacuation)
    return evacuation


def _check_closing(evacuation: Evacuation, close_site: bool) -> None:
    if close_site and not evacuation.carried_out_on:
        raise ValidationError(
            {"carried_out_on": _("Indiquez la date de l'évacuation pour fermer le lieu de vie.")}
        )


@transaction.atomic
def evacuation_update(
    *, evacuation: Evacuation, by, close_site: bool = False, expected_version=None, **fields
) -> Evacuation:
    """Its diagnostic, its dates; carried out, the site closes when `close_site` is asked."""
    _unknown(fields, EVACUATION_FIELDS, "evacuation_update")
    for name, value in fields.items():
        setattr(evacuation, name, value)
    check_evacuation(evacuation)
    _check_closing(evacuation, close_site)
    _save(evacuation, fields=EVACUATION_FIELDS, expected_version=expected_version)
    if close_site:
        _close_site(evacuation)
    return evacuation


def board_households(evacuation: Evacuation):
    """The households of an evacuation's board: those living on the site now, or whose stay
    there went on until the decision or after, and any already on the board."""
    stays = HouseholdStay.objects.filter(site_id=evacuation.site_id).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=evacuation.decided_on)
    )
    on_board = EvacuationHousehold.objects.filter(evacuation=evacuation).values("household_id")
    return Household.objects.filter(organisation_id=evacuation.organisation_id).filter(
        Q(site_id=evacuation.site_id) | Q(pk__in=stays.values("household_id")) | Q(pk__in=on_board)
    )


def _on_board(evacuation: Evacuation, household: Household) -> None:
    if not board_households(evacuation).filter(pk=household.pk).exists():
        raise ValidationError(_("Ce ménage ne vit pas sur ce lieu de vie."))


@transaction.atomic
def wish_record(
    *, evacuation: Evacuation, household: Household, wish: str, by
) -> EvacuationHousehold:
    """A household's wish (yes, no, not known yet): its row only."""
    if wish not in Wish.values:
        raise ValidationError({"wish": _("Choisissez oui, non ou ne sait pas.")})
    _on_board(evacuation, household)
    row, created = EvacuationHousehold.objects.get_or_create(
        evacuation=evacuation, household=household, defaults={"wish": wish, "updated_by": by}
    )
    if not created and row.wish != wish:
        row.wish, row.updated_by = wish, by
        row.save(update_fields=["wish", "updated_by", "updated_at"])
    return row


def check_offer(offer: ShelterOffer, *, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if offer.type not in PlacementType.values:
        errors["type"] = _("Choisissez le type d'hébergement proposé.")
    if offer.offered_on is None:
        errors["offered_on"] = _("Indiquez la date de la proposition.")
    _not_future(errors, "offered_on", offer.offered_on, today, _("La proposition"))
    if offer.answer not in Answer.values:
        errors["answer"] = _("Choisissez la réponse du ménage.")
    elif offer.answer == Answer.PENDING:
        offer.answered_on, offer.refusal_reason = None, ""
    else:
        offer.answered_on = offer.answered_on or today
        _not_future(errors, "answered_on", offer.answered_on, today, _("La réponse"))
        if offer.offered_on and offer.answered_on < offer.offered_on:
            errors["answered_on"] = _(
                "La réponse ne peut précéder la proposition (le %(date)s)."
            ) % {"date": _date(offer.offered_on)}
    if offer.answer == Answer.REFUSED:
        if offer.refusal_reason not in RefusalReason.values:
            errors["refusal_reason"] = _("Indiquez le motif du refus.")
    else:
        offer.refusal_reason = ""
    if len(offer.place or "") > ShelterOffer._meta.get_field("place").max_length:
        errors["place"] = _("200 caractères au plus.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def offer_record(*, evacuation: Evacuation, household: Household, by, **fields) -> ShelterOffer:
    """A new offer to a household of the board (the household wishes shelter from then on).
    Each offer is its own row: offers entered at once by two coordinators are both kept."""
    _unknown(fields, OFFER_FIELDS, "offer_record")
    _on_board(evacuation, household)
    offer = ShelterOffer(
        organisation_id=evacuation.organisation_id,
        evacuation=evacuation,
        household=household,
        created_by=by,
        **{"place": "", "answer": Answer.PENDING, **fields},
    )
    offer.place = offer.place.strip()
    check_offer(offer)
    offer.save()
    row, created = EvacuationHousehold.objects.get_or_create(
        evacuation=evacuation, household=household, defaults={"wish": Wish.YES, "updated_by": by}
    )
    if not created and row.wish != Wish.YES:
        row.wish, row.updated_by = Wish.YES, by
        row.save(update_fields=["wish", "updated_by", "updated_at"])
    return offer


@transaction.atomic
def offer_answer(
    *,
    offer: ShelterOffer,
    by,
    answer: str,
    answered_on=None,
    refusal_reason: str = "",
    expected_version: int | None = None,
) -> ShelterOffer:
    """The household's answer to an offer. A refusal leaves its case open: another offer is
    due (CASF L.345-2-2)."""
    offer.answer, offer.answered_on, offer.refusal_reason = answer, answered_on, refusal_reason
    check_offer(offer)
    _save(
        offer, fields=("answer", "answered_on", "refusal_reason"), expected_version=expected_version
    )
    return offer


# --- Placements -----------------------------------------------------------------------------------


def check_placement(placement: Placement, *, today: datetime.date | None = None) -> None:
    """Dates in order, and no overlap with another placement of the household."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if placement.type not in PlacementType.values:
        errors["type"] = _("Choisissez le type d'hébergement ou de logement.")
    if placement.started_on is None:
        errors["started_on"] = _("Indiquez la date d'entrée.")
    _not_future(errors, "started_on", placement.started_on, today, _("L'entrée"))
    _not_future(errors, "ended_on", placement.ended_on, today, _("La sortie"))
    if placement.started_on and placement.ended_on and placement.ended_on < placement.started_on:
        errors["ended_on"] = _("La sortie ne peut précéder l'entrée (le %(date)s).") % {
            "date": _date(placement.started_on)
        }
    if placement.offer_id and placement.offer.household_id != placement.household_id:
        errors["offer"] = _("Cette proposition a été faite à un autre ménage.")
    if placement.action_id and placement.action.organisation_id != placement.organisation_id:
        errors["action"] = _("Cette action n'est pas celle de votre organisation.")
    if len(placement.place or "") > Placement._meta.get_field("place").max_length:
        errors["place"] = _("200 caractères au plus.")
    if not errors:
        others = Placement.objects.filter(household_id=placement.household_id).exclude(
            pk=placement.pk
        )
        ends = placement.ended_on
        overlapping = others.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=placement.started_on))
        if ends is not None:
            overlapping = overlapping.filter(started_on__lt=ends)
        clash = overlapping.order_by("started_on").first()
        if clash is not None:
            errors["started_on"] = _(
                "Ce ménage est déjà hébergé à ces dates : %(type)s depuis le %(start)s%(end)s. "
                "Indiquez d'abord la date de sortie de cet hébergement."
            ) % {
                "type": clash.get_type_display(),
                "start": _date(clash.started_on),
                "end": _(" jusqu'au %(date)s") % {"date": _date(clash.ended_on)}
                if clash.ended_on
                else "",
            }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def placement_create(*, household: Household, by, **fields) -> Placement:
    """A household enters a shelter or a home. A day of moving counts for both: one may end
    the day the next starts."""
    _unknown(fields, PLACEMENT_FIELDS, "placement_create")
    # Locked: two entries for one household at once cannot both pass the overlap check.
    Household.objects.select_for_update().filter(pk=household.pk).first()
    placement = Placement(
        organisation_id=household.organisation_id,
        household=household,
        created_by=by,
        **{"place": "", **fields},
    )
    placement.place = placement.place.strip()
    check_placement(placement)
    placement.save()
    return placement


@transaction.atomic
def placement_update(*, placement: Placement, by, expected_version=None, **fields) -> Placement:
    _unknown(fields, PLACEMENT_FIELDS, "placement_update")
    Household.objects.select_for_update().filter(pk=placement.household_id).first()
    for name, value in fields.items():
        setattr(placement, name, value)
    placement.place = (placement.place or "").strip()
    check_placement(placement)
    _save(placement, fields=PLACEMENT_FIELDS, expected_version=expected_version)
    return placement


# --- Applications ---------------------------------------------------------------------------------


def check_siao(request: SiaoRequest, *, today=None) -> None:
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if request.filed_on is None:
        errors["filed_on"] = _("Indiquez la date de la demande.")
    _not_future(errors, "filed_on", request.filed_on, today, _("La demande"))
    if request.status not in SiaoStatus.values:
        errors["status"] = _("Choisissez l'état de la demande.")
    if len(request.reference or "") > 50:
        errors["reference"] = _("50 caractères au plus.")
    if errors:
        raise ValidationError(errors)


def check_application(application: SocialHousingApplication, *, today=None) -> None:
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    application.number = (application.number or "").strip()
    if not application.number:
        errors["number"] = _("Indiquez le numéro unique de la demande.")
    elif len(application.number) > 30:
        errors["number"] = _("30 caractères au plus.")
    if application.filed_on is None:
        errors["filed_on"] = _("Indiquez la date de dépôt.")
    _not_future(errors, "filed_on", application.filed_on, today, _("Le dépôt"))
    _not_future(errors, "renewed_on", application.renewed_on, today, _("Le renouvellement"))
    if (
        application.filed_on
        and application.renewed_on
        and application.renewed_on < application.filed_on
    ):
        errors["renewed_on"] = _("Le renouvellement ne peut précéder le dépôt (le %(date)s).") % {
            "date": _date(application.filed_on)
        }
    if application.status not in ApplicationStatus.values:
        errors["status"] = _("Choisissez l'état de la demande.")
    if application.applicant_id and application.applicant.household_id != application.household_id:
        errors["applicant"] = _("Choisissez un membre du ménage.")
    if errors:
        raise ValidationError(errors)


def check_recourse(recourse: HousingRecourse, *, today=None) -> None:
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if recourse.kind not in RecourseKind.values:
        errors["kind"] = _("Choisissez DALO ou DAHO.")
    if recourse.filed_on is None:
        errors["filed_on"] = _("Indiquez la date du recours.")
    _not_future(errors, "filed_on", recourse.filed_on, today, _("Le recours"))
    if recourse.decision not in RecourseDecision.values:
        errors["decision"] = _("Choisissez la décision.")
    elif recourse.decision == RecourseDecision.PENDING:
        recourse.decided_on = None
    else:
        recourse.decided_on = recourse.decided_on or today
        _not_future(errors, "decided_on", recourse.decided_on, today, _("La décision"))
        if recourse.filed_on and recourse.decided_on < recourse.filed_on:
            errors["decided_on"] = _("La décision ne peut précéder le recours (le %(date)s).") % {
                "date": _date(recourse.filed_on)
            }
    if recourse.deadline and recourse.filed_on and recourse.deadline < recourse.filed_on:
        errors["deadline"] = _("Le délai ne peut précéder le recours (le %(date)s).") % {
            "date": _date(recourse.filed_on)
        }
    if errors:
        raise ValidationError(errors)


CHECKS = {
    SiaoRequest: (check_siao, SIAO_FIELDS),
    SocialHousingApplication: (check_application, APPLICATION_FIELDS),
    HousingRecourse: (check_recourse, RECOURSE_FIELDS),
}


@transaction.atomic
def application_create(*, model, household: Household, by, **fields):
    """A SIAO request, a social-housing application or a DALO / DAHO recourse of a household
    (`model` says which)."""
    check, allowed = CHECKS[model]
    _unknown(fields, allowed, "application_create")
    row = model(organisation_id=household.organisation_id, household=household, created_by=by)
    for name, value in fields.items():
        setattr(row, name, value)
    check(row)
    row.save()
    return row


@transaction.atomic
def application_update(*, row, by, expected_version=None, **fields):
    check, allowed = CHECKS[type(row)]
    _unknown(fields, allowed, "application_update")
    stored_since = None
    if isinstance(row, SocialHousingApplication):
        stored_since = row.renewed_on or row.filed_on
    for name, value in fields.items():
        setattr(row, name, value)
    check(row)
    update = list(allowed)
    # Renewed (or the dates corrected): the reminder is answered, the next year's comes.
    if (
        isinstance(row, SocialHousingApplication)
        and row.renewal_task_id
        and ((row.renewed_on or row.filed_on) != stored_since or row.status != "active")
    ):
        Task.objects.filter(pk=row.renewal_task_id, done_on__isnull=True).update(
            done_on=timezone.localdate()
        )
        row.renewal_task = None
        update.append("renewal_task")
    _save(row, fields=tuple(update), expected_version=expected_version)
    return row


# --- Renewals (housing.tasks.application_renewals, nightly) --------------------------------------


def _head(household_id: int) -> Person | None:
    members = Person.objects.filter(household_id=household_id, exited_on__isnull=True)
    return (
        members.filter(relationship=Relationship.HEAD).select_related("referent").first()
        or members.select_related("referent").order_by("birth_year", "pk").first()
    )


def renewals_due(today: datetime.date) -> int:
    """Each active social-housing application whose anniversary comes within RENEW_BEFORE_DAYS
    (or has passed) gets ONE reminder, a task of the applicant's referent, due the day before
    it lapses (or today when that is past), kept in `renewal_task`: a second run makes none."""
    reminders = 0
    # Due once the filing or latest renewal (lapses_on's start) is at least this old.
    since_at_most = today - datetime.timedelta(days=APPLICATION_VALIDITY_DAYS - RENEW_BEFORE_DAYS)
    candidates = (
        SocialHousingApplication.objects.filter(
            status=ApplicationStatus.ACTIVE, renewal_task__isnull=True
        )
        .alias(since=Coalesce("renewed_on", "filed_on"))
        .filter(since__lte=since_at_most)
        .select_related("applicant__referent", "created_by")
        .order_by("pk")
    )
    for application in candidates.iterator(chunk_size=500):
        due = max(application.lapses_on - datetime.timedelta(days=1), today)
        reminders += _remind(application, due=due)
    return reminders


def _remind(application: SocialHousingApplication, *, due: datetime.date) -> int:
    person = application.applicant
    if person is None or person.exited_on is not None:
        person = _head(application.household_id)
    if person is None:
        return 0
    referent = person.referent if person.referent_id and person.referent.is_active else None
    with transaction.atomic():
        locked = (
            SocialHousingApplication.objects.select_for_update()
            .filter(pk=application.pk, renewal_task__isnull=True)
            .values_list("pk", flat=True)
            .first()
        )
        if locked is None:
            return 0
        task = Task.objects.create(
            organisation_id=application.organisation_id,
            person=person,
            title=_("Renouveler la demande de logement social n° %(number)s")
            % {"number": application.number},
            pathway=Pathway.HOUSING,
            due_on=due,
            assigned_to=referent or application.created_by,
        )
        linked = SocialHousingApplication.objects.filter(
            pk=application.pk, renewal_task__isnull=True
        ).update(renewal_task=task)
        if not linked:
            task.delete()
            return 0
    return 1


def actions_of(organisation_id: int):
    """The organisation's local actions a placement can be tied to."""
    return Action.objects.filter(organisation_id=organisation_id).order_by("-starts_on", "name")

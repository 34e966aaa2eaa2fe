"""Writes on referrals (orientations): sending, the partner's answers, cancelling. Each change
is kept in ReferralEvent and notified by e-mail once the transaction is committed.

E-mails leave the system: they carry ids and a link, never the person's name nor the reason."""

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.models import Pathway, Person
from mia.models import Organisation, Role, User
from partners import services
from partners.models import Referral, ReferralEvent, ReferralStatus


class ReferralStateError(Exception):
    """The referral has moved on (answered, cancelled) since the page was shown."""


def _link(base_url: str, referral: Referral) -> str:
    path = reverse("partners:referral_detail", args=[referral.pk])
    return base_url.rstrip("/") + path


def _partner_addresses(organisation_id: int) -> list[str]:
    organisation = Organisation.objects.get(pk=organisation_id)
    addresses = list(
        User.objects.filter(
            organisation_id=organisation_id, role=Role.PARTNER, is_active=True
        ).values_list("email", flat=True)
    )
    if organisation.email and organisation.email not in addresses:
        addresses.append(organisation.email)
    return addresses


def _notify_partner(referral_id: int, base_url: str, *, cancelled: bool = False) -> None:
    referral = Referral.objects.select_related("person__organisation").get(pk=referral_id)
    recipients = _partner_addresses(referral.organisation_id)
    if not recipients:
        return
    values = {
        "number": referral.pk,
        "pathway": Pathway(referral.pathway).label,
        "sender": referral.person.organisation.name,
        "link": _link(base_url, referral),
    }
    if cancelled:
        subject = _("Orientation n° %(number)d annulée") % values
        body = _(
            "%(sender)s a annulé l'orientation n° %(number)d (parcours : %(pathway)s).\n\n"
            "Détail : %(link)s\n"
        )
    else:
        subject = _("Nouvelle orientation n° %(number)d — %(pathway)s") % values
        body = _(
            "%(sender)s vous adresse une orientation (n° %(number)d, parcours : %(pathway)s).\n\n"
            "Pour la consulter et y répondre : %(link)s\n"
        )
    send_mail(subject, body % values, settings.DEFAULT_FROM_EMAIL, recipients)


def _notify_sender(referral_id: int, base_url: str, status: str) -> None:
    """Tell the sender of this answer (`status` as answered: it may have moved on since)."""
    referral = Referral.objects.select_related("created_by", "organisation").get(pk=referral_id)
    sender = referral.created_by
    if sender is None or not sender.is_active:
        return
    values = {
        "number": referral.pk,
        "status": ReferralStatus(status).label.lower(),
        "partner": referral.organisation.name,
        "link": _link(base_url, referral),
    }
    subject = _("Orientation n° %(number)d : %(status)s") % values
    body = _(
        "%(partner)s a répondu à l'orientation n° %(number)d : %(status)s.\n\nDétail : %(link)s\n"
    )
    send_mail(subject, body % values, settings.DEFAULT_FROM_EMAIL, [sender.email])


def partner_organisations():
    """Organisations a person may be referred to: every one that does not run the programme."""
    return Organisation.objects.exclude(kind="operator").order_by("name")


@transaction.atomic
def referral_create(
    *, person: Person, organisation: Organisation, pathway: str, reason: str, by, base_url: str
) -> Referral:
    referral = Referral.objects.create(
        person=person, organisation=organisation, pathway=pathway, reason=reason, created_by=by
    )
    ReferralEvent.objects.create(referral=referral, status=ReferralStatus.SENT, by=by)
    # A referral under consent opens the share; without a valid consent it opens nothing.
    services.shares_open(person=person, organisation=organisation)
    transaction.on_commit(lambda: _notify_partner(referral.pk, base_url))
    return referral


def _move(
    *,
    referral: Referral,
    to: str,
    allowed_from: tuple[str, ...],
    by,
    note: str = "",
    fields: dict | None = None,
) -> Referral:
    """Change the status under a row lock, so that two answers at once cannot both win."""
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.status not in allowed_from:
        raise ReferralStateError
    locked.status = to
    changed = ["status"]
    for name, value in (fields or {}).items():
        setattr(locked, name, value)
        changed.append(name)
    locked.save(update_fields=changed)
    ReferralEvent.objects.create(referral=locked, status=to, by=by, note=note)
    return locked


def _answer_fields(by) -> dict:
    return {"answered_by": by, "answered_at": timezone.now()}


@transaction.atomic
def referral_accept(*, referral: Referral, by, base_url: str) -> Referral:
    referral = _move(
        referral=referral,
        to=ReferralStatus.ACCEPTED,
        allowed_from=(ReferralStatus.SENT,),
        by=by,
        fields=_answer_fields(by),
    )
    transaction.on_commit(lambda: _notify_sender(referral.pk, base_url, referral.status))
    return referral


@transaction.atomic
def referral_decline(*, referral: Referral, reason: str, by, base_url: str) -> Referral:
    if not reason.strip():
        raise ValueError("A decline needs a reason.")
    referral = _move(
        referral=referral,
        to=ReferralStatus.DECLINED,
        allowed_from=(ReferralStatus.SENT, ReferralStatus.ACCEPTED),
        by=by,
        note=reason.strip(),
        fields={**_answer_fields(by), "decline_reason": reason.strip()},
    )
    transaction.on_commit(lambda: _notify_sender(referral.pk, base_url, referral.status))
    return referral


@transaction.atomic
def referral_done(
    *, referral: Referral, by, base_url: str, on: datetime.date | None = None
) -> Referral:
    fields = {"done_on": on or timezone.localdate()}
    if referral.answered_at is None:
        fields |= _answer_fields(by)
    referral = _move(
        referral=referral,
        to=ReferralStatus.DONE,
        allowed_from=(ReferralStatus.SENT, ReferralStatus.ACCEPTED),
        by=by,
        fields=fields,
    )
    transaction.on_commit(lambda: _notify_sender(referral.pk, base_url, referral.status))
    return referral


@transaction.atomic
def referral_cancel(*, referral: Referral, by, base_url: str) -> Referral:
    referral = _move(
        referral=referral,
        to=ReferralStatus.CANCELLED,
        allowed_from=(ReferralStatus.SENT, ReferralStatus.ACCEPTED),
        by=by,
    )
    transaction.on_commit(lambda: _notify_partner(referral.pk, base_url, cancelled=True))
    return referral

"""Writes on referrals (orientations): sending, the partner's answers, cancelling. Each change
is kept in ReferralEvent and notified by e-mail once the transaction is committed.

E-mails leave the system: they carry ids and a link, never the person's name nor the reason."""

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accompaniment import notices
from accompaniment.models import NoticeKind
from beneficiaries.models import Pathway, Person
from mia import permissions
from mia.models import Organisation, OrganisationKind, Role, User
from partners import services
from partners.models import Consent, Referral, ReferralEvent, ReferralStatus, Section

# What a partner of each kind usually needs to see besides who the person is (identity): the
# sections offered when a consent is recorded before a referral. The worker checks them.
_SECTIONS_BY_KIND = {
    OrganisationKind.EMPLOYER: (Section.EMPLOYMENT,),
    OrganisationKind.SIAE: (Section.EMPLOYMENT,),
    OrganisationKind.TRAINING: (Section.EMPLOYMENT,),
    OrganisationKind.HOUSING: (Section.HOUSING,),
    OrganisationKind.STATE_SERVICE: (Section.RIGHTS,),
    OrganisationKind.LOCAL_AUTHORITY: (Section.RIGHTS,),
    OrganisationKind.HEALTH: (Section.RIGHTS,),
    OrganisationKind.ASSOCIATION: (),
}

# A partner replies to a referral they have not closed by a refusal (nor the sender cancelled).
REPLY_STATUSES = (ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.DONE)


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


def _notify_sender(referral_id: int, base_url: str, status: str, *, reply: bool = False) -> None:
    """Tell the sender of this answer (`status` as answered: it may have moved on since), or
    that the partner replied (never what they wrote: it may be about the person)."""
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
    if reply:
        subject = _("Orientation n° %(number)d : réponse du partenaire") % values
        body = _("%(partner)s a répondu à l'orientation n° %(number)d.\n\nDétail : %(link)s\n")
    else:
        subject = _("Orientation n° %(number)d : %(status)s") % values
        body = _(
            "%(partner)s a répondu à l'orientation n° %(number)d : %(status)s.\n\n"
            "Détail : %(link)s\n"
        )
    send_mail(subject, body % values, settings.DEFAULT_FROM_EMAIL, [sender.email])


def suggested_sections(organisation: Organisation, pathway: str = "") -> list[str]:
    """Identity, what the organisation's kind usually needs, and the referral's pathway when it
    is a section too (a referral to France Travail for employment): codes, in Section order."""
    codes = {Section.IDENTITY, *_SECTIONS_BY_KIND.get(organisation.kind, ())}
    if pathway in Section.values:
        codes.add(pathway)
    return [code for code in Section.values if code in codes]


def identity_consented(*, person: Person, organisation: Organisation) -> bool:
    """Whether `organisation` will know who the person is: a consent valid today sharing their
    identity with it, their own or, for a minor, their household's (services.covered_persons)."""
    covers = Q(person=person)
    if person.household_id and person.age is not None and person.age < 18:
        covers |= Q(household_id=person.household_id)
    return (
        Consent.objects.valid()
        .filter(covers, organisation=organisation, sections__includes=Section.IDENTITY)
        .exists()
    )


def _referral_path(referral: Referral) -> str:
    return reverse("partners:referral_detail", args=[referral.pk])


def _tell_sender(referral: Referral) -> None:
    """An in-app notice to whoever follows the referral: its sender, or the person's referent
    if the sender has left. The text is made when shown (accompaniment notices page)."""
    referral = Referral.objects.select_related("created_by", "person__referent").get(pk=referral.pk)
    sender = referral.created_by
    if sender is None or not sender.is_active:
        sender = referral.person.referent
    notices.notify(
        sender,
        NoticeKind.REFERRAL_ANSWERED,
        person=referral.person,
        url=_referral_path(referral),
    )


def _tell_partners(referral: Referral) -> None:
    """An in-app notice to each account of the receiving organisation that answers referrals.
    The person is named only if the partner may know who they are (identity shared)."""
    named = identity_consented(person=referral.person, organisation=referral.organisation)
    accounts = User.objects.filter(organisation_id=referral.organisation_id, is_active=True)
    for user in accounts:
        if permissions.answers_referrals(user):
            notices.notify(
                user,
                NoticeKind.REFERRAL_RECEIVED,
                person=referral.person if named else None,
                url=_referral_path(referral),
            )


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
    _tell_partners(referral)
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
    _tell_sender(referral)
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
    _tell_sender(referral)
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
    _tell_sender(referral)
    transaction.on_commit(lambda: _notify_sender(referral.pk, base_url, referral.status))
    return referral


@transaction.atomic
def referral_reply(
    *,
    referral: Referral,
    comment: str,
    appointment_at: datetime.datetime | None,
    by,
    base_url: str,
) -> Referral:
    """The partner's answer beyond its status: a comment, and the appointment they gave the
    person. Both replace the previous reply (the form shows it); the history keeps each one."""
    comment = comment.strip()
    if not comment and appointment_at is None:
        raise ValueError("A reply needs a comment or an appointment.")
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.status not in REPLY_STATUSES:
        raise ReferralStateError
    locked.partner_comment = comment
    locked.partner_appointment_at = appointment_at
    locked.save(update_fields=["partner_comment", "partner_appointment_at"])
    lines = []
    if appointment_at is not None:
        when = formats.date_format(timezone.localtime(appointment_at), "d/m/Y H:i")
        lines.append(_("Rendez-vous donné le %(when)s.") % {"when": when})
    if comment:
        lines.append(comment)
    ReferralEvent.objects.create(
        referral=locked, status=locked.status, by=by, note="\n".join(lines)
    )
    _tell_sender(locked)
    transaction.on_commit(lambda: _notify_sender(locked.pk, base_url, locked.status, reply=True))
    return locked


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

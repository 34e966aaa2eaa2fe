"""Notices inside MIA (the bell): made by transfers, referral answers and the nightly checks,
read from the notifications page. `User.unread_notices` follows every change here, so that
the bell costs no query on the pages."""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accompaniment.models import Appointment, AppointmentStatus, Cover, Notice, NoticeKind
from beneficiaries import sharing
from beneficiaries.models import Person
from mia import permissions
from mia.links import object_url
from mia.models import User


def notify(
    user, kind: str, *, person=None, url: str = "", count: int = 1, key: str = ""
) -> Notice | None:
    """One notice for `user`. With a `key`, a second call for the same subject makes nothing
    (nightly tasks may run twice) and returns None."""
    if user is None or not user.is_active:
        return None
    try:
        with transaction.atomic():
            notice = Notice.objects.create(
                user=user, kind=kind, person=person, url=url, count=count, key=key
            )
            User.objects.filter(pk=user.pk).update(unread_notices=F("unread_notices") + 1)
    except IntegrityError:
        if not key:
            raise
        return None
    return notice


@transaction.atomic
def mark_read(user, notices=None) -> int:
    """Mark `notices` (a queryset of the user's, all unread ones by default) as read."""
    unread = Notice.objects.filter(user=user, read_at__isnull=True)
    if notices is not None:
        unread = unread.filter(pk__in=notices.values("pk"))
    done = unread.update(read_at=timezone.now())
    # Recounted rather than decremented: never below zero, whatever ran in between.
    left = Notice.objects.filter(user=user, read_at__isnull=True).count()
    User.objects.filter(pk=user.pk).update(unread_notices=left)
    user.unread_notices = left
    return done


# --- What a notice says, built when shown -------------------------------------------------------


def _date_in_key(key: str) -> datetime.date | None:
    """The date nightly notices carry in their key ("appointment:<pk>:<date>")."""
    try:
        return datetime.date.fromisoformat(key.rsplit(":", 1)[-1])
    except ValueError:
        return None


def _cover_pk(key: str) -> int | None:
    kind, _, pk = key.partition(":")
    return int(pk) if kind == "cover" and pk.isascii() and pk.isdecimal() else None


def _names_seen_by(user, person_ids) -> dict[int, str]:
    """The names of the people `user` may still see, by id (one query): a partner reads a
    name only if the identity section is shared with them; otherwise the text says
    "un dossier"."""
    people = Person.objects.visible_to(user).filter(pk__in=person_ids)
    if permissions.reads_shared_files(user):
        identity = sharing.section_filter(user, "identity")
        people = people.filter(identity) if identity is not None else people.none()
    return {
        pk: f"{first} {last}".strip()
        for pk, first, last in people.values_list("pk", "first_name", "last_name")
    }


@dataclass(frozen=True)
class Described:
    notice: Notice
    text: str
    # The person's name is in the text (the user may still see them): the page records it.
    named: bool


def describe(user, notices) -> list[Described]:
    """Each notice of `notices` (the user's) with its text, in French: two queries whatever
    their number (the people still visible, the covers named)."""
    notices = list(notices)
    names = _names_seen_by(user, {n.person_id for n in notices if n.person_id})
    cover_ids = {_cover_pk(n.key) for n in notices if n.kind == NoticeKind.COVER} - {None}
    covers = (
        {
            cover.pk: cover
            for cover in Cover.objects.filter(pk__in=cover_ids, covering=user).select_related(
                "absent"
            )
        }
        if cover_ids
        else {}
    )
    described = []
    for notice in notices:
        name = names.get(notice.person_id, _("un dossier"))
        when = _date_in_key(notice.key)
        when = formats.date_format(when, "l j F") if when else ""
        if notice.kind == NoticeKind.TRANSFER:
            if notice.person_id and notice.count == 1:
                text = _("Le dossier de %(name)s vous a été confié.") % {"name": name}
            else:
                text = ngettext(
                    "%(count)d dossier vous a été confié.",
                    "%(count)d dossiers vous ont été confiés.",
                    notice.count,
                ) % {"count": notice.count}
        elif notice.kind == NoticeKind.REFERRAL_ANSWERED:
            text = _("Réponse à une orientation pour %(name)s.") % {"name": name}
        elif notice.kind == NoticeKind.REFERRAL_RECEIVED:
            text = _("Nouvelle orientation reçue pour %(name)s.") % {"name": name}
        elif notice.kind == NoticeKind.CONSENT_EXPIRING:
            text = (
                _("Le consentement au partage de %(name)s expire le %(date)s.")
                % {"name": name, "date": when}
                if when
                else _("Le consentement au partage de %(name)s expire bientôt.") % {"name": name}
            )
        elif notice.kind == NoticeKind.APPOINTMENT_TOMORROW:
            text = _("Rendez-vous %(date)s avec %(name)s.") % {"date": when, "name": name}
        elif notice.kind == NoticeKind.COVER:
            cover = covers.get(_cover_pk(notice.key))
            text = (
                _("Vous remplacez %(name)s du %(start)s au %(end)s.")
                % {
                    "name": cover.absent,
                    "start": formats.date_format(cover.starts_on, "j F"),
                    "end": formats.date_format(cover.ends_on, "j F Y"),
                }
                if cover
                else _("Un remplacement vous avait été confié (terminé ou annulé).")
            )
        else:
            text = str(NoticeKind(notice.kind).label) if notice.kind in NoticeKind.values else ""
        described.append(Described(notice, text, named=notice.person_id in names))
    return described


# --- Nightly notices -----------------------------------------------------------------------------


def notify_appointments_tomorrow(*, today: datetime.date) -> int:
    """A notice to the worker of each appointment planned for the day after `today`; once per
    appointment and date (run twice, or after the appointment moved, it says it once)."""
    tomorrow = today + datetime.timedelta(days=1)
    made = 0
    appointments = (
        Appointment.objects.filter(
            status=AppointmentStatus.PLANNED,
            date=tomorrow,
            worker__is_active=True,
            person__exited_on__isnull=True,
        )
        .select_related("worker")
        .only("pk", "date", "person_id", "worker")
        .order_by("pk")
    )
    for appointment in appointments.iterator(chunk_size=500):
        notice = notify(
            appointment.worker,
            NoticeKind.APPOINTMENT_TOMORROW,
            person=Person(pk=appointment.person_id),
            url=object_url("accompaniment:appointment_edit", appointment.pk),
            key=f"appointment:{appointment.pk}:{appointment.date.isoformat()}",
        )
        made += notice is not None
    return made

"""Temporary covers: while a referent is away, a colleague sees their week. A coordinator sets
them (accompaniment.coordination.covers); the colleague is told in MIA."""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accompaniment import notices
from accompaniment.models import Cover, NoticeKind
from mia import permissions
from mia.models import User


def covered_by(user, on: datetime.date):
    """The referents `user` covers on `on` (a queryset of users, by name)."""
    covers = Cover.objects.filter(
        covering=user, organisation_id=user.organisation_id, starts_on__lte=on, ends_on__gte=on
    )
    return User.objects.filter(pk__in=covers.values("absent_id"), is_active=True).order_by(
        "last_name", "first_name", "pk"
    )


def current_and_future(user, *, today: datetime.date):
    """The covers of the user's organisation that are not over, soonest first."""
    return (
        Cover.objects.filter(organisation_id=user.organisation_id, ends_on__gte=today)
        .select_related("absent", "covering")
        .order_by("starts_on", "ends_on", "pk")
    )


class CoverRefused(Exception):
    """The cover cannot be set; the message says why, in French, for the coordinator."""


@transaction.atomic
def cover_add(*, absent, covering, starts_on: datetime.date, ends_on: datetime.date, by) -> Cover:
    """`covering` sees the week of `absent` from `starts_on` to `ends_on` (both days included),
    and is told so by a notice."""
    today = timezone.localdate()
    referents = permissions.possible_referents(by)
    if not referents.filter(pk=absent.pk).exists() or not referents.filter(pk=covering.pk).exists():
        raise CoverRefused(_("Les deux personnes doivent être référent·es de votre organisation."))
    if absent.pk == covering.pk:
        raise CoverRefused(_("Une personne ne se remplace pas elle-même."))
    if ends_on < starts_on:
        raise CoverRefused(_("La fin ne peut précéder le début."))
    if ends_on < today:
        raise CoverRefused(_("Ce remplacement serait déjà terminé."))
    if Cover.objects.filter(
        absent=absent, covering=covering, starts_on__lte=ends_on, ends_on__gte=starts_on
    ).exists():
        raise CoverRefused(_("Ce remplacement couvre déjà tout ou partie de ces dates."))
    cover = Cover.objects.create(
        organisation_id=by.organisation_id,
        absent=absent,
        covering=covering,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=by,
    )
    notices.notify(covering, NoticeKind.COVER, url=reverse("home"), key=f"cover:{cover.pk}")
    return cover


@transaction.atomic
def cover_end(*, cover: Cover, today: datetime.date) -> bool:
    """The absent colleague is back: the cover stops at once (it ends yesterday), or, if it
    had not begun by yesterday, is deleted. True if it was deleted."""
    yesterday = today - datetime.timedelta(days=1)
    if cover.starts_on > yesterday:
        cover.delete()
        return True
    if cover.ends_on > yesterday:
        cover.ends_on = yesterday
        cover.save(update_fields=["ends_on"])
    return False

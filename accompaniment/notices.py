"""Notices inside MIA (the bell): made by transfers, referral answers and the nightly checks,
read from the notifications page. `User.unread_notices` follows every change here, so that
the bell costs no query on the pages."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accompaniment.models import Notice
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

"""Temporary covers: while a referent is away, a colleague sees their week."""

import datetime

from accompaniment.models import Cover
from mia.models import User


def covered_by(user, on: datetime.date):
    """The referents `user` covers on `on` (a queryset of users, by name)."""
    covers = Cover.objects.filter(
        covering=user, organisation_id=user.organisation_id, starts_on__lte=on, ends_on__gte=on
    )
    return User.objects.filter(pk__in=covers.values("absent_id"), is_active=True).order_by(
        "last_name", "first_name", "pk"
    )

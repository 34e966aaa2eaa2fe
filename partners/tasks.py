import datetime

from celery import shared_task
from django.utils import timezone

from accompaniment import notices
from accompaniment.models import NoticeKind
from mia.links import object_url
from partners import services
from partners.models import Consent

# How long before its expiry a consent is announced to the person's referent.
CONSENT_NOTICE_DAYS = 30


@shared_task
def shares_expire() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): delete the grants of expired consents, and bring household
    consents in step with who is a minor member of the household today."""
    removed = services.shares_expire()
    services.household_shares_refresh()
    return removed


def notify_consents_expiring(*, today: datetime.date) -> int:
    """A notice to the referent of each person followed whose valid consent expires within
    CONSENT_NOTICE_DAYS: once per consent and expiry date (a consent extended later is
    announced again before its new date)."""
    made = 0
    consents = (
        Consent.objects.valid(today)
        .filter(
            expires_on__lte=today + datetime.timedelta(days=CONSENT_NOTICE_DAYS),
            person__exited_on__isnull=True,
            person__referent__is_active=True,
        )
        .select_related("person__referent")
        .only("pk", "expires_on", "person_id", "person__referent")
        .order_by("pk")
    )
    for consent in consents.iterator(chunk_size=500):
        notice = notices.notify(
            consent.person.referent,
            NoticeKind.CONSENT_EXPIRING,
            person=consent.person,
            url=object_url("partners:consents", consent.person_id),
            key=f"consent:{consent.pk}:{consent.expires_on.isoformat()}",
        )
        made += notice is not None
    return made


@shared_task
def consents_expiring() -> dict:
    """Early each morning: referents are told in MIA of the consents about to expire."""
    return {"notices": notify_consents_expiring(today=timezone.localdate())}

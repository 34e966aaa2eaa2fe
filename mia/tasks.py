"""Celery tasks of the project package. Tasks stay thin: load ids, call a service, return a
small result (STYLE.md)."""

import datetime

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from mia import audit, security, sessions
from mia.models import Organisation


@shared_task(bind=True)
def ping(self) -> dict:
    """Proves a worker runs tasks against the same database as the caller (tests, operators)."""
    return {
        "organisations": Organisation.objects.count(),
        "eager": bool(self.request.is_eager),
        "hostname": self.request.hostname,
    }


@shared_task
def audit_purge() -> dict:
    """Daily (CELERY_BEAT_SCHEDULE): entries older than MIA_AUDIT_RETENTION_DAYS are deleted."""
    before = timezone.now() - datetime.timedelta(days=settings.MIA_AUDIT_RETENTION_DAYS)
    return {"deleted": audit.purge(before=before)}


@shared_task
def security_events_purge() -> dict:
    """Daily (CELERY_BEAT_SCHEDULE): security events are kept as long as the audit trail."""
    before = timezone.now() - datetime.timedelta(days=settings.MIA_AUDIT_RETENTION_DAYS)
    return {"deleted": security.purge(before=before)}


@shared_task
def sessions_purge() -> dict:
    """Daily (CELERY_BEAT_SCHEDULE): expired sessions go, with the search texts they hold."""
    return sessions.purge_expired()

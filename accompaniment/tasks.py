"""Celery tasks of accompaniment: thin, run nightly (CELERY_BEAT_SCHEDULE), once in effect
however often they run (each notice has a key unique per user)."""

from celery import shared_task
from django.utils import timezone

from accompaniment import notices, services_rights


@shared_task
def appointments_tomorrow() -> dict:
    """Early each morning: each worker is told of tomorrow's appointments in MIA."""
    return {"notices": notices.notify_appointments_tomorrow(today=timezone.localdate())}


@shared_task
def procedure_renewals() -> dict:
    """Each night: rights past their last day read "expired", and the rights to renew soon get
    one reminder each (a task of the person's referent, shown in their week)."""
    return services_rights.renewals_due(timezone.localdate())

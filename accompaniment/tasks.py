"""Celery tasks of accompaniment: thin, run nightly (CELERY_BEAT_SCHEDULE), once in effect
however often they run (each notice has a key unique per user)."""

from celery import shared_task
from django.utils import timezone

from accompaniment import notices


@shared_task
def appointments_tomorrow() -> dict:
    """Early each morning: each worker is told of tomorrow's appointments in MIA."""
    return {"notices": notices.notify_appointments_tomorrow(today=timezone.localdate())}

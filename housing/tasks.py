"""Celery tasks of housing: thin, run nightly (CELERY_BEAT_SCHEDULE), once in effect however
often they run (each application keeps its one reminder)."""

from celery import shared_task
from django.utils import timezone

from housing import services


@shared_task
def application_renewals() -> dict:
    """Each night: the social-housing applications to renew within a month get one reminder
    each (a task of the applicant's referent, shown in their week)."""
    return {"reminders": services.renewals_due(timezone.localdate())}

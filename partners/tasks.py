from celery import shared_task

from partners import services


@shared_task
def shares_expire() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): delete the grants of expired consents."""
    return services.shares_expire()

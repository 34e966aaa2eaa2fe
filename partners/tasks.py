from celery import shared_task

from partners import services


@shared_task
def shares_expire() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): delete the grants of expired consents, and bring household
    consents in step with who is a minor member of the household today."""
    removed = services.shares_expire()
    services.household_shares_refresh()
    return removed

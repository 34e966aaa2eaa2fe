"""Celery tasks of the project package. Tasks stay thin: load ids, call a service, return a
small result (STYLE.md)."""

from celery import shared_task

from mia.models import Organisation


@shared_task(bind=True)
def ping(self) -> dict:
    """Proves a worker runs tasks against the same database as the caller (tests, operators)."""
    return {
        "organisations": Organisation.objects.count(),
        "eager": bool(self.request.is_eager),
        "hostname": self.request.hostname,
    }

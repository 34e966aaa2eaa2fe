"""Celery tasks of beneficiaries: thin, each run once in effect however often it runs."""

import datetime

from celery import shared_task
from django.utils import timezone

from beneficiaries import services
from beneficiaries.models import DuplicateScan
from mia.models import Organisation, OrganisationKind


@shared_task
def duplicate_scan(scan_id: int) -> dict:
    """Search an organisation's likely duplicates (asked for by a coordinator or the night)."""
    scan = DuplicateScan.objects.filter(pk=scan_id).first()
    if scan is None:  # replaced by a later scan in the meantime
        return {"pairs": 0}
    return {"pairs": services.duplicate_scan_run(scan=scan)}


# A queue made less than this long ago is fresh enough: the night's run does not redo it.
FRESH = datetime.timedelta(hours=12)


@shared_task
def duplicate_scans_nightly() -> dict:
    """Every night, each association's queue of likely duplicates is made anew: files opened
    or corrected during the day are compared too. Run twice, the second run asks for none."""
    recent = DuplicateScan.objects.filter(requested_at__gte=timezone.now() - FRESH)
    organisations = Organisation.objects.filter(kind=OrganisationKind.OPERATOR).exclude(
        pk__in=recent.values("organisation_id")
    )
    scans = [services.duplicate_scan_request(organisation=o) for o in organisations]
    return {"scans": len(scans)}

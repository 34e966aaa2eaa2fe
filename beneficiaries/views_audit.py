"""Who looked at or changed a person's file (mia.audit)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from beneficiaries.models import Person
from mia import audit, permissions
from mia.permissions import access


@access(permissions.opens_person_pages, hide=True)
def person_access_log(request: HttpRequest, pk: int) -> HttpResponse:
    """Entries about the person, the lists that showed them, and their household as a whole
    (its page, its changes), not those of the other members, newest first. Reading it is
    itself recorded. Whoever may not open the file gets 404; whoever may open it but not read
    its log (a colleague, a partner it is shared with) 403."""
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=pk)
    if not permissions.reads_access_log(request.user, person):
        raise PermissionDenied
    audit.record_read(request, person, section="access_log")
    entries = audit.entries_about(
        person_id=person.pk, household_id=person.household_id
    ).select_related("user__organisation")
    page = Paginator(entries.order_by("-at", "-pk"), settings.MIA_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "mia/audit_person.html",
        {
            "person": person,
            "page": page,
            "rows": [audit.describe(entry) for entry in page],
            "retention_days": settings.MIA_AUDIT_RETENTION_DAYS,
        },
    )

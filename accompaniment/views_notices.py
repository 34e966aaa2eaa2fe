"""The notifications page (the bell of every page leads here): a user's notices, newest first;
opening one marks it read and goes to its page."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accompaniment import notices as notice_services
from accompaniment.models import Notice
from beneficiaries.models import Person
from mia import audit, permissions
from mia.params import local_path
from mia.permissions import access


def _own(user):
    """A user's notices only: another user's id is a 404, by construction."""
    return Notice.objects.filter(user=user)


@access(permissions.signed_in)
def notices(request: HttpRequest) -> HttpResponse:
    page = Paginator(_own(request.user).order_by("-created_at", "-pk"), settings.MIA_PAGE_SIZE)
    page = page.get_page(request.GET.get("page"))
    described = notice_services.describe(request.user, page)
    # The people named are those the user may still see: recorded as a list (mia.audit).
    audit.record_list(
        request,
        Person,
        section="notices",
        people=[row.notice.person_id for row in described if row.named],
    )
    return render(request, "accompaniment/notices.html", {"page": page, "described": described})


@access(permissions.signed_in)
def notice_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the notice read and go to its page. A POST (each notice of the list is a button):
    a GET writes nothing anywhere in MIA, and a prefetched link marks nothing read. Looked up
    first, so that another user's notice is a 404 whatever the method."""
    notice = get_object_or_404(_own(request.user), pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    notice_services.mark_read(request.user, _own(request.user).filter(pk=notice.pk))
    # A page of ours only, as `next` (mia.params): the list otherwise.
    return redirect(local_path(request, notice.url, default=reverse("accompaniment:notices")))


@access(permissions.signed_in)
@require_POST
def notices_read(request: HttpRequest) -> HttpResponse:
    """ "Tout marquer comme lu"."""
    notice_services.mark_read(request.user)
    return redirect("accompaniment:notices")

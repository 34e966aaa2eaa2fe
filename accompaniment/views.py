from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from beneficiaries.models import Person, Site, SiteStatus
from mia import permissions
from mia.permissions import access


@access(permissions.signed_in)
def home(request: HttpRequest) -> HttpResponse:
    """ "Mon portefeuille": the people this user follows. Other roles see where to go from here."""
    user = request.user
    caseload = None
    if permissions.keeps_caseload(user):
        caseload = Paginator(
            Person.objects.visible_to(user)
            .filter(referent=user)
            .active()
            .select_related("household__site__commune")
            .order_by("last_name", "first_name", "pk"),
            settings.MIA_PAGE_SIZE,
        ).get_page(request.GET.get("page"))
    summary = None
    if permissions.reads_figures(user):
        summary = Person.objects.visible_to(user).aggregate(
            active=Count("pk", filter=Q(exited_on__isnull=True)),
            unassigned=Count("pk", filter=Q(exited_on__isnull=True, referent__isnull=True)),
        )
        summary["open_sites"] = Site.objects.visible_to(user).filter(status=SiteStatus.OPEN).count()
    return render(
        request,
        "accompaniment/home.html",
        {
            "page": caseload,
            "summary": summary,
            "keeps_caseload": permissions.keeps_caseload(user),
            "reads_person_files": permissions.reads_person_files(user),
        },
    )


# Placeholders until each page lands (the routes are fixed in accompaniment/urls.py).
def _placeholder(name):
    @access(permissions.signed_in, hide=True)
    def view(request, *args, **kwargs):
        raise Http404

    view.__name__ = name
    return view


followup_create = _placeholder("followup_create")
followup_edit = _placeholder("followup_edit")
task_done = _placeholder("task_done")
plan = _placeholder("plan")
goal_create = _placeholder("goal_create")
goal_edit = _placeholder("goal_edit")
step_create = _placeholder("step_create")
step_edit = _placeholder("step_edit")

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from mia import permissions, services, sessions
from mia.forms import InvitationForm
from mia.models import SecurityEvent, User
from mia.params import int_or_404
from mia.permissions import access, public


@access(permissions.manages_accounts)
def team_list(request: HttpRequest) -> HttpResponse:
    users = User.objects.select_related("organisation").order_by(
        "organisation__name", "last_name", "first_name"
    )
    if not permissions.manages_all_organisations(request.user):
        users = users.filter(organisation_id=request.user.organisation_id)
    return render(
        request,
        "mia/team_list.html",
        {
            "users": users,
            "ends_sessions": permissions.ends_sessions(request.user),
            "reads_security_events": permissions.reads_security_events(request.user),
        },
    )


@access(permissions.ends_sessions)
@require_POST
def team_sessions_end(request: HttpRequest) -> HttpResponse:
    """Signs an account of the administrator's organisation out of every device now."""
    pk = int_or_404(request.POST.get("user"))
    member = get_object_or_404(permissions.team_members(request.user), pk=pk)
    ended = sessions.sessions_end(user=member, by=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)d session de ce compte a été fermée.",
            "%(count)d sessions de ce compte ont été fermées.",
            ended,
        )
        % {"count": ended},
    )
    return redirect("team_list")


@access(permissions.reads_security_events)
def security_events(request: HttpRequest) -> HttpResponse:
    """Sign-ins, failures, lock-outs and refusals of the organisation's accounts."""
    events = SecurityEvent.objects.visible_to(request.user).select_related("user", "by")
    page = Paginator(events, settings.MIA_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "mia/security_events.html",
        {"page": page, "retention_days": settings.MIA_AUDIT_RETENTION_DAYS},
    )


@access(permissions.manages_accounts)
def team_invite(request: HttpRequest) -> HttpResponse:
    form = InvitationForm(request.POST or None, by=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_invite(
            user=form.save(commit=False), by=request.user, base_url=request.build_absolute_uri("/")
        )
        messages.success(
            request, _("Le compte a été créé ; un lien pour choisir le mot de passe a été envoyé.")
        )
        return redirect("team_list")
    return render(request, "mia/team_form.html", {"form": form})


@public
@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """French or English, for anyone, the login page included: Django's set_language keeps the
    choice in a cookie and goes back to the page (or home if `next` is not one of ours)."""
    return set_language(request)

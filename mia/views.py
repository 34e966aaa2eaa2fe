from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from mia import permissions, services
from mia.forms import InvitationForm
from mia.models import User
from mia.permissions import access, public


@access(permissions.manages_accounts)
def team_list(request: HttpRequest) -> HttpResponse:
    users = User.objects.select_related("organisation").order_by(
        "organisation__name", "last_name", "first_name"
    )
    if not permissions.manages_all_organisations(request.user):
        users = users.filter(organisation_id=request.user.organisation_id)
    return render(request, "mia/team_list.html", {"users": users})


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

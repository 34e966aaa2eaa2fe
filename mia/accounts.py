from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError
from django.urls import reverse

from mia import permissions, security


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by an administrator or a coordinator, never by sign-up."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def pre_authenticate(self, request, **credentials) -> None:
        # allauth refuses to try the password once the address or the IP is locked out:
        # a security event (mia.security), the account by id only.
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            security.locked_out(request, credentials=credentials)
            raise

    def get_login_redirect_url(self, request) -> str:
        # Where each role works; allauth follows an explicit `next` before asking here.
        user = request.user
        if permissions.reads_shared_files(user):
            return reverse("partners:referrals_received")
        if permissions.reads_caseload_board(user) and permissions.assigns_referents(user):
            return reverse("accompaniment:board")
        # A social worker's week and caseload, a manager's figures: the home page.
        return reverse("home")

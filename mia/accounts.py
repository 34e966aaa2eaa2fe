from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError

from mia import security


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

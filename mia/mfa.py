"""Two-factor authentication (allauth.mfa) as MIA needs it.

- TOTP secrets and recovery-code seeds are encrypted at rest (`MFAAdapter`, Fernet): the first
  key of MIA_MFA_KEYS encrypts, all of them decrypt, so a key is rotated by putting a new one
  first; the old one stays listed while secrets written with it remain. A laptop without
  MIA_MFA_KEYS derives its key from SECRET_KEY (settings refuse that in production).
- Coordinators, managers and administrators (mia.permissions.requires_mfa) must enrol when
  MIA_MFA_REQUIRED is on: `EnrolmentMiddleware` sends every page but a few to allauth's TOTP
  activation until they have enrolled (allauth then shows the recovery codes it generated).
  When it is off (the `make run` demo), `banner` tells them so on every page.
- Whether an account has enrolled is kept in its session (set at sign-in and when an
  authenticator is added or removed): the banner costs a page no query."""

import base64

from allauth.mfa import signals as mfa_signals
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django_htmx.http import HttpResponseClientRedirect

from mia import permissions

ENROLLED = "mia_mfa_enrolled"

# Pages an account that must enrol still reaches: enrolment itself (every MFA page, the
# password asked again before it), signing out, the language switch and the health check.
# Static files never get here: WhiteNoise serves them before any middleware of ours.
OPEN_DURING_ENROLMENT = {
    "account_logout",
    "account_reauthenticate",
    "account_request_reauthentication_code",
    "account_confirm_reauthentication_code",
    "language",
    "health",
}


# --- Secrets at rest ---------------------------------------------------------------------------


def _fernet() -> MultiFernet:
    keys = settings.MIA_MFA_KEYS or [_key_from_secret_key()]
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError:
        # Never echo the value: it is the key.
        raise ImproperlyConfigured(
            "Each key of MIA_MFA_KEYS must be 32 url-safe base64-encoded bytes (see .env.example)."
        ) from None


def _key_from_secret_key() -> bytes:
    """`make run` only: a Fernet key derived from SECRET_KEY (per installation, see mia.env),
    so that the demo needs no setting. A new SECRET_KEY makes enrolled secrets unreadable."""
    digest = salted_hmac("mia.mfa", "TOTP secrets at rest", algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest)


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            "An MFA secret does not decrypt with any key of MIA_MFA_KEYS: was the key it was "
            "written with removed from the list?"
        ) from None


class MFAAdapter(DefaultMFAAdapter):
    """settings.MFA_ADAPTER: allauth encrypts every secret it stores through these two."""

    def encrypt(self, text: str) -> str:
        return encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt(encrypted_text)


# --- Enrolment ---------------------------------------------------------------------------------


def _has_totp(user) -> bool:
    return is_mfa_enabled(user, [Authenticator.Type.TOTP])


def is_enrolled(request: HttpRequest, *, fresh: bool = False) -> bool:
    """From the session; `fresh` reads the database again unless the session already knows the
    account enrolled (it may have enrolled in another browser since)."""
    known = request.session.get(ENROLLED)
    if known is None or (fresh and not known):
        known = _has_totp(request.user)
        if request.session.get(ENROLLED) != known:
            request.session[ENROLLED] = known
    return known


class EnrolmentMiddleware:
    """After AccountMiddleware. With MIA_MFA_REQUIRED, an account that must use MFA and has not
    enrolled reaches nothing but the enrolment pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.MIA_MFA_REQUIRED or not permissions.requires_mfa(request.user):
            return None
        name = request.resolver_match.url_name or ""
        if name.startswith("mfa_") or name in OPEN_DURING_ENROLMENT:
            return None
        if is_enrolled(request, fresh=True):
            return None
        url = reverse("mfa_activate_totp")
        if request.htmx:
            return HttpResponseClientRedirect(url)
        return redirect(url)


def banner(request: HttpRequest) -> dict:
    """Context processor: templates/mia/partials/mfa_banner.html, for the accounts that would
    have to enrol if MIA_MFA_REQUIRED were on."""
    if settings.MIA_MFA_REQUIRED or not permissions.requires_mfa(getattr(request, "user", None)):
        return {}
    return {"mfa_not_enforced": not is_enrolled(request)}


def _remember_enrolment(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session") and permissions.requires_mfa(user):
        request.session[ENROLLED] = _has_totp(user)


def connect() -> None:
    """Called by mia.apps.MiaConfig.ready()."""
    user_logged_in.connect(_remember_enrolment, dispatch_uid="mia_mfa_signed_in")
    mfa_signals.authenticator_added.connect(_remember_enrolment, dispatch_uid="mia_mfa_added")
    mfa_signals.authenticator_removed.connect(_remember_enrolment, dispatch_uid="mia_mfa_removed")

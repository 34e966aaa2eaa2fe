"""Security events (mia.models.SecurityEvent): signing in, a wrong password or MFA code, a
lock-out or rate limit, a page refused, sessions ended by an administrator, an account disabled.

Recorded from Django's and allauth's signals (connect()), from mia.permissions.access (403),
from the login lock-out (mia.accounts.AccountAdapter.pre_authenticate) and from allauth's
rate-limit response (handler429 in mia.urls); each one also goes to the `mia.security` logger.
Neither names anyone: an account by id (looked up from the address typed, which is never kept),
the path without its query string, no IP address. An administrator reads their organisation's
events on /equipe/securite/ (mia.views.security_events); they are kept as long as the audit
trail (MIA_AUDIT_RETENTION_DAYS, mia.tasks.security_events_purge)."""

import datetime
import logging

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mia import audit
from mia.models import SecurityEvent, SecurityEventKind, User

logger = logging.getLogger("mia.security")


def record(
    *,
    kind: SecurityEventKind,
    user: User | None = None,
    by: User | None = None,
    request: HttpRequest | None = None,
) -> SecurityEvent:
    """One event about `user` (None when no account is known), done by `by` when that is
    someone else. The path is the request's, or the one being served (mia.middleware)."""
    path = request.path if request is not None else audit.request_path.get()
    event = SecurityEvent.objects.create(
        kind=kind,
        user=user,
        user_id_value=user.pk if user else None,
        organisation_id=user.organisation_id if user else None,
        by=by,
        path=path[:300],
    )
    logger.log(
        logging.INFO if kind == SecurityEventKind.SIGNED_IN else logging.WARNING,
        "%s user=%s by=%s path=%s",
        kind.value,
        event.user_id_value or "-",
        by.pk if by else "-",
        event.path or "-",
    )
    return event


def _account(credentials: dict) -> User | None:
    """The account an address typed at the login belongs to, if any (the address is not kept)."""
    login = credentials.get("email") or credentials.get("username") or ""
    if not isinstance(login, str) or not login.strip():
        return None
    return User.objects.filter(email=login.strip().lower()).first()


def refused(request: HttpRequest) -> None:
    """A signed-in user the view's rule refuses (mia.permissions.access answers 403)."""
    record(kind=SecurityEventKind.PERMISSION_DENIED, user=request.user, request=request)


def locked_out(request: HttpRequest, *, credentials: dict) -> None:
    """Too many wrong passwords for an address or from an address: the login refuses to try."""
    record(kind=SecurityEventKind.RATE_LIMITED, user=_account(credentials), request=request)


def too_many_requests(request: HttpRequest, exception=None) -> HttpResponse:
    """allauth's rate-limit response (mia.urls.handler429): login, password reset, e-mail."""
    user = request.user if request.user.is_authenticated else None
    record(kind=SecurityEventKind.RATE_LIMITED, user=user, request=request)
    return render(request, "mia/429.html", status=429)


def purge(*, before: datetime.datetime, batch_size: int = 10_000) -> int:
    """Delete the events older than `before`, in batches (see mia.audit.delete_in_batches)."""
    return audit.delete_in_batches(
        SecurityEvent.objects.filter(at__lt=before), batch_size=batch_size
    )


# --- Signals -----------------------------------------------------------------------------------


def _signed_in(sender, request, user, **kwargs) -> None:
    record(kind=SecurityEventKind.SIGNED_IN, user=user, request=request)


def _sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    # Django has already hidden the password in `credentials`; the address is only looked up.
    record(kind=SecurityEventKind.SIGN_IN_FAILED, user=_account(credentials), request=request)


def _mfa_failed(sender, request, user, **kwargs) -> None:
    record(kind=SecurityEventKind.MFA_FAILED, user=user, request=request)


def connect() -> None:
    """Called by mia.apps.MiaConfig.ready() (allauth's MFA is imported once apps are loaded:
    mia.permissions, which model modules import, imports this module)."""
    from allauth.mfa.signals import authentication_failed

    user_logged_in.connect(_signed_in, dispatch_uid="mia_security_signed_in")
    user_login_failed.connect(_sign_in_failed, dispatch_uid="mia_security_sign_in_failed")
    authentication_failed.connect(_mfa_failed, dispatch_uid="mia_security_mfa_failed")

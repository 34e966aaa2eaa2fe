"""Sessions end after MIA_SESSION_IDLE_SECONDS without a request and MIA_SESSION_MAX_SECONDS
after signing in, whatever writes the session (a search keeps its text there:
beneficiaries.searches). Ending a session deletes its row, and with it those texts.

- The sign-in time and the last request's time are kept in the session itself; the middleware
  compares them on every request and refreshes the second at most once a minute (a session
  write), so that a request costs no query of its own. The stored expiry (SESSION_COOKIE_AGE,
  the idle timeout) follows that write: an abandoned session's row expires by itself.
- allauth.usersessions keeps one UserSession per signed-in session (made at sign-in): that is
  how every session of an account is found, to end them when an administrator asks or when the
  account is disabled.
- `purge_expired` (mia.tasks.sessions_purge, daily) deletes the rows that expired unseen."""

import time

from allauth.usersessions.adapter import get_adapter
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.contrib.sessions.models import Session
from django.db.models.signals import post_save, pre_save
from django.utils import timezone

from mia import audit, security
from mia.models import SecurityEventKind, User

SIGNED_IN_AT = "mia_signed_in_at"
SEEN_AT = "mia_seen_at"


def _refresh_every(idle: int) -> int:
    """Once a minute, or more often for a short timeout: the idle clock is never more than a
    thirtieth of the timeout behind."""
    return min(60, idle // 30)


class SessionTimeoutMiddleware:
    """After AuthenticationMiddleware. A request without a session cookie is left alone (health
    checks, the first visit); one whose session has expired, or whose account was disabled,
    loses its session row now rather than at the nightly purge, and goes on as a visitor's,
    which `access` sends to the login page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        expired = False
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            expired = _check(request)
        response = self.get_response(request)
        # The login page says the input is kept (the follow-up draft stays in the browser): a
        # short-lived flag, no personal data, dropped once signed in again.
        if expired:
            response.set_cookie(
                EXPIRED_COOKIE, "1", max_age=600, secure=settings.SESSION_COOKIE_SECURE,
                httponly=True, samesite="Lax",
            )  # fmt: skip
        elif EXPIRED_COOKIE in request.COOKIES and request.user.is_authenticated:
            response.delete_cookie(EXPIRED_COOKIE, samesite="Lax")
        return response


# Read by templates/account/login.html.
EXPIRED_COOKIE = "mia_session_expiree"


def _check(request) -> bool:
    """Ends an expired session; True when it did (the visitor was signed in until now)."""
    session = request.session
    if not request.user.is_authenticated:
        # No session under the cookie's key (it expired), or one whose account no longer signs
        # in (disabled, deleted): Django refuses the user but keeps the row.
        if session.session_key is None or SESSION_KEY in session:
            _end_current(request)
            return True
        return False
    now = int(time.time())
    signed_in, seen = session.get(SIGNED_IN_AT), session.get(SEEN_AT)
    idle = settings.MIA_SESSION_IDLE_SECONDS
    # A session without the times began before they were kept: its age is unknown.
    if (
        signed_in is None
        or seen is None
        or now - seen >= idle
        or now - signed_in >= settings.MIA_SESSION_MAX_SECONDS
    ):
        _end_current(request)
        return True
    if now - seen >= _refresh_every(idle):
        session[SEEN_AT] = now
    return False


def _end_current(request) -> None:
    if request.user.is_authenticated:
        logout(request)  # deletes the row; its UserSession goes in _signed_out
        return
    key = request.COOKIES[settings.SESSION_COOKIE_NAME]
    UserSession.objects.filter(session_key=key).delete()
    request.session.delete(key)
    request.session.flush()


# --- Signals -----------------------------------------------------------------------------------


def _signed_in(sender, request, user, **kwargs) -> None:
    """Django's login(), whichever page called it: the clocks start."""
    if request is None or not hasattr(request, "session"):
        return
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[SEEN_AT] = now


def _signed_out(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session") and request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).delete()


def _before_user_save(sender, instance: User, update_fields=None, **kwargs) -> None:
    """Reads whether an account being saved inactive was active (one query, only then)."""
    instance._mia_disabled_now = (
        instance.pk is not None
        and not instance.is_active
        and (update_fields is None or "is_active" in update_fields)
        and User.objects.filter(pk=instance.pk, is_active=True).exists()
    )


def _after_user_save(sender, instance: User, **kwargs) -> None:
    if instance.__dict__.pop("_mia_disabled_now", False):
        # Whoever saved it: the request's user (mia.middleware.AuditMiddleware), or nobody for a
        # command.
        by = audit.acting_user.get()
        by = by if getattr(by, "is_authenticated", False) else None
        _end_all(user=instance)
        security.record(kind=SecurityEventKind.ACCOUNT_DISABLED, user=instance, by=by)


def connect() -> None:
    """Called by mia.apps.MiaConfig.ready()."""
    user_logged_in.connect(_signed_in, dispatch_uid="mia_sessions_signed_in")
    user_logged_out.connect(_signed_out, dispatch_uid="mia_sessions_signed_out")
    pre_save.connect(_before_user_save, sender=User, dispatch_uid="mia_sessions_user_pre")
    post_save.connect(_after_user_save, sender=User, dispatch_uid="mia_sessions_user_post")


# --- Ending sessions ---------------------------------------------------------------------------


def _end_all(*, user: User) -> int:
    user_sessions = list(UserSession.objects.filter(user=user))
    get_adapter().end_sessions(user_sessions)
    return len(user_sessions)


def sessions_end(*, user: User, by: User) -> int:
    """An administrator ends every session of `user` now: their next request goes to the login
    page. Returns how many sessions were ended."""
    ended = _end_all(user=user)
    security.record(kind=SecurityEventKind.SESSIONS_ENDED, user=user, by=by)
    return ended


def purge_expired() -> dict[str, int]:
    """Expired session rows (with the search texts they hold), then the UserSessions left
    without one."""
    sessions, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    user_sessions, _ = UserSession.objects.exclude(
        session_key__in=Session.objects.values("session_key")
    ).delete()
    return {"sessions": sessions, "user_sessions": user_sessions}

"""Request-wide context for the audit trail (mia.audit), and requests refused before any view."""

from django.core.exceptions import SuspiciousOperation

from mia import audit


class AuditMiddleware:
    """Changes saved while handling a request are recorded as the signed-in user's, with the
    request's path (no query string: it may carry search words). request.user stays lazy: a
    request that changes nothing costs no query here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user_token = audit.acting_user.set(request.user)
        path_token = audit.request_path.set(request.path[:300])
        try:
            return self.get_response(request)
        finally:
            audit.request_path.reset(path_token)
            audit.acting_user.reset(user_token)


class NulCharacter(SuspiciousOperation):
    """Django answers 400 (templates/400.html) and logs it to django.security.NulCharacter."""


class NulCharacterMiddleware:
    """Refuses a request with a NUL character in its path, query string or form fields. No
    form of ours has a use for one, and PostgreSQL refuses it in text: a value that reached a
    query (an admin list filter, a lookup by a text key such as a commune's code) was a 500.
    Django's form fields refuse it already; this covers what no form field reads."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        sent = [request.GET, request.POST] if request.method == "POST" else [request.GET]
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for data in sent
            for key, values in data.lists()
        ):
            raise NulCharacter("NUL character in the request's path or parameters.")
        return self.get_response(request)

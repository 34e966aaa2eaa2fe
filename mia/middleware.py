"""Request-wide context for the audit trail (mia.audit)."""

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

"""Response headers that keep personal data out of caches (the Content-Security-Policy is set
by django-csp's middleware, configured in settings)."""

from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """Nothing Django answers is kept by a browser or a proxy: pages show people's files,
    downloads are identity documents and consent proofs, and the back button of a shared office
    computer must not show them after logout. Even the login page (its form carries a CSRF
    token). Static files are answered earlier, by WhiteNoise, and stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response

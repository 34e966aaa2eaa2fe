"""The WSGI application gunicorn serves (docker-compose.yml's web service)."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mia.settings")
application = get_wsgi_application()

# Import every view now rather than on the first request, then take everything loaded so far
# out of the garbage collector's sight: its full collections then go through what requests
# allocate, not the ~100,000 long-lived objects of Django and the project. Measured over the
# bench's ~300 requests at national scale: a full collection took ~115 ms, ~20 ms once frozen;
# the requests that meet one are the slowest of their page.
get_resolver().url_patterns  # noqa: B018 — evaluated for its imports
gc.freeze()

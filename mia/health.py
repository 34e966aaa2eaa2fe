"""Health check for docker-compose, the load balancer and monitoring: does the database answer,
and can tasks reach the broker? It names no host, URL or version, since anyone may call it.

"status" is "ok", "degraded" (the broker is unreachable: pages and signing in work, background
tasks wait for it) or "error" (the database does not answer)."""

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from mia.permissions import public

BROKER_EAGER = "eager (tâches exécutées dans le processus)"


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def broker_status() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return BROKER_EAGER
    # Short timeouts: a health check that hangs is read as "down" by whoever polls it.
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except (redis.RedisError, OSError):
        return "unreachable"
    finally:
        client.close()
    return "ok"


@public
@require_GET
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    database = "ok" if database_ok() else "error"
    broker = broker_status()
    if database != "ok":
        status = "error"
    elif broker == "unreachable":
        status = "degraded"
    else:
        status = "ok"
    # Only the database decides the HTTP status: without a broker the pages and signing in
    # still work (the cache is in the database), so taking the web container out of service
    # would make things worse. Monitoring alerts on "degraded".
    return JsonResponse(
        {"status": status, "database": database, "broker": broker},
        status=200 if database == "ok" else 503,
        json_dumps_params={"ensure_ascii": False},
    )

"""/healthz: is this process alive and its database reachable? And how are the rest?

Liveness decides the status: 200 when the database answers (within hard timeouts), 503
when it does not. The broker, the cache and the scan's heartbeat are reported in the body
without failing the web tier: pages serve while Redis is away, and a probe that restarted
gunicorn for a broker outage would only add a second outage. Every check has a timeout
below a second, so the answer comes within 2 s even with a frozen Redis.

`?verbose` adds the ledger's figures (notifications.selectors.ledger_figures) for staff or
for a caller with `Authorization: Bearer <HANDBOOK_METRICS_TOKEN>`.

`python -m handbook.health scan` is beat's health check in docker-compose.yml: it exits 1
when the periodic scan has not run to its end for three periods.
"""

import datetime as dt
import hmac
import logging
import sys

from django.conf import settings
from django.db import connection, transaction
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 0.8


def _database_ok() -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL statement_timeout = {int(TIMEOUT_SECONDS * 1000)}")
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any failure means "not reachable", and is logged
        logger.exception("healthz: database check failed")
        return False


def _redis_ok(url: str) -> bool:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS,
                                  retry_on_timeout=False)
    try:
        return bool(client.ping())
    except Exception:
        logger.warning("healthz: Redis at %s does not answer", url.rsplit("@", 1)[-1], exc_info=True)
        return False
    finally:
        client.close()


def _broker_ok() -> bool:
    from handbook.celery import app

    url = app.conf.broker_url or ""
    if url.startswith(("redis://", "rediss://")):
        return _redis_ok(url)
    try:  # any other broker (the folder one): kombu, with the same short timeout
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=0, timeout=TIMEOUT_SECONDS)
            return True
    except Exception:
        logger.exception("healthz: broker check failed")
        return False


def _cache_ok() -> bool | None:
    url = getattr(settings, "REDIS_CACHE_URL", None)
    return _redis_ok(url) if url else None


def last_scan() -> dt.datetime | None:
    from notifications.models import Heartbeat

    row = Heartbeat.objects.filter(name="scan").first()
    return row.at if row else None


def scan_is_late(at: dt.datetime | None, now: dt.datetime) -> bool:
    from handbook.celery import SCAN_SECONDS

    return at is None or now - at > dt.timedelta(seconds=3 * SCAN_SECONDS + 30)


def _may_see_figures(request) -> bool:
    token = getattr(settings, "HANDBOOK_METRICS_TOKEN", "")
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    user = getattr(request, "user", None)
    return bool(user and user.is_active and user.is_staff)


@never_cache
def healthz(request):
    database = _database_ok()
    body = {"status": "ok", "database": database, "broker": _broker_ok()}
    cache = _cache_ok()
    if cache is not None:
        body["cache"] = cache
    if database:
        now = timezone.now()
        try:
            at = last_scan()
            body["last_scan"] = at.isoformat() if at else None
            body["scan_late"] = scan_is_late(at, now)
            if "verbose" in request.GET and _may_see_figures(request):
                from notifications.selectors import ledger_figures

                body["ledger"] = ledger_figures(now=now)
        except Exception:
            logger.exception("healthz: figures failed")
    if not database:
        body["status"] = "unavailable"
    elif not (body["broker"] and body.get("cache", True)) or body.get("scan_late"):
        body["status"] = "degraded"  # the site serves; what waits on the broker catches up later
    return JsonResponse(body, status=200 if database else 503)


def main(argv: list[str]) -> int:
    import django

    django.setup()
    if argv[1:] != ["scan"]:
        print("usage: python -m handbook.health scan", file=sys.stderr)
        return 2
    at = last_scan()
    late = scan_is_late(at, timezone.now())
    print(f"last scan: {at.isoformat() if at else 'never'}{' (late)' if late else ''}")
    return 1 if late else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""The read replica: dashboards, exports and roll-up reads may read from DATABASE_REPLICA_URL.

Nothing reads from the replica unless it asks to: a view decorated with @reads_from_replica,
or code inside `with replica_reads():` (a task building an export). Everything else, every
write, every read inside a transaction and every migration goes to the primary ("default").
A replica read is skipped, and the primary answers, when:
- the browser changed something in the last DATABASE_REPLICA_AFTER_WRITE_SECONDS
  (RecentWriteMiddleware stamps a signed cookie), so a user sees what they just wrote;
- the replica is down, or replays more than DATABASE_REPLICA_MAX_LAG_SECONDS behind
  (each process looks at most every DATABASE_REPLICA_CHECK_SECONDS).
"""

import contextlib
import contextvars
import functools
import logging
import threading
import time

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
PRIMARY = "default"
WROTE_COOKIE = "handbook_wrote"
_SALT = "handbook.db_router.wrote"
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}

_in_scope = contextvars.ContextVar("handbook_replica_scope", default=False)

# The lag in seconds: 0 while the replica streams and has replayed all it received (an idle
# primary is not lag); otherwise the age of the last replayed commit (unknown: a day). A
# replica that stopped streaming is judged by that age too. Not a standby at all: 0.
LAG_SQL = """
SELECT CASE
  WHEN NOT pg_is_in_recovery() THEN 0
  WHEN EXISTS (SELECT 1 FROM pg_stat_wal_receiver)
       AND pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() THEN 0
  ELSE COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp()), 86400)
END
"""


class _ReplicaState:
    """This process's last look at the replica: usable or not, and until when to believe it."""

    def __init__(self):
        self._lock = threading.Lock()
        self._usable = False
        self._until = 0.0

    def forget(self) -> None:
        with self._lock:
            self._until = 0.0

    def usable(self) -> bool:
        now = time.monotonic()
        if now < self._until:
            return self._usable
        with self._lock:
            if time.monotonic() >= self._until:
                self._usable = _probe()
                self._until = time.monotonic() + settings.DATABASE_REPLICA_CHECK_SECONDS
            return self._usable


def _probe() -> bool:
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(LAG_SQL)
            lag = float(cursor.fetchone()[0])
    except Exception:  # down, unreachable, misconfigured: the primary answers (fail open)
        logger.warning("replica unavailable; reading from the primary", exc_info=True)
        with contextlib.suppress(Exception):
            connections[REPLICA].close()
        return False
    if lag > settings.DATABASE_REPLICA_MAX_LAG_SECONDS:
        logger.warning("replica %.1f s behind; reading from the primary", lag)
        return False
    return True


replica_state = _ReplicaState()


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES and settings.DATABASE_REPLICA_READS


@contextlib.contextmanager
def replica_reads(enabled: bool = True):
    """Reads inside may go to the replica (subject to its state), writes still go to the primary."""
    token = _in_scope.set(enabled)
    try:
        yield
    finally:
        _in_scope.reset(token)


def wrote_recently(request) -> bool:
    value = request.get_signed_cookie(WROTE_COOKIE, default=None, salt=_SALT,
                                      max_age=settings.DATABASE_REPLICA_AFTER_WRITE_SECONDS)
    return value is not None


def reads_from_replica(view):
    """For a dashboard or export view: its reads (GET and HEAD only) go to the replica, unless
    this browser has just changed something (it then reads its own writes from the primary)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        with replica_reads(request.method in ("GET", "HEAD") and not wrote_recently(request)):
            return view(request, *args, **kwargs)

    return wrapped


class RecentWriteMiddleware:
    """Stamps a browser that changed something (a successful non-GET request) with a signed
    cookie, so the replica-scoped views read its own writes from the primary for a while."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (request.method not in _SAFE_METHODS and response.status_code < 400
                and settings.SESSION_COOKIE_NAME in request.COOKIES and replica_configured()):
            response.set_signed_cookie(
                WROTE_COOKIE, "1", salt=_SALT, max_age=settings.DATABASE_REPLICA_AFTER_WRITE_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax")
        return response


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if (_in_scope.get() and replica_configured()
                # Inside a transaction on the primary, read what that transaction sees.
                and not connections[PRIMARY].in_atomic_block
                and replica_state.usable()):
            return REPLICA
        return PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the primary's rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY

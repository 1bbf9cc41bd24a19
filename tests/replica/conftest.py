"""A real streaming replica of the test server (.ci/replica start), given as HANDBOOK_TEST_REPLICA_URL.

Replica reads need committed rows, so these tests run in transaction mode; pausing the
replica's replay (pg_wal_replay_pause) makes the primary and the replica differ on purpose.
"""

import os
import time

import psycopg
import pytest
from django.db import connections

from handbook.db_router import replica_state

needs_replica = pytest.mark.skipif(not os.environ.get("HANDBOOK_TEST_REPLICA_URL"),
                                   reason="no streaming replica: set HANDBOOK_TEST_REPLICA_URL (.ci/replica start)")


def wait_for(condition, *, limit: float = 60.0, what: str = "the condition"):
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {limit:.0f} s for {what}")
        time.sleep(0.05)


class Replica:
    """The replica's controls, on a connection of the test's own (not Django's)."""

    def __init__(self):
        self.conn = psycopg.connect(os.environ["HANDBOOK_TEST_REPLICA_URL"], autocommit=True)

    def value(self, sql: str, params=()):
        return self.conn.execute(sql, params).fetchone()[0]

    def primary_lsn(self) -> str:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            return cursor.fetchone()[0]

    def catch_up(self) -> None:
        """Wait until the replica has replayed everything the primary has written so far."""
        target = self.primary_lsn()
        wait_for(lambda: self.value("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]),
                 what="the replica to replay the primary's writes")

    def received(self) -> None:
        """Wait until the replica has received (not necessarily replayed) the primary's writes."""
        target = self.primary_lsn()
        wait_for(lambda: self.value("SELECT pg_last_wal_receive_lsn() >= %s::pg_lsn", [target]),
                 what="the replica to receive the primary's writes")

    def pause(self) -> None:
        self.conn.execute("SELECT pg_wal_replay_pause()")
        wait_for(lambda: self.value("SELECT pg_get_wal_replay_pause_state()") == "paused", what="replay to pause")

    def resume(self) -> None:
        self.conn.execute("SELECT pg_wal_replay_resume()")


@pytest.fixture
def replica(settings):
    # Every read in these tests looks at the replica afresh.
    settings.DATABASE_REPLICA_READS = True
    settings.DATABASE_REPLICA_CHECK_SECONDS = 0
    # The machine is shared and loaded: seconds of lag are normal here (tests of lag set less).
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 3600
    replica_state.forget()
    controls = Replica()
    controls.catch_up()
    try:
        yield controls
    finally:
        controls.resume()
        controls.conn.close()
        replica_state.forget()

"""Past one database server: the pooling settings, the compose file's `large` profile, and
what transaction pooling asks of the code. The replica itself is tested in tests/replica/."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml
from django.db import router

from cells.models import Organization
from handbook.db_router import replica_reads

ROOT = Path(__file__).resolve().parent.parent


def _databases(**env) -> dict:
    outer = {k: v for k, v in os.environ.items() if k != "HANDBOOK_TEST_REPLICA_URL"}
    merged = {**outer, "HANDBOOK_TESTING": "1", "DJANGO_SETTINGS_MODULE": "handbook.settings", **env}
    code = "import json; from django.conf import settings; print(json.dumps(settings.DATABASES, default=str))"
    result = subprocess.run([sys.executable, "-c", "import django; django.setup(); " + code], cwd=ROOT,
                            env=merged, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_without_settings_connections_are_persistent_and_unpooled():
    default = _databases(DATABASE_URL="postgresql://u@db.internal:5432/handbook")["default"]
    assert default["CONN_MAX_AGE"] == 60 and default["CONN_HEALTH_CHECKS"]
    assert "pool" not in default["OPTIONS"] and not default["DISABLE_SERVER_SIDE_CURSORS"]


def test_a_pool_replaces_persistent_connections():
    databases = _databases(DATABASE_URL="postgresql://u@db.internal:5432/handbook", DATABASE_POOL_MAX="4",
                           DATABASE_POOL_MIN="2", HANDBOOK_TEST_REPLICA_URL="postgresql://u@replica.internal:5432/h")
    for alias in ("default", "replica"):
        assert databases[alias]["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 4, "timeout": 10}
        assert databases[alias]["CONN_MAX_AGE"] == 0  # Django refuses a pool with persistent connections


def test_the_replica_is_used_only_in_tests_that_ask_for_one():
    databases = _databases(DATABASE_URL="postgresql://u@db.internal:5432/handbook",
                           DATABASE_REPLICA_URL="postgresql://u@replica.internal:5432/handbook")
    assert "replica" not in databases, "a developer's replica never serves the test suite"
    databases = _databases(DATABASE_URL="postgresql://u@db.internal:5432/handbook", HANDBOOK_TESTING="",
                           DJANGO_DEBUG="1", DATABASE_REPLICA_URL="postgresql://u@replica.internal:5432/handbook",
                           DATABASE_TRANSACTION_POOLING="1")
    replica = databases["replica"]
    assert replica["HOST"] == "replica.internal" and replica["TEST"]["MIRROR"] == "default"
    assert databases["default"]["DISABLE_SERVER_SIDE_CURSORS"] and replica["DISABLE_SERVER_SIDE_CURSORS"]


def test_reads_outside_a_replica_scope_and_all_writes_go_to_the_primary():
    assert router.db_for_read(Organization) == "default"
    assert router.db_for_write(Organization) == "default"
    with replica_reads():
        assert router.db_for_write(Organization) == "default"


def test_the_test_suite_reads_from_a_replica_only_where_it_tests_it(settings):
    assert settings.DATABASE_REPLICA_READS is False  # tests/replica/ turns it on
    with replica_reads():
        assert router.db_for_read(Organization) == "default"


def test_the_compose_file_offers_a_pooler_and_a_replica_for_large_deployments():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    for name in ("pgbouncer", "postgres-replica"):
        assert services[name]["profiles"] == ["large"], name
        assert "healthcheck" in services[name], name
    assert services["pgbouncer"]["environment"]["POOL_MODE"] == "transaction"
    assert "pg_basebackup" in " ".join(services["postgres-replica"]["command"])
    assert "host replication" in compose["configs"]["replication-hba"]["content"]
    web = services["web"]
    assert "DATABASE_REPLICA_URL" in web["environment"]
    assert "DATABASE_HOST" in web["environment"]["DATABASE_URL"]
    assert web["depends_on"]["pgbouncer"]["required"] is False, "the default stack runs without it"
    assert "@postgres:5432/" in services["migrate"]["environment"]["DATABASE_URL"], "migrations bypass the pooler"


def test_the_code_takes_no_session_level_advisory_lock():
    """PgBouncer's transaction pooling hands each transaction any server connection: a session
    lock would stay on a connection another client then uses. Transaction-level locks only."""
    session_lock = re.compile(r"pg_(?:try_)?advisory_lock(?:_shared)?\s*\(")
    folders = [p for p in ROOT.iterdir() if p.is_dir() and not p.name.startswith(".") and p.name not in ("var", "tests")]
    offenders = [str(path.relative_to(ROOT)) for folder in folders for path in folder.rglob("*.py")
                 if session_lock.search(path.read_text(encoding="utf-8", errors="replace"))]
    assert offenders == []

"""Embedded defaults for a fresh machine: a PostgreSQL from PyPI (pgserver) and a broker folder.

Used only when DATABASE_URL / REDIS_URL are not set. The server is started with
cleanup_mode=None so that web, worker and beat share it; whoever started the stack
(`make run`, `make test`) stops it with `python -m handbook.embedded stop`.

    python -m handbook.embedded url             print the database URL (starting the server)
    python -m handbook.embedded stop            stop the embedded server if it runs
    python -m handbook.embedded exec -- CMD...  run CMD with the server up, then stop it
                                                (unless it was already running)
"""

import os
import signal
import subprocess
import sys
import time
from functools import cache
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HANDBOOK_VAR_DIR", BASE_DIR / "var")).resolve()
PGDATA = VAR_DIR / "pgdata"
BROKER_DIR = VAR_DIR / "broker"


@cache
def database_url() -> str:
    """Start (or join) the embedded PostgreSQL and return its URL."""
    os.environ.setdefault("XDG_RUNTIME_DIR", str(VAR_DIR / "run"))
    Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(parents=True, exist_ok=True, mode=0o700)
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    import pgserver

    server = pgserver.get_server(PGDATA, cleanup_mode=None)
    return server.get_uri()


def broker_folders() -> dict[str, str]:
    """Folders for kombu's filesystem transport: one queue folder shared by all processes."""
    queue = BROKER_DIR / "queue"
    processed = BROKER_DIR / "processed"
    control = BROKER_DIR / "control"
    for folder in (queue, processed, control):
        folder.mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(queue),
        "data_folder_out": str(queue),
        "processed_folder": str(processed),
        "control_folder": str(control),
        "store_processed": False,
        # The folder is polled; kombu's default of 1 s adds up to a second to every task.
        "polling_interval": 0.2,
    }


def server_pid() -> int | None:
    pidfile = PGDATA / "postmaster.pid"
    try:
        pid = int(pidfile.read_text().splitlines()[0])
    except (FileNotFoundError, IndexError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    return pid


def stop() -> bool:
    """Stop the embedded server (fast shutdown); True if one was running."""
    pid = server_pid()
    if pid is None:
        return False
    os.kill(pid, signal.SIGINT)  # PostgreSQL's "fast" shutdown
    for _ in range(100):
        if server_pid() is None:
            return True
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)
    return True


def _exec(command: list[str]) -> int:
    env = dict(os.environ)
    started_here = False
    if not env.get("DATABASE_URL"):
        started_here = server_pid() is None
        env["DATABASE_URL"] = database_url()
    try:
        return subprocess.call(command, env=env)
    finally:
        if started_here:
            stop()


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"url", "stop", "exec"}:
        print(__doc__, file=sys.stderr)
        return 2
    if argv[0] == "url":
        print(database_url())
        return 0
    if argv[0] == "stop":
        print("stopped" if stop() else "not running")
        return 0
    command = argv[1:]
    if command and command[0] == "--":
        command = command[1:]
    return _exec(command)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

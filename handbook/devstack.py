"""`make run`: migrate, load the demo commune, then run web, Celery worker and Celery beat.

Each is a real process. With no DATABASE_URL an embedded PostgreSQL is started (and stopped
again on exit); with no REDIS_URL the broker is a folder under var/. Ctrl-C stops all.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from handbook import embedded

BASE_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "handbook.settings")
    env.setdefault("HANDBOOK_DEMO", "1")
    env.setdefault("PYTHONUNBUFFERED", "1")
    if not env.get("HANDBOOK_VAPID_PRIVATE_KEY"):
        env["HANDBOOK_VAPID_PUBLIC_KEY"], env["HANDBOOK_VAPID_PRIVATE_KEY"] = _demo_vapid_keys()
    return env


def _demo_vapid_keys() -> tuple[str, str]:
    """The demo's web push key pair, made once and kept in var/ (browsers' subscriptions
    name the public key: a new pair each run would end them)."""
    from notifications.vapid import new_key_pair

    path = BASE_DIR / "var" / "vapid-keys.txt"
    if not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text("\n".join(new_key_pair()) + "\n")
        path.chmod(0o600)
    public, private = path.read_text().split()
    return public, private


def _manage(env, *args) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def main() -> int:
    env = _env()
    started_db = False
    if not env.get("DATABASE_URL"):
        started_db = embedded.server_pid() is None
        env["DATABASE_URL"] = embedded.database_url()
    host = env.get("HOST", "127.0.0.1")
    port = env.get("PORT", "8000")
    env.setdefault("HANDBOOK_SITE_URL", f"http://{'localhost' if host in ('127.0.0.1', '0.0.0.0') else host}:{port}")
    processes: list[subprocess.Popen] = []

    def stop_all(*_):
        for proc in processes:
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + 15
        for proc in processes:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
        if started_db:
            embedded.stop()

    try:
        _manage(env, "migrate", "--noinput", "-v", "0")
        _manage(env, "collectstatic", "--noinput", "-v", "0")
        _manage(env, "seed_demo", "--scale", "commune", "--if-empty")
        _manage(env, "rollups_rebuild")
        commands = {
            "web": [str(BIN / "gunicorn"), "handbook.wsgi", "--config", "handbook/gunicorn_conf.py",
                    "--bind", f"{host}:{port}", "--workers", "2", "--access-logfile", "-", "--timeout", "60"],
            "worker": [str(BIN / "celery"), "-A", "handbook", "worker", "--loglevel", "INFO", "--concurrency", "2"],
            "beat": [str(BIN / "celery"), "-A", "handbook", "beat", "--loglevel", "INFO"],
        }
        for command in commands.values():
            processes.append(subprocess.Popen(command, cwd=BASE_DIR, env=env))
        signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
        print(
            f"\n  Sổ tay Đảng viên is running at {env['HANDBOOK_SITE_URL']}/\n"
            "  Web, Celery worker and Celery beat are running; Ctrl-C stops them.\n",
            flush=True,
        )
        while all(proc.poll() is None for proc in processes):
            time.sleep(0.5)
        failed = [cmd for cmd, proc in zip(commands, processes, strict=True) if proc.poll() not in (None, 0)]
        print(f"A process stopped ({', '.join(failed) or 'unknown'}); stopping the others.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stop_all()


if __name__ == "__main__":
    sys.exit(main())

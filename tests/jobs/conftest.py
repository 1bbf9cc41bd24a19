"""Fixtures for background work: a real SMTP server on loopback, brokers, real Celery workers.

Nothing here is mocked: the SMTP server is aiosmtpd listening on 127.0.0.1, a worker is
`celery worker` in its own process reading the test database, and the broker is either
kombu's folder transport (what a fresh machine uses) or the Redis of REDIS_URL (CI).
"""

import asyncio
import email
import email.policy
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from kombu import pools

from handbook import embedded
from handbook.celery import SCAN_TASKS
from handbook.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).parent / "celery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, *, timeout: float, interval: float = 0.2, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {message}")
        time.sleep(interval)


# --- A real SMTP server -----------------------------------------------------------------------

@dataclass(frozen=True)
class Received:
    to: str
    message_id: str
    subject: str
    text: str
    html: str


@dataclass
class Mailbox:
    """An aiosmtpd handler that keeps what it accepts; it can refuse or delay some recipients."""

    port: int = 0
    messages: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)  # 550: no such mailbox (a permanent failure)
    busy: dict[str, int] = field(default_factory=dict)  # address -> how many 451s to answer first
    delay: float = 0.0  # seconds before accepting each message
    slow: dict[str, float] = field(default_factory=dict)  # address -> seconds before answering its DATA
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        address = address.lower()
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        if self.busy.get(address):
            self.busy[address] -= 1
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        slowest = max((self.slow.get(to, 0.0) for to in envelope.rcpt_tos), default=0.0)
        if slowest:
            await asyncio.sleep(slowest)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        text = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        with self.lock:
            for to in envelope.rcpt_tos:
                self.messages.append(Received(
                    to=to, message_id=str(message["Message-ID"]), subject=str(message["Subject"]).strip(),
                    text=text.get_content() if text else "", html=html.get_content() if html else "",
                ))
        return "250 2.0.0 Accepted"

    def copies(self) -> dict[str, int]:
        """address -> messages received for it."""
        with self.lock:
            counts: dict[str, int] = {}
            for message in self.messages:
                counts[message.to] = counts.get(message.to, 0) + 1
            return counts

    def to(self, address: str) -> list[Received]:
        with self.lock:
            return [m for m in self.messages if m.to == address.lower()]

    def count(self) -> int:
        with self.lock:
            return len(self.messages)


@pytest.fixture
def smtp():
    mailbox = Mailbox(port=free_port())
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    yield mailbox
    controller.stop()


@pytest.fixture
def smtp_backend(settings, smtp):
    """This process sends mail through the real SMTP server (instead of the locmem outbox)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    return smtp


def scan_queue(queue: str) -> str:
    return f"{queue}-scans"


# --- Brokers ------------------------------------------------------------------------------------

@contextmanager
def use_broker(url: str, options: dict, queue: str):
    """Point this process's Celery app at a broker (tasks are published, not run in-process)."""
    conf = celery_app.conf
    saved = (conf.broker_url, conf.broker_transport, conf.broker_transport_options, conf.task_default_queue,
             conf.task_always_eager)

    def reset():
        pools.reset()  # kombu's connection pools are global, keyed by broker URL
        celery_app._pool = None
        celery_app.__dict__.pop("amqp", None)

    conf.broker_url, conf.broker_transport_options, conf.task_default_queue = url, options, queue
    # Scans on their own queue, as handbook.celery routes them with HANDBOOK_SCAN_QUEUE.
    saved_routes = conf.task_routes
    conf.task_routes = {name: {"queue": scan_queue(queue)} for name in SCAN_TASKS}
    # The folder broker as the product runs it (handbook.settings): messages written whole.
    conf.broker_transport = "handbook.folder_broker:Transport" if url.startswith("filesystem://") else None
    conf.task_always_eager = False
    reset()
    try:
        yield
    finally:
        (conf.broker_url, conf.broker_transport, conf.broker_transport_options, conf.task_default_queue,
         conf.task_always_eager) = saved
        conf.task_routes = saved_routes
        reset()


@dataclass
class Broker:
    name: str
    url: str
    options: dict
    queue: str
    var_dir: Path
    env: dict[str, str]


def _folder_broker(var_dir: Path, queue: str) -> Broker:
    saved = embedded.BROKER_DIR
    embedded.BROKER_DIR = var_dir / "broker"
    try:
        options = {**embedded.broker_folders(), "control_folder": str(var_dir / "broker" / "control"),
                   "polling_interval": 0.05}
    finally:
        embedded.BROKER_DIR = saved
    return Broker("folder", "filesystem://", options, queue, var_dir, env={})


def _redis_broker(url: str, var_dir: Path, queue: str, visibility_timeout: int = 3600) -> Broker:
    env = {"REDIS_URL": url, "CELERY_VISIBILITY_TIMEOUT": str(visibility_timeout)}
    return Broker("redis", url, {"visibility_timeout": visibility_timeout}, queue, var_dir, env=env)


BROKERS = ["folder", "redis"]


@pytest.fixture(params=BROKERS)
def broker_name(request):
    """The folder broker always; Redis when REDIS_URL is set (CI's server pass, which sets
    HANDBOOK_TEST_BROKERS=redis to leave the folder variant to the fresh-machine pass)."""
    if request.param == "redis" and not os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL is not set: the Redis variant runs in the server pass")
    wanted = os.environ.get("HANDBOOK_TEST_BROKERS")
    if wanted and request.param not in wanted.split(","):
        pytest.skip(f"HANDBOOK_TEST_BROKERS={wanted}: the {request.param} variant runs in the other pass")
    return request.param


@contextmanager
def open_broker(name: str, tmp_path: Path, *, visibility_timeout: int = 3600):
    queue = f"jobs-test-{uuid.uuid4().hex[:8]}"
    var_dir = tmp_path / "var"
    if name == "redis":
        chosen = _redis_broker(os.environ["REDIS_URL"], var_dir, queue, visibility_timeout)
    else:
        chosen = _folder_broker(var_dir, queue)
    with use_broker(chosen.url, chosen.options, chosen.queue):
        yield chosen


@pytest.fixture
def broker(broker_name, tmp_path):
    with open_broker(broker_name, tmp_path) as chosen:
        yield chosen


# --- Real worker processes ----------------------------------------------------------------------

def database_url() -> str:
    """The test database (test_<name>), for the worker processes."""
    s = connection.settings_dict
    user, password, name = quote(s["USER"] or ""), quote(s["PASSWORD"] or ""), s["NAME"]
    # The embedded server is reached through a socket folder given as an option.
    host, port = s["HOST"] or s["OPTIONS"].get("host", ""), s["PORT"] or s["OPTIONS"].get("port", "")
    if host.startswith("/"):
        return f"postgresql://{user}:{password}@/{name}?host={quote(host)}" + (f"&port={port}" if port else "")
    return f"postgresql://{user}:{password}@{host or '127.0.0.1'}:{port or 5432}/{name}"


_SCRUB = ("DJANGO_", "CELERY_", "NOTIFICATIONS_", "HANDBOOK_", "EMAIL_", "REDIS_URL", "DATABASE_URL")


def process_env(broker: Broker, smtp_port: int, **extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_SCRUB)}
    env.update({
        "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1",
        "DJANGO_SETTINGS_MODULE": "tests.jobs.worker_settings", "HANDBOOK_TESTING": "1",
        "DATABASE_URL": database_url(),
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp_port),
        "HANDBOOK_SITE_URL": "http://testserver", "HANDBOOK_VAR_DIR": str(broker.var_dir),
        "HANDBOOK_TEST_QUEUE": broker.queue, "HANDBOOK_SCAN_QUEUE": scan_queue(broker.queue),
    })
    env.update(broker.env)
    env.update({k: str(v) for k, v in extra.items()})
    return env


class Process:
    """A celery worker or beat in its own process group, stopped by its own id."""

    def __init__(self, command: list[str], env: dict, log: Path, ready: str):
        self.command, self.env, self.log, self.ready = command, env, log, ready
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> "Process":
        self.log.parent.mkdir(parents=True, exist_ok=True)
        cwd = Path(self.env["HANDBOOK_VAR_DIR"])
        cwd.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(self.command, env=self.env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        offset = self.log.stat().st_size if self.log.exists() else 0
        wait_until(lambda: self._ready_since(offset), timeout=timeout, message=f"{self.command[3]} to start")
        return self

    def _ready_since(self, offset: int) -> bool:
        if self.proc.poll() is not None:
            raise AssertionError(f"{self.command} exited early:\n{self.output()[-4000:]}")
        return self.ready in self.log.read_text(errors="replace")[offset:] if offset else self.ready in self.output()

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def signal(self, number: int) -> None:
        """A signal to the whole process group (SIGSTOP freezes the worker and its pool)."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, number)

    def kill(self) -> None:
        """SIGKILL to the whole process group: the main process and its pool children."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        """Warm shutdown of the main process (it stops its children), killed if it hangs."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGCONT)  # a frozen worker must hear SIGTERM
            self.proc.terminate()
            try:
                self.proc.wait(timeout=1)
            except subprocess.TimeoutExpired:
                self.kill()


def worker_command(queue: str, concurrency: int = 2) -> list[str]:
    return [str(CELERY), "-A", "handbook", "worker", "--loglevel", "INFO", "--concurrency", str(concurrency),
            "--hostname", f"{queue}-{uuid.uuid4().hex[:6]}@%h", "--queues", f"{queue},{scan_queue(queue)}",
            "--without-gossip", "--without-mingle", "--without-heartbeat"]


@pytest.fixture
def processes(tmp_path):
    """Start workers (and beat); every one is stopped at the end of the test."""
    started: list[Process] = []

    class Starter:
        def worker(self, env: dict, *, concurrency: int = 2, name: str = "worker") -> Process:
            proc = Process(worker_command(env["HANDBOOK_TEST_QUEUE"], concurrency), env,
                           tmp_path / f"{name}.log", ready=" ready.")
            started.append(proc)
            return proc.start()

        def beat(self, env: dict) -> Process:
            command = [str(CELERY), "-A", "handbook", "beat", "--loglevel", "INFO",
                       "--schedule", str(tmp_path / "beat-schedule"), "--pidfile", str(tmp_path / "beat.pid")]
            proc = Process(command, env, tmp_path / "beat.log", ready="beat: Starting")
            started.append(proc)
            return proc.start()

    yield Starter()
    for proc in reversed(started):
        proc.stop()
        # Shown by pytest when the test failed.
        print(f"--- {proc.log.name} ---\n{proc.output()[-6000:]}")
    # Workers hold connections to the test database; let them go before it is flushed.
    time.sleep(0.2)


# --- A private Redis server --------------------------------------------------------------------

class RedisServer:
    def __init__(self, binary: str, port: int, folder):
        self.binary, self.port, self.folder = binary, port, folder
        self.proc: subprocess.Popen | None = None

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        # Persisted to an append-only file in the test's folder: a restart finds its data.
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes",
             "--dir", str(self.folder), "--daemonize", "no"],
            stdout=open(self.folder / "redis.log", "ab"), stderr=subprocess.STDOUT,
        )
        wait_until(self.ping, timeout=20, interval=0.1, message="redis-server to answer")

    def freeze(self) -> None:
        """SIGSTOP: connections are still accepted by the kernel, and nothing answers."""
        os.kill(self.proc.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.kill(self.proc.pid, signal.SIGCONT)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.thaw()
            self.proc.terminate()
            self.proc.wait(timeout=20)

@pytest.fixture
def redis_server(tmp_path):
    """A redis-server of the test's own on a free port (the machine's Redis is never touched)."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("REDIS_URL") or os.environ.get("CI"):
            pytest.fail("redis-server is not installed")
        pytest.skip("redis-server is not installed")
    folder = tmp_path / "redis"
    folder.mkdir()
    server = RedisServer(binary, free_port(), folder)
    server.start()
    yield server
    server.stop()



# --- Many members at once -----------------------------------------------------------------------

def crowd(cell, count: int, *, prefix: str = "dv") -> list:
    """`count` official members of `cell`, each with an account and an email address.

    Bulk inserts (with the audit triggers firing as usual): creating a thousand members one
    by one through the services would take most of a test's time budget.
    """
    import datetime as dt

    from members.models import CellMembership, Member, MemberStatus, User

    users = User.objects.bulk_create([
        User(username=f"{prefix}{i:04d}", email=f"{prefix}{i:04d}@example.org", password="!", language="vi")
        for i in range(count)
    ])
    members = Member.objects.bulk_create([
        Member(full_name=f"Đảng viên Số {i:04d}", user=user, status=MemberStatus.OFFICIAL,
               admission_date=dt.date(2005, 1, 1), official_date=dt.date(2006, 1, 1), status_since=dt.date(2006, 1, 1))
        for i, user in enumerate(users)
    ])
    CellMembership.objects.bulk_create([
        CellMembership(member=member, cell=cell, start_date=dt.date(2015, 1, 1)) for member in members
    ])
    return members

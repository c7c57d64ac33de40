"""Real services for the nightly tests: an SMTP server on loopback, a Redis server of the test's
own, a Celery worker process, and helpers to wait for them with a bound.

Nothing here imitates a service: the SMTP server is aiosmtpd speaking SMTP on a socket, Redis is
``redis-server``, the worker is ``celery worker`` running the project's code.
"""

from __future__ import annotations

import asyncio
import email
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import service_missing

ROOT = Path(__file__).resolve().parents[2]
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(predicate: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.1)


# --- SMTP -----------------------------------------------------------------------------------


@dataclass
class Received:
    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def part(self, content_type: str) -> str:
        for part in self.message.walk():
            if part.get_content_type() == content_type:
                return str(part.get_content())
        return ""


@dataclass
class Inbox:
    """The aiosmtpd handler: keeps every message; can refuse some or answer slowly."""

    messages: list[Received] = field(default_factory=list)
    refuse_next: int = 0
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.refuse_next > 0:
                self.refuse_next -= 1
                return "451 4.3.0 Try again later"
            message = email.message_from_bytes(envelope.content, policy=policy.default)
            self.messages.append(Received(list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 OK"

    def to(self, address: str) -> list[Received]:
        with self.lock:
            return [m for m in self.messages if address in m.recipients]

    def count(self) -> int:
        with self.lock:
            return len(self.messages)


@dataclass
class SmtpServer:
    inbox: Inbox
    port: int
    controller: Controller

    def stop(self) -> None:
        self.controller.stop()


def start_smtp() -> SmtpServer:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return SmtpServer(inbox, port, controller)


@pytest.fixture
def smtp(settings: Any) -> Iterator[Inbox]:
    """A real SMTP server on loopback, and Django's SMTP backend pointed at it."""
    server = start_smtp()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 10
    try:
        yield server.inbox
    finally:
        server.stop()


# --- Redis ----------------------------------------------------------------------------------


class RedisServer:
    """A ``redis-server`` of the test's own on a free loopback port, which it may stop."""

    def __init__(self) -> None:
        if not os.path.exists(REDIS_SERVER):
            service_missing("redis-server")
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [
                *(REDIS_SERVER, "--save", "", "--appendonly", "no"),
                *("--port", str(self.port), "--bind", "127.0.0.1"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self.ping, 10, f"redis-server on port {self.port}")

    def ping(self) -> bool:
        import redis

        try:
            return bool(redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


# --- Celery worker --------------------------------------------------------------------------


def database_url(settings_dict: dict[str, Any]) -> str:
    """The URL of the database pytest-django created, for the worker and commands."""
    user = settings_dict["USER"] or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
    host = settings_dict["HOST"] or "127.0.0.1"
    port = settings_dict["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


@dataclass
class Services:
    """Environment for processes that run the project against the test's services."""

    database_url: str
    redis_url: str
    smtp_port: int
    extra: dict[str, str] = field(default_factory=dict)

    def env(self) -> dict[str, str]:
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))}
        return (
            keep
            | {
                "DJANGO_SETTINGS_MODULE": "config.settings",
                "SECRET_KEY": "test-only-secret-key-never-used-in-production",
                "DEBUG": "0",
                "HTTPS": "0",
                "DATABASE_URL": self.database_url,
                "CONN_MAX_AGE": "0",
                "REDIS_URL": self.redis_url,
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(self.smtp_port),
                "EMAIL_USE_TLS": "0",
                "EMAIL_TIMEOUT": "10",
                "SITE_URL": "https://diary.test",
                "LOG_LEVEL": "INFO",
            }
            | self.extra
        )

    def manage(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        """Run ``manage.py`` with these services; fail the test if it fails."""
        result = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result


class Worker:
    """A ``celery worker`` process (solo pool) on the test's broker and database."""

    def __init__(self, services: Services, name: str) -> None:
        self.services = services
        self.name = name
        self.log = Path(tempfile.mkstemp(prefix=f"ifn-worker-{name}-", suffix=".log")[1])
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> Worker:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603
                [
                    *(sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo"),
                    *("--without-heartbeat", "--without-gossip", "--without-mingle"),
                    *("--loglevel=INFO", f"--hostname={self.name}@%h"),
                ],
                cwd=ROOT,
                env=self.services.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_until(self._ready, timeout, f"worker {self.name} to be ready")
        return self

    def _ready(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            pytest.fail(f"worker {self.name} exited:\n{self.output()[-3000:]}")
        return " ready." in self.output()

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL: the worker gets no chance to acknowledge or hand back anything."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()


# --- Diary data -----------------------------------------------------------------------------

CANDLE_ITEMS = ("fever", "rash", "musculoskeletal_pain", "headache", "fatigue")


def write_day(patient: Any, user: Any, day: Any, scores: dict[str, Any], **extra: Any) -> Any:
    """Save ``patient``'s diary for ``day`` through the diary service, on the evening of the day."""
    import datetime

    from diary.days import DayRules
    from diary.services import Submission, submit_entry

    evening = DayRules.for_patient(patient).cutoff_moment(day) - datetime.timedelta(hours=6)
    return submit_entry(
        patient=patient,
        user=user,
        submission=Submission(date=day, scores=scores, **extra),
        source="web",
        now=evening,
    )


def calm(value: int = 0) -> dict[str, int]:
    """A CANDLE day with every item at ``value``."""
    return dict.fromkeys(CANDLE_ITEMS, value)


def joined(patient: Any, day: Any) -> None:
    """Backdate ``patient``'s enrolment so that days from ``day`` on count as diary days."""
    import datetime

    from diary.models import Patient

    moment = datetime.datetime.combine(day, datetime.time(9), tzinfo=datetime.UTC)
    Patient.objects.filter(pk=patient.pk).update(created_at=moment)
    patient.refresh_from_db()

"""Real processes for tests: a Celery worker (and scheduler) against the real broker, a real
SMTP server that can hold a message mid-delivery, and the environment a child process needs
to reach the test database. Used by the tests marked ``worker``."""

from __future__ import annotations

import asyncio
import email
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from email.policy import default as default_policy
from pathlib import Path

from django.conf import settings
from django.db import connection


class Mailbox:
    """An SMTP server's accepted messages (aiosmtpd handler).

    ``hold_next(after=n)`` makes the message that follows the n-th accepted one wait,
    unanswered, until ``release()``; it is then refused with a temporary error, as a server
    does with mail whose sender vanished.
    """

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self._hold: int | None = None
        self.holding = threading.Event()
        self._released = threading.Event()

    def hold_next(self, after: int = 0) -> None:
        self._hold = after
        self.holding.clear()
        self._released.clear()

    def release(self) -> None:
        self._released.set()

    async def handle_DATA(self, server, session, envelope):
        if self._hold is not None and len(self.messages) >= self._hold:
            self._hold = None
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self._released.wait, 60)
            return "451 Sender gone, try again later"
        self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in m["To"]]

    def wait_for(self, count: int, timeout: float = 30.0) -> float:
        """Seconds until ``count`` messages were accepted; fails after ``timeout``."""
        start = time.monotonic()
        while len(self.messages) < count:
            if time.monotonic() - start > timeout:
                raise AssertionError(f"{len(self.messages)} of {count} messages after {timeout}s")
            time.sleep(0.05)
        return time.monotonic() - start


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """The test database as a URL a child process can open (SQLite: a file, see settings_test)."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        name = str(db["NAME"])
        assert "memory" not in name, "the worker tests need a file-backed SQLite test database"
        return f"sqlite:///{name}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{db['NAME']}"


def child_env(data_dir: Path, smtp_port: int, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dondoc.settings",
        "DONDOC_SECRET_KEY": "tests-only-not-a-secret",
        "DONDOC_DEBUG": "false",
        "DATABASE_URL": database_url(),
        "DONDOC_DATA_DIR": str(data_dir),
        "DONDOC_BROKER_URL": settings.CELERY_BROKER_URL,
        "DONDOC_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
        "DONDOC_CACHE_URL": "locmem://",
        "DONDOC_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "DONDOC_EMAIL_HOST": "127.0.0.1",
        "DONDOC_EMAIL_PORT": str(smtp_port),
        "DONDOC_EMAIL_TIMEOUT": "10",
        "DONDOC_LOG_LEVEL": "INFO",
    }
    env.pop("DATABASE_URL_FILE", None)
    env.update(extra)
    return env


class Worker:
    """``celery -A dondoc worker`` (with ``-B``: and the scheduler) as a child process."""

    def __init__(self, env: dict[str, str], log_dir: Path, *, beat: bool = False) -> None:
        self.env = env
        self.log_dir = log_dir
        self.beat = beat
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self, timeout: float = 60.0) -> None:
        self.starts += 1
        log = self.log_dir / f"worker-{self.starts}.log"
        command = [
            sys.executable, "-m", "celery", "-A", "dondoc", "worker",
            "--pool", "solo", "--queues", self.env["DONDOC_QUEUE"],
            "--hostname", f"test-{uuid.uuid4().hex[:8]}@%h",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
            "--loglevel", "INFO",
        ]  # fmt: skip
        if self.beat:
            command += ["--beat", "--schedule", str(self.log_dir / "beat-schedule")]
        self.log = log
        self.process = subprocess.Popen(
            command,
            env=self.env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        start = time.monotonic()
        while "ready." not in log.read_text(errors="replace"):
            if self.process.poll() is not None or time.monotonic() - start > timeout:
                raise AssertionError("the worker did not start:\n" + log.read_text()[-3000:])
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL to the worker and everything it started: no chance to finish anything."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGQUIT)  # cold shutdown: nothing is running
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.kill()


def delete_queue(name: str) -> None:
    from dondoc.celery import app

    with app.connection_for_write() as conn:
        conn.default_channel.queue_delete(name)

"""Helpers for the broker tests: a dead or silent broker, and real worker processes.

Imported by ``tests/core/test_broker.py`` and, through ``EMAIL_BACKEND``, by the worker
processes those tests start (the project root is their working directory).
"""

import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A local port where nothing listens (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def silent_server():
    """A port that accepts TCP connections and never answers: a hung broker."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)  # the kernel completes the handshakes; nobody ever reads
    try:
        yield sock.getsockname()[1]
    finally:
        sock.close()


def _reset_celery_connections(app):
    # The producer pool and the result backend are made once per app; drop them so the next
    # call connects to the broker now configured.
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None
    app._backend_cache = None
    app._local = threading.local()


@contextmanager
def broker_at(url: str):
    """Point the in-process Celery app (not eager) at ``url`` for the broker and results."""
    from archive_project.celery import app

    conf = app.conf
    saved = {
        "broker_url": conf.broker_url,
        "result_backend": conf.result_backend,
        "task_always_eager": conf.task_always_eager,
    }
    conf.update(broker_url=url, result_backend=url, task_always_eager=False)
    _reset_celery_connections(app)
    try:
        yield url
    finally:
        conf.update(saved)
        _reset_celery_connections(app)


# --- a real worker ----------------------------------------------------------------------
def start_worker(queue: str, **env_overrides) -> subprocess.Popen:
    """A worker process on its own queue (output discarded: an unread pipe would fill)."""
    env = dict(os.environ)
    env.setdefault("DEBUG", "1")
    env.update(env_overrides)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "archive_project",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-Q",
            queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop_worker(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def wait_for(predicate, timeout: float, step: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


class FileOutboxBackend(BaseEmailBackend):
    """Writes every message to ``$TEST_MAIL_DIR`` so a test sees what a worker sent.

    With ``$TEST_MAIL_BLOCK`` set it marks that sending started and then hangs, so the test
    can kill the worker in the middle of the task.
    """

    def send_messages(self, email_messages):
        outbox = Path(os.environ["TEST_MAIL_DIR"])
        if os.environ.get("TEST_MAIL_BLOCK"):
            (outbox / f"started-{os.getpid()}").write_text("")
            while True:
                time.sleep(1)
        for message in email_messages:
            (outbox / f"sent-{uuid.uuid4().hex}.txt").write_text(
                f"{','.join(message.to)}\n{message.subject}\n", encoding="utf-8"
            )
        return len(email_messages)

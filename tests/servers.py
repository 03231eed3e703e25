"""Real gunicorn servers in production configuration over the test's PostgreSQL database,
for black-box tests over HTTP (tests/test_multi_instance.py, tests/test_admin_stock_race.py).

The servers read the committed data of the test database, so tests using them need
transaction=True. They sit behind a TLS proxy in production and redirect plain HTTP: requests
carry PROXY_HEADERS. Static files are not collected; STATIC_MANIFEST is off so pages render.
"""

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
WORKERS_PER_INSTANCE = 2
START_TIMEOUT = 40
REQUEST_TIMEOUT = 30
# The app sits behind a TLS proxy in production and redirects plain HTTP; say we came through it.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


@dataclass(frozen=True)
class Instance:
    url: str
    process: subprocess.Popen[bytes]
    log: Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_instance(port: int, log: Path, url: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": "multi-instance-test-secret-key-not-for-production-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CONN_MAX_AGE": "600",
        # Static files are not collected for this test and no page here renders them.
        "STATIC_MANIFEST": "false",
        "LOG_LEVEL": "WARNING",
    }
    with open(log, "wb") as output:
        return subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "config.wsgi:application",
                "--bind", f"127.0.0.1:{port}",
                "--workers", str(WORKERS_PER_INSTANCE),
                "--timeout", "60",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def wait_until_healthy(instance: Instance, deadline: float) -> None:
    while time.monotonic() < deadline:
        if instance.process.poll() is not None:
            pytest.fail(f"gunicorn at {instance.url} exited:\n{instance.log.read_text()}")
        try:
            response = requests.get(f"{instance.url}/healthz", headers=PROXY_HEADERS, timeout=2)
            if response.status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    pytest.fail(f"gunicorn at {instance.url} not healthy in time:\n{instance.log.read_text()}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@contextmanager
def running_instances(count: int, django_db_blocker: Any) -> Iterator[list[Instance]]:
    """Start `count` gunicorn servers on the test database; stop them on the way out."""
    with django_db_blocker.unblock():
        url = database_url()
    started: list[Instance] = []
    with tempfile.TemporaryDirectory(prefix="gunicorn-") as tmp:
        try:
            for n in range(count):
                port = free_port()
                log = Path(tmp) / f"gunicorn-{n}.log"
                process = start_instance(port, log, url)
                started.append(Instance(f"http://127.0.0.1:{port}", process, log))
            deadline = time.monotonic() + START_TIMEOUT
            for instance in started:
                wait_until_healthy(instance, deadline)
            yield started
            for instance in started:
                assert instance.process.poll() is None, instance.log.read_text()
        finally:
            for instance in started:
                stop(instance.process)


def race(calls: list[Callable[[], requests.Response]]) -> list[requests.Response | Exception]:
    """Fire all calls at once from their own threads; each result or exception, in order."""
    barrier = threading.Barrier(len(calls))
    results: list[requests.Response | Exception] = [RuntimeError("not run")] * len(calls)

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = calls[index]()
        except Exception as exc:  # collected; the test asserts there are none
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=REQUEST_TIMEOUT * 3)
    assert not any(thread.is_alive() for thread in threads), "a request hung (deadlock?)"
    return results


def statuses(results: list[requests.Response | Exception]) -> Counter[int | str]:
    return Counter(r.status_code if isinstance(r, requests.Response) else repr(r) for r in results)

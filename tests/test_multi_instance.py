"""Two separate gunicorn servers (two workers each) over one PostgreSQL database, raced through
the JSON API: stock is decided by the database, so no instance can oversell another.

The servers are real processes with production settings (DEBUG off, SECRET_KEY, ALLOWED_HOSTS,
persistent connections); they read the committed data of this test's database, hence
transaction=True (pytest-django's usual per-test transaction would be invisible to them).
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from django.core.management import call_command
from django.db import connection

from shop import services
from shop.models import Order, OrderLine, Product
from tests.conftest import PASSWORD, make_user

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.usefixtures("postgres_only"),
    pytest.mark.django_db(transaction=True),
]

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


@pytest.fixture(scope="module")
def two_instances(django_db_setup: None, django_db_blocker: Any) -> Iterator[list[Instance]]:
    """Started once for this module: only the database's name is needed, and it is fixed."""
    with django_db_blocker.unblock():
        url = database_url()
    started: list[Instance] = []
    with tempfile.TemporaryDirectory(prefix="multi-instance-") as tmp:
        try:
            for n in range(2):
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


def order_call(instance: Instance, token: str, lines: list[tuple[int, int]]) -> Callable[[], Any]:
    def call() -> requests.Response:
        return requests.post(
            f"{instance.url}/api/v1/orders",
            json={"lines": [{"product": pid, "quantity": qty} for pid, qty in lines]},
            headers={**PROXY_HEADERS, "Authorization": f"Bearer {token}"},
            timeout=REQUEST_TIMEOUT,
        )

    return call


def statuses(results: list[requests.Response | Exception]) -> Counter[int | str]:
    return Counter(r.status_code if isinstance(r, requests.Response) else repr(r) for r in results)


@pytest.fixture
def buyer_tokens(two_instances: list[Instance]) -> list[str]:
    """Six buyers' tokens. The first is issued over HTTP by one instance and used on both."""
    buyers = [make_user(f"instance-racer{i}@bakery.test") for i in range(6)]
    issued = requests.post(
        f"{two_instances[0].url}/api/v1/tokens",
        json={"email": buyers[0].email, "password": PASSWORD, "name": "race"},
        headers=PROXY_HEADERS,
        timeout=REQUEST_TIMEOUT,
    )
    assert issued.status_code == 201, issued.text
    return [issued.json()["token"]] + [
        services.token_create(user=buyer, name="race").secret for buyer in buyers[1:]
    ]


def test_two_instances_sell_exactly_the_stock_there_is(
    two_instances: list[Instance], buyer_tokens: list[str], make_product: Callable[..., Product]
) -> None:
    last_twenty = make_product(stock=20)
    calls = [
        order_call(two_instances[i % 2], buyer_tokens[i % len(buyer_tokens)], [(last_twenty.pk, 1)])
        for i in range(120)
    ]

    results = race(calls)

    counts = statuses(results)
    assert counts == {201: 20, 409: 100}, counts
    refusals = [r.json() for r in results if isinstance(r, requests.Response) and r.status_code == 409]
    assert {body["error"]["code"] for body in refusals} == {"insufficient_stock"}
    assert all(
        body["error"]["details"] == [{"product": last_twenty.pk, "requested": 1, "available": 0}]
        for body in refusals
    )
    last_twenty.refresh_from_db()
    assert last_twenty.stock == 0
    assert OrderLine.objects.filter(product=last_twenty).count() == 20
    assert Order.objects.filter(status=Order.Status.PLACED).count() == 20
    call_command("check_ledger")


def test_opposite_multi_line_orders_across_instances_never_deadlock(
    two_instances: list[Instance], buyer_tokens: list[str], make_product: Callable[..., Product]
) -> None:
    flour = make_product(stock=1000)
    sugar = make_product(stock=1000)
    forwards = [(flour.pk, 1), (sugar.pk, 2)]
    backwards = [(sugar.pk, 2), (flour.pk, 1)]
    calls = [
        order_call(
            two_instances[i % 2],
            buyer_tokens[i % len(buyer_tokens)],
            forwards if (i // 2) % 2 == 0 else backwards,
        )
        for i in range(80)
    ]

    results = race(calls)

    assert statuses(results) == {201: 80}, [
        r.text if isinstance(r, requests.Response) else r for r in results
    ][:5]
    flour.refresh_from_db()
    sugar.refresh_from_db()
    assert (flour.stock, sugar.stock) == (1000 - 80, 1000 - 160)
    call_command("check_ledger")

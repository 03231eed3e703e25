"""Two separate gunicorn servers (two workers each) over one PostgreSQL database, raced through
the JSON API: stock is decided by the database, so no instance can oversell another.

The servers are real processes with production settings (DEBUG off, SECRET_KEY, ALLOWED_HOSTS,
persistent connections); they read the committed data of this test's database, hence
transaction=True (pytest-django's usual per-test transaction would be invisible to them).
"""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from django.core.management import call_command

from shop import services
from shop.models import Order, OrderLine, Product
from tests.conftest import PASSWORD, make_user
from tests.servers import (
    PROXY_HEADERS,
    REQUEST_TIMEOUT,
    Instance,
    race,
    running_instances,
    statuses,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.usefixtures("postgres_only"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(scope="module")
def two_instances(django_db_setup: None, django_db_blocker: Any) -> Iterator[list[Instance]]:
    """Started once for this module: only the database's name is needed, and it is fixed."""
    with running_instances(2, django_db_blocker) as instances:
        yield instances


def order_call(instance: Instance, token: str, lines: list[tuple[int, int]]) -> Callable[[], Any]:
    def call() -> requests.Response:
        return requests.post(
            f"{instance.url}/api/v1/orders",
            json={"lines": [{"product": pid, "quantity": qty} for pid, qty in lines]},
            headers={**PROXY_HEADERS, "Authorization": f"Bearer {token}"},
            timeout=REQUEST_TIMEOUT,
        )

    return call


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

"""Real threads, each with its own PostgreSQL connection, racing through the order service."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from shop import services
from shop.exceptions import InsufficientStock
from shop.models import Order, Product
from tests.conftest import make_user

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.usefixtures("postgres_only"),
    pytest.mark.django_db(transaction=True),
]


def race(workers: list[Callable[[], Any]]) -> list[Any]:
    """Run the callables at the same moment in threads; return each result or exception."""
    barrier = threading.Barrier(len(workers))
    results: list[Any] = [None] * len(workers)

    def run(index: int, work: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = work()
        except Exception as exc:  # collected and asserted on by the test
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a worker hung (deadlock?)"
    return results


def stock_of(product: Product) -> int:
    return Product.objects.values_list("stock", flat=True).get(pk=product.pk)


def test_twenty_buyers_racing_for_five_units_make_exactly_five_orders(make_product):
    last_units = make_product(stock=5)
    buyers = [make_user(f"racer{i}@bakery.test") for i in range(20)]

    results = race(
        [
            (lambda b=b: services.order_place(user=b, lines=[(last_units.pk, 1)]))
            for b in buyers
        ]
    )

    placed = [r for r in results if isinstance(r, services.PlacedOrder)]
    refused = [r for r in results if isinstance(r, InsufficientStock)]
    assert len(placed) == 5
    assert len(refused) == 15, [r for r in results if isinstance(r, Exception)]
    assert stock_of(last_units) == 0
    assert Order.objects.count() == 5
    call_command("check_ledger")


def test_multi_line_orders_in_opposite_orders_never_deadlock(make_product):
    flour = make_product(stock=1000)
    sugar = make_product(stock=1000)
    butter = make_product(stock=1000)
    buyers = [make_user(f"multi{i}@bakery.test") for i in range(12)]
    forwards = [(flour.pk, 1), (sugar.pk, 1), (butter.pk, 1)]
    backwards = list(reversed(forwards))

    def place_many(buyer: Any, lines: list[tuple[int, int]]) -> int:
        for _ in range(10):
            services.order_place(user=buyer, lines=lines)
        return 10

    results = race(
        [
            (lambda b=b, i=i: place_many(b, forwards if i % 2 else backwards))
            for i, b in enumerate(buyers)
        ]
    )

    assert results == [10] * 12
    assert [stock_of(p) for p in (flour, sugar, butter)] == [880, 880, 880]
    call_command("check_ledger")


def test_the_same_idempotency_key_sent_at_once_makes_one_order(buyer, make_product):
    flour = make_product(stock=100)

    results = race(
        [
            (lambda: services.order_place(user=buyer, lines=[(flour.pk, 2)], idempotency_key="k-1"))
            for _ in range(8)
        ]
    )

    assert all(isinstance(r, services.PlacedOrder) for r in results), results
    assert len({r.order.pk for r in results}) == 1
    assert sum(not r.replayed for r in results) == 1
    assert Order.objects.count() == 1
    assert stock_of(flour) == 98


def test_cancelling_at_once_puts_stock_back_once(buyer, make_product):
    flour = make_product(stock=10)
    order = services.order_place(user=buyer, lines=[(flour.pk, 4)]).order

    results = race(
        [(lambda: services.order_cancel(user=buyer, order_id=order.pk)) for _ in range(6)]
    )

    assert sum(isinstance(r, Order) for r in results) == 1
    assert stock_of(flour) == 10
    call_command("check_ledger")


def test_the_ledger_check_fails_after_a_raw_stock_update(make_product):
    flour = make_product(stock=10, sku="FLR-RAW-1")
    call_command("check_ledger")

    # Shaped like the stock service's UPDATE (version bumped) to get past the database's guard.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE shop_product SET stock = stock + 3, stock_version = stock_version + 1 "
            "WHERE id = %s",
            [flour.pk],
        )

    with pytest.raises(CommandError, match="FLR-RAW-1: stock 13, ledger says 10"):
        call_command("check_ledger")

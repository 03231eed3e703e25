"""A crash in the middle of placing an order, through the browser checkout and the API.

The failure is injected after the order's rows are written (order, lines, ledger rows and the
stock change: on PostgreSQL one statement, on SQLite several), inside its transaction, so a
missing rollback would leave an order behind. Real transactions (transaction=True), as in
production: the order's atomic block is a real COMMIT/ROLLBACK, not a savepoint in a test
transaction.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

from shop import services
from shop.models import CartItem, Order, OrderLine, Product, StockMovement
from tests.checkout import checkout_data
from tests.views.conftest import ShopClient

pytestmark = pytest.mark.django_db(transaction=True)

KEY = "0b1f7f5e-3c0a-4a63-9a55-6c1c2f9e7d11"


@contextmanager
def crash_after_first_write(error: Exception) -> Iterator[mock.MagicMock]:
    written: dict[str, int] = {"orders": 0}

    def crash(requested: Any, taken: Any) -> None:
        # Runs inside the order's transaction, right after its write: the rows are there.
        written["orders"] = Order.objects.count()
        raise error

    with mock.patch.object(
        services.orders, "require_every_line_taken", side_effect=crash
    ) as failing:
        yield failing
    # The crash really happened after the order row was written.
    assert written["orders"] == 1


@pytest.fixture
def stocked(buyer, make_product) -> dict[str, Any]:
    flour = make_product(stock=10)
    yeast = make_product(stock=4)
    services.cart_add(user=buyer, product_id=flour.pk, quantity=3)
    services.cart_add(user=buyer, product_id=yeast.pk, quantity=2)
    return {"flour": flour, "yeast": yeast, "movements": StockMovement.objects.count()}


def assert_nothing_changed(buyer, stocked: dict[str, Any]) -> None:
    assert Order.objects.count() == 0
    assert OrderLine.objects.count() == 0
    assert StockMovement.objects.count() == stocked["movements"]
    stock = dict(Product.objects.values_list("pk", "stock"))
    assert stock[stocked["flour"].pk] == 10
    assert stock[stocked["yeast"].pk] == 4
    cart = dict(CartItem.objects.filter(user=buyer).values_list("product_id", "quantity"))
    assert cart == {stocked["flour"].pk: 3, stocked["yeast"].pk: 2}


def test_a_crash_during_the_html_checkout_leaves_no_trace_and_keeps_the_cart(
    buyer, stocked: dict[str, Any]
) -> None:
    browser = ShopClient(raise_request_exception=False)
    browser.force_login(buyer)

    with crash_after_first_write(RuntimeError("crash")) as failing:
        response = browser.form_post("/cart/checkout/", checkout_data(buyer, KEY))

    assert failing.called
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert_nothing_changed(buyer, stocked)
    # And the buyer can simply try again with the same form.
    retry = browser.form_post("/cart/checkout/", checkout_data(buyer, KEY))
    assert retry.status_code == 302
    assert Order.objects.filter(user=buyer).count() == 1


def test_the_database_failing_during_the_html_checkout_is_a_503_and_leaves_no_trace(
    buyer, stocked: dict[str, Any]
) -> None:
    browser = ShopClient()
    browser.force_login(buyer)

    with crash_after_first_write(OperationalError("server closed the connection")):
        response = browser.form_post("/cart/checkout/", checkout_data(buyer, KEY))

    assert response.status_code == 503
    assert "temporarily unavailable" in response.content.decode()
    assert_nothing_changed(buyer, stocked)


def test_a_crash_during_an_api_order_leaves_no_trace(
    client: Client, buyer, stocked: dict[str, Any]
) -> None:
    client.raise_request_exception = False
    token = services.token_create(user=buyer, name="crash").secret
    body = {"lines": [{"product": stocked["flour"].pk, "quantity": 3}]}

    with crash_after_first_write(RuntimeError("crash")):
        response = client.post(
            "/api/v1/orders",
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
            HTTP_IDEMPOTENCY_KEY="crash-1",
        )

    assert response.status_code == 500
    assert response.json()["error"]["code"] == "server_error"
    assert_nothing_changed(buyer, stocked)
    # The idempotency key was not used up by the failed attempt: a retry places the order.
    retry = client.post(
        "/api/v1/orders",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_IDEMPOTENCY_KEY="crash-1",
    )
    assert retry.status_code == 201
    assert "Idempotent-Replayed" not in retry
    assert Product.objects.get(pk=stocked["flour"].pk).stock == 7


def test_the_database_failing_during_an_api_order_is_a_json_503_and_leaves_no_trace(
    client: Client, buyer, stocked: dict[str, Any]
) -> None:
    token = services.token_create(user=buyer, name="crash").secret

    with crash_after_first_write(OperationalError("server closed the connection")):
        response = client.post(
            "/api/v1/orders",
            {"lines": [{"product": stocked["flour"].pk, "quantity": 3}]},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "service_unavailable"
    assert_nothing_changed(buyer, stocked)

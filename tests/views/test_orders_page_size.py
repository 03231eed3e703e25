"""The order history's page size is bounded as the API's is, and its CSV export is streamed
a chunk at a time instead of built whole in memory."""

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from shop import services
from shop.models import Order, Product
from tests.views.conftest import ShopClient

ORDERS = reverse("shop:orders")


@pytest.fixture
def orders(buyer: Any, make_product: Callable[..., Product]) -> list[Order]:
    rye = make_product(name="Dark rye flour", price="2.00", stock=1000)
    return [
        services.order_place(user=buyer, lines=[(rye.pk, quantity)]).order
        for quantity in range(1, 28)
    ]


def table_ids(response: Any) -> list[int]:
    assert response.status_code == 200
    return [row.record.pk for row in response.context["table"].page.object_list]


@pytest.mark.parametrize("per_page", ["-1", "9223372036854775808", "100000", "101", "x"])
def test_a_page_size_outside_1_to_100_gives_the_default_page(
    buyer_client: ShopClient, orders: list[Order], per_page: str
) -> None:
    assert len(table_ids(buyer_client.get(ORDERS, {"per_page": per_page}))) == 25


def test_a_page_size_within_bounds_is_used(buyer_client: ShopClient, orders: list[Order]) -> None:
    newest_first = [order.pk for order in reversed(orders)]

    assert table_ids(buyer_client.get(ORDERS, {"per_page": "10", "page": "3"})) == newest_first[20:]


def test_the_csv_export_streams_every_order_in_the_asked_order(
    buyer_client: ShopClient, orders: list[Order], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("shop.tables.CSV_CHUNK", 4)

    response = buyer_client.get(ORDERS, {"_export": "csv", "sort": "total", "per_page": "5"})

    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="orders.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.getvalue().decode())))
    assert rows[0] == ["Date", "Reference", "Lines", "Total excl. VAT", "Status", "PO number", "Placed by"]
    assert [row[1] for row in rows[1:]] == [order.reference for order in orders]  # by total
    assert rows[1][2:5] == ["1", "2.00", "Placed"]

"""The order history's CSV with one row per order line (`?_export=lines`): ISO dates, plain
decimals, the page's filters, the company's orders only, no formulas for a spreadsheet."""

import csv
import io
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from companies.models import Role
from shop import services
from shop.models import Category, Order, Product
from shop.services.checkout import OrderDetails
from shop.services.delivery import earliest_delivery_date
from shop.tables import ORDER_LINE_CSV_HEADER
from tests.factories import make_member
from tests.views.conftest import ShopClient

ORDERS = reverse("shop:orders")
HEADER = [
    "Order",
    "Order date",
    "Status",
    "PO number",
    "SKU",
    "Product",
    "Quantity",
    "Unit price",
    "VAT rate (%)",
    "Net",
    "Currency",
    "Placed by",
    "Delivery date",
]


def lines_csv(client: ShopClient, **params: str) -> list[list[str]]:
    response = client.get(ORDERS, {**params, "_export": "lines"})
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="order-lines.csv"'
    return list(csv.reader(io.StringIO(response.getvalue().decode())))


@pytest.fixture
def flour(make_product: Callable[..., Product]) -> Product:
    return make_product(sku="FLR-1", name="Strong white flour", price="12.50", stock=100)


@pytest.fixture
def cola(make_product: Callable[..., Product], db: None) -> Product:
    drinks = Category.objects.create(slug="drinks", name="Soft drinks")
    return make_product(
        sku="COLA-1", name="Cola syrup", price="8.35", stock=100, category=drinks, vat_rate=Decimal("20.00")
    )


@pytest.fixture
def order(buyer: Any, flour: Product, cola: Product) -> Order:
    delivery = earliest_delivery_date(timezone.localdate())
    placed = services.order_place(
        user=buyer,
        lines=[(flour.pk, 2), (cola.pk, 3)],
        details=OrderDetails(po_number="PO-77", delivery_date=delivery),
    ).order
    Order.objects.filter(pk=placed.pk).update(created_at=datetime(2026, 3, 31, 23, 30, tzinfo=ZoneInfo("UTC")))
    placed.refresh_from_db()
    return placed


def test_the_header_names_every_column() -> None:
    assert ORDER_LINE_CSV_HEADER == HEADER


def test_each_line_of_an_order_is_a_row(buyer_client: ShopClient, buyer: Any, order: Order) -> None:
    rows = lines_csv(buyer_client)

    delivery = order.delivery_date.isoformat()
    assert rows == [
        HEADER,
        [order.reference, "2026-03-31", "Placed", "PO-77", "FLR-1", "Strong white flour", "2", "12.50", "0.00", "25.00", "GBP", buyer.email, delivery],
        [order.reference, "2026-03-31", "Placed", "PO-77", "COLA-1", "Cola syrup", "3", "8.35", "20.00", "25.05", "GBP", buyer.email, delivery],
    ]
    assert order.lines.count() == 2


def test_the_order_date_is_the_shops_local_date(
    settings: Any, buyer_client: ShopClient, order: Order
) -> None:
    settings.TIME_ZONE = "Europe/London"  # 23:30 UTC on 31 March is 00:30 on 1 April (BST)

    assert lines_csv(buyer_client)[1][1] == "2026-04-01"


def test_the_filters_apply_and_the_sort_orders_the_orders(
    buyer_client: ShopClient, buyer: Any, order: Order, flour: Product
) -> None:
    cancelled = services.order_place(user=buyer, lines=[(flour.pk, 1)]).order
    services.order_cancel(user=buyer, order_id=cancelled.pk)
    later = services.order_place(user=buyer, lines=[(flour.pk, 4)]).order

    assert [row[0] for row in lines_csv(buyer_client, status="cancelled")[1:]] == [cancelled.reference]
    assert [row[0] for row in lines_csv(buyer_client, q="PO-77")[1:]] == [order.reference] * 2
    assert [row[0] for row in lines_csv(buyer_client, created_before="2026-04-30")[1:]] == [order.reference] * 2
    assert [row[0] for row in lines_csv(buyer_client, sort="total")[1:]] == [
        cancelled.reference,
        later.reference,
        order.reference,
        order.reference,
    ]
    # A bad filter is left out, as on the page.
    assert len(lines_csv(buyer_client, status="bogus")) == 1 + 4


def test_another_companys_lines_never_appear(
    buyer_client: ShopClient, order: Order, other_buyer: Any, flour: Product
) -> None:
    theirs = services.order_place(
        user=other_buyer, lines=[(flour.pk, 1)], details=OrderDetails(po_number="PO-77")
    ).order

    rows = lines_csv(buyer_client) + lines_csv(buyer_client, q=theirs.reference) + lines_csv(buyer_client, q="PO-77")

    assert theirs.reference not in {row[0] for row in rows}
    assert other_buyer.email not in {row[11] for row in rows}


def test_a_viewer_downloads_the_companys_lines(buyer: Any, order: Order) -> None:
    client = ShopClient()
    client.force_login(make_member("books@bakery.test", buyer.membership.company, Role.VIEWER))

    assert [row[4] for row in lines_csv(client)[1:]] == ["FLR-1", "COLA-1"]


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_text_that_starts_like_a_formula_is_quoted(
    buyer_client: ShopClient, buyer: Any, make_product: Callable[..., Product], start: str
) -> None:
    trap = make_product(name=f"{start}HYPERLINK(\"http://evil.test\")", price="1.00", stock=5)
    placed = services.order_place(
        user=buyer, lines=[(trap.pk, 1)], details=OrderDetails(po_number=f"{start}1+2")
    ).order

    row = lines_csv(buyer_client)[1]
    orders_row = list(csv.reader(io.StringIO(buyer_client.get(ORDERS, {"_export": "csv"}).getvalue().decode())))[1]

    assert row[0] == placed.reference
    assert row[3] == f"'{start}1+2"
    assert row[5] == f"'{start}HYPERLINK(\"http://evil.test\")"
    assert orders_row[5] == f"'{start}1+2"  # the per-order CSV's PO number too
    assert Order.objects.get(pk=placed.pk).po_number == f"{start}1+2"  # stored as typed


@pytest.mark.parametrize("count", [1, 30])
def test_the_queries_do_not_grow_with_the_orders(
    buyer_client: ShopClient, buyer: Any, flour: Product, django_assert_max_num_queries: Any, count: int
) -> None:
    for _ in range(count):
        services.order_place(user=buyer, lines=[(flour.pk, 1)])

    with django_assert_max_num_queries(6):
        rows = lines_csv(buyer_client)

    assert len(rows) == 1 + count


def test_the_page_offers_both_downloads_with_what_they_hold(buyer_client: ShopClient, order: Order) -> None:
    html = buyer_client.get(ORDERS, {"status": "placed"}).content.decode()

    assert 'href="?status=placed&amp;_export=lines" download>Download order lines (CSV)</a>' in html
    assert 'href="?status=placed&amp;_export=csv" download>Download orders (CSV)</a>' in html


@pytest.mark.parametrize("export", ["lines", "csv"])
def test_no_cache_keeps_a_copy_of_the_companys_orders(
    buyer_client: ShopClient, order: Order, export: str
) -> None:
    response = buyer_client.get(ORDERS, {"_export": export})

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"

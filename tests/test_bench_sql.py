"""The benchmark's database ceiling (bench/ceiling.py) sends shop/sql.py's statements, the
ones the order service sends, and places a real order with them."""

from typing import Any

import psycopg2
import psycopg2.extensions
import pytest
from django.db import connection

from bench.ceiling import place_order_sql
from shop import sql
from shop.models import Order, StockMovement
from shop.services.orders import PRODUCT_READ_FIELDS


class RecordingCursor(psycopg2.extensions.cursor):
    sent: list[str]

    def execute(self, query: Any, vars: Any = None) -> None:  # noqa: A002 (psycopg2's name)
        self.sent.append(query)
        super().execute(query, vars)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_ceiling_places_an_order_with_the_services_statements(
    postgres_only: None, buyer: Any, make_product: Any
) -> None:
    flour, yeast = make_product(stock=5), make_product(stock=5)
    raw = psycopg2.connect(**connection.get_connection_params())
    try:
        cursor = raw.cursor(cursor_factory=RecordingCursor)
        cursor.sent = []

        assert place_order_sql(cursor, raw, buyer.pk, [yeast.pk, flour.pk])
    finally:
        raw.close()

    assert cursor.sent == [
        sql.product_read_sql(PRODUCT_READ_FIELDS),
        sql.order_insert_sql(),
        sql.stock_update_sql(2),
    ]
    order = Order.objects.get(user=buyer)
    assert sorted(order.lines.values_list("product_id", flat=True)) == [flour.pk, yeast.pk]
    assert StockMovement.objects.filter(order=order).count() == 2
    flour.refresh_from_db()
    assert flour.stock == 4

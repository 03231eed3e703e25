"""The database ceiling's client: the order service's own statements, sent by psycopg2.

The statements are shop/sql.py's, the same objects the service sends (tests/test_bench_sql.py
checks it), built with the service's own helpers; only the connection is not Django's. Import
this module after django.setup().
"""

from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from companies.models import Membership
from shop import sql
from shop.models import Order, OrderLine, Product, StockMovement
from shop.services.orders import PRODUCT_READ_FIELDS, ProductRow
from shop.services.stock import movements_for


@cache
def _company_of(user_id: int) -> int:
    """The user's company, read once per user through Django's own connection: the API reads
    it with the token (shop.sql.token_lookup), which this ceiling leaves out. The order's mail
    task row, which the service inserts in the order's transaction before the stock update,
    is left out too: the ceiling is the order's own statements, so it can only be higher
    than with it."""
    return Membership.objects.values_list("company_id", flat=True).get(user_id=user_id)


def place_order_sql(cursor: Any, connection: Any, user_id: int, product_ids: list[int]) -> bool:
    """The statements shop.services.orders.order_place sends, in its order; True if placed.

    The product read in autocommit (the service passes the ids in request order, here
    sorted); then BEGIN (psycopg2 sends it before the first statement of a transaction, as
    under Django's atomic), the inserts of order, lines and ledger rows in one statement, the
    conditional stock update, and COMMIT (or, when a line was short, the service's read of
    the short lines and ROLLBACK). One unit of each product.
    """
    ids = sorted(set(product_ids))
    connection.autocommit = True  # the service reads outside its transaction
    cursor.execute(sql.product_read_sql(PRODUCT_READ_FIELDS), (user_id, ids))
    products = {row[0]: ProductRow.from_db(row) for row in cursor.fetchall()}
    connection.autocommit = False
    lines = [
        OrderLine(
            product_id=pid,
            sku=products[pid].sku,
            name=products[pid].name,
            unit=products[pid].unit,
            unit_price=products[pid].price_at(1),
            quantity=1,
            line_total=products[pid].price_at(1),
            vat_rate=products[pid].vat_rate,
        )
        for pid in ids
    ]
    order = Order(
        user_id=user_id,
        company_id=_company_of(user_id),
        currency=products[ids[0]].currency,
        total=sum((line.line_total for line in lines), Decimal("0.00")),
        line_count=len(lines),
        created_at=datetime.now(UTC),
        request_fingerprint="0" * 64,
    )
    changes = {pid: -1 for pid in ids}
    movements = movements_for(changes, reason=StockMovement.Reason.ORDER, user_id=user_id)
    cursor.execute(
        sql.order_insert_sql(),
        sql.order_insert_params(order=order, lines=lines, movements=movements),
    )
    cursor.fetchone()
    cursor.execute(
        sql.stock_update_sql(len(ids)), sql.stock_update_params(changes, order.created_at)
    )
    taken = {row[0] for row in cursor.fetchall()}
    placed = len(taken) == len(ids)
    if placed:
        connection.commit()
    else:
        # shop.services.stock.short_lines_for's query, compiled by the ORM as there.
        short = Product.objects.filter(pk__in=set(ids) - taken).values_list("pk", "stock")
        cursor.execute(*short.query.sql_with_params())
        cursor.fetchall()
        connection.rollback()
    return placed

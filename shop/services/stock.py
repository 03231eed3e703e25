"""The one place where Product.stock changes.

Every change is one conditional UPDATE over all touched products, taken as the last statement
before commit so row locks are held as briefly as possible. On PostgreSQL the rows are locked
first in ascending id order (a MATERIALIZED CTE with FOR NO KEY UPDATE), so two orders over the
same products in opposite orders queue instead of deadlocking. NO KEY UPDATE, not UPDATE: the
order-line foreign keys inserted earlier in the same transaction hold KEY SHARE locks on those
rows in other transactions, which a plain FOR UPDATE would conflict with. On SQLite the
IMMEDIATE transaction already serialises writers.
"""

from collections.abc import Mapping

from django.db import connection
from django.utils import timezone

from shop.exceptions import ShortLine
from shop.models import Product, StockMovement


def apply_stock_changes(changes: Mapping[int, int]) -> dict[int, int]:
    """Add each signed change to its product's stock unless that would go below zero.

    Returns {product_id: new_stock} for the products that changed. Products missing from the
    result were not changed (unknown, or short of stock); the caller decides whether to roll
    back. Must run inside transaction.atomic(). One SQL statement whatever the number of rows.
    """
    if not changes:
        return {}
    table = Product._meta.db_table
    ids = sorted(changes)
    values_sql = ", ".join(["(%s, %s)"] * len(ids))
    params: list[object] = []
    for product_id in ids:
        params.extend([int(product_id), int(changes[product_id])])
    if connection.vendor == "postgresql":
        sql = f"""
            WITH change(id, amount) AS (VALUES {values_sql}),
            locked AS MATERIALIZED (
                SELECT p.id FROM {table} p
                WHERE p.id IN (SELECT id FROM change)
                ORDER BY p.id
                FOR NO KEY UPDATE
            )
            UPDATE {table} AS p
            SET stock = p.stock + change.amount, updated_at = %s
            FROM change, locked
            WHERE p.id = change.id AND p.id = locked.id AND p.stock + change.amount >= 0
            RETURNING p.id, p.stock
        """
    else:
        sql = f"""
            WITH change(id, amount) AS (VALUES {values_sql})
            UPDATE {table} AS p
            SET stock = p.stock + change.amount, updated_at = %s
            FROM change
            WHERE p.id = change.id AND p.stock + change.amount >= 0
            RETURNING id, stock
        """
    params.append(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: row[1] for row in cursor.fetchall()}


def short_lines_for(requested: Mapping[int, int], product_ids: set[int]) -> list[ShortLine]:
    """The lines among product_ids that ask for more than the current stock."""
    stock = dict(Product.objects.filter(pk__in=product_ids).values_list("pk", "stock"))
    return [
        ShortLine(product_id=pid, requested=requested[pid], available=stock.get(pid, 0))
        for pid in sorted(product_ids)
        if requested[pid] > stock.get(pid, 0)
    ]


def movements_for(
    changes: Mapping[int, int],
    *,
    reason: str,
    order_id: int | None = None,
    user_id: int | None = None,
    note: str = "",
) -> list[StockMovement]:
    return [
        StockMovement(
            product_id=pid,
            quantity=amount,
            reason=reason,
            order_id=order_id,
            user_id=user_id,
            note=note,
        )
        for pid, amount in sorted(changes.items())
    ]

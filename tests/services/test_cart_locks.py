"""Cart edits lock the buyer's cart rows only, never the products they join.

A plain FOR UPDATE over the cart joined to its products would also lock the product rows, and
conflict with the KEY SHARE locks of orders in flight on them: one buyer editing a cart would
stall everybody's orders of a hot product.
"""

import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shop import services

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

LOCK = re.compile(r"FOR (NO KEY )?UPDATE( OF [^;]*)?$")


def locks_taken(action: Callable[[], object]) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        action()
    return [m.group(0) for q in queries.captured_queries if (m := LOCK.search(q["sql"]))]


@pytest.mark.parametrize("edit", ["set_quantity", "set_quantities", "fit_to_stock"])
def test_a_cart_edit_locks_cart_rows_only(postgres_only, buyer, make_product, edit) -> None:
    flour = make_product(stock=10)
    services.cart_add(user=buyer, product_id=flour.pk, quantity=2)
    actions = {
        "set_quantity": lambda: services.cart_set_quantity(user=buyer, product_id=flour.pk, quantity=3),
        "set_quantities": lambda: services.cart_set_quantities(user=buyer, quantities={flour.pk: 4}),
        "fit_to_stock": lambda: services.cart_fit_to_stock(user=buyer),
    }

    locks = locks_taken(actions[edit])

    assert locks == ['FOR UPDATE OF "shop_cartitem"']


LOCKED_READ = re.compile(r"FOR (NO KEY )?UPDATE")


@pytest.mark.parametrize("edit", ["set_quantities", "fit_to_stock", "add_lines", "list_to_cart"])
def test_a_cart_edit_of_several_lines_locks_them_in_product_order(
    postgres_only, buyer, make_product, edit
) -> None:
    """Rows locked in one fixed order (by product id) cannot deadlock against another edit of
    the same cart locking them in that order; the order they were added in is no such order."""
    from shop.services import saved_lists

    late, early = make_product(stock=10), make_product(stock=10)
    services.cart_add(user=buyer, product_id=early.pk, quantity=4)  # added first, higher id
    services.cart_add(user=buyer, product_id=late.pk, quantity=4)
    saved = saved_lists.saved_list_create(user=buyer, name="Weekly", items=[(early.pk, 1), (late.pk, 1)])
    for product in (late, early):
        services.stock_set(product_id=product.pk, new_stock=2)
    actions = {
        "set_quantities": lambda: services.cart_set_quantities(
            user=buyer, quantities={early.pk: 1, late.pk: 1}
        ),
        "fit_to_stock": lambda: services.cart_fit_to_stock(user=buyer),
        "add_lines": lambda: services.cart_add_lines(
            user=buyer, lines=[(early.pk, 1), (late.pk, 1)], cap_to_stock=True
        ),
        "list_to_cart": lambda: saved_lists.saved_list_to_cart(user=buyer, list_id=saved.pk),
    }

    with CaptureQueriesContext(connection) as queries:
        actions[edit]()

    locked = [q["sql"] for q in queries.captured_queries if LOCKED_READ.search(q["sql"])]
    cart_locks = [sql for sql in locked if 'FROM "shop_cartitem"' in sql]
    assert cart_locks, locked
    for sql in cart_locks:
        # A values_list() read orders by its first column's position, the product id.
        select, _, order_by = sql.partition(" ORDER BY ")
        assert select.startswith('SELECT "shop_cartitem"."product_id"') or order_by.startswith(
            '"shop_cartitem"."product_id" ASC'
        ), sql
        assert order_by.startswith(('"shop_cartitem"."product_id" ASC', "1 ASC")), sql

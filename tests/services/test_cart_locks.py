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

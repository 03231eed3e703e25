"""selectors.cart_summary: what the cart badge on every page shows."""

from collections.abc import Callable
from typing import Any

from shop import services
from shop.models import Product
from shop.selectors import CartSummary, cart_summary


def test_an_empty_cart_has_no_lines_and_no_units(buyer: Any) -> None:
    assert cart_summary(buyer) == CartSummary(line_count=0, unit_count=0)


def test_it_counts_lines_and_adds_up_units_of_this_buyer_only(
    buyer: Any, other_buyer: Any, make_product: Callable[..., Product]
) -> None:
    flour, yeast = make_product(stock=50), make_product(stock=50)
    services.cart_add(user=buyer, product_id=flour.pk, quantity=3)
    services.cart_add(user=buyer, product_id=yeast.pk, quantity=4)
    services.cart_add(user=other_buyer, product_id=flour.pk, quantity=9)

    assert cart_summary(buyer) == CartSummary(line_count=2, unit_count=7)

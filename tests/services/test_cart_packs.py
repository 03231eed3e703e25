"""The cart and the pack rules: refused quantities name the nearest allowed ones; where the
cart caps a line itself (to stock, order again) it rounds down to an allowed quantity."""

from typing import Any

import pytest

from shop import services
from shop.exceptions import InsufficientStock, InvalidQuantity, QuantityNotAllowed
from shop.models import CartItem, Product

pytestmark = pytest.mark.django_db


def cart_of(user: Any) -> dict[int, int]:
    return dict(CartItem.objects.filter(user=user).values_list("product_id", "quantity"))


def test_adding_a_quantity_the_pack_rules_refuse_adds_nothing_and_names_the_nearest(
    buyer: Any, make_product: Any
) -> None:
    malt = make_product(stock=100, name="Pilsner malt", order_multiple=8)

    with pytest.raises(QuantityNotAllowed) as refused:
        services.cart_add(user=buyer, product_id=malt.pk, quantity=12)

    assert str(refused.value) == "Pilsner malt (25 kg sack): sold in multiples of 8: 8 or 16."
    (problem,) = refused.value.problems
    assert (problem.product_id, problem.quantity, problem.nearest) == (malt.pk, 12, (8, 16))
    assert isinstance(refused.value, InvalidQuantity)  # callers handling InvalidQuantity still do
    assert cart_of(buyer) == {}


def test_adding_below_the_minimum_is_refused_and_the_minimum_is_accepted(
    buyer: Any, make_product: Any
) -> None:
    yeast = make_product(stock=100, name="Fresh yeast", min_order_quantity=10)

    with pytest.raises(QuantityNotAllowed, match="minimum order 10: 10"):
        services.cart_add(user=buyer, product_id=yeast.pk, quantity=4)
    services.cart_add(user=buyer, product_id=yeast.pk, quantity=10)
    services.cart_add(user=buyer, product_id=yeast.pk, quantity=10)

    assert cart_of(buyer) == {yeast.pk: 20}


def test_adding_to_a_line_the_rules_changed_under_judges_the_new_total(
    buyer: Any, make_product: Any
) -> None:
    malt = make_product(stock=100, name="Malt")
    services.cart_add(user=buyer, product_id=malt.pk, quantity=3)
    Product.objects.filter(pk=malt.pk).update(order_multiple=8)

    with pytest.raises(QuantityNotAllowed, match="8 or 16"):
        services.cart_add(user=buyer, product_id=malt.pk, quantity=8)  # 3 + 8 = 11

    assert cart_of(buyer) == {malt.pk: 3}


def test_the_pack_rules_are_judged_before_the_stock(buyer: Any, make_product: Any) -> None:
    malt = make_product(stock=5, order_multiple=8)

    with pytest.raises(QuantityNotAllowed):
        services.cart_add(user=buyer, product_id=malt.pk, quantity=12)
    with pytest.raises(InsufficientStock):
        services.cart_add(user=buyer, product_id=malt.pk, quantity=8)


def test_setting_a_line_to_a_refused_quantity_keeps_it(buyer: Any, make_product: Any) -> None:
    malt = make_product(stock=100, order_multiple=8)
    services.cart_add(user=buyer, product_id=malt.pk, quantity=8)

    with pytest.raises(QuantityNotAllowed, match="16 or 24"):
        services.cart_set_quantity(user=buyer, product_id=malt.pk, quantity=20)
    services.cart_set_quantity(user=buyer, product_id=malt.pk, quantity=24)

    assert cart_of(buyer) == {malt.pk: 24}


def test_setting_several_lines_refuses_them_all_listing_every_refused_line(
    buyer: Any, make_product: Any
) -> None:
    malt = make_product(stock=100, order_multiple=8)
    yeast = make_product(stock=100, min_order_quantity=10)
    salt = make_product(stock=100)
    for product, quantity in ((malt, 8), (yeast, 10), (salt, 1)):
        services.cart_add(user=buyer, product_id=product.pk, quantity=quantity)

    with pytest.raises(QuantityNotAllowed) as refused:
        services.cart_set_quantities(
            user=buyer, quantities={malt.pk: 9, yeast.pk: 5, salt.pk: 2}
        )

    assert [(p.product_id, p.nearest) for p in refused.value.problems] == [
        (malt.pk, (8, 16)),
        (yeast.pk, (10,)),
    ]
    assert cart_of(buyer) == {malt.pk: 8, yeast.pk: 10, salt.pk: 1}


def test_a_line_left_at_its_quantity_is_not_judged_again(buyer: Any, make_product: Any) -> None:
    malt = make_product(stock=100)
    salt = make_product(stock=100)
    services.cart_add(user=buyer, product_id=malt.pk, quantity=3)
    services.cart_add(user=buyer, product_id=salt.pk, quantity=1)
    Product.objects.filter(pk=malt.pk).update(order_multiple=8)

    services.cart_set_quantities(user=buyer, quantities={malt.pk: 3, salt.pk: 2})

    assert cart_of(buyer) == {malt.pk: 3, salt.pk: 2}


def test_fitting_to_stock_rounds_down_to_an_allowed_quantity_or_drops_the_line(
    buyer: Any, make_product: Any
) -> None:
    malt = make_product(stock=100, name="Malt", order_multiple=8)
    yeast = make_product(stock=100, name="Yeast", min_order_quantity=10)
    salt = make_product(stock=100, name="Salt")
    services.cart_add(user=buyer, product_id=malt.pk, quantity=40)
    services.cart_add(user=buyer, product_id=yeast.pk, quantity=12)
    services.cart_add(user=buyer, product_id=salt.pk, quantity=30)
    services.stock_set(product_id=malt.pk, new_stock=21)
    services.stock_set(product_id=yeast.pk, new_stock=9)
    services.stock_set(product_id=salt.pk, new_stock=7)

    changes = services.cart_fit_to_stock(user=buyer)

    assert [(c.name, c.requested, c.quantity, c.pack_rule) for c in changes] == [
        ("Malt (25 kg sack)", 40, 16, "sold in multiples of 8"),
        ("Salt (25 kg sack)", 30, 7, ""),
        ("Yeast (25 kg sack)", 12, 0, "minimum order 10"),
    ]
    assert cart_of(buyer) == {malt.pk: 16, salt.pk: 7}


def test_fitting_to_stock_reports_the_lines_in_the_carts_order_not_the_lock_order(
    buyer: Any, make_product: Any
) -> None:
    """The rows are locked by product id; the changes come back as the cart lists its lines
    (by name, then pack)."""
    spelt, rye = make_product(stock=100, name="Spelt"), make_product(stock=100, name="Rye")
    services.cart_add(user=buyer, product_id=spelt.pk, quantity=9)
    services.cart_add(user=buyer, product_id=rye.pk, quantity=9)
    services.stock_set(product_id=spelt.pk, new_stock=2)
    services.stock_set(product_id=rye.pk, new_stock=3)

    changes = services.cart_fit_to_stock(user=buyer)

    assert [(c.name, c.quantity) for c in changes] == [
        ("Rye (25 kg sack)", 3), ("Spelt (25 kg sack)", 2)
    ]


def test_order_again_rounds_down_to_allowed_quantities_and_reports_each(
    buyer: Any, make_product: Any
) -> None:
    malt = make_product(stock=100, name="Malt")
    rye = make_product(stock=100, name="Rye")
    salt = make_product(stock=100, name="Salt")
    order = services.order_place(user=buyer, lines=[(malt.pk, 20), (rye.pk, 3), (salt.pk, 2)]).order
    Product.objects.filter(pk=malt.pk).update(order_multiple=8)  # now by the pallet layer
    Product.objects.filter(pk=rye.pk).update(min_order_quantity=5)
    services.stock_set(product_id=salt.pk, new_stock=1)

    capped = services.cart_add_order(user=buyer, order_id=order.pk)

    assert [(c.name, c.requested, c.quantity, c.pack_rule) for c in capped] == [
        ("Malt (25 kg sack)", 20, 16, "sold in multiples of 8"),
        ("Rye (25 kg sack)", 3, 0, "minimum order 5"),
        ("Salt (25 kg sack)", 2, 1, ""),
    ]
    assert cart_of(buyer) == {malt.pk: 16, salt.pk: 1}


def test_order_again_adds_to_the_cart_on_allowed_totals(buyer: Any, make_product: Any) -> None:
    malt = make_product(stock=30, name="Malt", order_multiple=8)
    order = services.order_place(user=buyer, lines=[(malt.pk, 16)]).order
    services.cart_add(user=buyer, product_id=malt.pk, quantity=8)

    capped = services.cart_add_order(user=buyer, order_id=order.pk)  # 8 + 16 > 14 in stock

    assert [(c.requested, c.quantity) for c in capped] == [(16, 8)]
    assert cart_of(buyer) == {malt.pk: 8}

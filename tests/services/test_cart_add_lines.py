"""cart_add_lines: many products into the cart in one write, each line added, capped by stock
or refused by the pack rules; and order again with chosen lines, which goes through it."""

from collections.abc import Callable
from typing import Any

import pytest

from companies.exceptions import Forbidden
from companies.models import Role
from shop import services
from shop.exceptions import InvalidQuantity, OrderNotFound
from shop.models import CartItem, Order, Product
from tests.factories import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def flour(make_product: Callable[..., Product]) -> Product:
    return make_product(name="Strong white flour", stock=10)


@pytest.fixture
def malt(make_product: Callable[..., Product]) -> Product:
    return make_product(name="Pale ale malt", stock=20, order_multiple=8)


def cart_of(user: Any) -> dict[int, int]:
    return dict(CartItem.objects.filter(user=user).values_list("product_id", "quantity"))


def test_lines_are_added_together_with_what_the_cart_holds(buyer: Any, flour: Product, malt: Product) -> None:
    services.cart_add(user=buyer, product_id=flour.pk, quantity=2)

    outcomes = services.cart_add_lines(
        user=buyer, lines=[(flour.pk, 3), (malt.pk, 8), (flour.pk, 1)], cap_to_stock=False
    )

    assert cart_of(buyer) == {flour.pk: 6, malt.pk: 8}
    assert [(o.product_id, o.requested, o.added, o.in_cart) for o in outcomes] == [
        (flour.pk, 4, 4, 6),
        (malt.pk, 8, 8, 8),
    ]
    assert all(o.is_full for o in outcomes)


def test_without_capping_a_line_over_stock_is_refused_and_the_others_added(
    buyer: Any, flour: Product, malt: Product
) -> None:
    outcomes = services.cart_add_lines(
        user=buyer, lines=[(flour.pk, 11), (malt.pk, 8)], cap_to_stock=False
    )

    refused = outcomes[0]
    assert refused.is_refused and refused.available == 10
    assert refused.problem == "Only 10 in stock."
    assert cart_of(buyer) == {malt.pk: 8}


def test_capping_lowers_a_line_to_the_stock(buyer: Any, flour: Product) -> None:
    (outcome,) = services.cart_add_lines(user=buyer, lines=[(flour.pk, 15)], cap_to_stock=True)

    assert outcome.is_capped and outcome.added == 10 and outcome.in_cart == 10
    assert cart_of(buyer) == {flour.pk: 10}


def test_capping_keeps_to_the_pack_rules(buyer: Any, malt: Product) -> None:
    # 20 in stock, sold by 8: 24 is capped to 16, not 20.
    (outcome,) = services.cart_add_lines(user=buyer, lines=[(malt.pk, 24)], cap_to_stock=True)

    assert outcome.is_capped and outcome.in_cart == 16
    assert cart_of(buyer) == {malt.pk: 16}


def test_a_line_the_pack_rules_refuse_is_refused_naming_the_nearest(buyer: Any, malt: Product) -> None:
    (outcome,) = services.cart_add_lines(user=buyer, lines=[(malt.pk, 12)], cap_to_stock=True)

    assert outcome.is_refused and outcome.problem == "Sold in multiples of 8: 8 or 16."
    assert cart_of(buyer) == {}


def test_a_product_no_longer_for_sale_is_refused(buyer: Any, make_product: Any) -> None:
    gone = make_product(is_active=False)

    (outcome,) = services.cart_add_lines(user=buyer, lines=[(gone.pk, 1)], cap_to_stock=True)

    assert outcome.is_refused and outcome.problem == "No longer for sale."
    assert cart_of(buyer) == {}


def test_a_quantity_that_is_not_a_whole_number_in_range_is_an_error(buyer: Any, flour: Product) -> None:
    for bad in (0, -1, 10_001, "2"):
        with pytest.raises(InvalidQuantity):
            services.cart_add_lines(user=buyer, lines=[(flour.pk, bad)], cap_to_stock=True)  # type: ignore[list-item]
    assert cart_of(buyer) == {}


def test_a_viewer_cannot_add_lines(buyer: Any, flour: Product) -> None:
    viewer = make_member("viewer@bakery.test", buyer.membership.company, Role.VIEWER)

    with pytest.raises(Forbidden):
        services.cart_add_lines(user=viewer, lines=[(flour.pk, 1)], cap_to_stock=True)
    assert cart_of(viewer) == {}


# --- order again ---------------------------------------------------------------------------


@pytest.fixture
def order(buyer: Any, flour: Product, malt: Product) -> Order:
    return services.order_place(user=buyer, lines=[(flour.pk, 3), (malt.pk, 8)]).order


def line_ids(order: Order) -> dict[int, int]:
    return {line.product_id: line.pk for line in order.lines.all()}


def test_order_again_without_a_choice_adds_every_line_as_ordered(
    buyer: Any, order: Order, flour: Product, malt: Product
) -> None:
    services.cart_add_order(user=buyer, order_id=order.pk)

    assert cart_of(buyer) == {flour.pk: 3, malt.pk: 8}


def test_order_again_adds_only_the_chosen_lines_at_the_chosen_quantities(
    buyer: Any, order: Order, flour: Product, malt: Product
) -> None:
    ids = line_ids(order)

    outcomes = services.cart_add_order(user=buyer, order_id=order.pk, quantities={ids[flour.pk]: 5})

    assert cart_of(buyer) == {flour.pk: 5}
    assert [o.product_id for o in outcomes] == [flour.pk]


def test_order_again_caps_chosen_lines_to_stock_and_refuses_by_pack_rules(
    buyer: Any, order: Order, flour: Product, malt: Product
) -> None:
    ids = line_ids(order)  # stock now: flour 7, malt 12

    outcomes = services.cart_add_order(
        user=buyer, order_id=order.pk, quantities={ids[flour.pk]: 9, ids[malt.pk]: 4}
    )

    by_product = {o.product_id: o for o in outcomes}
    assert by_product[flour.pk].is_capped and by_product[flour.pk].in_cart == 7
    assert by_product[malt.pk].is_refused
    assert by_product[malt.pk].problem == "Sold in multiples of 8: 8."
    assert cart_of(buyer) == {flour.pk: 7}


def test_order_again_refuses_a_line_of_another_order(
    buyer: Any, order: Order, flour: Product
) -> None:
    other = services.order_place(user=buyer, lines=[(flour.pk, 1)]).order

    with pytest.raises(InvalidQuantity):
        services.cart_add_order(
            user=buyer, order_id=order.pk, quantities={other.lines.get().pk: 1}
        )
    assert cart_of(buyer) == {}


def test_another_companys_order_cannot_be_ordered_again_by_line(
    other_buyer: Any, order: Order, flour: Product
) -> None:
    with pytest.raises(OrderNotFound):
        services.cart_add_order(
            user=other_buyer, order_id=order.pk, quantities={line_ids(order)[flour.pk]: 1}
        )
    assert cart_of(other_buyer) == {}

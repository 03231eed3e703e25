"""order_place_from_cart: the cart is consumed inside the order's transaction (issue 11,
item 2), and the order holds what the checkout page showed (item 12)."""

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shop import services
from shop.exceptions import CartAlreadyOrdered, CartNotAsShown, InsufficientStock, InvalidOrder
from shop.models import CartItem, Order, Product, StockMovement
from tests.services.test_concurrency import race

pytestmark = pytest.mark.django_db


def cart_of(user) -> dict[int, int]:
    return dict(CartItem.objects.filter(user=user).values_list("product_id", "quantity"))


def stock_of(product: Product) -> int:
    return Product.objects.values_list("stock", flat=True).get(pk=product.pk)


def test_the_order_holds_the_lines_the_page_showed_and_empties_the_cart(buyer, make_product):
    flour, sugar = make_product(stock=10), make_product(stock=10)
    services.cart_add(user=buyer, product_id=flour.pk, quantity=2)
    services.cart_add(user=buyer, product_id=sugar.pk, quantity=3)

    placed = services.order_place_from_cart(
        user=buyer, idempotency_key="k1", shown_lines={flour.pk: 2, sugar.pk: 3}
    )

    assert {line.product_id: line.quantity for line in placed.order.lines.all()} == {
        flour.pk: 2,
        sugar.pk: 3,
    }
    assert cart_of(buyer) == {}
    assert (stock_of(flour), stock_of(sugar)) == (8, 7)


def test_a_page_showing_another_quantity_than_the_cart_orders_nothing(buyer, make_product):
    flour = make_product(stock=10)
    services.cart_add(user=buyer, product_id=flour.pk, quantity=2)

    with pytest.raises(CartNotAsShown) as caught:
        services.order_place_from_cart(user=buyer, shown_lines={flour.pk: 5})

    assert caught.value.shown == {flour.pk: 5} and caught.value.cart == {flour.pk: 2}
    assert caught.value.only_quantities_differ
    assert not Order.objects.exists()
    assert cart_of(buyer) == {flour.pk: 2}


def test_a_page_missing_a_line_of_the_cart_orders_nothing(buyer, make_product):
    flour, sugar = make_product(stock=10), make_product(stock=10)
    services.cart_add(user=buyer, product_id=flour.pk, quantity=2)
    services.cart_add(user=buyer, product_id=sugar.pk, quantity=1)  # added in another tab

    with pytest.raises(CartNotAsShown) as caught:
        services.order_place_from_cart(user=buyer, shown_lines={flour.pk: 2})

    assert not caught.value.only_quantities_differ
    assert not Order.objects.exists()


def test_a_second_checkout_of_an_ordered_cart_is_told_which_order_took_it(buyer, make_product):
    flour = make_product(stock=10)
    services.cart_add(user=buyer, product_id=flour.pk, quantity=2)
    first = services.order_place_from_cart(
        user=buyer, idempotency_key="tab-1", shown_lines={flour.pk: 2}
    ).order

    with pytest.raises(CartAlreadyOrdered) as caught:
        services.order_place_from_cart(
            user=buyer, idempotency_key="tab-2", shown_lines={flour.pk: 2}
        )

    assert caught.value.order == first
    assert Order.objects.count() == 1
    assert stock_of(flour) == 8


def test_an_emptied_cart_that_no_order_took_is_just_empty(buyer, make_product):
    flour = make_product(stock=10)
    services.cart_add(user=buyer, product_id=flour.pk, quantity=2)
    services.cart_remove(user=buyer, product_id=flour.pk)

    with pytest.raises(InvalidOrder, match="Your cart is empty"):
        services.order_place_from_cart(user=buyer, shown_lines={flour.pk: 2})


def test_a_cart_taken_after_it_was_read_is_not_ordered_again(buyer, make_product):
    """The other checkout commits between this one's cart read and its transaction."""
    flour = make_product(stock=10)
    services.cart_add(user=buyer, product_id=flour.pk, quantity=2)
    real_read = services.orders._products_for
    other = {}

    def other_tab_checks_out_first(user, product_ids, skus=()):
        if not other:
            other["order"] = None  # the other tab's own read goes straight through
            other["order"] = services.order_place_from_cart(
                user=buyer, idempotency_key="tab-1", shown_lines={flour.pk: 2}
            ).order
        return real_read(user, product_ids, skus)

    with mock.patch.object(services.orders, "_products_for", other_tab_checks_out_first):
        with pytest.raises(CartAlreadyOrdered) as caught:
            services.order_place_from_cart(
                user=buyer, idempotency_key="tab-2", shown_lines={flour.pk: 2}
            )

    assert caught.value.order == other["order"]
    assert Order.objects.count() == 1
    assert stock_of(flour) == 8
    assert StockMovement.objects.filter(reason="order").count() == 1


def test_a_line_added_after_the_cart_was_read_is_neither_ordered_nor_lost(buyer, make_product):
    flour, sugar = make_product(stock=10), make_product(stock=10)
    services.cart_add(user=buyer, product_id=flour.pk, quantity=2)
    real_read = services.orders._products_for

    def other_tab_adds_a_line(user, product_ids, skus=()):
        services.cart_add(user=buyer, product_id=sugar.pk, quantity=1)
        return real_read(user, product_ids, skus)

    with mock.patch.object(services.orders, "_products_for", other_tab_adds_a_line):
        with pytest.raises(CartNotAsShown):
            services.order_place_from_cart(user=buyer, shown_lines={flour.pk: 2})

    assert not Order.objects.exists()
    assert cart_of(buyer) == {flour.pk: 2, sugar.pk: 1}
    assert stock_of(flour) == 10


def test_a_failed_checkout_keeps_the_cart(buyer, make_product):
    flour = make_product(stock=1)
    services.cart_add(user=buyer, product_id=flour.pk, quantity=1)
    services.stock_set(product_id=flour.pk, new_stock=0)

    with pytest.raises(InsufficientStock):
        services.order_place_from_cart(user=buyer, shown_lines={flour.pk: 1})

    assert cart_of(buyer) == {flour.pk: 1}


def test_round_trips_do_not_grow_with_the_number_of_cart_lines(buyer, other_buyer, make_product):
    one = [make_product(stock=100)]
    twenty = [make_product(stock=100) for _ in range(20)]
    for user, products in ((buyer, one), (other_buyer, twenty)):
        for product in products:
            services.cart_add(user=user, product_id=product.pk, quantity=1)

    with CaptureQueriesContext(connection) as single:
        services.order_place_from_cart(
            user=buyer, idempotency_key="a", shown_lines={p.pk: 1 for p in one}
        )
    with CaptureQueriesContext(connection) as many:
        services.order_place_from_cart(
            user=other_buyer, idempotency_key="b", shown_lines={p.pk: 1 for p in twenty}
        )

    assert len(single) == len(many)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_checkout_is_five_reads_and_three_statements_in_its_transaction(
    postgres_only, buyer, make_product
):
    """Membership (role, company), key, delivery address, cart and product reads; then BEGIN,
    the cart delete, the inserts, the stock update, COMMIT."""
    products = [make_product(stock=100) for _ in range(3)]
    for product in products:
        services.cart_add(user=buyer, product_id=product.pk, quantity=1)

    with CaptureQueriesContext(connection) as queries:
        services.order_place_from_cart(
            user=buyer, idempotency_key="k", shown_lines={p.pk: 1 for p in products}
        )

    statements = [q["sql"].split(None, 1)[0].upper() for q in queries]
    checkout = [*["SELECT"] * 5, "BEGIN", "DELETE", "WITH", "WITH", "COMMIT"]
    assert statements[: len(checkout)] == checkout
    # After COMMIT only the mail, rendered at once by the tests' immediate task backend.
    assert set(statements[len(checkout) :]) <= {"SELECT"}
    assert "RETURNING" in queries[6]["sql"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(5))
def test_two_checkouts_of_one_cart_at_once_place_one_order(
    postgres_only, buyer, make_product, attempt
):
    flour, sugar = make_product(stock=50), make_product(stock=50)
    services.cart_add(user=buyer, product_id=flour.pk, quantity=2)
    services.cart_add(user=buyer, product_id=sugar.pk, quantity=1)
    shown = {flour.pk: 2, sugar.pk: 1}

    results = race(
        [
            (lambda key=key: services.order_place_from_cart(
                user=buyer, idempotency_key=key, shown_lines=shown
            ))
            for key in (f"tab-a-{attempt}", f"tab-b-{attempt}")
        ]
    )

    placed = [r for r in results if isinstance(r, services.PlacedOrder)]
    refused = [r for r in results if isinstance(r, CartAlreadyOrdered)]
    assert (len(placed), len(refused)) == (1, 1), results
    assert refused[0].order == placed[0].order
    assert Order.objects.count() == 1
    assert (stock_of(flour), stock_of(sugar)) == (48, 49)
    assert cart_of(buyer) == {}

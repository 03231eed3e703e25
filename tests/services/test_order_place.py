from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shop import services
from shop.exceptions import IdempotencyKeyReused, InsufficientStock, InvalidOrder, ShortLine
from shop.models import CartItem, Order, OrderLine, Product, StockMovement

pytestmark = pytest.mark.django_db


def stock_of(product: Product) -> int:
    return Product.objects.values_list("stock", flat=True).get(pk=product.pk)


def test_an_order_within_stock_moves_stock_lines_and_ledger(buyer, make_product):
    flour = make_product(stock=10, price="21.40", name="Strong white flour")
    yeast = make_product(stock=5, price="3.90", name="Fresh yeast")

    placed = services.order_place(user=buyer, lines=[(flour.pk, 3), (yeast.pk, 5)])

    order = placed.order
    assert not placed.replayed
    assert order.status == Order.Status.PLACED
    assert order.total == Decimal("3") * Decimal("21.40") + Decimal("5") * Decimal("3.90")
    assert stock_of(flour) == 7
    assert stock_of(yeast) == 0
    lines = {line.product_id: line for line in OrderLine.objects.filter(order=order)}
    assert lines[flour.pk].quantity == 3
    assert lines[flour.pk].unit_price == Decimal("21.40")
    assert lines[flour.pk].name == "Strong white flour"
    assert lines[flour.pk].line_total == Decimal("64.20")
    movements = StockMovement.objects.filter(order=order, reason=StockMovement.Reason.ORDER)
    assert sorted(movements.values_list("product_id", "quantity")) == sorted(
        [(flour.pk, -3), (yeast.pk, -5)]
    )


def test_lines_naming_the_same_product_are_added_together(buyer, make_product):
    flour = make_product(stock=10)

    order = services.order_place(user=buyer, lines=[(flour.pk, 2), (flour.pk, 3)]).order

    assert list(order.lines.values_list("quantity", flat=True)) == [5]
    assert stock_of(flour) == 5


def test_order_lines_keep_name_and_price_as_ordered(buyer, make_product):
    flour = make_product(stock=10, price="10.00", name="Rye flour")
    order = services.order_place(user=buyer, lines=[(flour.pk, 1)]).order

    Product.objects.filter(pk=flour.pk).update(price=Decimal("99.00"), name="Renamed")

    line = OrderLine.objects.get(order=order)
    assert (line.name, line.unit_price) == ("Rye flour", Decimal("10.00"))


def test_an_order_with_short_lines_reports_every_one_and_changes_nothing(buyer, make_product):
    plenty = make_product(stock=50)
    short_a = make_product(stock=2)
    short_b = make_product(stock=0)

    with pytest.raises(InsufficientStock) as caught:
        services.order_place(
            user=buyer, lines=[(plenty.pk, 5), (short_a.pk, 3), (short_b.pk, 1)]
        )

    assert caught.value.short_lines == [
        ShortLine(product_id=short_a.pk, requested=3, available=2),
        ShortLine(product_id=short_b.pk, requested=1, available=0),
    ]
    assert Order.objects.count() == 0
    assert OrderLine.objects.count() == 0
    assert StockMovement.objects.exclude(reason=StockMovement.Reason.INITIAL).count() == 0
    assert [stock_of(p) for p in (plenty, short_a, short_b)] == [50, 2, 0]


def test_a_line_found_short_under_the_lock_rolls_everything_back(buyer, make_product):
    """Stock read before the transaction said enough; the locked update finds less."""
    flour = make_product(stock=5)
    sugar = make_product(stock=5)
    real_write = services.orders.order_write_taking_stock

    def someone_else_bought_first(**kwargs):
        services.stock_set(product_id=sugar.pk, new_stock=1)
        return real_write(**kwargs)

    with mock.patch.object(services.orders, "order_write_taking_stock", someone_else_bought_first):
        with pytest.raises(InsufficientStock) as caught:
            services.order_place(user=buyer, lines=[(flour.pk, 2), (sugar.pk, 3)])

    assert caught.value.short_lines == [ShortLine(product_id=sugar.pk, requested=3, available=1)]
    assert stock_of(flour) == 5
    assert Order.objects.count() == 0
    assert OrderLine.objects.count() == 0
    assert StockMovement.objects.filter(reason=StockMovement.Reason.ORDER).count() == 0


def test_every_line_found_short_under_the_lock_is_reported(buyer, make_product):
    plenty = make_product(stock=50)
    flour = make_product(stock=5)
    sugar = make_product(stock=5)
    real_write = services.orders.order_write_taking_stock

    def others_bought_first(**kwargs):
        services.stock_set(product_id=flour.pk, new_stock=0)
        services.stock_set(product_id=sugar.pk, new_stock=2)
        return real_write(**kwargs)

    with mock.patch.object(services.orders, "order_write_taking_stock", others_bought_first):
        with pytest.raises(InsufficientStock) as caught:
            services.order_place(
                user=buyer, lines=[(sugar.pk, 3), (plenty.pk, 10), (flour.pk, 1)]
            )

    assert caught.value.short_lines == [
        ShortLine(product_id=flour.pk, requested=1, available=0),
        ShortLine(product_id=sugar.pk, requested=3, available=2),
    ]
    assert stock_of(plenty) == 50
    assert Order.objects.count() == 0
    assert OrderLine.objects.count() == 0
    assert StockMovement.objects.filter(reason=StockMovement.Reason.ORDER).count() == 0


def test_a_failure_after_the_first_write_rolls_everything_back(buyer, make_product):
    flour = make_product(stock=10)
    services.cart_add(user=buyer, product_id=flour.pk, quantity=2)

    def crash_after_the_rows_are_written(requested, taken):
        # Inside the order's transaction: the order, its line and the stock change are there.
        assert OrderLine.objects.filter(product=flour, order__user=buyer).count() == 1
        assert stock_of(flour) == 8
        raise RuntimeError("crash")

    with mock.patch.object(
        services.orders, "require_every_line_taken", side_effect=crash_after_the_rows_are_written
    ) as crashed:
        with pytest.raises(RuntimeError):
            services.order_place_from_cart(user=buyer)

    assert crashed.called
    assert Order.objects.count() == 0
    assert OrderLine.objects.count() == 0
    assert StockMovement.objects.filter(reason=StockMovement.Reason.ORDER).count() == 0
    assert stock_of(flour) == 10
    assert list(CartItem.objects.filter(user=buyer).values_list("quantity", flat=True)) == [2]


def test_a_failure_in_the_stock_write_rolls_everything_back(buyer, make_product):
    flour = make_product(stock=10)
    services.cart_add(user=buyer, product_id=flour.pk, quantity=2)

    with mock.patch.object(
        services.orders, "order_write_taking_stock", side_effect=RuntimeError("crash")
    ):
        with pytest.raises(RuntimeError):
            services.order_place_from_cart(user=buyer)

    assert Order.objects.count() == 0
    assert StockMovement.objects.filter(reason=StockMovement.Reason.ORDER).count() == 0
    assert stock_of(flour) == 10
    # The cart delete ran before the failing write and was rolled back with it.
    assert list(CartItem.objects.filter(user=buyer).values_list("quantity", flat=True)) == [2]


def test_the_placed_order_and_lines_are_the_saved_rows(buyer, make_product):
    """The returned instances are built in Python, not read back: they must match the rows."""
    flour = make_product(stock=10, price="21.40", name="Strong white flour")
    yeast = make_product(stock=5, price="3.90", name="Fresh yeast")

    placed = services.order_place(
        user=buyer, lines=[(yeast.pk, 2), (flour.pk, 3)], idempotency_key="fresh-1"
    )

    saved = Order.objects.get(pk=placed.order.pk)
    for field in ("user_id", "status", "currency", "total", "line_count", "created_at",
                  "cancelled_at", "idempotency_key", "request_fingerprint"):
        assert getattr(placed.order, field) == getattr(saved, field), field
    assert not placed.order._state.adding
    fields = ("pk", "order_id", "product_id", "sku", "name", "unit", "unit_price", "quantity",
              "line_total")
    assert [[getattr(line, f) for f in fields] for line in placed.lines] == [
        [getattr(line, f) for f in fields] for line in saved.lines.order_by("product_id")
    ]
    assert set(StockMovement.objects.filter(order=saved).values_list("user_id", flat=True)) == {
        buyer.pk
    }


def test_placing_from_the_cart_empties_it(buyer, make_product):
    flour = make_product(stock=10)
    sugar = make_product(stock=10)
    services.cart_add(user=buyer, product_id=flour.pk, quantity=2)
    services.cart_add(user=buyer, product_id=sugar.pk, quantity=1)

    order = services.order_place_from_cart(user=buyer).order

    assert sorted(order.lines.values_list("product_id", "quantity")) == sorted(
        [(flour.pk, 2), (sugar.pk, 1)]
    )
    assert not CartItem.objects.filter(user=buyer).exists()


def test_a_failed_checkout_keeps_the_cart(buyer, make_product):
    flour = make_product(stock=10)
    services.cart_add(user=buyer, product_id=flour.pk, quantity=4)
    services.stock_set(product_id=flour.pk, new_stock=3)

    with pytest.raises(InsufficientStock):
        services.order_place_from_cart(user=buyer)

    assert list(CartItem.objects.filter(user=buyer).values_list("quantity", flat=True)) == [4]


def test_an_empty_cart_cannot_be_ordered(buyer):
    with pytest.raises(InvalidOrder) as caught:
        services.order_place_from_cart(user=buyer)
    assert "lines" in caught.value.errors


@pytest.mark.parametrize("quantity", [0, -1, 1.5, "2", True, 10_001, None])
def test_bad_quantities_are_refused(buyer, make_product, quantity):
    flour = make_product(stock=10)

    with pytest.raises(InvalidOrder) as caught:
        services.order_place(user=buyer, lines=[{"product": flour.pk, "quantity": quantity}])

    assert "lines[0].quantity" in caught.value.errors
    assert stock_of(flour) == 10


def test_empty_and_oversized_orders_are_refused(buyer, make_product):
    flour = make_product(stock=1000)
    with pytest.raises(InvalidOrder):
        services.order_place(user=buyer, lines=[])
    with pytest.raises(InvalidOrder):
        services.order_place(user=buyer, lines=[(flour.pk, 1)] * 101)
    assert Order.objects.count() == 0


def test_unknown_and_inactive_products_are_refused(buyer, make_product):
    active = make_product(stock=10)
    inactive = make_product(stock=10, is_active=False)

    with pytest.raises(InvalidOrder) as caught:
        services.order_place(user=buyer, lines=[(active.pk, 1), (inactive.pk, 1), (999999, 1)])

    assert len(caught.value.errors["lines"]) == 2
    assert stock_of(active) == 10


def test_the_same_idempotency_key_and_body_returns_the_first_order(buyer, make_product):
    flour = make_product(stock=10)

    first = services.order_place(user=buyer, lines=[(flour.pk, 2)], idempotency_key="abc-1")
    again = services.order_place(user=buyer, lines=[(flour.pk, 2)], idempotency_key="abc-1")

    assert again.replayed and not first.replayed
    assert again.order.pk == first.order.pk
    assert Order.objects.count() == 1
    assert stock_of(flour) == 8


def test_the_same_idempotency_key_with_another_body_is_refused(buyer, make_product):
    flour = make_product(stock=10)
    services.order_place(user=buyer, lines=[(flour.pk, 2)], idempotency_key="abc-1")

    with pytest.raises(IdempotencyKeyReused):
        services.order_place(user=buyer, lines=[(flour.pk, 3)], idempotency_key="abc-1")

    assert stock_of(flour) == 8


def test_idempotency_keys_belong_to_one_user(buyer, other_buyer, make_product):
    flour = make_product(stock=10)
    services.order_place(user=buyer, lines=[(flour.pk, 2)], idempotency_key="shared")

    other = services.order_place(user=other_buyer, lines=[(flour.pk, 2)], idempotency_key="shared")

    assert not other.replayed
    assert Order.objects.count() == 2


def test_round_trips_do_not_grow_with_the_number_of_lines(buyer, make_product):
    one = [make_product(stock=100)]
    twenty = [make_product(stock=100) for _ in range(20)]

    with CaptureQueriesContext(connection) as single:
        services.order_place(user=buyer, lines=[(p.pk, 1) for p in one])
    with CaptureQueriesContext(connection) as many:
        services.order_place(user=buyer, lines=[(p.pk, 1) for p in twenty])

    assert len(single) == len(many)
    # 8 before companies, plus the membership (role and company) and delivery address reads.
    assert len(many) <= 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_an_order_is_a_read_and_two_statements_in_its_transaction(
    postgres_only, buyer, make_product
):
    """The membership (role, company) and delivery address reads, the product read, then
    BEGIN, the inserts in one statement, the stock update, COMMIT."""
    products = [make_product(stock=100) for _ in range(3)]

    with CaptureQueriesContext(connection) as queries:
        services.order_place(user=buyer, lines=[(p.pk, 1) for p in products])

    statements = [q["sql"].split(None, 1)[0].upper() for q in queries]
    order_statements = ["SELECT", "SELECT", "SELECT", "BEGIN", "WITH", "WITH", "COMMIT"]
    assert statements[: len(order_statements)] == order_statements
    # After COMMIT only the mail, which the tests' immediate task backend renders at once
    # (reading the order back); with the database backend its task row is written inside
    # the transaction instead (tests/services/test_order_mail.py).
    assert set(statements[len(order_statements) :]) <= {"SELECT"}
    assert f"INSERT INTO {connection.ops.quote_name(Order._meta.db_table)} " in queries[4]["sql"]
    assert "FOR NO KEY UPDATE" in queries[5]["sql"]

"""order_place and the checkout with pack rules, price breaks and lines naming a SKU."""

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shop import services, sql
from shop.exceptions import IdempotencyKeyReused, InvalidOrder
from shop.models import CartItem, Order, Product, StockMovement
from shop.services.orders import PRODUCT_READ_FIELDS, ProductRow, _products_for
from shop.services.pricing import Tier

pytestmark = pytest.mark.django_db
D = Decimal


def stock_of(product: Product) -> int:
    return Product.objects.values_list("stock", flat=True).get(pk=product.pk)


def test_a_quantity_the_pack_rules_refuse_names_the_nearest_allowed_and_changes_nothing(
    buyer: Any, make_product: Any
) -> None:
    salt = make_product(stock=50)
    malt = make_product(stock=100, name="Pilsner malt", order_multiple=8)
    yeast = make_product(stock=100, name="Fresh yeast", min_order_quantity=10)

    with pytest.raises(InvalidOrder) as refused:
        services.order_place(user=buyer, lines=[(salt.pk, 3), (malt.pk, 12), (yeast.pk, 4)])

    assert refused.value.errors == {
        "lines[1].quantity": ["Pilsner malt: sold in multiples of 8: 8 or 16."],
        "lines[2].quantity": ["Fresh yeast: minimum order 10: 10."],
    }
    assert Order.objects.count() == 0
    assert StockMovement.objects.filter(reason=StockMovement.Reason.ORDER).count() == 0
    assert [stock_of(p) for p in (salt, malt, yeast)] == [50, 100, 100]


def test_lines_added_together_are_judged_as_one_and_reported_at_the_first(
    buyer: Any, make_product: Any
) -> None:
    malt = make_product(stock=100, order_multiple=8)

    with pytest.raises(InvalidOrder) as refused:
        services.order_place(user=buyer, lines=[(malt.pk, 8), {"sku": malt.sku, "quantity": 4}])
    assert list(refused.value.errors) == ["lines[0].quantity"]

    placed = services.order_place(user=buyer, lines=[(malt.pk, 4), {"sku": malt.sku, "quantity": 4}])
    assert list(placed.order.lines.values_list("quantity", flat=True)) == [8]
    assert stock_of(malt) == 92


def test_allowed_quantities_are_ordered_at_their_tier_prices(buyer: Any, make_product: Any) -> None:
    malt = make_product(
        stock=100, price="38.90", order_multiple=8, price_breaks=[(16, "37.50"), (40, "36.00")]
    )

    placed = services.order_place(user=buyer, lines=[(malt.pk, 16)])

    line = placed.order.lines.get()
    assert (line.quantity, line.unit_price, line.line_total) == (16, D("37.50"), D("600.00"))
    assert stock_of(malt) == 84


def test_a_line_may_name_its_product_by_sku(buyer: Any, make_product: Any) -> None:
    rye = make_product(stock=30, sku="FLR-RYE-LT-25", price="26.50")

    placed = services.order_place(user=buyer, lines=[{"sku": "FLR-RYE-LT-25", "quantity": 2}])

    line = placed.order.lines.get()
    assert (line.product_id, line.sku, line.quantity) == (rye.pk, "FLR-RYE-LT-25", 2)
    assert stock_of(rye) == 28


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"sku": "NOPE-1", "quantity": 1}, "lines[0].sku"),
        ({"sku": "", "quantity": 1}, "lines[0].sku"),
        ({"sku": 17, "quantity": 1}, "lines[0].sku"),
        ({"sku": "X" * 41, "quantity": 1}, "lines[0].sku"),
        ({"sku": "A\x00B", "quantity": 1}, "lines[0].sku"),
        ({"quantity": 1}, "lines[0].product"),
    ],
)
def test_a_line_with_an_unknown_or_malformed_sku_or_no_product_is_invalid(
    buyer: Any, make_product: Any, line: dict[str, Any], field: str
) -> None:
    make_product(stock=10)

    with pytest.raises(InvalidOrder) as refused:
        services.order_place(user=buyer, lines=[line])

    assert list(refused.value.errors) == [field]
    assert Order.objects.count() == 0


def test_a_line_naming_both_a_product_and_a_sku_is_invalid(buyer: Any, make_product: Any) -> None:
    flour = make_product(stock=10)

    with pytest.raises(InvalidOrder) as refused:
        services.order_place(
            user=buyer, lines=[{"product": flour.pk, "sku": flour.sku, "quantity": 1}]
        )

    assert list(refused.value.errors) == ["lines[0]"]


def test_an_inactive_products_sku_is_not_for_sale(buyer: Any, make_product: Any) -> None:
    make_product(stock=10, sku="OLD-1", is_active=False)

    with pytest.raises(InvalidOrder) as refused:
        services.order_place(user=buyer, lines=[{"sku": "OLD-1", "quantity": 1}])

    assert refused.value.errors == {"lines[0].sku": ['No product with the SKU "OLD-1" is for sale.']}


def test_a_replay_naming_the_product_by_sku_instead_of_id_is_another_body(
    buyer: Any, make_product: Any
) -> None:
    """Decided: the fingerprint compares the lines as named. The same product by SKU in one
    request and by id in the other are two bodies (422), as the contract's "same key, different
    body" reads; resolving SKUs first would make a replay depend on today's catalogue."""
    flour = make_product(stock=10)
    services.order_place(user=buyer, lines=[{"sku": flour.sku, "quantity": 2}], idempotency_key="k1")

    replay = services.order_place(
        user=buyer, lines=[{"sku": flour.sku, "quantity": 1}, {"sku": flour.sku, "quantity": 1}],
        idempotency_key="k1",
    )
    assert replay.replayed
    with pytest.raises(IdempotencyKeyReused):
        services.order_place(user=buyer, lines=[(flour.pk, 2)], idempotency_key="k1")
    assert stock_of(flour) == 8


def test_an_order_by_id_keeps_the_fingerprint_it_had_before_skus(buyer: Any, make_product: Any) -> None:
    """Orders stored before SKU lines existed still replay: the id-only fingerprint is as it was."""
    import hashlib
    import json

    flour = make_product(stock=10)
    order = services.order_place(user=buyer, lines=[(flour.pk, 2)], idempotency_key="old").order

    body = json.dumps([[flour.pk, 2]], separators=(",", ":"))
    assert order.request_fingerprint == hashlib.sha256(body.encode()).hexdigest()


def test_round_trips_stay_the_same_with_skus_rules_and_breaks(buyer: Any, make_product: Any) -> None:
    one = [make_product(stock=100)]
    many = [
        make_product(stock=100, order_multiple=2, price_breaks=[(4, "11.00"), (8, "10.00")])
        for _ in range(20)
    ]

    with CaptureQueriesContext(connection) as single:
        services.order_place(user=buyer, lines=[(one[0].pk, 1)])
    with CaptureQueriesContext(connection) as by_sku:
        services.order_place(user=buyer, lines=[{"sku": p.sku, "quantity": 4} for p in many])

    assert len(single) == len(by_sku)


def test_the_product_read_brings_rules_contract_prices_and_breaks_in_one_query(
    buyer: Any, make_product: Any
) -> None:
    malt = make_product(
        price="38.90", min_order_quantity=10, order_multiple=5,
        price_breaks=[(40, "36.00"), (15, "37.50")],
    )
    salt = make_product(price="11.90")

    with CaptureQueriesContext(connection) as queries:
        rows = _products_for(buyer, [salt.pk], [malt.sku])

    assert len(queries) == 1
    assert rows[malt.pk].tiers == (Tier(15, D("37.50")), Tier(40, D("36.00")))
    assert (rows[malt.pk].min_order_quantity, rows[malt.pk].order_multiple) == (10, 5)
    assert rows[malt.pk].price_at(15) == D("37.50")
    assert rows[salt.pk].tiers == ()
    assert rows[salt.pk].price_at(500) == D("11.90")


@pytest.mark.postgres
def test_on_postgresql_the_product_read_is_the_hand_written_statement_by_ids_or_skus(
    postgres_only: None, buyer: Any, make_product: Any
) -> None:
    malt = make_product(price="38.90", price_breaks=[(16, "37.50")])

    with CaptureQueriesContext(connection) as by_id:
        _products_for(buyer, [malt.pk])
    with CaptureQueriesContext(connection) as by_sku:
        rows = _products_for(buyer, [], [malt.sku])

    assert by_id[0]["sql"].startswith("SELECT p.")
    assert "ANY(ARRAY[" in by_id[0]["sql"] and '"sku" = ANY' not in by_id[0]["sql"]
    assert '"sku" = ANY' in by_sku[0]["sql"]
    assert rows == {
        malt.pk: ProductRow.from_db(
            [*(getattr(malt, f) for f in PRODUCT_READ_FIELDS), None, [[D("16"), D("37.50")]]]
        )
    }
    assert sql.product_read_sql(PRODUCT_READ_FIELDS) != sql.product_read_sql(
        PRODUCT_READ_FIELDS, by_sku=True
    )


def test_checkout_refuses_a_cart_line_the_pack_rules_now_refuse_and_keeps_the_cart(
    buyer: Any, make_product: Any
) -> None:
    malt = make_product(stock=100, name="Pilsner malt")
    services.cart_add(user=buyer, product_id=malt.pk, quantity=12)
    Product.objects.filter(pk=malt.pk).update(order_multiple=8)  # staff changed the rule

    with pytest.raises(InvalidOrder) as refused:
        services.order_place_from_cart(user=buyer)

    assert refused.value.errors == {
        "lines[0].quantity": ["Pilsner malt: sold in multiples of 8: 8 or 16."]
    }
    assert list(CartItem.objects.filter(user=buyer).values_list("quantity", flat=True)) == [12]
    assert stock_of(malt) == 100

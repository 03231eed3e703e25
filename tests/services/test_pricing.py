"""shop/services/pricing.py: what a company pays, and the VAT on it."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from companies.models import ContractPrice
from shop import services
from shop.models import Product
from shop.selectors import cart_items_for
from shop.services.pricing import (
    Price,
    Tier,
    VatLine,
    order_totals,
    price_of,
    price_per_measure,
    product_price,
    tier_price,
    tiers_of,
    totals_for,
    vat_breakdown,
    with_contract_price,
    with_price_breaks,
)
from tests.factories import make_member

D = Decimal


def contract(user: Any, product: Product, price: str) -> ContractPrice:
    return ContractPrice.objects.create(
        company=user.membership.company, product=product, price=D(price)
    )


def prices_for(user: Any, *products: Product) -> dict[int, Price]:
    """What `user` pays for one pack of each, read as the pages read it."""
    rows = with_contract_price(Product.objects.filter(pk__in=[p.pk for p in products]), user=user)
    return {product.pk: product_price(product, 1) for product in with_price_breaks(rows)}


def test_a_company_pays_its_contract_price_and_the_list_price_elsewhere(
    buyer: Any, make_product: Callable[..., Product]
) -> None:
    rye, spelt = make_product(price="13.00"), make_product(price="9.00")
    contract(buyer, rye, "11.00")

    with CaptureQueriesContext(connection) as queries:
        prices = prices_for(buyer, rye, spelt)

    assert len(queries) == 2  # the products with their contract prices; their price breaks
    assert prices == {
        rye.pk: Price(amount=D("11.00"), list_price=D("13.00"), is_contract=True),
        spelt.pk: Price(amount=D("9.00"), list_price=D("9.00"), is_contract=False),
    }


def test_another_companys_contract_price_never_applies(
    buyer: Any, other_buyer: Any, make_product: Callable[..., Product]
) -> None:
    rye = make_product(price="13.00")
    contract(other_buyer, rye, "5.00")

    mine = prices_for(buyer, rye)
    nobodys = prices_for(AnonymousUser(), rye)

    assert mine[rye.pk].amount == nobodys[rye.pk].amount == D("13.00")
    assert not mine[rye.pk].is_contract


def test_a_contract_price_equal_to_the_list_price_is_still_a_contract_price(
    buyer: Any, make_product: Callable[..., Product]
) -> None:
    rye = make_product(price="13.00")
    contract(buyer, rye, "13.00")

    price = prices_for(buyer, rye)[rye.pk]

    assert price.is_contract and price.amount == price.list_price


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # one rate: VAT on the sum (3 x 0.125 = 0.375), not the sum of rounded lines (0.39)
        (
            [(D("20"), D("0.63")), (D("20"), D("0.63")), (D("20"), D("0.63"))],
            [VatLine(D("20.00"), D("1.89"), D("0.38"))],
        ),
        # half a penny rounds up (5% of 0.10 = 0.005), less rounds down (5% of 0.09 = 0.0045)
        ([(D("5"), D("0.10"))], [VatLine(D("5.00"), D("0.10"), D("0.01"))]),
        ([(D("5"), D("0.09"))], [VatLine(D("5.00"), D("0.09"), D("0.00"))]),
        # several rates, lowest first, each rounded once
        (
            [(D("20.00"), D("33.15")), (D("0"), D("25.00")), (D("5"), D("1.99")), (D("20"), D("0.01"))],
            [
                VatLine(D("0.00"), D("25.00"), D("0.00")),
                VatLine(D("5.00"), D("1.99"), D("0.10")),
                VatLine(D("20.00"), D("33.16"), D("6.63")),
            ],
        ),
        ([], []),
    ],
)
def test_vat_is_worked_out_per_rate_on_the_sum_rounded_half_up(
    lines: list[tuple[Decimal, Decimal]], expected: list[VatLine]
) -> None:
    assert vat_breakdown(lines) == expected


def test_totals_add_the_vat_of_every_rate_to_the_net() -> None:
    totals = totals_for([(D("20"), D("33.15")), (D("0"), D("25.00")), (D("5"), D("1.99"))])

    assert (totals.net, totals.vat, totals.gross) == (D("60.14"), D("6.73"), D("66.87"))


def test_order_place_stores_the_contract_unit_price_and_the_vat_rate(
    buyer: Any, make_product: Callable[..., Product]
) -> None:
    flour = make_product(price="12.50")
    chocolate = make_product(price="13.00", vat_rate=D("20.00"))
    contract(buyer, chocolate, "11.05")

    placed = services.order_place(user=buyer, lines=[(flour.pk, 2), (chocolate.pk, 3)])

    # as written, to the penny (SQLite hands the annotated contract price back unscaled)
    assert [str(line.unit_price) for line in placed.lines or []] == ["12.50", "11.05"]
    assert str(placed.order.total) == "58.15"
    lines = {line.product_id: line for line in placed.order.lines.all()}
    assert (lines[chocolate.pk].unit_price, lines[chocolate.pk].line_total) == (D("11.05"), D("33.15"))
    assert lines[chocolate.pk].vat_rate == D("20.00")
    assert (lines[flour.pk].unit_price, lines[flour.pk].vat_rate) == (D("12.50"), D("0.00"))
    assert placed.order.total == D("58.15")


def test_order_place_never_applies_another_companys_contract_price(
    buyer: Any, other_buyer: Any, make_product: Callable[..., Product]
) -> None:
    chocolate = make_product(price="13.00")
    contract(other_buyer, chocolate, "1.00")

    placed = services.order_place(user=buyer, lines=[(chocolate.pk, 1)])

    assert placed.order.lines.get().unit_price == D("13.00")


def test_a_colleague_in_the_same_company_orders_at_its_contract_price(
    buyer: Any, make_product: Callable[..., Product]
) -> None:
    chocolate = make_product(price="13.00")
    contract(buyer, chocolate, "10.00")
    colleague = make_member("colleague@bakery.test", buyer.membership.company)

    placed = services.order_place(user=colleague, lines=[(chocolate.pk, 1)])

    assert placed.order.lines.get().unit_price == D("10.00")


def test_a_line_keeps_its_rate_and_price_after_the_product_changes(
    buyer: Any, make_product: Callable[..., Product]
) -> None:
    chocolate = make_product(price="13.00", vat_rate=D("20.00"))
    order = services.order_place(user=buyer, lines=[(chocolate.pk, 2)]).order

    Product.objects.filter(pk=chocolate.pk).update(vat_rate=D("0.00"), price=D("99.00"))
    contract(buyer, chocolate, "1.00")

    line = order.lines.get()
    assert (line.vat_rate, line.unit_price) == (D("20.00"), D("13.00"))
    assert order_totals(order.lines.all()).vat == D("5.20")


def test_order_from_cart_uses_the_contract_price(
    buyer: Any, make_product: Callable[..., Product]
) -> None:
    chocolate = make_product(price="13.00", vat_rate=D("20.00"))
    contract(buyer, chocolate, "12.00")
    services.cart_add(user=buyer, product_id=chocolate.pk, quantity=2)

    order = services.order_place_from_cart(user=buyer).order

    assert (order.total, order.lines.get().vat_rate) == (D("24.00"), D("20.00"))



# --- Price breaks -------------------------------------------------------------------------------

LADDER = [Tier(10, D("17.20")), Tier(40, D("16.10"))]


@pytest.mark.parametrize(
    ("quantity", "unit_price"),
    [(1, "18.40"), (9, "18.40"), (10, "17.20"), (39, "17.20"), (40, "16.10"), (10_000, "16.10")],
)
def test_a_line_pays_the_highest_tier_its_quantity_reaches(quantity: int, unit_price: str) -> None:
    assert tier_price(D("18.40"), LADDER, quantity) == D(unit_price)
    assert price_of(D("18.40"), None, LADDER, quantity).amount == D(unit_price)


def test_a_contract_price_holds_at_every_quantity_and_has_no_tiers() -> None:
    for quantity in (1, 10, 40, 500):
        price = price_of(D("18.40"), D("15.00"), LADDER, quantity)
        assert (price.amount, price.is_contract, price.tiers) == (D("15.00"), True, ())
        assert price.ladder() == [] and not price.has_lower_tiers


def test_the_ladder_starts_at_the_quantity_priced_and_lists_the_tiers_above() -> None:
    assert price_of(D("18.40"), None, LADDER, 1).ladder() == [Tier(1, D("18.40")), *LADDER]
    # A minimum of 12 packs: the 10+ price is what the first allowed line pays.
    at_twelve = price_of(D("18.40"), None, LADDER, 12)
    assert at_twelve.ladder() == [Tier(12, D("17.20")), Tier(40, D("16.10"))]
    assert (at_twelve.amount, at_twelve.lowest, at_twelve.has_lower_tiers) == (
        D("17.20"), D("16.10"), True
    )
    assert not price_of(D("18.40"), None, (), 1).has_lower_tiers


def test_tiers_are_read_in_quantity_order_whatever_order_they_come_in() -> None:
    assert tiers_of([Tier(40, D("16.1")), Tier(10, D("17.2"))]) == tuple(LADDER)


def test_the_price_per_measure_unit_is_to_the_penny_half_up() -> None:
    assert price_per_measure(D("18.40"), D("25.000")) == D("0.74")  # 0.736
    assert price_per_measure(D("0.25"), D("2")) == D("0.13")  # 0.125
    assert price_per_measure(D("64.00"), D("50")) == D("1.28")
    assert price_per_measure(D("18.40"), None) is None


def test_product_price_is_at_the_smallest_allowed_quantity_with_breaks_read_in_one_query(
    buyer: Any, make_product: Callable[..., Product]
) -> None:
    malt = make_product(price="38.90", min_order_quantity=10, price_breaks=[(10, "36.50"), (40, "34.00")])
    rye = make_product(price="26.50", price_breaks=[(20, "24.90")])
    plain = make_product(price="12.60")
    contract(buyer, rye, "24.20")

    with CaptureQueriesContext(connection) as queries:
        products = list(
            with_price_breaks(with_contract_price(Product.objects.order_by("pk"), user=buyer))
        )
        prices = [product_price(p) for p in products]

    assert len(queries) == 2  # the products (with contract prices), then every product's breaks
    assert [(p.amount, p.lowest, p.is_contract) for p in prices] == [
        (D("36.50"), D("34.00"), False),
        (D("24.20"), D("24.20"), True),
        (D("12.60"), D("12.60"), False),
    ]
    assert [p.pk for p in products] == [malt.pk, rye.pk, plain.pk]
    assert product_price(products[0], 40).amount == D("34.00")


def test_a_cart_line_pays_the_tier_of_its_quantity_and_the_contract_price_over_it(
    buyer: Any, make_product: Callable[..., Product]
) -> None:
    flour = make_product(price="18.40", stock=100, price_breaks=[(10, "17.20"), (40, "16.10")])
    rye = make_product(price="26.50", stock=100, price_breaks=[(20, "24.90")])
    contract(buyer, rye, "25.00")
    services.cart_add(user=buyer, product_id=flour.pk, quantity=12)
    services.cart_add(user=buyer, product_id=rye.pk, quantity=20)

    with CaptureQueriesContext(connection) as queries:
        items = {item.product_id: item for item in cart_items_for(buyer)}
        prices = {pid: (item.unit_price, item.line_total) for pid, item in items.items()}

    assert len(queries) == 2
    assert prices == {flour.pk: (D("17.20"), D("206.40")), rye.pk: (D("25.00"), D("500.00"))}


def test_order_lines_store_the_tier_price_of_their_quantity(
    buyer: Any, make_product: Callable[..., Product]
) -> None:
    flour = make_product(price="18.40", stock=100, price_breaks=[(10, "17.20"), (40, "16.10")])
    sugar = make_product(price="23.90", stock=100, price_breaks=[(10, "22.90")])

    placed = services.order_place(user=buyer, lines=[(flour.pk, 40), (sugar.pk, 9)])

    lines = {line.product_id: line for line in placed.order.lines.all()}
    assert (lines[flour.pk].unit_price, lines[flour.pk].line_total) == (D("16.10"), D("644.00"))
    assert (lines[sugar.pk].unit_price, lines[sugar.pk].line_total) == (D("23.90"), D("215.10"))
    assert placed.order.total == D("859.10")


def test_a_contract_price_beats_every_tier_in_an_order(
    buyer: Any, make_product: Callable[..., Product]
) -> None:
    rye = make_product(price="26.50", stock=100, price_breaks=[(20, "22.00")])
    contract(buyer, rye, "24.20")

    placed = services.order_place(user=buyer, lines=[{"sku": rye.sku, "quantity": 20}])

    line = placed.order.lines.get()
    assert (line.unit_price, line.line_total) == (D("24.20"), D("484.00"))

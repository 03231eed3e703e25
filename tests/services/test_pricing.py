"""shop/services/pricing.py: what a company pays, and the VAT on it."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from companies.models import ContractPrice
from shop import services
from shop.models import Product
from shop.services.pricing import (
    Price,
    VatLine,
    order_totals,
    totals_for,
    unit_prices_for,
    vat_breakdown,
)
from tests.factories import make_member

D = Decimal


def contract(user: Any, product: Product, price: str) -> ContractPrice:
    return ContractPrice.objects.create(
        company=user.membership.company, product=product, price=D(price)
    )


def test_a_company_pays_its_contract_price_and_the_list_price_elsewhere(
    buyer: Any, make_product: Callable[..., Product]
) -> None:
    rye, spelt = make_product(price="13.00"), make_product(price="9.00")
    contract(buyer, rye, "11.00")

    with CaptureQueriesContext(connection) as queries:
        prices = unit_prices_for(
            company_id=buyer.membership.company_id, product_ids=[rye.pk, spelt.pk]
        )

    assert len(queries) == 1
    assert prices == {
        rye.pk: Price(amount=D("11.00"), list_price=D("13.00"), is_contract=True),
        spelt.pk: Price(amount=D("9.00"), list_price=D("9.00"), is_contract=False),
    }


def test_another_companys_contract_price_never_applies(
    buyer: Any, other_buyer: Any, make_product: Callable[..., Product]
) -> None:
    rye = make_product(price="13.00")
    contract(other_buyer, rye, "5.00")

    mine = unit_prices_for(company_id=buyer.membership.company_id, product_ids=[rye.pk])
    nobodys = unit_prices_for(company_id=None, product_ids=[rye.pk])

    assert mine[rye.pk].amount == nobodys[rye.pk].amount == D("13.00")
    assert not mine[rye.pk].is_contract


def test_a_contract_price_equal_to_the_list_price_is_still_a_contract_price(
    buyer: Any, make_product: Callable[..., Product]
) -> None:
    rye = make_product(price="13.00")
    contract(buyer, rye, "13.00")

    price = unit_prices_for(company_id=buyer.membership.company_id, product_ids=[rye.pk])[rye.pk]

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


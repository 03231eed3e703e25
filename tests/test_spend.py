"""shop.spend: months in the shop's time zone, VAT as the orders' own, two grouped queries."""

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shop import services
from shop.models import Order, Product
from shop.services.pricing import order_totals
from shop.spend import months_ending, spend_for

pytestmark = pytest.mark.django_db


def place_at(user: Any, lines: list[tuple[Product, int]], at: datetime) -> Order:
    order = services.order_place(user=user, lines=[(p.pk, q) for p, q in lines]).order
    Order.objects.filter(pk=order.pk).update(created_at=at)
    return order


def test_months_ending_gives_twelve_first_days_across_the_year_end() -> None:
    months = months_ending(date(2026, 2, 17))

    assert months[0] == date(2025, 3, 1)
    assert months[-1] == date(2026, 2, 1)
    assert len(months) == 12 and months[9] == date(2025, 12, 1) and months[10] == date(2026, 1, 1)


def test_a_month_starts_at_midnight_in_the_shops_time_zone(
    settings: Any, buyer: Any, make_product: Callable[..., Product]
) -> None:
    settings.TIME_ZONE = "Europe/London"
    flour = make_product(price="10.00", stock=50)
    london = ZoneInfo("Europe/London")
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST): July's.
    place_at(buyer, [(flour, 1)], datetime(2026, 7, 1, 0, 30, tzinfo=london))
    # 23:30 on 31 July in London is 22:30 UTC: still July's.
    place_at(buyer, [(flour, 2)], datetime(2026, 7, 31, 23, 30, tzinfo=london))
    # 00:10 on 1 August in London (23:10 UTC on 31 July): August's.
    place_at(buyer, [(flour, 4)], datetime(2026, 8, 1, 0, 10, tzinfo=london))
    # 23:59 on 30 June in London: June's.
    place_at(buyer, [(flour, 8)], datetime(2026, 6, 30, 23, 59, tzinfo=london))

    spend = spend_for(buyer, today=date(2026, 8, 20))

    by_month = {m.month: m.net for m in spend.months}
    assert by_month[date(2026, 6, 1)] == Decimal("80.00")
    assert by_month[date(2026, 7, 1)] == Decimal("30.00")
    assert by_month[date(2026, 8, 1)] == Decimal("40.00")


def test_a_months_vat_is_the_sum_of_its_orders_vat_rounded_per_order_and_rate(
    buyer: Any, make_product: Callable[..., Product]
) -> None:
    # Lines of 0.03 at 20%: 0.006 of VAT each. Rounded per line they would make 0.01 each;
    # an order rounds its rate's total once (shop.services.pricing.vat_breakdown).
    sweet = make_product(price="0.03", stock=50, vat_rate=Decimal("20.00"))
    fizz = make_product(price="0.03", stock=50, vat_rate=Decimal("20.00"))
    at = datetime(2026, 5, 5, 12, tzinfo=ZoneInfo("UTC"))
    two_lines = place_at(buyer, [(sweet, 1), (fizz, 1)], at)  # 0.06 net, 0.012 -> 0.01
    one_line = place_at(buyer, [(sweet, 1)], at)  # 0.03 net, 0.006 -> 0.01

    may = spend_for(buyer, today=date(2026, 5, 31)).months[-1]

    expected = sum((order_totals(o.lines.all()).vat for o in (two_lines, one_line)), Decimal(0))
    assert (may.net, may.vat, expected) == (Decimal("0.09"), Decimal("0.02"), Decimal("0.02"))


def test_it_reads_with_two_queries(buyer: Any, make_product: Callable[..., Product]) -> None:
    flour = make_product(price="10.00", stock=50)
    at = datetime(2026, 5, 5, 12, tzinfo=ZoneInfo("UTC"))
    for _ in range(3):
        place_at(buyer, [(flour, 1)], at)

    with CaptureQueriesContext(connection) as queries:
        spend = spend_for(buyer, today=date(2026, 5, 31))

    assert len(queries.captured_queries) == 2
    assert (spend.orders, spend.net) == (3, Decimal("30.00"))

"""The company's spend over the last 12 months: per month and per category. Reads only,
scoped like every order read to the user's company through the user's membership
(shop.selectors._company_orders).

Spend is what the order lines cost as ordered (OrderLine.line_total, quantity x unit price,
net of VAT), of every order that is not cancelled. Months are calendar months in the shop's
TIME_ZONE. The VAT of a month is the sum of its orders' VAT as the order pages and documents
show it: per order and rate, rounded once (shop.services.pricing.vat_breakdown), so the page
and the invoices agree to the penny.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import DateField, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from shop.models import Order, OrderLine
from shop.services.pricing import vat_of

SPEND_MONTHS = 12
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class MonthSpend:
    month: date  # the first day of the month
    orders: int
    net: Decimal
    vat: Decimal

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat


@dataclass(frozen=True)
class CategorySpend:
    name: str
    net: Decimal
    share: Decimal  # percent of the period's net spend, one decimal place


@dataclass(frozen=True)
class Spend:
    months: list[MonthSpend]  # SPEND_MONTHS of them, oldest first, the current month last
    categories: list[CategorySpend]  # largest spend first
    currency: str

    @property
    def net(self) -> Decimal:
        return sum((month.net for month in self.months), ZERO)

    @property
    def vat(self) -> Decimal:
        return sum((month.vat for month in self.months), ZERO)

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat

    @property
    def orders(self) -> int:
        return sum(month.orders for month in self.months)

    @property
    def is_empty(self) -> bool:
        return self.orders == 0

    @property
    def first_month(self) -> date:
        return self.months[0].month

    @property
    def last_month(self) -> date:
        return self.months[-1].month


def months_ending(today: date, count: int = SPEND_MONTHS) -> list[date]:
    """The first days of `count` calendar months, oldest first, the month of `today` last."""
    index = today.year * 12 + today.month - 1
    return [date(n // 12, n % 12 + 1, 1) for n in range(index - count + 1, index + 1)]


def _month_after(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _company_lines(user: AbstractBaseUser, first: date, end: date) -> QuerySet[OrderLine]:
    """The lines of the company's orders placed from `first` (inclusive) to `end` (exclusive),
    local dates in the shop's time zone, cancelled orders left out."""
    zone = timezone.get_default_timezone()
    return OrderLine.objects.filter(
        order__company__memberships__user=user,
        order__created_at__gte=timezone.make_aware(datetime.combine(first, time.min), zone),
        order__created_at__lt=timezone.make_aware(datetime.combine(end, time.min), zone),
    ).exclude(order__status=Order.Status.CANCELLED)


def spend_for(user: AbstractBaseUser, *, today: date | None = None) -> Spend:
    """The spend of the user's company in the SPEND_MONTHS months ending with this one.

    Two queries, both grouped in the database. Per month, the lines' net is summed per order
    and VAT rate (the grain at which VAT is rounded), and the few rows per order are added up
    here; per category, the net is summed in the database outright.
    """
    today = today or timezone.localdate()
    months = months_ending(today)
    lines = _company_lines(user, months[0], _month_after(months[-1]))

    per_order_and_rate = (
        lines.annotate(
            month=TruncMonth(
                "order__created_at",
                output_field=DateField(),
                tzinfo=timezone.get_default_timezone(),
            )
        )
        .values_list("month", "order_id", "vat_rate")
        .annotate(net=Sum("line_total"))
        .order_by()
    )
    net: dict[date, Decimal] = defaultdict(lambda: ZERO)
    vat: dict[date, Decimal] = defaultdict(lambda: ZERO)
    orders: dict[date, set[int]] = defaultdict(set)
    for month, order_id, rate, amount in per_order_and_rate:
        amount = Decimal(amount).quantize(Decimal("0.01"))  # SQLite sums come back unscaled
        net[month] += amount
        vat[month] += vat_of(amount, Decimal(rate))
        orders[month].add(order_id)

    # Grouped by the category's id (names need not be unique), named after.
    per_category = (
        lines.values_list("product__category_id", "product__category__name")
        .annotate(net=Sum("line_total"))
        .order_by()
    )
    category_net = [
        (name, Decimal(amount).quantize(Decimal("0.01"))) for _, name, amount in per_category
    ]
    total = sum((amount for _, amount in category_net), ZERO)
    categories = [
        CategorySpend(
            name=name,
            net=amount,
            share=(amount * 100 / total).quantize(Decimal("0.1")) if total else ZERO,
        )
        for name, amount in sorted(category_net, key=lambda row: (-row[1], row[0]))
    ]
    return Spend(
        months=[
            MonthSpend(month=m, orders=len(orders[m]), net=net[m], vat=vat[m]) for m in months
        ],
        categories=categories,
        currency=settings.SHOP_CURRENCY,
    )

"""The database keeps a product's pack rules, measure and price breaks sane, whatever writes
them (the admin validates first; raw writes and data migrations meet these)."""

from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from shop.models import PriceBreak, Product

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "changes",
    [
        {"min_order_quantity": 0},
        {"order_multiple": 0},
        {"measure_amount": Decimal("25"), "measure_unit": ""},
        {"measure_amount": None, "measure_unit": "kg"},
        {"measure_amount": Decimal("0"), "measure_unit": "kg"},
        {"measure_amount": Decimal("1"), "measure_unit": "ton"},
    ],
)
def test_the_database_refuses_impossible_rules_and_measures(make_product: Any, changes: dict[str, Any]) -> None:
    product = make_product()

    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.filter(pk=product.pk).update(**changes)


def test_the_database_accepts_a_measure_with_its_unit(make_product: Any) -> None:
    product = make_product()

    Product.objects.filter(pk=product.pk).update(measure_amount=Decimal("0.5"), measure_unit="l")

    assert Product.objects.get(pk=product.pk).measure_amount == Decimal("0.500")


@pytest.mark.parametrize(
    ("quantity", "price"), [(1, "10.00"), (0, "10.00"), (5, "-0.01")]
)
def test_a_price_break_is_above_one_and_not_negative(make_product: Any, quantity: int, price: str) -> None:
    product = make_product()

    with pytest.raises(IntegrityError), transaction.atomic():
        PriceBreak.objects.create(product=product, min_quantity=quantity, unit_price=Decimal(price))


def test_one_price_break_per_quantity(make_product: Any) -> None:
    product = make_product(price_breaks=[(10, "9.00")])

    with pytest.raises(IntegrityError), transaction.atomic():
        PriceBreak.objects.create(product=product, min_quantity=10, unit_price=Decimal("8.00"))


def test_existing_products_get_the_defaults(make_product: Any) -> None:
    product = Product.objects.get(pk=make_product().pk)

    assert (product.min_order_quantity, product.order_multiple) == (1, 1)
    assert (product.measure_amount, product.measure_unit) == (None, "")
    assert not product.price_breaks.exists()

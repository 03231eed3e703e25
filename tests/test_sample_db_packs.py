"""`manage.py sample_db`: measures, pack rules and price breaks, and a sample history that
respects them (it is placed through the services, which would refuse it otherwise)."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from shop.models import OrderLine, PriceBreak, Product
from shop.sample_data import PACK_RULES, PRICE_BREAKS, PRODUCTS, measure_of
from shop.services.packs import is_allowed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.parametrize(
    ("unit", "measure"),
    [
        ("25 kg sack", (Decimal("25"), "kg")),
        ("500 g pack", (Decimal("0.5"), "kg")),
        ("7.26 kg tub", (Decimal("7.26"), "kg")),
        ("6 x 1 l", (Decimal("6"), "l")),
        ("10 kg case (40 x 250 g)", (Decimal("10"), "kg")),
        ("50 pods", (Decimal("50"), "each")),
        ("a crate", None),
    ],
)
def test_a_packs_measure_is_read_from_its_unit(unit: str, measure: tuple[Decimal, str] | None) -> None:
    assert measure_of(unit) == measure


def test_every_sample_product_gets_its_measure_rules_and_breaks_once() -> None:
    call_command("sample_db", stdout=io.StringIO())
    Product.objects.filter(sku="MLT-PALE-25").update(order_multiple=4)  # a staff edit
    call_command("sample_db", stdout=io.StringIO())

    skus = [row[0] for rows in PRODUCTS.values() for row in rows]
    assert not Product.objects.filter(sku__in=skus, measure_amount__isnull=True).exists()
    malt = Product.objects.get(sku="MLT-PALE-25")
    assert (malt.measure_amount, malt.measure_unit, malt.min_order_quantity, malt.order_multiple) == (
        Decimal("25.000"), "kg", 8, 4
    )
    assert Product.objects.get(sku="SPC-VAN-POD-50").measure_unit == "each"
    with_rules = Product.objects.exclude(min_order_quantity=1, order_multiple=1)
    assert set(with_rules.values_list("sku", flat=True)) == set(PACK_RULES)
    assert PriceBreak.objects.count() == sum(len(tiers) for tiers in PRICE_BREAKS.values())
    rye = Product.objects.get(sku="FLR-RYE-LT-25")
    assert list(rye.price_breaks.values_list("min_quantity", "unit_price")) == [(20, Decimal("24.90"))]


def test_an_older_database_gets_the_trade_units_on_its_existing_products() -> None:
    call_command("sample_db", stdout=io.StringIO())
    Product.objects.update(measure_amount=None, measure_unit="", min_order_quantity=1, order_multiple=1)
    PriceBreak.objects.all().delete()

    call_command("sample_db", stdout=io.StringIO())

    assert Product.objects.get(sku="MLT-PILS-25").order_multiple == 8
    assert Product.objects.get(sku="OIL-RAP-20").measure_unit == "l"
    assert PriceBreak.objects.filter(product__sku="FLR-STRW-25").count() == 2


def test_every_sample_order_line_respects_its_products_pack_rules() -> None:
    call_command("sample_db", stdout=io.StringIO())

    lines = list(OrderLine.objects.select_related("product"))
    assert lines
    assert all(is_allowed(line.product, line.quantity) for line in lines)
    # The rules are there to be met: the history orders malt by the pallet layer.
    assert OrderLine.objects.filter(product__order_multiple__gt=1).exists()

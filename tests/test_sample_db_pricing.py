"""`manage.py sample_db`: VAT rates and the sample companies' contract prices."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from companies.models import ContractPrice
from shop.models import Order, OrderLine, Product
from shop.sample_data import CONTRACT_PRICES, VAT_RATES

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_it_sets_vat_rates_and_contract_prices_once() -> None:
    call_command("sample_db", stdout=io.StringIO())
    Product.objects.filter(sku="CHC-DRK-70-5").update(vat_rate=Decimal("5.00"))  # staff edit
    call_command("sample_db", stdout=io.StringIO())

    rated = dict(Product.objects.exclude(vat_rate=0).values_list("sku", "vat_rate"))
    assert rated == {**{sku: Decimal(rate) for sku, rate in VAT_RATES.items()}, "CHC-DRK-70-5": Decimal("5.00")}
    assert ContractPrice.objects.count() == sum(len(prices) for prices in CONTRACT_PRICES.values())
    assert not ContractPrice.objects.filter(company__name="Fire & Vine Sauces").exists()


def test_the_demo_orders_are_at_the_demo_companys_prices_and_rates() -> None:
    call_command("sample_db", stdout=io.StringIO())

    order = Order.objects.get(lines__sku="CHC-DRK-70-5")
    line = OrderLine.objects.get(order=order, sku="CHC-DRK-70-5")
    assert (line.unit_price, line.vat_rate) == (Decimal("57.50"), Decimal("20.00"))

"""GET /api/v1/products and /products/{id}: measure, pack rules and price breaks."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from companies.models import ContractPrice
from shop.models import Product

pytestmark = pytest.mark.django_db


@pytest.fixture
def rye(make_product: Callable[..., Product]) -> Product:
    return make_product(
        sku="FLR-RYE-LT-25",
        price="18.40",
        measure_amount=Decimal("25"),
        measure_unit="kg",
        price_breaks=[(40, "16.10"), (10, "17.20")],
    )


def detail(client: Client, auth: dict[str, str], product: Product) -> dict[str, Any]:
    response = client.get(f"/api/v1/products/{product.pk}", headers=auth)
    assert response.status_code == 200
    return response.json()


def test_a_product_carries_its_measure_rules_and_ascending_breaks(
    api_client: Client, auth: dict[str, str], rye: Product
) -> None:
    body = detail(api_client, auth, rye)

    assert {key: body[key] for key in (
        "price", "list_price", "measure", "price_per_measure_unit", "min_order_quantity",
        "order_multiple", "price_breaks",
    )} == {
        "price": "18.40",
        "list_price": "18.40",
        "measure": {"amount": "25.000", "unit": "kg"},
        "price_per_measure_unit": "0.74",
        "min_order_quantity": 1,
        "order_multiple": 1,
        "price_breaks": [
            {"min_quantity": 10, "unit_price": "17.20"},
            {"min_quantity": 40, "unit_price": "16.10"},
        ],
    }


def test_price_is_at_the_smallest_allowed_quantity(
    api_client: Client, auth: dict[str, str], make_product: Callable[..., Product]
) -> None:
    malt = make_product(
        price="36.40", min_order_quantity=10, order_multiple=8,
        measure_amount=Decimal("25"), measure_unit="kg", price_breaks=[(16, "35.20")],
    )

    body = detail(api_client, auth, malt)

    # Minimum 10 in multiples of 8: the smallest line is 16, which reaches the 16+ tier.
    assert (body["price"], body["list_price"], body["price_per_measure_unit"]) == (
        "35.20", "36.40", "1.41"
    )
    assert (body["min_order_quantity"], body["order_multiple"]) == (10, 8)


def test_a_product_without_measure_or_breaks(
    api_client: Client, auth: dict[str, str], make_product: Callable[..., Product]
) -> None:
    body = detail(api_client, auth, make_product(price="3.90"))

    assert (body["measure"], body["price_per_measure_unit"], body["price_breaks"]) == (None, None, [])


def test_a_contract_price_has_no_breaks_and_prices_the_measure(
    api_client: Client, buyer: Any, auth: dict[str, str], rye: Product
) -> None:
    ContractPrice.objects.create(company=buyer.membership.company, product=rye, price=Decimal("15.00"))

    body = detail(api_client, auth, rye)

    assert (body["price"], body["list_price"], body["price_breaks"]) == ("15.00", "18.40", [])
    assert body["price_per_measure_unit"] == "0.60"


def test_the_list_reads_every_products_breaks_in_one_query(
    api_client: Client, auth: dict[str, str], make_product: Callable[..., Product]
) -> None:
    for n in range(15):
        make_product(price="20.00", price_breaks=[(5, "19.00"), (10 + n, "18.00")])
    api_client.get("/api/v1/products", headers=auth)  # the cached total

    with CaptureQueriesContext(connection) as context:
        body = api_client.get("/api/v1/products", headers=auth).json()

    assert len(body["results"]) == 15
    assert all(len(product["price_breaks"]) == 2 for product in body["results"])
    assert len([q for q in context.captured_queries if "shop_pricebreak" in q["sql"]]) == 1

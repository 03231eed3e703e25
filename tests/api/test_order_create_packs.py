"""POST /api/v1/orders with lines by SKU, pack rules and price breaks."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from companies.models import ContractPrice
from shop.models import Order, Product, StockMovement
from tests.api.helpers import assert_error

pytestmark = pytest.mark.django_db
URL = "/api/v1/orders"


def post(client: Client, body: Any, auth: dict[str, str], key: str | None = None) -> Any:
    headers = dict(auth)
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post(URL, body, content_type="application/json", headers=headers)


def stock_of(product: Product) -> int:
    return Product.objects.values_list("stock", flat=True).get(pk=product.pk)


def assert_nothing_ordered(*products: tuple[Product, int]) -> None:
    assert not Order.objects.exists()
    assert not StockMovement.objects.filter(reason=StockMovement.Reason.ORDER).exists()
    for product, stock in products:
        assert stock_of(product) == stock


@pytest.fixture
def malt(make_product: Callable[..., Product]) -> Product:
    return make_product(
        sku="MLT-PILS-25", name="Pilsner malt", price="36.40", stock=200, order_multiple=8,
        price_breaks=[(16, "35.20"), (40, "34.10")],
    )


def test_it_places_lines_named_by_sku_at_the_tier_price_of_their_quantity(
    api_client: Client, auth: dict[str, str], malt: Product, make_product: Callable[..., Product]
) -> None:
    salt = make_product(sku="SLT-FINE-25", price="11.90", stock=50)

    response = post(
        api_client,
        {"lines": [{"sku": "MLT-PILS-25", "quantity": 16}, {"product": salt.pk, "quantity": 3}]},
        auth,
    )

    assert response.status_code == 201, response.content
    lines = {line["sku"]: line for line in response.json()["lines"]}
    malt_line = lines["MLT-PILS-25"]
    assert (malt_line["product"], malt_line["quantity"]) == (malt.pk, 16)
    assert (malt_line["unit_price"], malt_line["line_total"]) == ("35.20", "563.20")
    assert (lines["SLT-FINE-25"]["unit_price"], lines["SLT-FINE-25"]["line_total"]) == ("11.90", "35.70")
    assert response.json()["total"] == "598.90"
    assert stock_of(malt) == 184 and stock_of(salt) == 47
    stored = Order.objects.get().lines.get(product=malt)
    assert (stored.unit_price, stored.quantity) == (Decimal("35.20"), 16)


def test_lines_naming_one_product_by_sku_and_by_id_are_added_together(
    api_client: Client, auth: dict[str, str], malt: Product
) -> None:
    response = post(
        api_client,
        {"lines": [{"sku": malt.sku, "quantity": 24}, {"product": malt.pk, "quantity": 16}]},
        auth,
    )

    assert response.status_code == 201
    (line,) = response.json()["lines"]
    assert (line["quantity"], line["unit_price"]) == (40, "34.10")
    assert stock_of(malt) == 160


def test_a_sku_is_matched_whatever_its_letter_case_as_quick_order_matches_it(
    api_client: Client, auth: dict[str, str], malt: Product
) -> None:
    """"mlt-pils-25" names MLT-PILS-25 here as on the quick order page; lines naming it in
    two cases are one product's, added together."""
    response = post(
        api_client,
        {"lines": [{"sku": "mlt-pils-25", "quantity": 8}, {"sku": "Mlt-Pils-25", "quantity": 8}]},
        auth,
    )

    assert response.status_code == 201, response.content
    (line,) = response.json()["lines"]
    assert (line["sku"], line["quantity"], line["unit_price"]) == ("MLT-PILS-25", 16, "35.20")
    assert stock_of(malt) == 184


def test_a_sku_stored_in_lower_case_is_found_in_upper_case(
    api_client: Client, auth: dict[str, str], make_product: Callable[..., Product]
) -> None:
    salt = make_product(sku="slt-fine-25", price="11.90", stock=50)

    response = post(api_client, {"lines": [{"sku": "SLT-FINE-25", "quantity": 2}]}, auth)

    assert response.status_code == 201, response.content
    assert response.json()["lines"][0]["product"] == salt.pk


def test_an_unknown_sku_is_invalid_at_its_line(
    api_client: Client, auth: dict[str, str], malt: Product
) -> None:
    response = post(
        api_client,
        {"lines": [{"sku": malt.sku, "quantity": 8}, {"sku": "NO-SUCH-SKU", "quantity": 1}]},
        auth,
    )

    error = assert_error(response, 400, "invalid")
    assert error["details"] == {"lines[1].sku": ['No product with the SKU "NO-SUCH-SKU" is for sale.']}
    assert_nothing_ordered((malt, 200))


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"product": 1, "sku": "MLT-PILS-25", "quantity": 8}, "lines[0]"),
        ({"quantity": 8}, "lines[0].product"),
        ({"sku": "", "quantity": 8}, "lines[0].sku"),
        ({"sku": ["MLT-PILS-25"], "quantity": 8}, "lines[0].sku"),
        ({"sku": "M" * 41, "quantity": 8}, "lines[0].sku"),
    ],
)
def test_a_line_naming_both_or_neither_or_a_malformed_sku_is_invalid(
    api_client: Client, auth: dict[str, str], malt: Product, line: dict[str, Any], field: str
) -> None:
    error = assert_error(post(api_client, {"lines": [line]}, auth), 400, "invalid")

    assert list(error["details"]) == [field]
    assert_nothing_ordered((malt, 200))


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        (12, "Pilsner malt: sold in multiples of 8: 8 or 16."),
        (3, "Pilsner malt: sold in multiples of 8: 8."),
    ],
)
def test_a_quantity_off_the_multiple_is_invalid_naming_the_nearest_valid_quantities(
    api_client: Client, auth: dict[str, str], malt: Product, quantity: int, message: str
) -> None:
    response = post(
        api_client, {"lines": [{"product": malt.pk, "quantity": quantity}]}, auth
    )

    error = assert_error(response, 400, "invalid")
    assert error["details"] == {"lines[0].quantity": [message]}
    assert_nothing_ordered((malt, 200))


def test_a_quantity_below_the_minimum_is_invalid_at_its_line(
    api_client: Client, auth: dict[str, str], malt: Product, make_product: Callable[..., Product]
) -> None:
    yeast = make_product(name="Instant yeast", stock=100, min_order_quantity=10)

    response = post(
        api_client,
        {"lines": [{"product": malt.pk, "quantity": 8}, {"sku": yeast.sku, "quantity": 4}]},
        auth,
    )

    error = assert_error(response, 400, "invalid")
    assert error["details"] == {"lines[1].quantity": ["Instant yeast: minimum order 10: 10."]}
    assert_nothing_ordered((malt, 200), (yeast, 100))


def test_an_invalid_quantity_is_a_400_before_a_short_line_is_a_409(
    api_client: Client, auth: dict[str, str], make_product: Callable[..., Product]
) -> None:
    malt = make_product(stock=4, order_multiple=8)

    assert_error(post(api_client, {"lines": [{"product": malt.pk, "quantity": 12}]}, auth), 400, "invalid")
    assert_error(
        post(api_client, {"lines": [{"product": malt.pk, "quantity": 8}]}, auth), 409, "insufficient_stock"
    )


def test_a_contract_price_holds_at_every_quantity(
    api_client: Client, buyer: Any, auth: dict[str, str], malt: Product
) -> None:
    ContractPrice.objects.create(company=buyer.membership.company, product=malt, price=Decimal("33.00"))

    response = post(api_client, {"lines": [{"sku": malt.sku, "quantity": 40}]}, auth)

    assert response.status_code == 201
    (line,) = response.json()["lines"]
    assert (line["unit_price"], line["line_total"]) == ("33.00", "1320.00")


def test_a_replay_by_sku_returns_the_order_and_one_by_id_is_another_body(
    api_client: Client, auth: dict[str, str], malt: Product
) -> None:
    by_sku = {"lines": [{"sku": malt.sku, "quantity": 8}]}
    first = post(api_client, by_sku, auth, key="PO-77")

    replay = post(api_client, by_sku, auth, key="PO-77")
    by_id = post(api_client, {"lines": [{"product": malt.pk, "quantity": 8}]}, auth, key="PO-77")

    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert replay.json()["id"] == first.json()["id"]
    assert_error(by_id, 422, "idempotency_key_reused")
    assert Order.objects.count() == 1 and stock_of(malt) == 192

"""GET /api/v1/products/{id}"""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.test import Client

from companies.models import ContractPrice
from shop.models import Product
from tests.api.helpers import assert_error


def test_it_returns_the_product(
    api_client: Client, auth: dict[str, str], make_product: Callable[..., Product]
) -> None:
    product = make_product(name="Spelt", price="7.5", stock=0)

    response = api_client.get(f"/api/v1/products/{product.pk}", headers=auth)

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == product.pk
    assert body["name"] == "Spelt"
    assert body["price"] == "7.50"
    assert body["list_price"] == "7.50"
    assert body["vat_rate"] == "0.00"
    assert body["stock"] == 0 and body["in_stock"] is False


def test_it_shows_the_callers_contract_price_beside_the_list_price(
    api_client: Client,
    auth: dict[str, str],
    other_auth: dict[str, str],
    buyer: Any,
    make_product: Callable[..., Product],
) -> None:
    product = make_product(name="Dark chocolate", price="13.00", vat_rate=Decimal("20.00"))
    ContractPrice.objects.create(
        company=buyer.membership.company, product=product, price=Decimal("11.25")
    )
    path = f"/api/v1/products/{product.pk}"

    mine = api_client.get(path, headers=auth).json()
    theirs = api_client.get(path, headers=other_auth).json()

    assert (mine["price"], mine["list_price"], mine["vat_rate"]) == ("11.25", "13.00", "20.00")
    assert (theirs["price"], theirs["list_price"]) == ("13.00", "13.00")


def test_it_answers_404_for_unknown_and_inactive_products(
    api_client: Client, auth: dict[str, str], make_product: Callable[..., Product]
) -> None:
    hidden = make_product(is_active=False)

    for path in (f"/api/v1/products/{hidden.pk}", "/api/v1/products/0", "/api/v1/products/9" + "9" * 40,
                 "/api/v1/products/abc", "/api/v1/products/-1"):
        assert_error(api_client.get(path, headers=auth), 404, "not_found")


def test_it_rejects_missing_wrong_expired_or_revoked_credentials(
    api_client: Client, bad_auth: dict[str, str], make_product: Callable[..., Product]
) -> None:
    product = make_product()

    assert_error(api_client.get(f"/api/v1/products/{product.pk}", headers=bad_auth), 401, "not_authenticated")


def test_it_rejects_other_methods(
    api_client: Client, auth: dict[str, str], make_product: Callable[..., Product]
) -> None:
    product = make_product()

    response = api_client.delete(f"/api/v1/products/{product.pk}", headers=auth)

    assert_error(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET, HEAD"
    assert Product.objects.filter(pk=product.pk).exists()


def test_head_answers_like_get_without_a_body(
    api_client: Client, auth: dict[str, str], make_product: Callable[..., Product]
) -> None:
    product: Any = make_product()

    response = api_client.head(f"/api/v1/products/{product.pk}", headers=auth)

    assert response.status_code == 200
    assert response.content == b""

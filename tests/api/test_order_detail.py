"""GET /api/v1/orders/{id}"""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.test import Client

from shop.models import Product
from tests.api.helpers import assert_error


def test_it_returns_the_order_with_prices_and_names_as_they_were(
    api_client: Client,
    auth: dict[str, str],
    make_product: Callable[..., Product],
    place_order: Callable[..., Any],
) -> None:
    flour = make_product(name="Rye flour", price="12.50")
    hops = make_product(name="Cascade", price="3.00", vat_rate=Decimal("20.00"))
    order = place_order((flour, 2), (hops, 1))
    Product.objects.filter(pk=flour.pk).update(price=Decimal("99.00"), name="Renamed")
    Product.objects.filter(pk=hops.pk).update(vat_rate=Decimal("5.00"))

    response = api_client.get(f"/api/v1/orders/{order.pk}", headers=auth)

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == order.pk
    assert body["status"] == "placed"
    assert body["currency"] == "GBP"
    assert body["total"] == "28.00"
    assert body["created_at"].endswith("Z")
    assert body["vat"] == "0.60"  # 20% of the one 3.00 line at 20%: the rate it was ordered at
    assert body["total_with_vat"] == "28.60"
    assert body["lines"] == [
        {"product": flour.pk, "sku": flour.sku, "name": "Rye flour", "unit": "25 kg sack",
         "unit_price": "12.50", "quantity": 2, "line_total": "25.00", "vat_rate": "0.00"},
        {"product": hops.pk, "sku": hops.sku, "name": "Cascade", "unit": "25 kg sack",
         "unit_price": "3.00", "quantity": 1, "line_total": "3.00", "vat_rate": "20.00"},
    ]


def test_it_hides_another_users_order(
    api_client: Client,
    auth: dict[str, str],
    other_buyer: Any,
    make_product: Callable[..., Product],
    place_order: Callable[..., Any],
) -> None:
    theirs = place_order((make_product(), 1), user=other_buyer)

    assert_error(api_client.get(f"/api/v1/orders/{theirs.pk}", headers=auth), 404, "not_found")
    assert_error(api_client.get("/api/v1/orders/424242", headers=auth), 404, "not_found")


def test_it_rejects_missing_wrong_expired_or_revoked_credentials(
    api_client: Client,
    bad_auth: dict[str, str],
    make_product: Callable[..., Product],
    place_order: Callable[..., Any],
) -> None:
    order = place_order((make_product(), 1))

    assert_error(api_client.get(f"/api/v1/orders/{order.pk}", headers=bad_auth), 401, "not_authenticated")


def test_it_rejects_other_methods(
    api_client: Client,
    auth: dict[str, str],
    make_product: Callable[..., Product],
    place_order: Callable[..., Any],
) -> None:
    order = place_order((make_product(), 1))

    response = api_client.delete(f"/api/v1/orders/{order.pk}", headers=auth)

    assert_error(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET, HEAD"

"""GET /api/v1/orders/{id}"""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.test import Client
from django.utils import timezone

from companies import services as company_services
from companies.models import Role
from companies.services import AddressInput
from shop import services
from shop.models import Product
from shop.services.checkout import OrderDetails
from shop.services.delivery import earliest_delivery_date
from tests.api.helpers import assert_error
from tests.factories import make_member


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


def test_it_returns_the_status_history_oldest_first_with_placed_at_created_at(
    api_client: Client,
    auth: dict[str, str],
    staff: Any,
    make_product: Callable[..., Product],
    place_order: Callable[..., Any],
) -> None:
    order = place_order((make_product(), 1))
    services.order_advance(order_id=order.pk, to_status="confirmed", by=staff)
    services.order_advance(order_id=order.pk, to_status="dispatched", by=staff)

    body = api_client.get(f"/api/v1/orders/{order.pk}", headers=auth).json()

    assert body["status"] == "dispatched"
    assert [step["status"] for step in body["status_history"]] == ["placed", "confirmed", "dispatched"]
    assert body["status_history"][0]["at"] == body["created_at"]
    assert all(set(step) == {"status", "at"} for step in body["status_history"])
    assert all(step["at"].endswith("Z") for step in body["status_history"])
    moments = [step["at"] for step in body["status_history"]]
    assert moments == sorted(moments)
def test_it_returns_the_delivery_details_as_ordered_and_who_placed_it(
    api_client: Client, auth: dict[str, str], buyer: Any, make_product: Callable[..., Product]
) -> None:
    address = company_services.address_create(
        actor=buyer, data=AddressInput(label="Bakery", lines="1 Mill Lane\nLeeds", postcode="LS1 1AA")
    )
    flour = make_product(stock=10)
    day = earliest_delivery_date(timezone.localdate())
    order = services.order_place(
        user=buyer,
        lines=[(flour.pk, 1)],
        details=OrderDetails(po_number="PO-1", delivery_date=day, notes="Ring"),
    ).order
    company_services.address_delete(actor=buyer, address_id=address.pk)

    body = api_client.get(f"/api/v1/orders/{order.pk}", headers=auth).json()

    assert body["po_number"] == "PO-1" and body["delivery_date"] == day.isoformat()
    assert body["notes"] == "Ring"
    assert body["placed_by"] == {"id": buyer.pk, "email": buyer.email}
    # Deleted since: the copy stays, without the link.
    assert body["delivery_address"] == {
        "id": None, "label": "Bakery", "lines": ["1 Mill Lane", "Leeds"],
        "postcode": "LS1 1AA", "country": "GB", "is_default": False,
    }


def test_a_colleagues_order_is_visible_and_another_companys_is_404(
    api_client: Client,
    auth: dict[str, str],
    buyer: Any,
    other_buyer: Any,
    make_product: Callable[..., Product],
    place_order: Callable[..., Any],
) -> None:
    colleague = make_member("colleague@bakery.test", buyer.membership.company, Role.BUYER)
    flour = make_product(stock=10)
    theirs = place_order((flour, 1), user=colleague)
    foreign = place_order((flour, 1), user=other_buyer)
    assert api_client.get(f"/api/v1/orders/{theirs.pk}", headers=auth).status_code == 200
    assert_error(api_client.get(f"/api/v1/orders/{foreign.pk}", headers=auth), 404, "not_found")

"""POST /api/v1/orders/{id}/cancel"""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from companies.models import Role
from shop import services
from shop.models import Order, Product, StockMovement
from tests.api.helpers import assert_error
from tests.factories import make_member


def url(order: Any) -> str:
    return f"/api/v1/orders/{order.pk}/cancel"


def test_it_cancels_and_puts_the_stock_back(
    api_client: Client,
    auth: dict[str, str],
    make_product: Callable[..., Product],
    place_order: Callable[..., Any],
) -> None:
    flour = make_product(stock=10)
    order = place_order((flour, 4))

    response = api_client.generic("POST", url(order), headers=auth)

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == order.pk
    assert body["status"] == "cancelled"
    assert body["cancelled_at"] is not None
    flour.refresh_from_db()
    assert flour.stock == 10
    assert StockMovement.objects.filter(
        order=order, reason=StockMovement.Reason.CANCELLATION, quantity=4
    ).exists()


def test_it_accepts_an_empty_json_object_as_body(
    api_client: Client,
    auth: dict[str, str],
    make_product: Callable[..., Product],
    place_order: Callable[..., Any],
) -> None:
    order = place_order((make_product(), 1))

    response = api_client.post(url(order), {}, content_type="application/json", headers=auth)

    assert response.status_code == 200


def test_it_refuses_to_cancel_twice(
    api_client: Client,
    auth: dict[str, str],
    make_product: Callable[..., Product],
    place_order: Callable[..., Any],
) -> None:
    flour = make_product(stock=10)
    order = place_order((flour, 4))
    api_client.generic("POST", url(order), headers=auth)

    assert_error(api_client.generic("POST", url(order), headers=auth), 409, "not_cancellable")
    flour.refresh_from_db()
    assert flour.stock == 10


def test_it_hides_another_users_order(
    api_client: Client,
    auth: dict[str, str],
    other_buyer: Any,
    make_product: Callable[..., Product],
    place_order: Callable[..., Any],
) -> None:
    theirs = place_order((make_product(), 1), user=other_buyer)

    assert_error(api_client.generic("POST", url(theirs), headers=auth), 404, "not_found")
    assert Order.objects.get(pk=theirs.pk).status == "placed"
    assert_error(api_client.generic("POST", "/api/v1/orders/987654/cancel", headers=auth), 404, "not_found")


def test_it_rejects_missing_wrong_expired_or_revoked_credentials(
    api_client: Client,
    bad_auth: dict[str, str],
    make_product: Callable[..., Product],
    place_order: Callable[..., Any],
) -> None:
    order = place_order((make_product(), 1))

    assert_error(api_client.generic("POST", url(order), headers=bad_auth), 401, "not_authenticated")
    assert Order.objects.get(pk=order.pk).status == "placed"


def test_it_rejects_a_body_that_is_not_a_json_object(
    api_client: Client,
    auth: dict[str, str],
    make_product: Callable[..., Product],
    place_order: Callable[..., Any],
) -> None:
    order = place_order((make_product(), 1))

    for raw in ("{", "[]", "null"):
        response = api_client.post(url(order), raw, content_type="application/json", headers=auth)
        assert_error(response, 400, "invalid_json")
    response = api_client.post(url(order), "reason=x", content_type="text/plain", headers=auth)
    assert_error(response, 415, "unsupported_media_type")
    assert Order.objects.get(pk=order.pk).status == "placed"


def test_it_rejects_other_methods(
    api_client: Client,
    auth: dict[str, str],
    make_product: Callable[..., Product],
    place_order: Callable[..., Any],
) -> None:
    order = place_order((make_product(), 1))

    response = api_client.get(url(order), headers=auth)

    assert_error(response, 405, "method_not_allowed")
    assert response["Allow"] == "POST"


def test_it_cancels_a_confirmed_order_and_adds_the_step_to_its_history(
    api_client: Client,
    auth: dict[str, str],
    staff: Any,
    make_product: Callable[..., Product],
    place_order: Callable[..., Any],
) -> None:
    flour = make_product(stock=10)
    order = place_order((flour, 4))
    services.order_advance(order_id=order.pk, to_status="confirmed", by=staff)

    response = api_client.generic("POST", url(order), headers=auth)

    assert response.status_code == 200
    assert [step["status"] for step in response.json()["status_history"]] == [
        "placed", "confirmed", "cancelled"
    ]
    flour.refresh_from_db()
    assert flour.stock == 10


@pytest.mark.parametrize("status", ["dispatched", "delivered"])
def test_it_refuses_an_order_once_dispatched(
    api_client: Client,
    auth: dict[str, str],
    staff: Any,
    make_product: Callable[..., Product],
    place_order: Callable[..., Any],
    status: str,
) -> None:
    flour = make_product(stock=10)
    order = place_order((flour, 4))
    for step in ("confirmed", "dispatched", "delivered"):
        services.order_advance(order_id=order.pk, to_status=step, by=staff)
        if step == status:
            break

    response = api_client.generic("POST", url(order), headers=auth)

    assert_error(response, 409, "not_cancellable")
    assert status in response.json()["error"]["message"]
    assert Order.objects.get(pk=order.pk).status == status
    flour.refresh_from_db()
    assert flour.stock == 6
def test_a_viewer_gets_403_forbidden_and_nothing_changes(
    api_client: Client, buyer: Any, make_product: Callable[..., Product], place_order: Callable[..., Any]
) -> None:
    viewer = make_member("viewer@bakery.test", buyer.membership.company, Role.VIEWER)
    flour = make_product(stock=10)
    order = place_order((flour, 4))
    viewer_auth = {"Authorization": f"Bearer {services.token_create(user=viewer).secret}"}

    assert_error(api_client.generic("POST", url(order), headers=viewer_auth), 403, "forbidden")

    assert Order.objects.get(pk=order.pk).status == Order.Status.PLACED
    flour.refresh_from_db()
    assert flour.stock == 6


def test_a_colleague_can_cancel_a_company_order(
    api_client: Client, buyer: Any, make_product: Callable[..., Product], place_order: Callable[..., Any]
) -> None:
    colleague = make_member("colleague@bakery.test", buyer.membership.company, Role.BUYER)
    order = place_order((make_product(stock=10), 4))
    colleague_auth = {"Authorization": f"Bearer {services.token_create(user=colleague).secret}"}
    response = api_client.generic("POST", url(order), headers=colleague_auth)
    assert response.status_code == 200 and response.json()["status"] == "cancelled"

"""GET /api/v1/orders"""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from companies.models import Membership, Role
from shop import services
from shop.models import Order, Product
from shop.services.checkout import OrderDetails
from tests.api.helpers import assert_error
from tests.factories import make_member

URL = "/api/v1/orders"


def test_it_lists_the_callers_orders_newest_first(
    api_client: Client,
    auth: dict[str, str],
    other_buyer: Any,
    make_product: Callable[..., Product],
    place_order: Callable[..., Any],
) -> None:
    flour = make_product(price="12.50")
    first = place_order((flour, 1))
    second = place_order((flour, 2))
    place_order((flour, 1), user=other_buyer)

    response = api_client.get(URL, headers=auth)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [o["id"] for o in body["results"]] == [second.pk, first.pk]
    assert body["results"][0]["total"] == "25.00"
    assert body["results"][0]["lines"][0]["quantity"] == 2


def test_it_paginates(
    api_client: Client,
    auth: dict[str, str],
    make_product: Callable[..., Product],
    place_order: Callable[..., Any],
) -> None:
    flour = make_product(stock=100)
    for _ in range(3):
        place_order((flour, 1))

    page = api_client.get(URL, {"page_size": 2, "page": 2}, headers=auth).json()

    assert page["count"] == 3 and len(page["results"]) == 1
    assert page["previous"] == "http://testserver/api/v1/orders?page_size=2&page=1"
    assert_error(api_client.get(URL, {"page": 3, "page_size": 2}, headers=auth), 404, "not_found")
    assert_error(api_client.get(URL, {"page_size": 1000}, headers=auth), 400, "invalid")


def test_it_rejects_missing_wrong_expired_or_revoked_credentials(
    api_client: Client, bad_auth: dict[str, str]
) -> None:
    assert_error(api_client.get(URL, headers=bad_auth), 401, "not_authenticated")


def test_it_rejects_other_methods(api_client: Client, auth: dict[str, str]) -> None:
    response = api_client.delete(URL, headers=auth)

    assert_error(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET, HEAD, POST"


def test_it_reads_a_page_in_a_fixed_number_of_queries(
    api_client: Client,
    auth: dict[str, str],
    make_product: Callable[..., Any],
    place_order: Callable[..., Any],
    django_assert_max_num_queries: Any,
) -> None:
    products = [make_product(stock=100) for _ in range(5)]
    for product in products:
        place_order((product, 1), (products[0], 1))
    api_client.get(URL, headers=auth)  # the token's last-use write happens on this one

    # token, count, orders, their lines, their status changes: not one query per order
    with django_assert_max_num_queries(5):
        assert api_client.get(URL, headers=auth).json()["count"] == 5


def test_each_listed_order_has_its_status_history(
    api_client: Client,
    auth: dict[str, str],
    buyer: Any,
    make_product: Callable[..., Product],
    place_order: Callable[..., Any],
) -> None:
    kept = place_order((make_product(), 1))
    cancelled = place_order((make_product(), 1))
    services.order_cancel(user=buyer, order_id=cancelled.pk)

    results = api_client.get(URL, headers=auth).json()["results"]

    history = {order["id"]: [step["status"] for step in order["status_history"]] for order in results}
    assert history == {kept.pk: ["placed"], cancelled.pk: ["placed", "cancelled"]}


# --- The company's orders and the filters --------------------------------------------------------


def test_it_lists_the_orders_of_the_whole_company(
    api_client: Client,
    auth: dict[str, str],
    buyer: Any,
    make_product: Callable[..., Product],
    place_order: Callable[..., Any],
) -> None:
    colleague = make_member("colleague@bakery.test", buyer.membership.company, Role.VIEWER)
    flour = make_product(price="12.50")
    mine = place_order((flour, 1))
    Membership.objects.filter(user=colleague).update(role=Role.BUYER)
    theirs = place_order((flour, 1), user=colleague)

    body = api_client.get(URL, headers=auth).json()

    assert [o["id"] for o in body["results"]] == [theirs.pk, mine.pk]
    assert body["results"][0]["placed_by"] == {"id": colleague.pk, "email": colleague.email}


def test_it_filters_by_status_dates_and_reference_or_po_number(
    api_client: Client, auth: dict[str, str], buyer: Any, make_product: Callable[..., Product]
) -> None:
    flour = make_product(stock=50)
    first = services.order_place(
        user=buyer, lines=[(flour.pk, 1)], details=OrderDetails(po_number="PO-ALPHA-1")
    ).order
    second = services.order_place(
        user=buyer, lines=[(flour.pk, 1)], details=OrderDetails(po_number="PO-BETA-2")
    ).order
    services.order_cancel(user=buyer, order_id=second.pk)
    Order.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(days=10))
    today = timezone.localdate()

    def ids(**query: str) -> list[int]:
        response = api_client.get(URL, query, headers=auth)
        assert response.status_code == 200, response.content
        return [o["id"] for o in response.json()["results"]]

    assert ids(status="cancelled") == [second.pk]
    assert ids(status="placed") == [first.pk]
    assert ids(created_after=(today - timedelta(days=1)).isoformat()) == [second.pk]
    assert ids(created_before=(today - timedelta(days=5)).isoformat()) == [first.pk]
    assert ids(created_after=today.isoformat(), created_before=today.isoformat()) == [second.pk]
    assert ids(q="alpha") == [first.pk]
    assert ids(q=second.reference) == [second.pk]
    assert ids(q=str(first.pk)) == [first.pk]
    assert ids(q="PO-") == [second.pk, first.pk]
    assert ids(q="nothing-like-this") == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"status": "lost"}, "status"),
        ({"created_after": "yesterday"}, "created_after"),
        ({"created_before": "2026-02-30"}, "created_before"),
        ({"created_after": "2026-1-1"}, "created_after"),
        ({"q": "x" * 101}, "q"),
        ({"q": "a\x00b"}, "q"),
    ],
)
def test_bad_filters_are_400_invalid(
    api_client: Client, auth: dict[str, str], query: dict[str, str], field: str
) -> None:
    error = assert_error(api_client.get(URL, query, headers=auth), 400, "invalid")
    assert list(error["details"]) == [field]

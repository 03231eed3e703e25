"""Orders belong to the company: a colleague sees (and, as a buyer, acts on) them; nothing of
company A's orders is visible or changeable from company B, in the HTML or the API."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from companies.models import Role
from shop import services
from shop.models import CartItem, Order, Product
from tests.factories import make_member
from tests.views.conftest import ShopClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def flour(make_product: Any) -> Product:
    return make_product(stock=20, name="Strong white flour")


@pytest.fixture
def order_a(buyer: Any, flour: Product) -> Order:
    return services.order_place(user=buyer, lines=[(flour.pk, 2)]).order


@pytest.fixture
def colleague(buyer: Any) -> Any:
    return make_member("colleague@bakery.test", buyer.membership.company, Role.BUYER)


def browser(user: Any) -> ShopClient:
    client = ShopClient()
    client.force_login(user)
    return client


def api(method: str, path: str, user: Any, body: Any = None) -> Any:
    secret = services.token_create(user=user, name="t").secret
    return getattr(Client(), method)(
        path, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )


def test_a_colleague_sees_the_order_in_html_and_api(colleague: Any, buyer: Any, order_a: Order) -> None:
    client = browser(colleague)
    assert order_a.reference in client.get(reverse("shop:orders")).content.decode()
    detail = client.get(order_a.get_absolute_url())
    assert detail.status_code == 200 and "Placed by" in detail.content.decode()
    listed = api("get", "/api/v1/orders", colleague).json()
    assert [o["id"] for o in listed["results"]] == [order_a.pk]
    one = api("get", f"/api/v1/orders/{order_a.pk}", colleague).json()
    assert one["placed_by"] == {"id": buyer.pk, "email": buyer.email}


def test_a_colleague_who_buys_can_cancel_it(colleague: Any, order_a: Order) -> None:
    response = browser(colleague).form_post(reverse("shop:order_cancel", args=[order_a.pk]))
    assert response.status_code == 302
    assert Order.objects.get(pk=order_a.pk).status == Order.Status.CANCELLED


def test_another_company_sees_nothing_in_html(other_buyer: Any, order_a: Order) -> None:
    client = browser(other_buyer)
    history = client.get(reverse("shop:orders"))
    assert order_a.reference not in history.content.decode()
    assert client.get(order_a.get_absolute_url()).status_code == 404
    assert client.get(reverse("shop:order_cancel", args=[order_a.pk])).status_code == 404
    csv = client.get(reverse("shop:orders"), {"_export": "csv"}).getvalue().decode()
    assert order_a.reference not in csv


def test_another_company_changes_nothing_in_html(other_buyer: Any, order_a: Order) -> None:
    client = browser(other_buyer)
    assert client.form_post(reverse("shop:order_cancel", args=[order_a.pk])).status_code == 404
    assert client.form_post(reverse("shop:order_again", args=[order_a.pk])).status_code == 404
    assert Order.objects.get(pk=order_a.pk).status == Order.Status.PLACED
    assert not CartItem.objects.filter(user=other_buyer).exists()


def test_another_company_sees_and_changes_nothing_in_the_api(other_buyer: Any, order_a: Order) -> None:
    assert api("get", "/api/v1/orders", other_buyer).json()["count"] == 0
    assert api("get", "/api/v1/orders", other_buyer, {"q": order_a.reference}).json()["count"] == 0
    assert api("get", f"/api/v1/orders/{order_a.pk}", other_buyer).status_code == 404
    cancel = api("post", f"/api/v1/orders/{order_a.pk}/cancel", other_buyer)
    assert cancel.status_code == 404 and cancel.json()["error"]["code"] == "not_found"
    assert Order.objects.get(pk=order_a.pk).status == Order.Status.PLACED

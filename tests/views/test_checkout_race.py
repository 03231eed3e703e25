"""Double-clicking "Place order": two requests with the same form race on real connections."""

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from shop import services
from shop.models import CartItem, Order, Product
from tests.checkout import checkout_data
from tests.services.test_concurrency import race
from tests.views.conftest import ShopClient

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.usefixtures("postgres_only"),
    pytest.mark.django_db(transaction=True),
]


def test_two_simultaneous_submits_of_one_cart_page_make_one_order(
    buyer: Any, make_product: Callable[..., Product]
) -> None:
    rye = make_product(stock=10)
    services.cart_add(user=buyer, product_id=rye.pk, quantity=2)
    clients = [ShopClient(), ShopClient()]
    for client in clients:
        client.force_login(buyer)
        client.csrf_token()
    page = checkout_data(buyer, "0b9a7c1e-3f55-4d2a-8e11-6a2f4c9d0e77")

    responses = race(
        [
            (lambda c=c: c.form_post(reverse("shop:checkout"), page))
            for c in clients
        ]
    )

    order = Order.objects.get(user=buyer)
    assert [r.status_code for r in responses] == [302, 302]
    assert {r["Location"] for r in responses} == {f"{order.get_absolute_url()}?placed=1"}
    assert Product.objects.get(pk=rye.pk).stock == 8
    assert not CartItem.objects.filter(user=buyer).exists()


@pytest.mark.parametrize("attempt", range(5))
def test_one_cart_checked_out_from_two_tabs_at_once_places_one_order(
    buyer: Any, make_product: Callable[..., Product], attempt: int
) -> None:
    """Two sessions (two tabs or browsers), each page with its own key, press "Place order"
    together: one order; the other checkout is told the cart was already ordered and is sent
    to that order."""
    rye, hops = make_product(stock=10), make_product(stock=10)
    services.cart_add(user=buyer, product_id=rye.pk, quantity=2)
    services.cart_add(user=buyer, product_id=hops.pk, quantity=1)
    clients = [ShopClient(), ShopClient()]
    pages = []
    for n, client in enumerate(clients):
        client.force_login(buyer)
        client.csrf_token()
        pages.append(checkout_data(buyer, f"0b9a7c1e-3f55-4d2a-8e11-6a2f4c9d0e7{n}"))

    responses = race(
        [
            (lambda c=c, page=page: c.form_post(reverse("shop:checkout"), page))
            for c, page in zip(clients, pages, strict=True)
        ]
    )

    order = Order.objects.get(user=buyer)
    assert [r.status_code for r in responses] == [302, 302]
    assert sorted(r["Location"] for r in responses) == sorted(
        [f"{order.get_absolute_url()}?placed=1", order.get_absolute_url()]
    )
    loser = next(
        c for c, r in zip(clients, responses, strict=True) if "placed" not in r["Location"]
    )
    told = loser.get(order.get_absolute_url()).content.decode()
    assert f"This cart was already ordered as {order.reference}" in told
    assert Product.objects.get(pk=rye.pk).stock == 8
    assert Product.objects.get(pk=hops.pk).stock == 9
    assert not CartItem.objects.filter(user=buyer).exists()

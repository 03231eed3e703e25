"""A quantity typed in the cart and not confirmed with "Update" is never lost or silently
replaced at checkout (issue 11, item 12).

The quantity inputs belong to the checkout form, so "Place order" posts what the buyer sees,
with or without JavaScript. The server never orders a quantity whose total the page did not
show: it saves the typed quantities to the cart, places nothing, and asks the buyer to check
the new total and place the order (post/redirect/get).
"""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from shop import services
from shop.forms import line_field_name
from shop.models import CartItem, Order, Product
from tests.checkout import checkout_data
from tests.views.conftest import ShopClient

pytestmark = pytest.mark.django_db

CART = reverse("shop:cart")
CHECKOUT = reverse("shop:checkout")
KEY = "3d0c9c55-61a4-4f0e-8a7e-2b9f51c7a0d4"


def cart_of(user: Any) -> dict[int, int]:
    return dict(CartItem.objects.filter(user=user).values_list("product_id", "quantity"))


@pytest.fixture
def rye(make_product: Callable[..., Product]) -> Product:
    return make_product(name="Dark rye flour", price="28.10", stock=30)


@pytest.fixture
def hops(make_product: Callable[..., Product]) -> Product:
    return make_product(name="Cascade hops", price="24.50", stock=5)


@pytest.fixture
def filled(buyer: Any, rye: Product, hops: Product) -> Any:
    services.cart_add(user=buyer, product_id=rye.pk, quantity=2)
    services.cart_add(user=buyer, product_id=hops.pk, quantity=1)
    return buyer


def test_the_quantity_inputs_are_posted_with_place_order(
    buyer_client: ShopClient, filled: Any, rye: Product
) -> None:
    html = buyer_client.get(CART).content.decode()
    field = re.search(rf'<input[^>]*id="cart-qty-{rye.pk}"[^>]*>', html, re.S)
    assert field is not None
    assert 'form="checkout-form"' in field.group(0)
    assert f'name="{line_field_name(rye.pk)}"' in field.group(0)
    assert 'value="2"' in field.group(0)
    # With htmx, leaving the input saves it.
    assert 'hx-trigger="change"' in field.group(0)
    assert '<form id="checkout-form"' in html


def test_place_order_with_a_typed_unsaved_quantity_saves_it_and_orders_nothing(
    buyer_client: ShopClient, filled: Any, rye: Product, hops: Product
) -> None:
    response = buyer_client.form_post(CHECKOUT, checkout_data(filled, KEY, **{f"p{rye.pk}": 5}))

    assert response.status_code == 302 and response["Location"] == CART
    assert not Order.objects.exists()
    assert cart_of(filled) == {rye.pk: 5, hops.pk: 1}
    page = buyer_client.get(CART).content.decode()
    assert "Nothing was ordered yet: you changed quantities without updating the cart" in page
    assert "Dark rye flour (25 kg sack) 5" in page
    assert 'id="cart-total" class="num total">£165.00' in page  # 5 × 28.10 + 24.50

    # The buyer checks the new total and places the order: it has what they typed.
    placed = buyer_client.form_post(CHECKOUT, checkout_data(filled, KEY.replace("3d", "4e", 1)))
    order = Order.objects.get(user=filled)
    assert placed["Location"] == f"{order.get_absolute_url()}?placed=1"
    assert dict(order.lines.values_list("product_id", "quantity")) == {rye.pk: 5, hops.pk: 1}


def test_a_typed_quantity_over_the_stock_orders_nothing_and_says_so(
    buyer_client: ShopClient, filled: Any, rye: Product, hops: Product
) -> None:
    response = buyer_client.form_post(
        CHECKOUT, checkout_data(filled, KEY, **{f"p{hops.pk}": 9}), follow=True
    )

    assert "Nothing was ordered: only 5 of Cascade hops (25 kg sack) available" in response.content.decode()
    assert not Order.objects.exists()
    assert cart_of(filled) == {rye.pk: 2, hops.pk: 1}


@pytest.mark.parametrize("typed", ["0", "abc", ""])
def test_a_typed_quantity_that_is_not_a_quantity_orders_nothing(
    buyer_client: ShopClient, filled: Any, rye: Product, hops: Product, typed: str
) -> None:
    data = {**checkout_data(filled, KEY), line_field_name(rye.pk): typed}

    response = buyer_client.form_post(CHECKOUT, data, follow=True)

    page = response.content.decode()
    assert "Enter a whole number from 1 to 10,000. Nothing was ordered." in page
    assert not Order.objects.exists()
    assert cart_of(filled) == {rye.pk: 2, hops.pk: 1}


def test_update_without_javascript_saves_every_typed_line(
    buyer_client: ShopClient, filled: Any, rye: Product, hops: Product
) -> None:
    """The "Update" button of one line posts the whole form (the inputs all belong to it), so
    a quantity typed on another line is saved too instead of being thrown away."""
    data = checkout_data(filled, KEY, **{f"p{rye.pk}": 4, f"p{hops.pk}": 3})

    response = buyer_client.form_post(reverse("shop:cart_update", args=[rye.pk]), data)

    assert response.status_code == 302 and response["Location"] == CART
    assert cart_of(filled) == {rye.pk: 4, hops.pk: 3}
    assert not Order.objects.exists()


def test_an_htmx_change_of_one_input_saves_it_and_returns_the_cart(
    buyer_client: ShopClient, filled: Any, rye: Product, hops: Product
) -> None:
    data = checkout_data(filled, KEY, **{f"p{hops.pk}": 4})

    response = buyer_client.htmx_post(reverse("shop:cart_update", args=[hops.pk]), data)

    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "Cascade hops (25 kg sack): quantity set to 4." in html
    assert 'id="cart-total" class="num total">£154.20' in html  # 2 × 28.10 + 4 × 24.50
    assert cart_of(filled) == {rye.pk: 2, hops.pk: 4}


def test_an_update_over_the_stock_changes_no_line(
    buyer_client: ShopClient, filled: Any, rye: Product, hops: Product
) -> None:
    data = checkout_data(filled, KEY, **{f"p{rye.pk}": 3, f"p{hops.pk}": 6})

    response = buyer_client.htmx_post(reverse("shop:cart_update", args=[rye.pk]), data)

    assert response.status_code == 409
    assert "Only 5 available; the quantity was not changed." in response.content.decode()
    assert cart_of(filled) == {rye.pk: 2, hops.pk: 1}

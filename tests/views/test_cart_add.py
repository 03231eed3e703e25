from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from shop import services
from shop.models import CartItem, Product
from tests.views.conftest import ShopClient

URL = reverse("shop:cart_add")


def cart_of(user: Any) -> dict[int, int]:
    return dict(CartItem.objects.filter(user=user).values_list("product_id", "quantity"))


def test_htmx_add_confirms_and_swaps_the_badge_out_of_band(
    buyer_client: ShopClient, buyer: Any, make_product: Callable[..., Product]
) -> None:
    rye = make_product(name="Dark rye flour", stock=10)
    response = buyer_client.htmx_post(URL, {"product": rye.pk, "quantity": "2"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Added 2 × Dark rye flour (25 kg sack) to your cart (2 in cart)." in html
    assert 'id="cart-badge"' in html and 'hx-swap-oob="true"' in html and ">2</span>" in html
    assert "<html" not in html
    assert cart_of(buyer) == {rye.pk: 2}


def test_without_js_it_redirects_back_with_the_query_string_and_a_message(
    buyer_client: ShopClient, buyer: Any, make_product: Callable[..., Product]
) -> None:
    rye = make_product(name="Dark rye flour", stock=10)
    back = reverse("shop:catalogue") + "?q=rye&page=1"
    response = buyer_client.form_post(URL, {"product": rye.pk, "quantity": "3", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    page = buyer_client.get(back).content.decode()
    assert "Added 3 × Dark rye flour (25 kg sack) to your cart (3 in cart)." in page
    assert cart_of(buyer) == {rye.pk: 3}


def test_it_ignores_a_next_url_on_another_site(
    buyer_client: ShopClient, make_product: Callable[..., Product]
) -> None:
    rye = make_product()
    response = buyer_client.form_post(
        URL, {"product": rye.pk, "quantity": "1", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("shop:catalogue")


def test_more_than_in_stock_says_so_and_adds_nothing(
    buyer_client: ShopClient, buyer: Any, make_product: Callable[..., Product]
) -> None:
    rye = make_product(name="Dark rye flour", stock=4)
    services.cart_add(user=buyer, product_id=rye.pk, quantity=2)
    response = buyer_client.htmx_post(URL, {"product": rye.pk, "quantity": "3"})
    html = response.content.decode()
    assert response.status_code == 409
    assert "Only 4 of Dark rye flour (25 kg sack) in stock (2 already in your cart)" in html
    assert "Nothing was added." in html
    assert cart_of(buyer) == {rye.pk: 2}


def test_more_than_in_stock_without_js_redirects_with_the_message(
    buyer_client: ShopClient, buyer: Any, make_product: Callable[..., Product]
) -> None:
    rye = make_product(name="Dark rye flour", stock=1)
    response = buyer_client.form_post(URL, {"product": rye.pk, "quantity": "5"}, follow=True)
    assert "Only 1 of Dark rye flour (25 kg sack) in stock" in response.content.decode()
    assert cart_of(buyer) == {}


@pytest.mark.parametrize("quantity", ["0", "-1", "abc", "99999999", "", "1.5"])
def test_bad_quantities_are_refused(
    buyer_client: ShopClient, buyer: Any, make_product: Callable[..., Product], quantity: str
) -> None:
    rye = make_product(stock=10)
    response = buyer_client.htmx_post(URL, {"product": rye.pk, "quantity": quantity})
    assert response.status_code == 422
    assert "Enter a whole number from 1 to 10,000." in response.content.decode()
    assert cart_of(buyer) == {}


def test_an_inactive_product_cannot_be_added(
    buyer_client: ShopClient, buyer: Any, make_product: Callable[..., Product]
) -> None:
    gone = make_product(is_active=False)
    response = buyer_client.htmx_post(URL, {"product": gone.pk, "quantity": "1"})
    assert response.status_code == 409
    assert "no longer for sale" in response.content.decode()
    assert cart_of(buyer) == {}


def test_it_needs_the_csrf_token(
    buyer_client: ShopClient, buyer: Any, make_product: Callable[..., Product]
) -> None:
    rye = make_product()
    response = buyer_client.post(URL, {"product": rye.pk, "quantity": "1"})
    assert response.status_code == 403
    assert cart_of(buyer) == {}


def test_get_is_not_allowed(buyer_client: ShopClient) -> None:
    assert buyer_client.get(URL).status_code == 405

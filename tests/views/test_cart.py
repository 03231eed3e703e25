from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from shop import services
from shop.models import CartItem, Order, Product
from tests.checkout import checkout_data, delivery_data
from tests.views.conftest import ShopClient

CART = reverse("shop:cart")
CHECKOUT = reverse("shop:checkout")
KEY = "6f1c2a3e-0b7d-4c55-9d7e-2f0a8b1c3d4e"


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


def test_it_shows_lines_totals_and_available_stock(buyer_client: ShopClient, filled: Any) -> None:
    response = buyer_client.get(CART)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Dark rye flour" in html and "Cascade hops" in html
    assert "£56.20" in html  # 2 × 28.10
    assert 'id="cart-total" class="num total">£80.70' in html
    assert "30 available" in html and "5 available" in html
    assert ">Review order</button>" in html and 'name="idempotency_key"' in html


def test_each_rendering_gets_a_new_idempotency_key(buyer_client: ShopClient, filled: Any) -> None:
    first = buyer_client.get(CART).context["checkout_form"].initial["idempotency_key"]
    second = buyer_client.get(CART).context["checkout_form"].initial["idempotency_key"]
    assert first != second


def test_an_empty_cart_says_so(buyer_client: ShopClient, buyer: Any) -> None:
    html = buyer_client.get(CART).content.decode()
    assert "Your cart is empty." in html and "Review order" not in html


def test_another_buyers_cart_is_not_shown(
    buyer_client: ShopClient, other_buyer: Any, rye: Product
) -> None:
    services.cart_add(user=other_buyer, product_id=rye.pk, quantity=1)
    assert "Your cart is empty." in buyer_client.get(CART).content.decode()


@pytest.mark.parametrize("lines", [2, 40])
def test_the_query_count_does_not_grow_with_lines(
    buyer_client: ShopClient,
    buyer: Any,
    make_product: Callable[..., Product],
    django_assert_max_num_queries: Any,
    lines: int,
) -> None:
    for _ in range(lines):
        services.cart_add(user=buyer, product_id=make_product(stock=5).pk, quantity=1)
    with django_assert_max_num_queries(7):
        response = buyer_client.get(CART)
    assert len(response.context["lines"]) == lines


# --- quantity update ----------------------------------------------------------------------------


def test_htmx_update_returns_the_cart_partial_and_badge(
    buyer_client: ShopClient, filled: Any, rye: Product, hops: Product
) -> None:
    response = buyer_client.htmx_post(reverse("shop:cart_update", args=[rye.pk]), {"quantity": "4"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="cart-body"') and "<html" not in html
    assert 'id="cart-badge"' in html and ">5</span>" in html
    assert 'id="messages"' in html and "quantity set to 4" in html
    assert cart_of(filled) == {rye.pk: 4, hops.pk: 1}


def test_update_without_js_redirects_to_the_cart(
    buyer_client: ShopClient, filled: Any, rye: Product
) -> None:
    response = buyer_client.form_post(reverse("shop:cart_update", args=[rye.pk]), {"quantity": "7"})
    assert response.status_code == 302 and response["Location"] == CART
    assert cart_of(filled)[rye.pk] == 7


@pytest.mark.parametrize("quantity", ["0", "-1", "abc", "99999999", ""])
@pytest.mark.parametrize("htmx", [True, False])
def test_bad_quantities_change_nothing(
    buyer_client: ShopClient, filled: Any, rye: Product, hops: Product, quantity: str, htmx: bool
) -> None:
    url = reverse("shop:cart_update", args=[rye.pk])
    post = buyer_client.htmx_post if htmx else buyer_client.form_post
    response = post(url, {"quantity": quantity})
    if not htmx:
        # Post/redirect/get: the error waits for the cart page, so a reload does not post again.
        assert response.status_code == 302 and response["Location"] == CART
        response = buyer_client.get(CART)
    else:
        assert response.status_code == 422
    html = response.content.decode()
    assert 'class="line-error"' in html and "Enter a whole number from 1 to 10,000." in html
    assert "Dark rye flour (25 kg sack): Enter a whole number" in html  # the message names it
    assert cart_of(filled) == {rye.pk: 2, hops.pk: 1}


def test_a_refused_update_without_js_shows_the_typed_quantities_once(
    buyer_client: ShopClient, filled: Any, rye: Product, hops: Product
) -> None:
    data = {f"line-{rye.pk}-quantity": "40", f"line-{hops.pk}-quantity": "1"}
    response = buyer_client.form_post(reverse("shop:cart_update", args=[rye.pk]), data)
    assert response.status_code == 302 and response["Location"] == CART
    html = buyer_client.get(CART).content.decode()
    assert f'id="cart-qty-{rye.pk}"' in html and 'value="40"' in html
    assert f'aria-describedby="cart-err-{rye.pk}"' in html
    assert "Only 30 available; the quantity was not changed." in html
    assert f"{rye.name_with_pack}: only 30 available. The quantity was not changed." in html
    assert cart_of(filled) == {rye.pk: 2, hops.pk: 1}
    # Shown once: the next visit is the cart as saved.
    again = buyer_client.get(CART).content.decode()
    assert "Only 30 available; the quantity was not changed." not in again and 'value="40"' not in again


def test_more_than_in_stock_is_refused_on_its_line(
    buyer_client: ShopClient, filled: Any, hops: Product
) -> None:
    response = buyer_client.htmx_post(reverse("shop:cart_update", args=[hops.pk]), {"quantity": "6"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Only 5 available; the quantity was not changed." in html
    assert 'value="6"' in html  # the typed quantity, shown back beside the error
    assert cart_of(filled)[hops.pk] == 1


def test_updating_a_product_not_in_the_cart_is_404(
    buyer_client: ShopClient, other_buyer: Any, rye: Product
) -> None:
    services.cart_add(user=other_buyer, product_id=rye.pk, quantity=1)
    response = buyer_client.form_post(reverse("shop:cart_update", args=[rye.pk]), {"quantity": "3"})
    assert response.status_code == 404
    assert cart_of(other_buyer) == {rye.pk: 1}


# --- remove -------------------------------------------------------------------------------------


def test_htmx_remove(buyer_client: ShopClient, filled: Any, rye: Product, hops: Product) -> None:
    response = buyer_client.htmx_post(reverse("shop:cart_remove", args=[rye.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Removed 2 × {rye.name_with_pack} from your cart." in html
    assert reverse("shop:cart_undo_remove") in html and ">Undo</button>" in html
    assert cart_of(filled) == {hops.pk: 1}


def test_remove_without_js(buyer_client: ShopClient, filled: Any, rye: Product) -> None:
    response = buyer_client.form_post(reverse("shop:cart_remove", args=[rye.pk]))
    assert response["Location"] == CART
    assert rye.pk not in cart_of(filled)
    html = buyer_client.get(CART).content.decode()
    assert f"Removed 2 × {rye.name_with_pack} from your cart." in html and 'id="cart-undo"' in html
    assert 'id="cart-undo"' not in buyer_client.get(CART).content.decode()


@pytest.mark.parametrize("htmx", [True, False])
def test_undo_puts_the_removed_line_back(
    buyer_client: ShopClient, filled: Any, rye: Product, hops: Product, htmx: bool
) -> None:
    buyer_client.form_post(reverse("shop:cart_remove", args=[rye.pk]))
    post = buyer_client.htmx_post if htmx else buyer_client.form_post
    response = post(reverse("shop:cart_undo_remove"), {"product": rye.pk, "quantity": "2"})
    assert response.status_code == (200 if htmx else 302)
    assert cart_of(filled) == {rye.pk: 2, hops.pk: 1}
    html = response.content.decode() if htmx else buyer_client.get(CART).content.decode()
    assert f"Put back: 2 × {rye.name_with_pack}." in html


def test_undo_refused_by_stock_says_so_and_changes_nothing(
    buyer_client: ShopClient, filled: Any, rye: Product, hops: Product
) -> None:
    buyer_client.form_post(reverse("shop:cart_remove", args=[hops.pk]))
    response = buyer_client.form_post(
        reverse("shop:cart_undo_remove"), {"product": hops.pk, "quantity": "9"}, follow=True
    )
    assert "Only 5 of Cascade hops" in response.content.decode()
    assert cart_of(filled) == {rye.pk: 2}


def test_removing_another_buyers_line_is_404(
    buyer_client: ShopClient, other_buyer: Any, rye: Product
) -> None:
    services.cart_add(user=other_buyer, product_id=rye.pk, quantity=1)
    assert buyer_client.form_post(reverse("shop:cart_remove", args=[rye.pk])).status_code == 404
    assert cart_of(other_buyer) == {rye.pk: 1}


# --- checkout -----------------------------------------------------------------------------------


def test_place_order_redirects_to_the_confirmation(
    buyer_client: ShopClient, filled: Any, rye: Product
) -> None:
    response = buyer_client.form_post(CHECKOUT, checkout_data(filled, KEY))
    order = Order.objects.get(user=filled)
    assert response.status_code == 302
    assert response["Location"] == f"{order.get_absolute_url()}?placed=1"
    assert cart_of(filled) == {}
    page = buyer_client.get(response["Location"]).content.decode()
    assert 'id="order-placed"' in page and f"Order {order.reference} placed" in page
    rye.refresh_from_db()
    assert rye.stock == 28


def test_a_double_submit_places_one_order(buyer_client: ShopClient, filled: Any) -> None:
    page = checkout_data(filled, KEY)
    first = buyer_client.form_post(CHECKOUT, page)
    second = buyer_client.form_post(CHECKOUT, page)
    assert Order.objects.filter(user=filled).count() == 1
    assert first["Location"] == second["Location"]


def test_a_new_key_with_an_empty_cart_says_the_cart_is_empty(
    buyer_client: ShopClient, buyer: Any
) -> None:
    response = buyer_client.form_post(CHECKOUT, {"idempotency_key": KEY}, follow=True)
    assert "Your cart is empty." in response.content.decode()
    assert not Order.objects.exists()


def test_a_missing_key_places_nothing(buyer_client: ShopClient, filled: Any) -> None:
    response = buyer_client.form_post(CHECKOUT, {"idempotency_key": "not-a-uuid"}, follow=True)
    assert "out of date" in response.content.decode()
    assert not Order.objects.exists()


def test_insufficient_stock_keeps_the_cart_and_marks_short_lines(
    buyer_client: ShopClient, filled: Any, rye: Product, hops: Product
) -> None:
    services.stock_set(product_id=rye.pk, new_stock=1, note="sold at the counter")
    response = buyer_client.form_post(CHECKOUT, checkout_data(filled, KEY))
    html = response.content.decode()
    assert response.status_code == 409
    assert "Only 1 available" in html and 'class="short"' in html
    assert html.count(">Set short lines to available</button>") == 1
    assert cart_of(filled) == {rye.pk: 2, hops.pk: 1}
    assert not Order.objects.exists()


def test_the_cart_flags_short_lines_as_soon_as_it_loads_with_the_fix_on_the_line(
    buyer_client: ShopClient, filled: Any, rye: Product, hops: Product
) -> None:
    services.stock_set(product_id=rye.pk, new_stock=1)
    services.stock_set(product_id=hops.pk, new_stock=0)
    response = buyer_client.get(CART)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="short"') == 2
    assert "Only 1 available" in html and "None in stock now" in html
    assert ">Set short lines to available</button>" in html
    # The one-click fixes: the rye down to what there is, the hops out of the cart.
    assert f'Use the 1 there is<span class="visually-hidden"> for {rye.name_with_pack}</span>' in html
    assert f'Take it out<span class="visually-hidden">: {hops.name_with_pack}</span>' in html
    response = buyer_client.form_post(reverse("shop:cart_update", args=[rye.pk]), {"quantity": "1"})
    assert response["Location"] == CART
    assert cart_of(filled) == {rye.pk: 1, hops.pk: 1}


def test_a_cart_within_stock_flags_nothing(buyer_client: ShopClient, filled: Any) -> None:
    html = buyer_client.get(CART).content.decode()
    assert 'class="short' not in html and "Set short lines to available" not in html


def test_the_review_refuses_short_lines_on_the_cart_page(
    buyer_client: ShopClient, filled: Any, rye: Product, hops: Product
) -> None:
    services.stock_set(product_id=rye.pk, new_stock=1)
    response = buyer_client.form_post(reverse("shop:checkout_review"), checkout_data(filled, KEY))
    html = response.content.decode()
    assert response.status_code == 409
    assert "Review your order" not in html and "Only 1 available" in html
    assert "lower them" in html and ">Set short lines to available</button>" in html
    assert cart_of(filled) == {rye.pk: 2, hops.pk: 1}


def test_set_short_lines_to_available(
    buyer_client: ShopClient, filled: Any, rye: Product, hops: Product
) -> None:
    services.stock_set(product_id=rye.pk, new_stock=1)
    response = buyer_client.form_post(reverse("shop:cart_fit"))
    assert response["Location"] == CART
    assert cart_of(filled) == {rye.pk: 1, hops.pk: 1}
    assert "Dark rye flour (25 kg sack) 2 → 1" in buyer_client.get(CART).content.decode()


def test_an_old_cart_page_submitted_again_shows_its_order_and_places_nothing_more(
    buyer_client: ShopClient, filled: Any, rye: Product, hops: Product
) -> None:
    page = checkout_data(filled, KEY)
    first = buyer_client.form_post(CHECKOUT, page)
    services.cart_add(user=filled, product_id=hops.pk, quantity=1)
    again = buyer_client.form_post(CHECKOUT, page)
    assert again["Location"] == first["Location"]
    assert Order.objects.filter(user=filled).count() == 1
    assert cart_of(filled) == {hops.pk: 1}


def test_a_page_showing_other_lines_than_the_cart_places_nothing(
    buyer_client: ShopClient, filled: Any, rye: Product, hops: Product
) -> None:
    page = checkout_data(filled, KEY)
    services.cart_remove(user=filled, product_id=hops.pk)  # in another tab
    response = buyer_client.form_post(CHECKOUT, page, follow=True)
    assert "Your cart changed since this page was shown." in response.content.decode()
    assert not Order.objects.exists()
    assert cart_of(filled) == {rye.pk: 2}


def test_a_checkout_posting_no_lines_places_nothing(
    buyer_client: ShopClient, filled: Any, rye: Product, hops: Product
) -> None:
    response = buyer_client.form_post(
        CHECKOUT, {"idempotency_key": KEY, **delivery_data(filled)}, follow=True
    )
    assert "Your cart changed since this page was shown." in response.content.decode()
    assert not Order.objects.exists()
    assert cart_of(filled) == {rye.pk: 2, hops.pk: 1}


def test_htmx_set_short_lines_returns_the_cart_partial(
    buyer_client: ShopClient, filled: Any, rye: Product
) -> None:
    services.stock_set(product_id=rye.pk, new_stock=0)
    response = buyer_client.htmx_post(reverse("shop:cart_fit"))
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "Dark rye flour (25 kg sack) 2 → 0 (removed)" in html
    assert rye.pk not in cart_of(filled)

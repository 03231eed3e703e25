"""A viewer reads the company's orders but sees no order buttons, and every order POST is a 403
(the shop's own 403 page)."""

from typing import Any

import pytest
from django.urls import reverse

from companies.models import Role
from shop import services
from shop.models import CartItem, Order, Product
from tests.checkout import checkout_data
from tests.factories import make_member
from tests.views.conftest import ShopClient

KEY = "6f1c2a3e-0b7d-4c55-9d7e-2f0a8b1c3d4e"


@pytest.fixture
def flour(make_product: Any) -> Product:
    return make_product(stock=20, name="Strong white flour")


@pytest.fixture
def viewer(buyer: Any) -> Any:
    return make_member("viewer@bakery.test", buyer.membership.company, Role.VIEWER)


@pytest.fixture
def viewer_client(viewer: Any) -> ShopClient:
    client = ShopClient()
    client.force_login(viewer)
    return client


@pytest.fixture
def colleagues_order(buyer: Any, flour: Product) -> Order:
    return services.order_place(user=buyer, lines=[(flour.pk, 2)]).order


def test_a_viewer_sees_no_add_to_cart_in_the_catalogue_or_on_a_product(
    viewer_client: ShopClient, buyer_client: ShopClient, flour: Product
) -> None:
    # The buyer first: the catalogue's cached results must not leak their buttons to a viewer.
    button = ">Add to cart</button>"
    assert button in buyer_client.get(reverse("shop:catalogue")).content.decode()
    catalogue = viewer_client.get(reverse("shop:catalogue")).content.decode()
    assert "Strong white flour" in catalogue and button not in catalogue
    assert reverse("shop:cart_add") not in catalogue
    product = viewer_client.get(flour.get_absolute_url()).content.decode()
    assert button not in product and "view only" in product
    assert button in buyer_client.get(reverse("shop:catalogue")).content.decode()


def test_a_viewer_sees_the_company_orders_without_order_again_or_cancel(
    viewer_client: ShopClient, colleagues_order: Order, buyer: Any
) -> None:
    history = viewer_client.get(reverse("shop:orders")).content.decode()
    assert colleagues_order.reference in history and buyer.email in history
    detail = viewer_client.get(colleagues_order.get_absolute_url())
    html = detail.content.decode()
    assert detail.status_code == 200 and buyer.email in html
    assert "Order again" not in html and "Cancel order" not in html


def test_a_viewer_sees_no_checkout_in_the_cart(
    viewer_client: ShopClient, viewer: Any, flour: Product
) -> None:
    CartItem.objects.create(user=viewer, product=flour, quantity=1)  # from before the role changed
    html = viewer_client.get(reverse("shop:cart")).content.decode()
    assert "Strong white flour" in html
    assert ">Review order</button>" not in html and ">Remove</button>" not in html
    assert 'id="checkout-form"' not in html and ">Update</button>" not in html
    assert "view only" in html


def test_every_order_post_is_a_403_and_changes_nothing(
    viewer_client: ShopClient, viewer: Any, flour: Product, colleagues_order: Order
) -> None:
    CartItem.objects.create(user=viewer, product=flour, quantity=1)
    page = checkout_data(viewer, KEY)
    posts = [
        (reverse("shop:cart_add"), {"product": flour.pk, "quantity": 1}),
        (reverse("shop:cart_update", args=[flour.pk]), {"quantity": 3}),
        (reverse("shop:cart_remove", args=[flour.pk]), {}),
        (reverse("shop:cart_fit"), {}),
        (reverse("shop:checkout_review"), page),
        (reverse("shop:checkout"), page),
        (reverse("shop:order_again", args=[colleagues_order.pk]), {}),
        (reverse("shop:order_cancel", args=[colleagues_order.pk]), {}),
    ]
    for path, data in posts:
        response = viewer_client.form_post(path, data)
        assert response.status_code == 403, path
        assert "Not allowed" in response.content.decode()  # templates/403.html, the shop's look
    assert viewer_client.get(reverse("shop:order_cancel", args=[colleagues_order.pk])).status_code == 403
    assert viewer_client.htmx_post(reverse("shop:cart_add"), {"product": flour.pk, "quantity": 1}).status_code == 403
    assert Order.objects.count() == 1 and Order.objects.get().status == Order.Status.PLACED
    assert dict(CartItem.objects.filter(user=viewer).values_list("product_id", "quantity")) == {flour.pk: 1}


@pytest.mark.parametrize(
    "route, data",
    [
        ("shop:cart_add", {}),
        ("shop:cart_add", {"product": "x", "quantity": "abc"}),
        ("shop:cart_update", {"quantity": "abc"}),
        ("shop:checkout", {}),
        ("shop:checkout", {"idempotency_key": KEY, "line-1-quantity": "abc"}),
    ],
    ids=["add-empty", "add-bad", "update-bad", "checkout-empty", "checkout-bad-line"],
)
@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_a_viewer_posting_bad_input_is_refused_not_asked_to_correct_it(
    viewer_client: ShopClient,
    viewer: Any,
    flour: Product,
    route: str,
    data: dict[str, str],
    htmx: bool,
) -> None:
    # The role comes before the input: "enter a whole number" or "this cart page was out of
    # date, place the order again" would invite a viewer to try again.
    CartItem.objects.create(user=viewer, product=flour, quantity=1)
    path = reverse(route, args=[flour.pk]) if route == "shop:cart_update" else reverse(route)
    post = viewer_client.htmx_post if htmx else viewer_client.form_post
    response = post(path, data)
    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()
    cart = dict(CartItem.objects.filter(user=viewer).values_list("product_id", "quantity"))
    assert cart == {flour.pk: 1}
    assert not Order.objects.exists()

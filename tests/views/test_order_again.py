"""Order again by line: the order page's form (a checkbox and a quantity per line), linked from
each row of the history; the whole-order POST of before still works (tests/views/test_orders.py)."""

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from companies.models import Role
from shop import services
from shop.models import CartItem, Order, Product
from tests.factories import make_member
from tests.views.conftest import ShopClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def rye(make_product: Callable[..., Product]) -> Product:
    return make_product(name="Dark rye flour", stock=30)


@pytest.fixture
def malt(make_product: Callable[..., Product]) -> Product:
    return make_product(name="Pale ale malt", stock=40, order_multiple=8)


@pytest.fixture
def salt(make_product: Callable[..., Product]) -> Product:
    return make_product(name="Fine salt", stock=10)


@pytest.fixture
def order(buyer: Any, rye: Product, malt: Product, salt: Product) -> Order:
    return services.order_place(user=buyer, lines=[(rye.pk, 3), (malt.pk, 8), (salt.pk, 2)]).order


def lines_of(order: Order) -> dict[int, int]:
    return {line.product_id: line.pk for line in order.lines.all()}


def cart_of(user: Any) -> dict[int, int]:
    return dict(CartItem.objects.filter(user=user).values_list("product_id", "quantity"))


def again(client: ShopClient, order: Order, data: dict[str, Any], **extra: Any) -> Any:
    return client.form_post(reverse("shop:order_again", args=[order.pk]), {"choose": "1", **data}, **extra)


def test_the_order_page_has_a_checkbox_and_quantity_per_line_all_checked(
    buyer_client: ShopClient, order: Order, malt: Product
) -> None:
    html = buyer_client.get(order.get_absolute_url()).content.decode()

    for line in order.lines.all():
        assert f'name="line" value="{line.pk}" id="again-{line.pk}" checked' in html
        assert f'name="qty-{line.pk}" value="{line.quantity}"' in html
    assert 'step="8"' in html  # the malt's input follows its pack rule
    assert ">Add chosen lines to cart</button>" in html


def test_each_history_row_links_to_the_order_again_form(buyer_client: ShopClient, order: Order) -> None:
    html = buyer_client.get(reverse("shop:orders")).content.decode()

    assert f'href="{order.get_absolute_url()}#order-again"' in html


def test_only_the_chosen_lines_go_in_the_cart_at_the_chosen_quantities(
    buyer_client: ShopClient, buyer: Any, order: Order, rye: Product, malt: Product, salt: Product
) -> None:
    ids = lines_of(order)

    response = again(
        buyer_client,
        order,
        {"line": [ids[rye.pk], ids[malt.pk]], f"qty-{ids[rye.pk]}": "5", f"qty-{ids[malt.pk]}": "16",
         f"qty-{ids[salt.pk]}": "not read: unchecked"},
        follow=True,
    )

    assert cart_of(buyer) == {rye.pk: 5, malt.pk: 16}
    assert f"The chosen lines of {order.reference} are in your cart." in response.content.decode()


def test_capped_and_refused_lines_are_reported(
    buyer_client: ShopClient, buyer: Any, order: Order, rye: Product, malt: Product, salt: Product
) -> None:
    ids = lines_of(order)  # stock now: rye 27, salt 8

    response = again(
        buyer_client,
        order,
        {"line": list(ids.values()), f"qty-{ids[rye.pk]}": "3", f"qty-{ids[malt.pk]}": "12",
         f"qty-{ids[salt.pk]}": "9"},
        follow=True,
    )

    html = response.content.decode()
    assert "Capped to what is in stock: Fine salt (25 kg sack): 8 in cart (ordered 9)" in html
    assert "Not added: Pale ale malt (25 kg sack): Sold in multiples of 8: 8 or 16." in html
    assert cart_of(buyer) == {rye.pk: 3, salt.pk: 8}


def test_choosing_no_line_adds_nothing_and_says_so(
    buyer_client: ShopClient, buyer: Any, order: Order
) -> None:
    response = again(buyer_client, order, {})

    assert response.status_code == 422
    assert "Choose at least one line to add to your cart." in response.content.decode()
    assert cart_of(buyer) == {}


def test_a_bad_quantity_on_a_chosen_line_is_shown_on_its_row(
    buyer_client: ShopClient, buyer: Any, order: Order, rye: Product
) -> None:
    ids = lines_of(order)

    response = again(buyer_client, order, {"line": [ids[rye.pk]], f"qty-{ids[rye.pk]}": "-2"})

    html = response.content.decode()
    assert response.status_code == 422
    assert f'id="again-err-{ids[rye.pk]}"' in html and "Enter a whole number from 1 to 10,000." in html
    assert f'name="qty-{ids[rye.pk]}" value="-2"' in html  # what was typed stays
    assert cart_of(buyer) == {}


def test_a_viewer_has_no_order_again_link_or_form_and_gets_403(
    buyer: Any, order: Order, rye: Product
) -> None:
    viewer = make_member("viewer@bakery.test", buyer.membership.company, Role.VIEWER)
    client = ShopClient()
    client.force_login(viewer)

    history = client.get(reverse("shop:orders")).content.decode()
    page = client.get(order.get_absolute_url()).content.decode()
    response = again(client, order, {"line": [lines_of(order)[rye.pk]], f"qty-{lines_of(order)[rye.pk]}": "1"})

    assert "#order-again" not in history
    assert 'id="order-again"' not in page
    assert response.status_code == 403
    assert cart_of(viewer) == {}


def test_another_companys_order_cannot_be_ordered_again_by_line(
    other_client: ShopClient, other_buyer: Any, order: Order, rye: Product
) -> None:
    response = again(other_client, order, {"line": [lines_of(order)[rye.pk]], f"qty-{lines_of(order)[rye.pk]}": "1"})

    assert response.status_code == 404
    assert cart_of(other_buyer) == {}

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from shop import services
from shop.models import CartItem, Order, Product
from tests.views.conftest import ShopClient

ORDERS = reverse("shop:orders")


def place(user: Any, *lines: tuple[Product, int]) -> Order:
    return services.order_place(user=user, lines=[(p.pk, q) for p, q in lines]).order


@pytest.fixture
def rye(make_product: Callable[..., Product]) -> Product:
    return make_product(name="Dark rye flour", price="28.10", stock=30)


@pytest.fixture
def order(buyer: Any, rye: Product) -> Order:
    return place(buyer, (rye, 3))


def table_ids(response: Any) -> list[int]:
    return [row.record.pk for row in response.context["table"].page.object_list]


# --- history --------------------------------------------------------------------------------


def test_history_lists_only_my_orders(
    buyer_client: ShopClient, order: Order, other_buyer: Any, rye: Product
) -> None:
    place(other_buyer, (rye, 1))
    response = buyer_client.get(ORDERS)
    html = response.content.decode()
    assert response.status_code == 200
    assert table_ids(response) == [order.pk]
    assert 'id="order-table"' in html and order.reference in html and "£84.30" in html
    assert f'href="{order.get_absolute_url()}"' in html


def test_history_htmx_sort_returns_the_partial(
    buyer_client: ShopClient, buyer: Any, rye: Product
) -> None:
    small = place(buyer, (rye, 1))
    big = place(buyer, (rye, 5))
    response = buyer_client.get(ORDERS, {"sort": "total"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and html.lstrip().startswith('<section id="orders-results"')
    assert table_ids(response) == [small.pk, big.pk]
    assert table_ids(buyer_client.get(ORDERS, {"sort": "-total"})) == [big.pk, small.pk]
    assert "HX-Request" in response["Vary"]


def test_history_paginates(buyer_client: ShopClient, buyer: Any, rye: Product) -> None:
    for _ in range(27):
        place(buyer, (rye, 1))
    assert len(table_ids(buyer_client.get(ORDERS))) == 25
    assert len(table_ids(buyer_client.get(ORDERS, {"page": "2"}))) == 2


def test_history_downloads_as_csv(buyer_client: ShopClient, order: Order) -> None:
    response = buyer_client.get(ORDERS, {"_export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "orders.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.getvalue().decode())))
    assert rows[0] == ["Date", "Reference", "Lines", "Total excl. VAT", "Status", "PO number", "Placed by"]
    assert rows[1][1:] == [order.reference, "1", "84.30", "Placed", "", order.user.email]


@pytest.mark.parametrize("count", [2, 40])
def test_history_query_count_does_not_grow_with_orders(
    buyer_client: ShopClient,
    buyer: Any,
    rye: Product,
    django_assert_max_num_queries: Any,
    count: int,
) -> None:
    services.stock_adjust(product_id=rye.pk, change=count)
    for _ in range(count):
        place(buyer, (rye, 1))
    with django_assert_max_num_queries(7):
        response = buyer_client.get(ORDERS)
    assert len(table_ids(response)) == min(count, 25)


# --- detail ---------------------------------------------------------------------------------


def test_detail_shows_the_lines_as_ordered(
    buyer_client: ShopClient, order: Order, rye: Product
) -> None:
    Product.objects.filter(pk=rye.pk).update(name="Renamed later", price="99.00")
    html = buyer_client.get(order.get_absolute_url()).content.decode()
    assert "Dark rye flour" in html and "Renamed later" not in html
    assert f"Order {order.reference}" in html
    assert 'id="order-lines"' in html and rye.sku in html and "£28.10" in html
    assert ">Add chosen lines to cart</button>" in html
    # Cancelling sits apart, after the order's progress, in a lighter weight than Order again.
    cancel = html.index(f"Cancel order {order.reference}…</a>")
    assert cancel > html.index('id="order-timeline"') > html.index('id="order-again"')
    assert 'class="btn btn-danger-outline"' in html
    assert 'id="order-again"' in html
    assert 'id="order-placed"' not in html


def test_another_buyers_order_is_404_everywhere(
    other_client: ShopClient, order: Order
) -> None:
    assert other_client.get(order.get_absolute_url()).status_code == 404
    assert other_client.get(reverse("shop:order_cancel", args=[order.pk])).status_code == 404
    assert other_client.form_post(reverse("shop:order_cancel", args=[order.pk])).status_code == 404
    assert other_client.form_post(reverse("shop:order_again", args=[order.pk])).status_code == 404
    order.refresh_from_db()
    assert order.status == Order.Status.PLACED


# --- order again ----------------------------------------------------------------------------


def test_order_again_fills_the_cart(buyer_client: ShopClient, buyer: Any, order: Order, rye: Product) -> None:
    response = buyer_client.form_post(reverse("shop:order_again", args=[order.pk]))
    assert response["Location"] == reverse("shop:cart")
    assert dict(CartItem.objects.filter(user=buyer).values_list("product_id", "quantity")) == {rye.pk: 3}
    assert f"The lines of {order.reference} are in your cart." in buyer_client.get(
        reverse("shop:cart")
    ).content.decode()


def test_order_again_says_what_was_capped(
    buyer_client: ShopClient, buyer: Any, order: Order, rye: Product
) -> None:
    services.stock_set(product_id=rye.pk, new_stock=2)
    response = buyer_client.form_post(reverse("shop:order_again", args=[order.pk]), follow=True)
    html = response.content.decode()
    assert "Capped to what is in stock: Dark rye flour (25 kg sack): 2 in cart (ordered 3)" in html
    assert CartItem.objects.get(user=buyer).quantity == 2


# --- cancel ---------------------------------------------------------------------------------


def test_cancel_asks_first_then_cancels_and_restocks(
    buyer_client: ShopClient, order: Order, rye: Product
) -> None:
    url = reverse("shop:order_cancel", args=[order.pk])
    confirm = buyer_client.get(url)
    assert confirm.status_code == 200
    assert ">Cancel order</button>" in confirm.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.PLACED
    response = buyer_client.form_post(url)
    assert response["Location"] == order.get_absolute_url()
    order.refresh_from_db()
    rye.refresh_from_db()
    assert order.status == Order.Status.CANCELLED and rye.stock == 30
    page = buyer_client.get(order.get_absolute_url()).content.decode()
    assert f"Order {order.reference} cancelled" in page and "Cancel order" not in page


def test_cancelling_twice_says_it_is_already_cancelled(
    buyer_client: ShopClient, order: Order, rye: Product
) -> None:
    url = reverse("shop:order_cancel", args=[order.pk])
    buyer_client.form_post(url)
    response = buyer_client.form_post(url, follow=True)
    assert "already cancelled" in response.content.decode()
    rye.refresh_from_db()
    assert rye.stock == 30
    assert buyer_client.get(url)["Location"] == order.get_absolute_url()


def test_the_404_page_uses_the_shop_layout(buyer_client: ShopClient, settings: Any) -> None:
    settings.DEBUG = False
    response = buyer_client.get(reverse("shop:order_detail", args=[999999]))
    assert response.status_code == 404
    assert "css/shop.css" in response.content.decode() and "Not found" in response.content.decode()


# --- the timeline -------------------------------------------------------------------------------


def timeline(html: str) -> str:
    start = html.index('id="order-timeline"')
    return html[start : html.index("</section>", start)]


def test_the_timeline_shows_placed_and_greys_the_next_step(buyer_client: ShopClient, order: Order) -> None:
    steps = timeline(buyer_client.get(order.get_absolute_url()).content.decode())

    assert "Placed" in steps and order.created_at.strftime("%d %b %Y").lstrip("0") in steps
    assert 'class="timeline-step is-next"' in steps and "Confirmed" in steps
    assert "by the shop" not in steps


def test_the_timeline_lists_each_change_with_staff_changes_by_the_shop(
    buyer_client: ShopClient, order: Order, staff: Any
) -> None:
    services.order_advance(order_id=order.pk, to_status=Order.Status.CONFIRMED, by=staff)
    services.order_advance(order_id=order.pk, to_status=Order.Status.DISPATCHED, by=staff)

    html = buyer_client.get(order.get_absolute_url()).content.decode()
    steps = timeline(html)

    done = steps.split('class="timeline-step is-next"')[0]
    assert done.index("Placed") < done.index("Confirmed") < done.index("Dispatched")
    assert done.count("by the shop") == 2
    assert "Delivered" in steps.split('class="timeline-step is-next"')[1]
    assert 'status-badge status-dispatched">Dispatched' in html
    assert "Cancel order " not in html


def test_a_cancelled_order_has_no_next_step(buyer_client: ShopClient, buyer: Any, order: Order) -> None:
    services.order_cancel(user=buyer, order_id=order.pk)

    steps = timeline(buyer_client.get(order.get_absolute_url()).content.decode())

    assert "Cancelled" in steps and "is-next" not in steps and "by the shop" not in steps


def test_a_confirmed_order_can_still_be_cancelled_from_its_page(
    buyer_client: ShopClient, order: Order, staff: Any, rye: Product
) -> None:
    services.order_advance(order_id=order.pk, to_status=Order.Status.CONFIRMED, by=staff)
    url = reverse("shop:order_cancel", args=[order.pk])

    assert 'id="order-cancel"' in buyer_client.get(order.get_absolute_url()).content.decode()
    buyer_client.form_post(url)

    order.refresh_from_db()
    rye.refresh_from_db()
    assert order.status == Order.Status.CANCELLED and rye.stock == 30


def test_a_dispatched_order_cannot_be_cancelled_from_its_page(
    buyer_client: ShopClient, order: Order, staff: Any, rye: Product
) -> None:
    for status in (Order.Status.CONFIRMED, Order.Status.DISPATCHED):
        services.order_advance(order_id=order.pk, to_status=status, by=staff)

    response = buyer_client.form_post(reverse("shop:order_cancel", args=[order.pk]), follow=True)

    assert "is dispatched and can no longer be cancelled" in response.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.DISPATCHED


def test_the_history_table_badges_the_new_statuses(
    buyer_client: ShopClient, order: Order, staff: Any
) -> None:
    services.order_advance(order_id=order.pk, to_status=Order.Status.CONFIRMED, by=staff)

    html = buyer_client.get(ORDERS).content.decode()

    assert '<span class="status-badge status-confirmed">Confirmed</span>' in html


# --- empty history, line order ----------------------------------------------------------------


def test_an_empty_history_leads_to_the_catalogue_without_downloads(
    buyer_client: ShopClient, buyer: Any
) -> None:
    html = buyer_client.get(ORDERS).content.decode()
    assert 'id="empty-state"' in html and "Your company has not placed any orders yet." in html
    assert f'href="{reverse("shop:catalogue")}">Browse the catalogue</a>' in html
    assert "Download" not in html and 'id="order-filters"' not in html


def test_filters_matching_nothing_keep_the_form_but_offer_no_download(
    buyer_client: ShopClient, order: Order
) -> None:
    html = buyer_client.get(ORDERS, {"status": "cancelled"}).content.decode()
    assert 'id="order-filters"' in html and "No orders match these filters." in html
    assert "Download" not in html and 'id="empty-state"' not in html


def test_order_lines_come_in_the_carts_order_by_name_then_pack(
    buyer_client: ShopClient, buyer: Any, make_product: Callable[..., Product]
) -> None:
    # Created so that product ids run against the names: the order is written by product id.
    yeast = make_product(name="Yeast", unit="500 g pack", stock=50)
    flour_25 = make_product(name="Bread flour", unit="25 kg sack", stock=50)
    flour_16 = make_product(name="Bread flour", unit="16 kg sack", stock=50)
    for product in (yeast, flour_25, flour_16):
        services.cart_add(user=buyer, product_id=product.pk, quantity=1)
    cart = buyer_client.get(reverse("shop:cart")).content.decode()
    order = services.order_place_from_cart(user=buyer).order
    page = buyer_client.get(order.get_absolute_url()).content.decode()
    for html in (cart, page):
        positions = [html.index(f"{product.sku}") for product in (flour_16, flour_25, yeast)]
        assert positions == sorted(positions)

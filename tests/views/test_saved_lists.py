"""The saved-list pages: the company's lists, a list's items, adding to a list from a product
page, the cart and an order, and putting a list in the cart. Plain forms, no JS."""

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from companies.models import Role
from shop import services
from shop.models import CartItem, Order, Product, SavedList, SavedListItem
from shop.services import saved_lists as lists
from tests.factories import make_member
from tests.views.conftest import ShopClient

pytestmark = pytest.mark.django_db

LISTS = reverse("shop:saved_lists")


@pytest.fixture
def flour(make_product: Callable[..., Product]) -> Product:
    return make_product(sku="FLR-STRW-25", name="Strong white flour", stock=10, price="21.40")


@pytest.fixture
def malt(make_product: Callable[..., Product]) -> Product:
    return make_product(sku="MLT-PALE-25", name="Pale ale malt", stock=20, order_multiple=8)


@pytest.fixture
def thursday(buyer: Any, flour: Product, malt: Product) -> SavedList:
    return lists.saved_list_create(
        user=buyer, name="Thursday bakery order", items=[(flour.pk, 4), (malt.pk, 8)]
    )


@pytest.fixture
def viewer_client(buyer: Any) -> ShopClient:
    client = ShopClient()
    client.force_login(make_member("viewer@bakery.test", buyer.membership.company, Role.VIEWER))
    return client


def items_of(saved: SavedList) -> dict[int, int]:
    return dict(SavedListItem.objects.filter(saved_list=saved).values_list("product_id", "quantity"))


def cart_of(user: Any) -> dict[int, int]:
    return dict(CartItem.objects.filter(user=user).values_list("product_id", "quantity"))


def url(name: str, *args: int) -> str:
    return reverse(f"shop:{name}", args=args)


def test_the_lists_page_shows_the_companys_lists(
    buyer_client: ShopClient, thursday: SavedList
) -> None:
    html = buyer_client.get(LISTS).content.decode()

    assert "Thursday bakery order" in html and f'href="{thursday.get_absolute_url()}"' in html
    assert ">Create list</button>" in html and ">Put in cart" in html
    assert f'href="{LISTS}"' in buyer_client.get(reverse("shop:quick_order")).content.decode()


def test_create_a_list_then_land_on_it(buyer_client: ShopClient, buyer: Any) -> None:
    response = buyer_client.form_post(LISTS, {"name": "Friday pastry"})

    saved = SavedList.objects.get()
    assert response.status_code == 302 and response["Location"] == saved.get_absolute_url()
    assert saved.name == "Friday pastry" and saved.company == buyer.membership.company


def test_a_taken_name_is_refused_on_the_form(buyer_client: ShopClient, thursday: SavedList) -> None:
    response = buyer_client.form_post(LISTS, {"name": "thursday BAKERY order"})

    assert response.status_code == 422
    assert "already has a list called" in response.content.decode()
    assert SavedList.objects.count() == 1


def test_a_list_page_shows_items_with_prices_and_what_the_pack_rules_say(
    buyer_client: ShopClient, thursday: SavedList, malt: Product
) -> None:
    SavedListItem.objects.filter(saved_list=thursday, product=malt).update(quantity=10)

    html = buyer_client.get(thursday.get_absolute_url()).content.decode()

    assert "Strong white flour" in html and "£21.40" in html and "£85.60" in html
    assert "Sold in multiples of 8: 8 or 16." in html
    assert 'name="item-%d-quantity"' % malt.pk in html and 'step="8"' in html
    assert ">Put the whole list in the cart</button>" in html and ">Save quantities</button>" in html


def test_change_quantities_from_the_list_page(
    buyer_client: ShopClient, thursday: SavedList, flour: Product, malt: Product
) -> None:
    response = buyer_client.form_post(
        url("saved_list_items", thursday.pk),
        {f"item-{flour.pk}-quantity": "6", f"item-{malt.pk}-quantity": "16"},
    )

    assert response.status_code == 302
    assert items_of(thursday) == {flour.pk: 6, malt.pk: 16}


def test_a_quantity_refused_changes_nothing_and_says_why(
    buyer_client: ShopClient, thursday: SavedList, flour: Product, malt: Product
) -> None:
    bad_rule = buyer_client.form_post(
        url("saved_list_items", thursday.pk),
        {f"item-{flour.pk}-quantity": "6", f"item-{malt.pk}-quantity": "12"},
    )
    bad_number = buyer_client.form_post(
        url("saved_list_items", thursday.pk), {f"item-{flour.pk}-quantity": "abc"}
    )

    assert bad_rule.status_code == 422 and "Sold in multiples of 8: 8 or 16" in bad_rule.content.decode()
    assert bad_number.status_code == 422 and "Enter a whole number" in bad_number.content.decode()
    assert items_of(thursday) == {flour.pk: 4, malt.pk: 8}


def test_add_by_sku_on_the_list_page(
    buyer_client: ShopClient, thursday: SavedList, flour: Product, make_product: Any
) -> None:
    salt = make_product(sku="SLT-FINE-25", name="Fine salt")

    added = buyer_client.form_post(url("saved_list_add", thursday.pk), {"sku": "slt-fine-25", "quantity": "2"})
    again = buyer_client.form_post(url("saved_list_add", thursday.pk), {"sku": "FLR-STRW-25", "quantity": "1"})

    assert added.status_code == again.status_code == 302
    assert items_of(thursday)[salt.pk] == 2 and items_of(thursday)[flour.pk] == 5
    assert "the list now has 5" in buyer_client.get(thursday.get_absolute_url()).content.decode()


def test_an_unknown_sku_suggests_a_close_one(buyer_client: ShopClient, thursday: SavedList) -> None:
    response = buyer_client.form_post(url("saved_list_add", thursday.pk), {"sku": "FLR-STRW-52", "quantity": "1"})

    html = response.content.decode()
    assert response.status_code == 422
    assert "No product with SKU FLR-STRW-52." in html and "Did you mean <strong>FLR-STRW-25</strong>" in html


def test_a_removal_names_the_product_and_undo_puts_it_back(
    buyer_client: ShopClient, thursday: SavedList, flour: Product, malt: Product
) -> None:
    removed = buyer_client.form_post(url("saved_list_remove", thursday.pk, flour.pk))

    assert removed["Location"] == thursday.get_absolute_url()
    html = buyer_client.get(thursday.get_absolute_url()).content.decode()
    assert f"Removed 4 × {flour.name_with_pack} from “{thursday.name}”." in html
    assert 'id="list-undo"' in html and 'name="sku" value="FLR-STRW-25"' in html
    assert 'id="list-undo"' not in buyer_client.get(thursday.get_absolute_url()).content.decode()

    buyer_client.form_post(url("saved_list_add", thursday.pk), {"sku": "FLR-STRW-25", "quantity": "4"})

    assert items_of(thursday) == {flour.pk: 4, malt.pk: 8}


def test_remove_rename_and_delete_with_confirmation(
    buyer_client: ShopClient, thursday: SavedList, flour: Product, malt: Product
) -> None:
    buyer_client.form_post(url("saved_list_remove", thursday.pk, flour.pk))
    renamed = buyer_client.form_post(url("saved_list_rename", thursday.pk), {"name": "Thursday"})
    confirm = buyer_client.get(url("saved_list_delete", thursday.pk))

    assert items_of(thursday) == {malt.pk: 8}
    assert renamed.status_code == 302 and SavedList.objects.get().name == "Thursday"
    assert confirm.status_code == 200 and ">Delete list</button>" in confirm.content.decode()
    assert SavedList.objects.exists()  # asking deletes nothing

    deleted = buyer_client.form_post(url("saved_list_delete", thursday.pk))

    assert deleted["Location"] == LISTS and not SavedList.objects.exists()


def test_put_the_whole_list_in_the_cart_reports_capped_and_refused_lines(
    buyer_client: ShopClient, buyer: Any, thursday: SavedList, flour: Product, malt: Product
) -> None:
    services.stock_set(product_id=flour.pk, new_stock=3)
    SavedListItem.objects.filter(saved_list=thursday, product=malt).update(quantity=10)

    response = buyer_client.form_post(url("saved_list_to_cart", thursday.pk), follow=True)

    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("shop:cart")
    assert "1 line of “Thursday bakery order” put in your cart." in html
    assert "Capped to what is in stock: Strong white flour (25 kg sack): 3 in cart (the list says 4)" in html
    assert "Not added: Pale ale malt (25 kg sack): Sold in multiples of 8: 8 or 16." in html
    assert cart_of(buyer) == {flour.pk: 3}


def test_a_list_item_no_cart_line_may_hold_is_reported_not_a_500(
    buyer_client: ShopClient, buyer: Any, thursday: SavedList, flour: Product, malt: Product,
    settings: Any,
) -> None:
    settings.SHOP_MAX_LINE_QUANTITY = 12  # lowered after the list was saved
    SavedListItem.objects.filter(saved_list=thursday, product=malt).update(quantity=16)

    response = buyer_client.form_post(url("saved_list_to_cart", thursday.pk), follow=True)

    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("shop:cart")
    assert "1 line of “Thursday bakery order” put in your cart." in html
    assert "Not added: Pale ale malt: 16 is more than a cart line holds (12): 8 would do." in html
    assert cart_of(buyer) == {flour.pk: 4}


def test_add_to_a_list_from_a_product_page(
    buyer_client: ShopClient, thursday: SavedList, flour: Product
) -> None:
    page = buyer_client.get(flour.get_absolute_url()).content.decode()
    assert 'id="add-to-list"' in page and ">Thursday bakery order</option>" in page

    response = buyer_client.form_post(
        url("saved_list_add_product"),
        {"product": flour.pk, "saved_list": thursday.pk, "quantity": "2", "next": flour.get_absolute_url()},
    )

    assert response["Location"] == flour.get_absolute_url()
    assert items_of(thursday)[flour.pk] == 6


def test_add_to_a_new_list_from_a_product_page(buyer_client: ShopClient, flour: Product, malt: Product) -> None:
    refused = buyer_client.form_post(
        url("saved_list_add_product"), {"product": malt.pk, "saved_list": "", "new_name": "Brew day", "quantity": "3"}
    )
    made = buyer_client.form_post(
        url("saved_list_add_product"), {"product": flour.pk, "saved_list": "", "new_name": "Bread", "quantity": "2"}
    )

    assert refused.status_code == 302 and not SavedList.objects.filter(name="Brew day").exists()
    assert "Pale ale malt (25 kg sack): Sold in multiples of 8: 8. Nothing was added." in buyer_client.get(
        LISTS
    ).content.decode()
    saved = SavedList.objects.get(name="Bread")
    assert made["Location"] == saved.get_absolute_url() and items_of(saved) == {flour.pk: 2}


def test_the_catalogue_row_links_to_the_product_pages_list_form(
    buyer_client: ShopClient, flour: Product
) -> None:
    html = buyer_client.get(reverse("shop:catalogue")).content.decode()

    assert f'href="{flour.get_absolute_url()}#add-to-list"' in html


def test_save_the_cart_as_a_list(buyer_client: ShopClient, buyer: Any, flour: Product) -> None:
    services.cart_add(user=buyer, product_id=flour.pk, quantity=3)
    assert 'id="cart-save-list"' in buyer_client.get(reverse("shop:cart")).content.decode()

    response = buyer_client.form_post(url("saved_list_from_cart"), {"name": "My usual"})

    saved = SavedList.objects.get()
    assert response["Location"] == saved.get_absolute_url()
    assert saved.name == "My usual" and items_of(saved) == {flour.pk: 3}


def test_save_an_order_as_a_list(buyer_client: ShopClient, buyer: Any, flour: Product) -> None:
    order = services.order_place(user=buyer, lines=[(flour.pk, 2)]).order
    page = buyer_client.get(order.get_absolute_url()).content.decode()
    assert 'id="order-save-list"' in page and f'value="From {order.reference}"' in page

    response = buyer_client.form_post(url("order_save_list", order.pk), {"name": "Like that one"})
    clash = buyer_client.form_post(url("order_save_list", order.pk), {"name": "like THAT one"})

    saved = SavedList.objects.get()
    assert response["Location"] == saved.get_absolute_url() and items_of(saved) == {flour.pk: 2}
    assert clash.status_code == 422 and "already has a list called" in clash.content.decode()


# --- viewers and other companies ---------------------------------------------------------------


def test_a_viewer_sees_lists_without_any_change_or_cart_button(
    viewer_client: ShopClient, thursday: SavedList, flour: Product
) -> None:
    index = viewer_client.get(LISTS).content.decode()
    detail = viewer_client.get(thursday.get_absolute_url()).content.decode()
    product = viewer_client.get(flour.get_absolute_url()).content.decode()

    assert "Thursday bakery order" in index and ">Create list</button>" not in index and ">Put in cart" not in index
    assert "Strong white flour" in detail
    for button in (">Put the whole list in the cart", ">Save quantities", ">Add to list", ">Rename", "Remove</button>"):
        assert button not in detail
    assert 'id="add-to-list"' not in product


def test_every_list_post_by_a_viewer_is_a_403_and_changes_nothing(
    viewer_client: ShopClient, thursday: SavedList, flour: Product
) -> None:
    posts = [
        (LISTS, {"name": "Mine"}),
        (url("saved_list_items", thursday.pk), {f"item-{flour.pk}-quantity": "9"}),
        (url("saved_list_add", thursday.pk), {"sku": "FLR-STRW-25", "quantity": "1"}),
        (url("saved_list_remove", thursday.pk, flour.pk), {}),
        (url("saved_list_rename", thursday.pk), {"name": "Renamed"}),
        (url("saved_list_delete", thursday.pk), {}),
        (url("saved_list_to_cart", thursday.pk), {}),
        (url("saved_list_add_product"), {"product": flour.pk, "saved_list": thursday.pk, "quantity": "1"}),
        (url("saved_list_from_cart"), {"name": "From my cart"}),
    ]
    for path, data in posts:
        assert viewer_client.form_post(path, data).status_code == 403, path
    assert viewer_client.get(url("saved_list_delete", thursday.pk)).status_code == 403

    thursday.refresh_from_db()
    assert SavedList.objects.count() == 1 and thursday.name == "Thursday bakery order"
    assert items_of(thursday)[flour.pk] == 4
    assert not CartItem.objects.exists()

"""Saved lists: the company's named lists, their items, and putting them in the cart."""

import re
from collections.abc import Callable
from typing import Any

import pytest

from companies.exceptions import Forbidden
from companies.models import Role
from shop import selectors, services
from shop.exceptions import (
    InvalidListName,
    InvalidQuantity,
    OrderNotFound,
    ProductUnavailable,
    SavedListNotFound,
)
from shop.models import CartItem, Product, SavedList, SavedListItem
from shop.services import saved_lists as lists
from tests.factories import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def flour(make_product: Callable[..., Product]) -> Product:
    return make_product(name="Strong white flour", stock=10)


@pytest.fixture
def malt(make_product: Callable[..., Product]) -> Product:
    return make_product(name="Pale ale malt", stock=20, order_multiple=8)


@pytest.fixture
def colleague(buyer: Any) -> Any:
    return make_member("colleague@bakery.test", buyer.membership.company, Role.BUYER)


@pytest.fixture
def viewer(buyer: Any) -> Any:
    return make_member("viewer@bakery.test", buyer.membership.company, Role.VIEWER)


@pytest.fixture
def thursday(buyer: Any, flour: Product, malt: Product) -> SavedList:
    return lists.saved_list_create(
        user=buyer, name="Thursday bakery order", items=[(flour.pk, 4), (malt.pk, 8)]
    )


def items_of(saved: SavedList) -> dict[int, int]:
    return dict(saved.items.values_list("product_id", "quantity"))


def cart_of(user: Any) -> dict[int, int]:
    return dict(CartItem.objects.filter(user=user).values_list("product_id", "quantity"))


def test_a_list_belongs_to_the_company_and_every_member_sees_it(
    thursday: SavedList, buyer: Any, colleague: Any, viewer: Any, other_buyer: Any
) -> None:
    assert thursday.company == buyer.membership.company and thursday.created_by == buyer
    for member in (buyer, colleague, viewer):
        assert list(selectors.saved_lists_for(member)) == [thursday]
        assert selectors.saved_list_for(member, thursday.pk) == thursday
    assert list(selectors.saved_lists_for(other_buyer)) == []
    assert selectors.saved_list_for(other_buyer, thursday.pk) is None


def test_a_name_is_unique_in_the_company_whatever_its_case(
    thursday: SavedList, colleague: Any, other_buyer: Any
) -> None:
    with pytest.raises(InvalidListName, match="already has a list called"):
        lists.saved_list_create(user=colleague, name="  THURSDAY   bakery order ")
    # Another company may use the name.
    assert lists.saved_list_create(user=other_buyer, name="Thursday bakery order").pk


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_a_name_must_be_given_and_short(buyer: Any, name: str) -> None:
    with pytest.raises(InvalidListName):
        lists.saved_list_create(user=buyer, name=name)
    assert not SavedList.objects.exists()


def test_rename_keeps_names_unique_but_allows_a_new_case(buyer: Any, thursday: SavedList) -> None:
    lists.saved_list_create(user=buyer, name="Stollen")

    with pytest.raises(InvalidListName):
        lists.saved_list_rename(user=buyer, list_id=thursday.pk, name="stollen")
    renamed = lists.saved_list_rename(user=buyer, list_id=thursday.pk, name="THURSDAY bakery order")

    assert renamed.name == "THURSDAY bakery order"
    assert SavedList.objects.get(pk=thursday.pk).name == "THURSDAY bakery order"


def test_delete_removes_the_list_and_its_items(buyer: Any, thursday: SavedList) -> None:
    assert lists.saved_list_delete(user=buyer, list_id=thursday.pk) == "Thursday bakery order"

    assert not SavedList.objects.exists() and not SavedListItem.objects.exists()


def test_adding_a_product_already_on_the_list_adds_the_quantities(
    buyer: Any, thursday: SavedList, flour: Product
) -> None:
    item = lists.saved_list_add_item(user=buyer, list_id=thursday.pk, product_id=flour.pk, quantity=2)

    assert item.quantity == 6 and items_of(thursday)[flour.pk] == 6


def test_an_item_quantity_follows_the_pack_rules(buyer: Any, thursday: SavedList, malt: Product) -> None:
    with pytest.raises(InvalidQuantity, match="Sold in multiples of 8: 8 or 16"):
        lists.saved_list_add_item(user=buyer, list_id=thursday.pk, product_id=malt.pk, quantity=3)
    with pytest.raises(InvalidQuantity, match="Sold in multiples of 8: 8 or 16"):
        lists.saved_list_set_quantities(user=buyer, list_id=thursday.pk, quantities={malt.pk: 12})

    assert items_of(thursday)[malt.pk] == 8


def test_a_product_not_for_sale_cannot_be_added(buyer: Any, thursday: SavedList, make_product: Any) -> None:
    gone = make_product(is_active=False)

    with pytest.raises(ProductUnavailable):
        lists.saved_list_add_item(user=buyer, list_id=thursday.pk, product_id=gone.pk, quantity=1)


def test_set_quantities_changes_all_or_none(
    buyer: Any, thursday: SavedList, flour: Product, malt: Product
) -> None:
    with pytest.raises(InvalidQuantity):
        lists.saved_list_set_quantities(
            user=buyer, list_id=thursday.pk, quantities={flour.pk: 7, malt.pk: 5}
        )
    assert items_of(thursday) == {flour.pk: 4, malt.pk: 8}

    changed = lists.saved_list_set_quantities(
        user=buyer, list_id=thursday.pk, quantities={flour.pk: 7, malt.pk: 16}
    )

    assert changed == ["Strong white flour (25 kg sack)", "Pale ale malt (25 kg sack)"]
    assert items_of(thursday) == {flour.pk: 7, malt.pk: 16}


def test_remove_an_item(buyer: Any, thursday: SavedList, flour: Product, malt: Product) -> None:
    removed = lists.saved_list_remove_item(user=buyer, list_id=thursday.pk, product_id=flour.pk)
    assert removed is not None and (removed.product, removed.quantity) == (flour, 4)
    assert lists.saved_list_remove_item(user=buyer, list_id=thursday.pk, product_id=flour.pk) is None

    assert items_of(thursday) == {malt.pk: 8}


def test_save_the_cart_as_a_list(buyer: Any, flour: Product, malt: Product) -> None:
    services.cart_add(user=buyer, product_id=flour.pk, quantity=3)
    services.cart_add(user=buyer, product_id=malt.pk, quantity=8)

    saved = lists.saved_list_from_cart(user=buyer, name="From the cart")

    assert items_of(saved) == {flour.pk: 3, malt.pk: 8}
    assert cart_of(buyer) == {flour.pk: 3, malt.pk: 8}  # the cart stays as it was


def test_an_empty_cart_is_not_saved(buyer: Any) -> None:
    with pytest.raises(InvalidQuantity, match="cart is empty"):
        lists.saved_list_from_cart(user=buyer, name="Nothing")
    assert not SavedList.objects.exists()


def test_save_an_order_as_a_list(buyer: Any, colleague: Any, flour: Product, malt: Product) -> None:
    order = services.order_place(user=colleague, lines=[(flour.pk, 2), (malt.pk, 8)]).order

    saved = lists.saved_list_from_order(user=buyer, order_id=order.pk, name="Like last week")

    assert items_of(saved) == {flour.pk: 2, malt.pk: 8}


def test_another_companys_order_cannot_be_saved_as_a_list(
    buyer: Any, other_buyer: Any, flour: Product
) -> None:
    order = services.order_place(user=buyer, lines=[(flour.pk, 2)]).order

    with pytest.raises(OrderNotFound):
        lists.saved_list_from_order(user=other_buyer, order_id=order.pk, name="Theirs")
    assert not SavedList.objects.exists()


def test_the_whole_list_goes_in_the_cart_capped_by_stock_and_refused_by_pack_rules(
    buyer: Any, thursday: SavedList, flour: Product, malt: Product, make_product: Any
) -> None:
    salt = make_product(name="Fine salt", stock=1)
    SavedListItem.objects.create(saved_list=thursday, product=salt, quantity=3)
    SavedListItem.objects.filter(saved_list=thursday, product=malt).update(quantity=10)  # rules changed
    services.stock_set(product_id=flour.pk, new_stock=2)

    outcomes = lists.saved_list_to_cart(user=buyer, list_id=thursday.pk)

    by_product = {o.product_id: o for o in outcomes}
    assert by_product[flour.pk].is_capped and by_product[flour.pk].in_cart == 2
    assert by_product[malt.pk].is_refused and by_product[malt.pk].problem == "Sold in multiples of 8: 8 or 16."
    assert by_product[salt.pk].is_capped and by_product[salt.pk].in_cart == 1
    assert cart_of(buyer) == {flour.pk: 2, salt.pk: 1}


def test_a_colleague_puts_the_companys_list_in_their_own_cart(
    colleague: Any, buyer: Any, thursday: SavedList, flour: Product, malt: Product
) -> None:
    lists.saved_list_to_cart(user=colleague, list_id=thursday.pk)

    assert cart_of(colleague) == {flour.pk: 4, malt.pk: 8} and cart_of(buyer) == {}


def test_a_viewer_reads_lists_but_cannot_change_them_or_cart_them(
    viewer: Any, thursday: SavedList, flour: Product
) -> None:
    attempts = [
        lambda: lists.saved_list_create(user=viewer, name="Mine"),
        lambda: lists.saved_list_rename(user=viewer, list_id=thursday.pk, name="Renamed"),
        lambda: lists.saved_list_delete(user=viewer, list_id=thursday.pk),
        lambda: lists.saved_list_add_item(user=viewer, list_id=thursday.pk, product_id=flour.pk, quantity=1),
        lambda: lists.saved_list_set_quantities(user=viewer, list_id=thursday.pk, quantities={flour.pk: 1}),
        lambda: lists.saved_list_remove_item(user=viewer, list_id=thursday.pk, product_id=flour.pk),
        lambda: lists.saved_list_to_cart(user=viewer, list_id=thursday.pk),
    ]
    for attempt in attempts:
        with pytest.raises(Forbidden):
            attempt()

    thursday.refresh_from_db()
    assert thursday.name == "Thursday bakery order" and items_of(thursday)[flour.pk] == 4
    assert SavedList.objects.count() == 1 and cart_of(viewer) == {}


def test_another_company_cannot_change_or_cart_a_list(
    other_buyer: Any, thursday: SavedList, flour: Product
) -> None:
    attempts = [
        lambda: lists.saved_list_rename(user=other_buyer, list_id=thursday.pk, name="Mine now"),
        lambda: lists.saved_list_delete(user=other_buyer, list_id=thursday.pk),
        lambda: lists.saved_list_add_item(user=other_buyer, list_id=thursday.pk, product_id=flour.pk, quantity=1),
        lambda: lists.saved_list_remove_item(user=other_buyer, list_id=thursday.pk, product_id=flour.pk),
        lambda: lists.saved_list_to_cart(user=other_buyer, list_id=thursday.pk),
    ]
    for attempt in attempts:
        with pytest.raises(SavedListNotFound):
            attempt()

    thursday.refresh_from_db()
    assert thursday.name == "Thursday bakery order" and items_of(thursday)[flour.pk] == 4
    assert cart_of(other_buyer) == {}


def test_the_database_keeps_names_unique_per_company_whatever_their_case(
    buyer: Any, thursday: SavedList
) -> None:
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        SavedList.objects.create(company=thursday.company, name="THURSDAY bakery ORDER")


def test_a_name_taken_at_the_same_moment_is_refused_by_the_constraint(
    buyer: Any, colleague: Any, thursday: SavedList, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two colleagues naming a list at once both pass the read; the constraint decides.
    monkeypatch.setattr(lists, "_check_name_free", lambda *args, **kwargs: None)

    with pytest.raises(InvalidListName, match="already has a list called"):
        lists.saved_list_create(user=colleague, name="thursday bakery order")
    assert SavedList.objects.count() == 1


def test_a_new_list_holds_only_quantities_the_pack_rules_allow(buyer: Any, malt: Product) -> None:
    refused = re.escape("Pale ale malt (25 kg sack): Sold in multiples of 8: 8 or 16")
    with pytest.raises(InvalidQuantity, match=refused):
        lists.saved_list_create(user=buyer, name="Brew day", items=[(malt.pk, 10)])
    assert not SavedList.objects.exists()


def test_a_new_lists_lines_for_one_product_are_judged_on_their_sum(
    buyer: Any, flour: Product, malt: Product
) -> None:
    saved = lists.saved_list_create(user=buyer, name="Brew day", items=[(malt.pk, 4), (malt.pk, 4)])
    assert items_of(saved) == {malt.pk: 8}

    with pytest.raises(InvalidQuantity, match="from 1 to 10,000"):
        lists.saved_list_create(
            user=buyer, name="Too much", items=[(flour.pk, 6_000), (flour.pk, 6_000)]
        )
    assert not SavedList.objects.filter(name="Too much").exists()


def test_a_cart_line_the_pack_rules_now_refuse_is_not_saved_as_a_list(
    buyer: Any, malt: Product
) -> None:
    services.cart_add(user=buyer, product_id=malt.pk, quantity=8)
    Product.objects.filter(pk=malt.pk).update(order_multiple=5)

    refused = re.escape("Pale ale malt (25 kg sack): Sold in multiples of 5: 5 or 10")
    with pytest.raises(InvalidQuantity, match=refused):
        lists.saved_list_from_cart(user=buyer, name="From the cart")
    assert not SavedList.objects.exists()


def test_an_order_saved_as_a_list_takes_the_quantities_the_pack_rules_allow_today(
    buyer: Any, flour: Product, malt: Product, make_product: Any
) -> None:
    yeast = make_product(name="Yeast", stock=50)
    order = services.order_place(user=buyer, lines=[(flour.pk, 3), (malt.pk, 16), (yeast.pk, 4)]).order
    Product.objects.filter(pk=malt.pk).update(order_multiple=10)
    Product.objects.filter(pk=yeast.pk).update(min_order_quantity=6)

    saved = lists.saved_list_from_order(user=buyer, order_id=order.pk, name="Again")

    assert items_of(saved) == {flour.pk: 3, malt.pk: 10, yeast.pk: 6}


def test_a_list_item_above_the_line_limit_is_refused_and_the_rest_go_in(
    buyer: Any, thursday: SavedList, flour: Product, malt: Product, settings: Any
) -> None:
    """The limit was lowered after the item was saved: that item is refused, naming the
    nearest quantity a cart line may hold, never an error for the whole list."""
    settings.SHOP_MAX_LINE_QUANTITY = 12
    SavedListItem.objects.filter(saved_list=thursday, product=malt).update(quantity=16)

    outcomes = lists.saved_list_to_cart(user=buyer, list_id=thursday.pk)

    by_product = {o.product_id: o for o in outcomes}
    assert by_product[flour.pk].is_full
    assert by_product[malt.pk].is_refused
    assert by_product[malt.pk].problem == "16 is more than a cart line holds (12): 8 would do."
    assert cart_of(buyer) == {flour.pk: 4}

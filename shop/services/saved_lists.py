"""A company's saved lists ("Thursday bakery order"): named products and quantities, put into
the cart in one go.

Lists belong to the company: every member reads them (shop.selectors), buyers and admins
change them (a viewer: companies.exceptions.Forbidden); another company's list does not exist
(SavedListNotFound). Quantities follow the cart's rules: a whole number up to the line maximum
and what the pack rules allow. Changes to one list are serialised on its row.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from shop.exceptions import (
    InvalidListName,
    InvalidQuantity,
    OrderNotFound,
    ProductUnavailable,
    SavedListNotFound,
)
from shop.models import CartItem, Order, OrderLine, Product, SavedList, SavedListItem
from shop.services.cart import LineAdded, cart_add_lines, pack_rule_message
from shop.services import packs
from shop.services.checkout import require_ordering_role

MAX_NAME_LENGTH = 100
MAX_ITEMS = 200


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise InvalidListName("Give the list a name.")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidListName(f"A list name can be at most {MAX_NAME_LENGTH} characters.")
    return name


def _name_taken(name: str) -> InvalidListName:
    return InvalidListName(f"Your company already has a list called “{name}”.")


def _check_name_free(company_id: int, name: str, *, exclude_id: int | None = None) -> None:
    lists = SavedList.objects.filter(company_id=company_id, name__iexact=name)
    if exclude_id is not None:
        lists = lists.exclude(pk=exclude_id)
    if lists.exists():
        raise _name_taken(name)


def _check_whole(quantity: object) -> int:
    if type(quantity) is not int or not 1 <= quantity <= settings.SHOP_MAX_LINE_QUANTITY:
        raise InvalidQuantity(
            f"Quantity must be a whole number from 1 to {settings.SHOP_MAX_LINE_QUANTITY:,}."
        )
    return quantity


def _check_quantity(product: Product, quantity: object) -> int:
    quantity = _check_whole(quantity)
    if problem := pack_rule_message(product, quantity):
        raise InvalidQuantity(f"{product.name_with_pack}: {problem}")
    return quantity


def _locked_list(user: Any, list_id: int) -> SavedList:
    """The company's list, locked for the transaction; the caller must be allowed to change it."""
    membership = require_ordering_role(user)
    saved = (
        SavedList.objects.select_for_update()
        .filter(pk=list_id, company_id=membership.company_id)
        .first()
    )
    if saved is None:
        raise SavedListNotFound(list_id)
    return saved


def _touch(saved: SavedList) -> None:
    saved.updated_at = timezone.now()
    saved.save(update_fields=["updated_at"])


def _summed(items: Iterable[tuple[int, int]]) -> dict[int, int]:
    """{product id: quantity}, lines naming the same product added together."""
    quantities: dict[int, int] = {}
    for product_id, quantity in items:
        quantities[product_id] = quantities.get(product_id, 0) + _check_whole(quantity)
    if len(quantities) > MAX_ITEMS:
        raise InvalidQuantity(f"A list can hold at most {MAX_ITEMS} products.")
    return quantities


def _products(product_ids: Iterable[int]) -> dict[int, Product]:
    products = Product.objects.in_bulk(list(product_ids))
    for product_id in product_ids:
        if product_id not in products:
            raise ProductUnavailable(product_id)
    return products


def saved_list_create(
    *, user: Any, name: str, items: Iterable[tuple[int, int]] = ()
) -> SavedList:
    """A new list of the user's company, with `items` (product id, quantity) if given: lines
    naming the same product are added together, and each total must be a quantity the pack
    rules allow (InvalidQuantity naming the product and the nearest allowed ones; nothing is
    created)."""
    membership = require_ordering_role(user)
    name = _clean_name(name)
    quantities = _summed(items)
    products = _products(quantities)
    for product_id, quantity in quantities.items():
        _check_quantity(products[product_id], quantity)
    return _create(user, membership.company_id, name, quantities)


def _create(user: Any, company_id: int, name: str, quantities: Mapping[int, int]) -> SavedList:
    _check_name_free(company_id, name)
    try:
        with transaction.atomic():
            saved = SavedList.objects.create(company_id=company_id, name=name, created_by=user)
            SavedListItem.objects.bulk_create(
                SavedListItem(saved_list=saved, product_id=product_id, quantity=quantity)
                for product_id, quantity in quantities.items()
            )
    except IntegrityError:  # the same name saved at the same moment by a colleague
        raise _name_taken(name) from None
    return saved


def saved_list_rename(*, user: Any, list_id: int, name: str) -> SavedList:
    name = _clean_name(name)
    try:
        with transaction.atomic():
            saved = _locked_list(user, list_id)
            _check_name_free(saved.company_id, name, exclude_id=saved.pk)
            saved.name = name
            saved.save(update_fields=["name", "updated_at"])
    except IntegrityError:
        raise _name_taken(name) from None
    return saved


def saved_list_delete(*, user: Any, list_id: int) -> str:
    """Delete the list and its items; returns its name."""
    with transaction.atomic():
        saved = _locked_list(user, list_id)
        name = saved.name
        saved.delete()
    return name


def saved_list_add_item(
    *, user: Any, list_id: int, product_id: int, quantity: int
) -> SavedListItem:
    """Add a product to the list; a product already on it gets the quantities added together.
    The pack rules apply to the item's new quantity (InvalidQuantity naming the nearest valid
    ones); a product not for sale is ProductUnavailable."""
    with transaction.atomic():
        saved = _locked_list(user, list_id)
        product = Product.objects.filter(pk=product_id, is_active=True).first()
        if product is None:
            raise ProductUnavailable(product_id)
        item = SavedListItem.objects.filter(saved_list=saved, product=product).first()
        if item is None and saved.items.count() >= MAX_ITEMS:
            raise InvalidQuantity(f"A list can hold at most {MAX_ITEMS} products.")
        total = _check_whole(quantity) + (item.quantity if item else 0)
        _check_quantity(product, total)
        if item is None:
            item = SavedListItem.objects.create(saved_list=saved, product=product, quantity=total)
        else:
            item.quantity = total
            item.save(update_fields=["quantity"])
        _touch(saved)
    return item


def saved_list_set_quantities(
    *, user: Any, list_id: int, quantities: Mapping[int, int]
) -> list[str]:
    """Set several items' quantities ({product id: quantity}), all or none: InvalidQuantity
    names the first refused. Returns the names of the products whose quantity changed."""
    changed: list[SavedListItem] = []
    with transaction.atomic():
        saved = _locked_list(user, list_id)
        items = {
            item.product_id: item
            for item in SavedListItem.objects.filter(
                saved_list=saved, product_id__in=list(quantities)
            ).select_related("product")
        }
        missing = sorted(set(quantities) - items.keys())
        if missing:
            raise ProductUnavailable(missing[0])
        for product_id, quantity in quantities.items():
            item = items[product_id]
            if item.quantity == quantity:
                continue
            _check_quantity(item.product, quantity)
            item.quantity = quantity
            changed.append(item)
        if changed:
            SavedListItem.objects.bulk_update(changed, ["quantity"])
            _touch(saved)
    return [item.product.name_with_pack for item in changed]


def saved_list_remove_item(*, user: Any, list_id: int, product_id: int) -> SavedListItem | None:
    """Take a product off the list; returns the item removed (with its product, for the page's
    "Undo"), None when it was not on the list."""
    with transaction.atomic():
        saved = _locked_list(user, list_id)
        item = (
            SavedListItem.objects.select_related("product")
            .filter(saved_list=saved, product_id=product_id)
            .first()
        )
        if item is None:
            return None
        item.delete()
        _touch(saved)
    return item


def saved_list_from_cart(*, user: Any, name: str) -> SavedList:
    """A new list holding the user's cart as it is. An empty cart: InvalidQuantity."""
    require_ordering_role(user)
    lines = list(CartItem.objects.filter(user=user).values_list("product_id", "quantity"))
    if not lines:
        raise InvalidQuantity("Your cart is empty: there is nothing to save.")
    return saved_list_create(user=user, name=name, items=lines)


def saved_list_from_order(*, user: Any, order_id: int, name: str) -> SavedList:
    """A new list holding one of the company's orders' lines at their ordered quantities, each
    moved to the nearest quantity the pack rules allow today (they may have changed since the
    order: the one below, else the smallest allowed) so the list holds none they refuse."""
    membership = require_ordering_role(user)
    name = _clean_name(name)
    if not Order.objects.filter(pk=order_id, company_id=membership.company_id).exists():
        raise OrderNotFound(order_id)
    lines = OrderLine.objects.filter(order_id=order_id).values_list("product_id", "quantity")
    quantities = _summed(lines)
    products = _products(quantities)
    allowed = {
        product_id: packs.round_down(products[product_id], quantity)
        or packs.first_quantity(products[product_id])
        for product_id, quantity in quantities.items()
    }
    for product_id, quantity in allowed.items():
        _check_quantity(products[product_id], quantity)  # the line limit: an allowed one
    return _create(user, membership.company_id, name, allowed)


def saved_list_to_cart(*, user: Any, list_id: int) -> list[LineAdded]:
    """Put the whole list in the cart (cart_add_lines, capped to stock): one LineAdded per
    item, saying which were capped by stock or refused by the pack rules, the line limit or
    sale. An item kept from before the rules changed is refused (naming the nearest allowed
    quantities), never an error: the others still go in."""
    membership = require_ordering_role(user)
    if not SavedList.objects.filter(pk=list_id, company_id=membership.company_id).exists():
        raise SavedListNotFound(list_id)
    items = list(
        SavedListItem.objects.filter(saved_list_id=list_id)
        .order_by("added_at", "id")
        .values_list("product_id", "quantity")
    )
    return cart_add_lines(user=user, lines=items, cap_to_stock=True, refuse_invalid=True)

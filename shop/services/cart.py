"""The buyer's cart, kept in the database so it follows the user across logins and instances.

Every quantity that enters the cart passes the product's pack rules (shop.services.packs):
refused with QuantityNotAllowed naming the nearest allowed quantities, or, where the cart caps
a line itself (to stock, "order again"), rounded down to an allowed quantity, the line left out
when none fits.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction

from shop.exceptions import (
    InsufficientStock,
    InvalidQuantity,
    OrderNotFound,
    ProductUnavailable,
    ShortLine,
)
from shop.models import CartItem, Order, OrderLine, Product
from shop.services.checkout import require_ordering_role
from shop.services.packs import require_allowed, round_down, rule_text


@dataclass(frozen=True)
class CartChange:
    product_id: int
    name: str
    requested: int
    quantity: int  # what the cart holds now for this product (0: removed)
    # The pack rule in words ("sold in multiples of 8") when it, not only the stock, set the
    # quantity: capped to stock and rounded down to an allowed quantity. "" otherwise.
    pack_rule: str = ""


def _check_quantity(quantity: object) -> int:
    if type(quantity) is not int:
        raise InvalidQuantity("Quantity must be a whole number.")
    if not 1 <= quantity <= settings.SHOP_MAX_LINE_QUANTITY:
        raise InvalidQuantity(
            f"Quantity must be between 1 and {settings.SHOP_MAX_LINE_QUANTITY:,}."
        )
    return quantity


def _active_product(product_id: int) -> Product:
    product = Product.objects.filter(pk=product_id, is_active=True).first()
    if product is None:
        raise ProductUnavailable(product_id)
    return product


def cart_add(*, user: AbstractBaseUser, product_id: int, quantity: int) -> CartItem:
    """Add to the cart. Refuses (adding nothing) a quantity the pack rules refuse
    (QuantityNotAllowed) and when the cart would hold more than is in stock (InsufficientStock).
    A viewer cannot (Forbidden), nor change the cart below."""
    require_ordering_role(user)
    _check_quantity(quantity)
    with transaction.atomic():
        product = _active_product(product_id)
        require_allowed([(product, quantity)])
        item = (
            CartItem.objects.select_for_update()
            .filter(user=user, product_id=product_id)
            .first()
        )
        in_cart = item.quantity if item else 0
        wanted = in_cart + quantity
        if in_cart:
            # Allowed + allowed is allowed; a line put in the cart before the rules changed
            # may not be.
            require_allowed([(product, wanted)])
        if wanted > product.stock:
            raise InsufficientStock(
                [ShortLine(product_id=product_id, requested=wanted, available=product.stock)]
            )
        if wanted > settings.SHOP_MAX_LINE_QUANTITY:
            raise InvalidQuantity(
                f"A cart line can hold at most {settings.SHOP_MAX_LINE_QUANTITY:,}."
            )
        if item is None:
            item = CartItem.objects.create(user=user, product=product, quantity=wanted)
        else:
            item.quantity = wanted
            item.save(update_fields=["quantity", "updated_at"])
    return item


def cart_set_quantity(*, user: AbstractBaseUser, product_id: int, quantity: int) -> CartItem:
    """Set a cart line's quantity (1..max, allowed by the pack rules, and no more than is in
    stock)."""
    require_ordering_role(user)
    _check_quantity(quantity)
    with transaction.atomic():
        item = (
            CartItem.objects.select_for_update(of=("self",))
            .select_related("product")
            .filter(user=user, product_id=product_id)
            .first()
        )
        if item is None:
            raise ProductUnavailable(product_id)
        require_allowed([(item.product, quantity)])
        if quantity > item.product.stock:
            raise InsufficientStock(
                [ShortLine(product_id=product_id, requested=quantity, available=item.product.stock)]
            )
        item.quantity = quantity
        item.save(update_fields=["quantity", "updated_at"])
    return item


def cart_set_quantities(
    *, user: AbstractBaseUser, quantities: Mapping[int, int]
) -> list[CartChange]:
    """Set several cart lines at once (the quantities typed on the cart page), all or none.

    Lines already at their quantity are left alone. Raises InvalidQuantity, ProductUnavailable
    for a product not in the cart, QuantityNotAllowed listing every changed line the pack rules
    refuse, or InsufficientStock listing every line asking for more than is in stock. Returns
    one CartChange per line changed.
    """
    require_ordering_role(user)
    for quantity in quantities.values():
        _check_quantity(quantity)
    changes: list[CartChange] = []
    with transaction.atomic():
        items = {
            item.product_id: item
            for item in CartItem.objects.select_for_update(of=("self",))
            .select_related("product")
            .filter(user=user, product_id__in=list(quantities))
            .order_by("product_id")
        }
        missing = sorted(set(quantities) - items.keys())
        if missing:
            raise ProductUnavailable(missing[0])
        require_allowed(
            (items[pid].product, qty)
            for pid, qty in sorted(quantities.items())
            if qty != items[pid].quantity
        )
        short = [
            ShortLine(product_id=pid, requested=qty, available=items[pid].product.stock)
            for pid, qty in sorted(quantities.items())
            if qty != items[pid].quantity and qty > items[pid].product.stock
        ]
        if short:
            raise InsufficientStock(short)
        for pid, quantity in sorted(quantities.items()):
            item = items[pid]
            if item.quantity == quantity:
                continue
            changes.append(
                CartChange(
                    product_id=pid, name=item.product.name, requested=quantity, quantity=quantity
                )
            )
            item.quantity = quantity
            item.save(update_fields=["quantity", "updated_at"])
    return changes


def cart_take(*, user: AbstractBaseUser) -> dict[int, int]:
    """Empty the user's cart and return what it held, {product_id: quantity}.

    For the order's transaction: the rows deleted are the lines this checkout orders. A second
    checkout of the same cart running at once waits on these rows' locks, then finds them gone
    and takes nothing. One statement (DELETE ... RETURNING, which the ORM's delete() does not
    offer) where a locked read and a delete would be two round trips on every checkout.
    """
    meta = CartItem._meta
    quote = connection.ops.quote_name
    column = {name: quote(meta.get_field(name).column) for name in ("user", "product", "quantity")}
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {quote(meta.db_table)} WHERE {column['user']} = %s "
            f"RETURNING {column['product']}, {column['quantity']}",
            [user.pk],
        )
        return dict(cursor.fetchall())


def cart_remove(*, user: AbstractBaseUser, product_id: int) -> bool:
    require_ordering_role(user)
    deleted, _ = CartItem.objects.filter(user=user, product_id=product_id).delete()
    return bool(deleted)


def cart_fit_to_stock(*, user: AbstractBaseUser) -> list[CartChange]:
    """Lower every cart line asking for more than is in stock to what is, rounded down to a
    quantity the pack rules allow (removing lines where none fits). Returns the changes."""
    require_ordering_role(user)
    changes: list[CartChange] = []
    with transaction.atomic():
        items = list(
            CartItem.objects.select_for_update(of=("self",)).select_related("product").filter(user=user)
        )
        for item in items:
            product = item.product
            available = product.stock if product.is_active else 0
            if item.quantity <= available:
                continue
            fitted = round_down(product, available)
            changes.append(
                CartChange(
                    product_id=item.product_id,
                    name=product.name,
                    requested=item.quantity,
                    quantity=fitted,
                    pack_rule=rule_text(product) if fitted < available else "",
                )
            )
            if fitted == 0:
                item.delete()
            else:
                item.quantity = fitted
                item.save(update_fields=["quantity", "updated_at"])
    return changes


def cart_add_order(*, user: AbstractBaseUser, order_id: int) -> list[CartChange]:
    """"Order again": put an earlier order's lines in the cart, capped to what is in stock and
    rounded down to quantities the pack rules allow now.

    Returns one CartChange per line whose quantity was lowered (or left out entirely, quantity
    what the cart holds: unchanged). Any of the company's orders; another company's does not
    exist (OrderNotFound).
    """
    company_id = require_ordering_role(user).company_id
    if not Order.objects.filter(pk=order_id, company_id=company_id).exists():
        raise OrderNotFound(order_id)
    capped: list[CartChange] = []
    with transaction.atomic():
        lines = list(
            OrderLine.objects.filter(order_id=order_id).select_related("product").order_by("id")
        )
        existing = {
            item.product_id: item
            for item in CartItem.objects.select_for_update().filter(user=user)
        }
        for line in lines:
            product = line.product
            item = existing.get(product.pk)
            in_cart = item.quantity if item else 0
            available = product.stock if product.is_active else 0
            cap = min(available, settings.SHOP_MAX_LINE_QUANTITY)
            wanted = in_cart + line.quantity
            # The line's new total: what was asked, within stock, on an allowed quantity; the
            # cart never loses what it held.
            total = max(in_cart, round_down(product, min(wanted, cap)))
            if total < wanted:
                capped.append(
                    CartChange(
                        product_id=product.pk,
                        name=line.name,
                        requested=line.quantity,
                        quantity=total,
                        pack_rule=rule_text(product) if total < min(wanted, cap) else "",
                    )
                )
            if total == in_cart:
                continue
            if item is None:
                existing[product.pk] = CartItem.objects.create(
                    user=user, product=product, quantity=total
                )
            else:
                item.quantity = total
                item.save(update_fields=["quantity", "updated_at"])
    return capped

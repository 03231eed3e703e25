"""The buyer's cart, kept in the database so it follows the user across logins and instances.

Every quantity that enters the cart passes the product's pack rules (shop.services.packs):
refused with QuantityNotAllowed naming the nearest allowed quantities, or, where the cart caps
a line itself (to stock, "order again"), rounded down to an allowed quantity, the line left out
when none fits.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

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
from shop.models import CartItem, OrderLine, Product, line_as_shown
from shop.services import packs
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


@dataclass(frozen=True)
class LineAdded:
    """What cart_add_lines did with one product: added in full, capped, or refused."""

    product_id: int
    name: str
    requested: int
    added: int  # 0: refused
    in_cart: int  # the cart line's quantity now
    problem: str = ""  # why less than requested was added
    available: int | None = None  # the stock, when stock capped or refused the line
    # The pack rule in words ("sold in multiples of 8") when rounding down to it, not only
    # the stock, lowered the line (order again of a whole order). "" otherwise.
    pack_rule: str = ""

    @property
    def quantity(self) -> int:
        """What the cart holds now, as CartChange.quantity."""
        return self.in_cart

    @property
    def is_full(self) -> bool:
        return self.added == self.requested

    @property
    def is_capped(self) -> bool:
        return 0 < self.added < self.requested

    @property
    def is_refused(self) -> bool:
        return self.added == 0


def pack_rule_message(product: Product, quantity: int) -> str | None:
    """Why the product's pack rules (shop.services.packs) refuse `quantity`, as a sentence
    naming the nearest allowed quantities ("Sold in multiples of 8: 8 or 16."); None: allowed.
    For the lines the cart takes several at a time, quick order and saved lists."""
    problem = packs.quantity_problem(product, quantity)
    if problem is None:
        return None
    return f"{problem[:1].upper()}{problem[1:]}."


@dataclass(frozen=True)
class LineCheck:
    """What stands in the way of adding to a cart line (check_line), each as a sentence; ""
    where nothing does."""

    unavailable: str = ""  # the product is no longer for sale
    limit: str = ""  # the new line would pass the cart line's limit
    pack: str = ""  # the pack rules refuse the new line's quantity
    stock: str = ""  # the new line asks for more than is in stock
    in_stock: int = 0

    @property
    def problem(self) -> str:
        """The first problem, in that order; "" when the line can go in as asked."""
        return self.unavailable or self.limit or self.pack or self.stock

    @property
    def available(self) -> int | None:
        """The stock, when the stock is the problem named."""
        return self.in_stock if self.stock and self.problem == self.stock else None


def check_line(product: Product | None, *, requested: int, in_cart: int) -> LineCheck:
    """Whether `requested` more of `product` can go into the cart, which holds `in_cart` of
    it: the pack rules and the line limit judge the new line (in_cart + requested), stock
    must cover it. The one check behind quick order (shown before adding) and the cart's
    adding of several lines (quick order, saved lists, order again): the two read alike."""
    if product is None or not product.is_active:
        return LineCheck(unavailable="No longer for sale.")
    wanted = in_cart + requested
    held = f" with the {in_cart:,} in your cart" if in_cart else ""
    limit = pack = stock = ""
    if wanted > settings.SHOP_MAX_LINE_QUANTITY:
        limit = (
            f"That is {wanted:,}{held}: a cart line holds at most "
            f"{settings.SHOP_MAX_LINE_QUANTITY:,}."
        )
    if problem := pack_rule_message(product, wanted):
        pack = f"With the {in_cart:,} in your cart: {problem}" if in_cart else problem
    if wanted > product.stock:
        stock = f"Only {product.stock:,} in stock" + (
            f" ({in_cart:,} already in your cart)." if in_cart else "."
        )
    return LineCheck(limit=limit, pack=pack, stock=stock, in_stock=product.stock)


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


def _locked_line(user: AbstractBaseUser, product_id: int) -> CartItem | None:
    """The user's cart line of a product with its product, locked (inside a transaction)."""
    return (
        CartItem.objects.select_for_update(of=("self",))
        .select_related("product")
        .filter(user=user, product_id=product_id)
        .first()
    )


def cart_set_quantity(*, user: AbstractBaseUser, product_id: int, quantity: int) -> CartItem:
    """Set a cart line's quantity (1..max, allowed by the pack rules, and no more than is in
    stock)."""
    require_ordering_role(user)
    _check_quantity(quantity)
    with transaction.atomic():
        item = _locked_line(user, product_id)
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
                    product_id=pid, name=item.product.name_with_pack, requested=quantity, quantity=quantity
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


@dataclass(frozen=True)
class CartRemoved:
    """A line taken out of the cart: what the page names and what "Undo" puts back."""

    product_id: int
    name: str  # with the pack
    quantity: int


def cart_remove(*, user: AbstractBaseUser, product_id: int) -> CartRemoved | None:
    """Take a line out of the cart; None when it was not there."""
    require_ordering_role(user)
    with transaction.atomic():
        item = _locked_line(user, product_id)
        if item is None:
            return None
        item.delete()
    return CartRemoved(
        product_id=product_id, name=item.product.name_with_pack, quantity=item.quantity
    )


def cart_fit_to_stock(*, user: AbstractBaseUser) -> list[CartChange]:
    """Lower every cart line asking for more than is in stock to what is, rounded down to a
    quantity the pack rules allow (removing lines where none fits). Returns the changes, in
    the cart's order (as the cart page lists its lines)."""
    require_ordering_role(user)
    changes: list[tuple[tuple[str, str, int], CartChange]] = []
    with transaction.atomic():
        # Locked in product order, as every multi-line cart edit locks them (never the order
        # the lines were added in): two edits of one cart cannot deadlock.
        items = list(
            CartItem.objects.select_for_update(of=("self",))
            .select_related("product")
            .filter(user=user)
            .order_by("product_id")
        )
        for item in items:
            product = item.product
            available = product.stock if product.is_active else 0
            if item.quantity <= available:
                continue
            fitted = round_down(product, available)
            change = CartChange(
                product_id=item.product_id,
                name=product.name_with_pack,
                requested=item.quantity,
                quantity=fitted,
                pack_rule=rule_text(product) if fitted < available else "",
            )
            changes.append((line_as_shown(product.name, product.unit, product.pk), change))
            if fitted == 0:
                item.delete()
            else:
                item.quantity = fitted
                item.save(update_fields=["quantity", "updated_at"])
    return [change for _, change in sorted(changes, key=lambda pair: pair[0])]


def cart_add_lines(
    *,
    user: AbstractBaseUser,
    lines: Iterable[tuple[int, int]],
    cap_to_stock: bool,
    refuse_invalid: bool = False,
) -> list[LineAdded]:
    """Add several products to the cart at once: quick order, a saved list, order again.

    `lines` are (product id, quantity); lines naming the same product are added together. One
    LineAdded per product, in the order first named: added in full, capped or refused. The
    pack rules apply to the cart line's new quantity and refuse a line they do not allow.
    Stock refuses a line asking for more than is left (counting what the cart holds), or
    with `cap_to_stock` caps it to the largest quantity the stock and the pack rules allow.
    A product no longer for sale is refused. Nothing is written for a refused line; the
    others are written together.

    A quantity that is not a whole number from 1 to the line limit is an InvalidQuantity
    (nothing is written); with `refuse_invalid` (lines kept from before the limit was
    lowered, a saved list's) one above the limit refuses its line instead, naming the
    nearest quantity allowed.

    The same statements for 1 line or 200: the membership, the cart lines locked, the
    products, one insert-or-update of every line added.
    """
    require_ordering_role(user)
    return _add_lines(user, lines, cap_to_stock=cap_to_stock, refuse_invalid=refuse_invalid)


def _add_lines(
    user: AbstractBaseUser,
    lines: Iterable[tuple[int, int]],
    *,
    cap_to_stock: bool,
    round_to_pack: bool = False,
    refuse_invalid: bool = False,
) -> list[LineAdded]:
    """cart_add_lines without the role check; `round_to_pack` (with `cap_to_stock`) rounds a
    quantity the pack rules refuse down to an allowed one instead of refusing the line."""
    wanted: dict[int, int] = {}
    too_many: dict[int, int] = {}  # with refuse_invalid: lines refused for their quantity
    for product_id, quantity in lines:
        if refuse_invalid and type(quantity) is int and quantity > settings.SHOP_MAX_LINE_QUANTITY:
            too_many[product_id] = quantity
            wanted.setdefault(product_id, 0)
            continue
        _check_quantity(quantity)
        wanted[product_id] = wanted.get(product_id, 0) + quantity
    if not wanted:
        return []
    outcomes: list[LineAdded] = []
    with transaction.atomic():
        held = dict(
            CartItem.objects.select_for_update(of=("self",))
            .filter(user=user, product_id__in=list(wanted))
            .order_by("product_id")
            .values_list("product_id", "quantity")
        )
        products = Product.objects.in_bulk(list(wanted))
        for product_id, requested in wanted.items():
            if product_id in too_many:
                outcomes.append(
                    _over_the_limit(
                        products.get(product_id),
                        product_id=product_id,
                        requested=too_many[product_id],
                        in_cart=held.get(product_id, 0),
                    )
                )
                continue
            outcomes.append(
                _line_outcome(
                    products.get(product_id),
                    product_id=product_id,
                    requested=requested,
                    in_cart=held.get(product_id, 0),
                    cap_to_stock=cap_to_stock,
                    round_to_pack=round_to_pack,
                )
            )
        rows = [
            CartItem(user=user, product_id=line.product_id, quantity=line.in_cart)
            for line in outcomes
            if line.added
        ]
        if rows:
            # One statement for new and existing lines. The existing ones are locked above; a
            # line for a new product added meanwhile from another tab of the same user takes
            # this quantity (its own add is lost, never doubled).
            CartItem.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["user", "product"],
                update_fields=["quantity", "updated_at"],
            )
    return outcomes


def _over_the_limit(
    product: Product | None, *, product_id: int, requested: int, in_cart: int
) -> LineAdded:
    """A line refused for asking more than a cart line may hold, naming the nearest quantity
    that it may (within the line limit and the pack rules)."""
    limit = settings.SHOP_MAX_LINE_QUANTITY
    if product is None or not product.is_active:
        problem, nearest = "No longer for sale", 0
    else:
        problem = f"{requested:,} is more than a cart line holds ({limit:,})"
        nearest = round_down(product, limit)
    return LineAdded(
        product_id=product_id,
        name=product.name if product else f"Product {product_id}",
        requested=requested,
        added=0,
        in_cart=in_cart,
        problem=problem + (f": {nearest:,} would do." if nearest else "."),
    )


def _line_outcome(
    product: Product | None,
    *,
    product_id: int,
    requested: int,
    in_cart: int,
    cap_to_stock: bool,
    round_to_pack: bool,
) -> LineAdded:
    name = product.name_with_pack if product else f"Product {product_id}"

    def outcome(total: int, problem: str = "", available: int | None = None, rule: str = "") -> LineAdded:
        return LineAdded(
            product_id=product_id,
            name=name,
            requested=requested,
            added=total - in_cart,
            in_cart=total,
            problem=problem,
            available=available,
            pack_rule=rule,
        )

    check = check_line(product, requested=requested, in_cart=in_cart)
    if not check.problem:
        return outcome(in_cart + requested)
    if check.unavailable:
        return outcome(in_cart, check.unavailable)
    assert product is not None
    if check.pack and not round_to_pack:
        return outcome(in_cart, check.pack)
    problem = check.limit or check.stock or check.pack
    available = product.stock if check.stock else None
    if not cap_to_stock:
        return outcome(in_cart, problem, available)
    # Capped: within stock and the line limit, on a quantity the pack rules allow; the cart
    # never loses what it held.
    limit = min(in_cart + requested, product.stock, settings.SHOP_MAX_LINE_QUANTITY)
    total = max(in_cart, round_down(product, limit))
    rule = rule_text(product) if total < limit else ""
    return outcome(total, problem, available, rule)


def cart_add_order(
    *, user: AbstractBaseUser, order_id: int, quantities: Mapping[int, int] | None = None
) -> list[LineAdded]:
    """"Order again": put an earlier order's lines in the cart, capped to what is in stock
    (cart_add_lines with cap_to_stock), one LineAdded per product.

    `quantities` chooses lines and quantities, {order line id: quantity}: a quantity typed
    there that the pack rules refuse is refused, naming the nearest allowed ones. None: every
    line at its ordered quantity, rounded down to what the pack rules allow now (they may have
    changed since), `pack_rule` saying so. Any of the company's orders; another company's does
    not exist (OrderNotFound). A line id not on the order is an InvalidQuantity.
    """
    company_id = require_ordering_role(user).company_id
    ordered = list(
        OrderLine.objects.filter(order_id=order_id, order__company_id=company_id)
        .order_by("id")
        .values_list("pk", "product_id", "quantity")
    )
    if not ordered:  # every order has a line: no lines, no order of this company
        raise OrderNotFound(order_id)
    if quantities is None:
        chosen = [(product_id, quantity) for _, product_id, quantity in ordered]
        return _add_lines(user, chosen, cap_to_stock=True, round_to_pack=True)
    if set(quantities) - {pk for pk, _, _ in ordered}:
        raise InvalidQuantity("That line is not on this order.")
    chosen = [(product_id, quantities[pk]) for pk, product_id, _ in ordered if pk in quantities]
    return _add_lines(user, chosen, cap_to_stock=True)

"""Placing and cancelling orders. The browser checkout and the JSON API both call these."""

import hashlib
import json
import logging
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, connection, transaction
from django.db.models import CharField, OuterRef, Q, StringAgg, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from shop import sql
from shop.exceptions import (
    CartAlreadyOrdered,
    CartNotAsShown,
    IdempotencyKeyReused,
    InsufficientStock,
    InvalidOrder,
    ShopError,
    ShortLine,
)
from shop.models import CartItem, Order, OrderLine, PriceBreak, Product
from shop.services.cart import cart_take
from shop.services.checkout import (
    OrderDetails,
    ResolvedDetails,
    require_ordering_role,
    resolve_details,
)
from shop.services.order_mail import order_mail_queue
from shop.services.order_status import order_cancel_in
from shop.services.packs import pack_problem
from shop.services.pricing import Tier, price_of, tiers_of, with_contract_price
from shop.services.stock import order_write_taking_stock, short_lines_for
from shop.skus import match_sku, sku_keys

logger = logging.getLogger("shop.orders")

LineInput = Mapping[str, Any] | tuple[int, int]


@dataclass(frozen=True)
class PlacedOrder:
    order: Order
    replayed: bool = False
    # The lines just written, so callers can show them without reading them back;
    # None for a replay (read them from order.lines).
    lines: list[OrderLine] | None = None


def _is_quantity(value: object) -> bool:
    # bool is an int subclass: True must not be read as 1.
    return type(value) is int


_SKU_MAX_LENGTH = Product._meta.get_field("sku").max_length


@dataclass(frozen=True)
class OrderLines:
    """An order's lines, checked for shape, with the lines naming the same product the same
    way added together: by product id, and by SKU (resolved with the product read)."""

    by_product: dict[int, int]
    by_sku: dict[str, int] = field(default_factory=dict)
    # The first line naming each product id or SKU: where a problem with it is reported
    # (`lines[<index>].quantity`).
    index: dict[int | str, int] = field(default_factory=dict)

    def fingerprint_part(self) -> Any:
        """The lines as compared for an idempotent replay. Lines naming products by id only
        keep the form of the fingerprints stored before SKUs were accepted; a product named by
        its SKU in one request and by its id in another makes two different bodies."""
        by_product = sorted(self.by_product.items())
        if not self.by_sku:
            return by_product
        return {"product": by_product, "sku": sorted(self.by_sku.items())}


def _line_problems(
    index: int, line: LineInput, errors: dict[str, list[str]]
) -> tuple[Any, Any, Any]:
    """(product id, sku, quantity) of one line, each problem added to `errors`."""
    if isinstance(line, Mapping):
        product_id, sku, quantity = line.get("product"), line.get("sku"), line.get("quantity")
    else:
        (product_id, quantity), sku = line, None
    where = f"lines[{index}]"
    if product_id is not None and sku is not None:
        errors.setdefault(where, []).append(
            'Name the product by its id ("product") or by its "sku", not both.'
        )
    elif sku is not None:
        if (
            not isinstance(sku, str)
            or not 1 <= len(sku) <= _SKU_MAX_LENGTH
            or any(ord(ch) < 32 or ord(ch) == 127 for ch in sku)
        ):
            errors.setdefault(f"{where}.sku", []).append(
                f"A SKU (text of 1 to {_SKU_MAX_LENGTH} characters) is required."
            )
    elif not _is_quantity(product_id) or product_id < 1:
        errors.setdefault(f"{where}.product", []).append(
            'A product id (a positive integer) is required, or the product\'s "sku".'
        )
    max_quantity = settings.SHOP_MAX_LINE_QUANTITY
    if not _is_quantity(quantity):
        errors.setdefault(f"{where}.quantity", []).append("Quantity must be a whole number.")
    elif not 1 <= quantity <= max_quantity:
        errors.setdefault(f"{where}.quantity", []).append(
            f"Quantity must be between 1 and {max_quantity:,}."
        )
    return product_id, sku, quantity


def normalise_order_lines(lines: Iterable[LineInput]) -> OrderLines:
    """Validate order lines and add up lines naming the same product the same way.

    Accepts (product_id, quantity) pairs or {"product": id, "quantity": n} mappings, or
    {"sku": str, "quantity": n}. Raises InvalidOrder with every problem found, keyed by field
    path. Lines naming one product by id and by SKU are added together once the SKU is
    resolved (order_place).
    """
    errors: dict[str, list[str]] = {}
    line_list = list(lines)
    if not line_list:
        raise InvalidOrder({"lines": ["An order needs at least one line."]})
    if len(line_list) > settings.SHOP_MAX_ORDER_LINES:
        raise InvalidOrder(
            {"lines": [f"An order can have at most {settings.SHOP_MAX_ORDER_LINES} lines."]}
        )
    by_product: dict[int, int] = {}
    by_sku: dict[str, int] = {}
    first: dict[int | str, int] = {}
    for index, line in enumerate(line_list):
        before = len(errors)
        product_id, sku, quantity = _line_problems(index, line, errors)
        if len(errors) != before:
            continue
        if sku is not None:
            by_sku[sku] = by_sku.get(sku, 0) + quantity
            first.setdefault(sku, index)
        else:
            by_product[product_id] = by_product.get(product_id, 0) + quantity
            first.setdefault(product_id, index)
    if errors:
        raise InvalidOrder(errors)
    return OrderLines(by_product=by_product, by_sku=by_sku, index=first)


def _fingerprint(lines: OrderLines, details: OrderDetails | None = None) -> str:
    body: Any = lines.fingerprint_part()
    if details is not None and (part := details.fingerprint_part()) is not None:
        body = [body, part]
    canonical = json.dumps(body, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replay(order: Order, fingerprint: str) -> PlacedOrder:
    if order.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused(order.idempotency_key or "")
    return PlacedOrder(order=order, replayed=True)


class ProductRow(NamedTuple):
    id: int
    sku: str
    name: str
    unit: str
    price: Decimal
    currency: str
    stock: int
    is_active: bool
    vat_rate: Decimal
    min_order_quantity: int
    order_multiple: int
    # The buyer's company's contract price, None without one (shop.services.pricing).
    contract_price: Decimal | None
    # The list price's breaks, ascending; read with the product (shop.sql.product_read_sql).
    tiers: tuple[Tier, ...]

    @classmethod
    def from_db(cls, values: Sequence[Any]) -> "ProductRow":
        """A row of the product read: the fields, the contract price, then the price breaks
        as PostgreSQL's array of [min_quantity, unit_price] pairs or SQLite's text
        "min:price,min:price" (None without breaks), in any order."""
        *fields, contract_price, breaks = values
        if isinstance(breaks, str):
            pairs = [pair.split(":") for pair in breaks.split(",")]
        else:
            pairs = breaks or []
        tiers = tiers_of(Tier(int(quantity), Decimal(price)) for quantity, price in pairs)
        return cls(*fields, contract_price, tiers)

    def price_at(self, quantity: int) -> Decimal:
        """What this buyer pays per pack on a line of `quantity`: the contract price at every
        quantity, else the list price's tier for the quantity."""
        return price_of(self.price, self.contract_price, self.tiers, quantity).amount


# The Product columns of ProductRow; the contract price and the price breaks are read with
# them, in the same query.
PRODUCT_READ_FIELDS = ProductRow._fields[:-2]


def orm_product_read(
    user: AbstractBaseUser, product_ids: Iterable[int], skus: Iterable[str] = ()
) -> dict[int, ProductRow]:
    """The product read through the ORM (SQLite; bench/sql_cost.py compares it): the same
    rows, the price breaks as one text column."""
    wanted = Q(pk__in=list(product_ids))
    if skus := list(skus):
        wanted |= Q(sku__in=skus)
    breaks = (
        PriceBreak.objects.filter(product=OuterRef("pk"))
        .values("product")
        .annotate(
            pairs=StringAgg(
                Concat(
                    Cast("min_quantity", CharField()), Value(":"), Cast("unit_price", CharField())
                ),
                delimiter=Value(","),
            )
        )
        .values("pairs")
    )
    products = with_contract_price(Product.objects.filter(wanted), user=user).annotate(
        tiers=Subquery(breaks, output_field=CharField())
    )
    return {row[0]: ProductRow.from_db(row) for row in products.values_list(*ProductRow._fields)}


def _products_for(
    user: AbstractBaseUser, product_ids: Iterable[int], skus: Iterable[str] = ()
) -> dict[int, ProductRow]:
    """The products named by id or SKU, with the user's company's contract prices and the
    price breaks, in one query."""
    skus = list(skus)
    if connection.vendor == "postgresql":
        # Hand-written (shop/sql.py), not the ORM: this read is on every order, and compiling
        # the ORM query cost ~0.3-0.4 ms of CPU against ~0.07 ms for this (bench/RESULTS.md).
        params: list[Any] = [user.pk, list(product_ids)]
        if skus:
            params.append(skus)
        with connection.cursor() as cursor:
            cursor.execute(sql.product_read_sql(PRODUCT_READ_FIELDS, by_sku=bool(skus)), params)
            return {row[0]: ProductRow.from_db(row) for row in cursor.fetchall()}
    # SQLite returns decimals as floats from raw SQL; the ORM converts them.
    return orm_product_read(user, product_ids, skus)


def _validate_idempotency_key(key: str) -> None:
    if not 1 <= len(key) <= 255 or not all(32 <= ord(ch) < 127 for ch in key):
        raise InvalidOrder(
            {"Idempotency-Key": ["Must be 1 to 255 printable ASCII characters."]}
        )


def order_place(
    *,
    user: AbstractBaseUser,
    lines: Iterable[LineInput],
    idempotency_key: str | None = None,
    details: OrderDetails | None = None,
) -> PlacedOrder:
    """Place an order for the user's company: every line in stock, or nothing changes at all.

    A line names its product by id ("product") or by "sku"; lines naming the same product are
    added together. Each product's pack rules (shop.services.packs) must allow its quantity,
    and each line pays the contract price, else the list price's tier for its quantity.
    Raises companies.exceptions.Forbidden (a viewer, or no company), InvalidOrder (the lines:
    unknown products or SKUs, quantities the pack rules refuse, naming the nearest allowed
    ones; or the details: PO number, delivery date and address, notes), InsufficientStock
    (listing every short line) or IdempotencyKeyReused. The details are part of the
    idempotency fingerprint.
    The SQL round trips do not grow with the number of lines: one read of the products (their
    pack rules, contract prices and price breaks with them; SKUs are resolved there), then
    one transaction with order_write_taking_stock: on PostgreSQL one statement inserting the
    order, lines and ledger rows, then (with the database task backend) the order mail's task
    row, and last the conditional stock update that takes the row locks; on SQLite separate
    ORM inserts, the task row, then the same update.
    """
    started = time.perf_counter()
    membership = require_ordering_role(user)
    details = details or OrderDetails()
    normalised = normalise_order_lines(lines)
    fingerprint = _fingerprint(normalised, details)
    if idempotency_key is not None:
        _validate_idempotency_key(idempotency_key)
        existing = Order.objects.filter(user=user, idempotency_key=idempotency_key).first()
        if existing is not None:
            return _replay(existing, fingerprint)
    return _place(
        user=user,
        company_id=membership.company_id,
        details=resolve_details(membership=membership, details=details),
        lines=normalised,
        fingerprint=fingerprint,
        idempotency_key=idempotency_key,
        from_cart=False,
        started=started,
    )


class _CartTakenMeanwhile(Exception):
    """Raised inside the order's transaction to roll it back: the cart did not hold the lines
    read before it (another checkout took them, or the cart changed)."""

    def __init__(self, taken: dict[int, int]) -> None:
        self.taken = taken
        super().__init__("cart changed during checkout")


def _place(
    *,
    user: AbstractBaseUser,
    company_id: int,
    details: ResolvedDetails,
    lines: OrderLines,
    fingerprint: str,
    idempotency_key: str | None,
    from_cart: bool,
    started: float,
) -> PlacedOrder:
    products = _products_for(user, lines.by_product, sku_keys(lines.by_sku))
    merged, index = _resolve(lines, products)
    currencies = {products[pid].currency for pid in merged}
    if len(currencies) > 1:
        raise InvalidOrder({"lines": ["All lines of one order must be in the same currency."]})
    refused = {
        f"lines[{index[pid]}].quantity": [problem.named]
        for pid, qty in sorted(merged.items(), key=lambda item: index[item[0]])
        if (problem := pack_problem(products[pid], qty, product_id=pid, name=products[pid].name))
    }
    if refused:
        raise InvalidOrder(refused)

    # Fast refusal on the unlocked read: under a race for the last units most requests stop
    # here without opening a write transaction. The locked update below is what decides.
    visibly_short = [pid for pid, qty in merged.items() if qty > products[pid].stock]
    if visibly_short:
        short = [
            ShortLine(product_id=pid, requested=merged[pid], available=products[pid].stock)
            for pid in sorted(visibly_short)
        ]
        _log_rejected(user, merged, short, started)
        raise InsufficientStock(short)

    order_lines = [
        OrderLine(
            product_id=pid,
            sku=products[pid].sku,
            name=products[pid].name,
            unit=products[pid].unit,
            unit_price=products[pid].price_at(qty),
            quantity=qty,
            line_total=products[pid].price_at(qty) * qty,
            vat_rate=products[pid].vat_rate,
        )
        for pid, qty in sorted(merged.items())
    ]
    total = sum((line.line_total for line in order_lines), Decimal("0.00"))
    order = Order(
        user=user,
        currency=currencies.pop(),
        total=total,
        line_count=len(order_lines),
        created_at=timezone.now(),
        idempotency_key=idempotency_key,
        request_fingerprint=fingerprint,
        company_id=company_id,
        **details.order_fields(),
    )
    try:
        with transaction.atomic():
            if from_cart:
                # The cart is consumed here, in the order's transaction, and the order holds
                # exactly what this delete removed: a second checkout of the same cart waits
                # for these rows and then finds none. Before the stock write, not after: the
                # product rows are locked from that write to COMMIT.
                taken = cart_take(user=user)
                if taken != merged:
                    raise _CartTakenMeanwhile(taken)
            taken_stock = order_write_taking_stock(
                order=order, lines=order_lines, after_insert=_queue_placed_mail
            )
            require_every_line_taken(merged, taken_stock)
    except InsufficientStock as exc:
        _log_rejected(user, merged, exc.short_lines, started)
        raise
    except IntegrityError:
        # Two requests with one idempotency key: the second insert waited for the first
        # transaction and hit the unique constraint. Answer with the order it made.
        if idempotency_key is None:
            raise
        existing = Order.objects.filter(user=user, idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return _replay(existing, fingerprint)

    logger.info(
        "order placed",
        extra={
            "event": "order_placed",
            "user_id": user.pk,
            "order_id": order.pk,
            "lines": len(order_lines),
            "total": str(total),
            "duration_ms": round((time.perf_counter() - started) * 1000, 2),
        },
    )
    return PlacedOrder(order=order, replayed=False, lines=order_lines)


def _queue_placed_mail(order: Order) -> None:
    order_mail_queue(order_id=order.pk, event="placed")


def _resolve(
    lines: OrderLines, products: Mapping[int, ProductRow]
) -> tuple[dict[int, int], dict[int, int]]:
    """The lines by product id, the SKUs resolved and added to lines naming the same product,
    and the first line naming each product. Raises InvalidOrder for unknown or withdrawn
    products and SKUs (by id under "lines", as always; by SKU under the line's "sku")."""
    errors: dict[str, list[str]] = {}
    unknown = [
        pid for pid in lines.by_product if pid not in products or not products[pid].is_active
    ]
    if unknown:
        errors["lines"] = [
            f"Product {pid} does not exist or is not for sale." for pid in sorted(unknown)
        ]
    by_sku = {row.sku: row for row in products.values()}
    merged = dict(lines.by_product)
    index = {pid: lines.index[pid] for pid in lines.by_product}
    for sku, qty in lines.by_sku.items():
        row = match_sku(by_sku, sku)
        if row is None or not row.is_active:
            errors[f"lines[{lines.index[sku]}].sku"] = [
                f'No product with the SKU "{sku}" is for sale.'
            ]
            continue
        merged[row.id] = merged.get(row.id, 0) + qty
        index[row.id] = min(index.get(row.id, lines.index[sku]), lines.index[sku])
    if errors:
        raise InvalidOrder(errors)
    return merged, index


def require_every_line_taken(requested: Mapping[int, int], taken: set[int]) -> None:
    """Raise InsufficientStock listing every line whose stock was not taken.

    Called inside the order's transaction right after its rows are written, while the product
    rows are still locked, so the stock read here is exact; the raise rolls the writes back.
    """
    if len(taken) != len(requested):
        raise InsufficientStock(short_lines_for(requested, set(requested) - taken))


def _log_rejected(
    user: AbstractBaseUser, merged: Mapping[int, int], short: list[ShortLine], started: float
) -> None:
    logger.info(
        "order rejected: insufficient stock",
        extra={
            "event": "order_rejected",
            "user_id": user.pk,
            "lines": len(merged),
            "short_products": [line.product_id for line in short],
            "duration_ms": round((time.perf_counter() - started) * 1000, 2),
        },
    )


def order_place_from_cart(
    *,
    user: AbstractBaseUser,
    idempotency_key: str | None = None,
    shown_lines: Mapping[int, int] | None = None,
    details: OrderDetails | None = None,
) -> PlacedOrder:
    """Order what the user's cart holds and empty it, in one transaction.

    `shown_lines` ({product_id: quantity}) are the lines the checkout page showed, with any
    quantity the buyer typed there: when given, the cart must hold exactly these, or nothing is
    ordered (CartNotAsShown). The order holds exactly the lines this checkout removed from the
    cart; a second checkout of the same cart (another tab, another key) is refused with
    CartAlreadyOrdered naming the order that took it. Also raises InvalidOrder (empty cart),
    InsufficientStock (the cart is kept) and IdempotencyKeyReused. Same round trips as
    order_place plus the cart read, whatever the number of lines. Raises Forbidden for a
    viewer; `details` as for order_place.
    """
    started = time.perf_counter()
    membership = require_ordering_role(user)
    details = details or OrderDetails()
    shown = None if shown_lines is None else {int(p): int(q) for p, q in shown_lines.items()}
    if idempotency_key is not None:
        _validate_idempotency_key(idempotency_key)
        existing = Order.objects.filter(user=user, idempotency_key=idempotency_key).first()
        if existing is not None:
            # The same page submitted again: it placed this order.
            if shown is None:
                return PlacedOrder(order=existing, replayed=True)
            return _replay(existing, _fingerprint(OrderLines(by_product=shown), details))
    resolved = resolve_details(membership=membership, details=details)
    cart = dict(CartItem.objects.filter(user=user).values_list("product_id", "quantity"))
    if not cart:
        raise _cart_gone(user, shown)
    if shown is not None and shown != cart:
        raise CartNotAsShown(shown=shown, cart=cart)
    lines = normalise_order_lines(cart.items())
    try:
        return _place(
            user=user,
            company_id=membership.company_id,
            details=resolved,
            lines=lines,
            fingerprint=_fingerprint(lines, details),
            idempotency_key=idempotency_key,
            from_cart=True,
            started=started,
        )
    except _CartTakenMeanwhile as exc:
        if idempotency_key is not None:
            existing = Order.objects.filter(user=user, idempotency_key=idempotency_key).first()
            if existing is not None:
                return _replay(existing, _fingerprint(lines, details))
        if not exc.taken:
            raise _cart_gone(user, cart) from None
        raise CartNotAsShown(shown=cart, cart=exc.taken) from None


def _cart_gone(user: AbstractBaseUser, expected: Mapping[int, int] | None) -> ShopError:
    """The cart is empty: say which order took it when the user's latest order holds exactly
    the lines this checkout expected, else that the cart is empty."""
    latest = Order.objects.filter(user=user).order_by("-id").first()
    if expected and latest is not None:
        lines = dict(
            OrderLine.objects.filter(order=latest).values_list("product_id", "quantity")
        )
        if lines == dict(expected):
            return CartAlreadyOrdered(latest)
    return InvalidOrder({"lines": ["Your cart is empty."]})


def order_cancel(*, user: AbstractBaseUser, order_id: int) -> Order:
    """Cancel one of the company's orders (placed or confirmed) and put its stock back, once.

    Raises Forbidden for a viewer; another company's order does not exist (OrderNotFound)."""
    company_id = require_ordering_role(user).company_id
    return order_cancel_in(
        orders=Order.objects.filter(company_id=company_id), order_id=order_id, by=user, by_staff=False
    )

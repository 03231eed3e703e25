"""Reads, scoped to the user where they concern a user's things."""

import hashlib
import re
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import caches
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower

from shop.models import ApiToken, CartItem, Category, Order, Product, SavedList, SavedListItem
from shop.services.pricing import cart_items_with_prices, with_contract_price, with_price_breaks

PRODUCT_ORDERINGS = {
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "price": ("price", "id"),
    "-price": ("-price", "-id"),
    "stock": ("stock", "id"),
    "-stock": ("-stock", "-id"),
}
MAX_SEARCH_LENGTH = 100


def _normalise_query(q: str) -> str:
    return q.strip()[:MAX_SEARCH_LENGTH]


def product_search(
    *,
    q: str = "",
    category_slug: str = "",
    in_stock: bool = False,
    ordering: str = "name",
    user: AbstractBaseUser | None = None,
) -> QuerySet[Product]:
    """Active products matching the catalogue filters, with their category joined and, for
    a `user`, each product's `contract_price` for the user's company (shop.services.pricing;
    in the same query), and their price breaks (one more query for the page). The price sort
    is by list price, which the index serves."""
    products = Product.objects.filter(is_active=True).select_related("category")
    if user is not None:
        products = with_contract_price(products, user=user)
    q = _normalise_query(q)
    if q:
        products = products.filter(
            Q(name__icontains=q) | Q(sku__icontains=q) | Q(description__icontains=q)
        )
    if category_slug:
        products = products.filter(category__slug=category_slug)
    if in_stock:
        products = products.filter(stock__gt=0)
    products = with_price_breaks(products)
    return products.order_by(*PRODUCT_ORDERINGS.get(ordering, PRODUCT_ORDERINGS["name"]))


def product_count(*, q: str = "", category_slug: str = "", in_stock: bool = False) -> int:
    """How many products product_search matches with these filters, cached for
    SHOP_PRODUCT_COUNT_CACHE_SECONDS.

    At 100,000 products the exact COUNT(*) behind every catalogue and API page costs ~100 ms
    once order traffic has cleared PostgreSQL's visibility map (index-only scans fall back to
    the heap until a VACUUM), which capped both pages near 25 requests/s. A total that lags
    by up to 30 s (new, deactivated or sold-out products) is the price; the rows themselves
    are always read live. Keyed by the filters as product_search reads them (not by the SQL,
    whose compilation cost a third of a millisecond a page), so the sort orders share one.
    """
    q = _normalise_query(q)
    key = "shop:product-count:" + hashlib.sha256(
        repr((q, category_slug, bool(in_stock))).encode()
    ).hexdigest()
    return caches["product_counts"].get_or_set(
        key,
        lambda: product_search(q=q, category_slug=category_slug, in_stock=in_stock)
        .order_by()
        .select_related(None)
        .count(),
        settings.SHOP_PRODUCT_COUNT_CACHE_SECONDS,
    )


def category_choices() -> list[tuple[str, str]]:
    """(slug, name) of the categories with products on sale, for the catalogue's filter.

    Cached like the product totals: a new category can take SHOP_PRODUCT_COUNT_CACHE_SECONDS
    to appear in the filter, and the catalogue saves a query.
    """
    return caches["product_counts"].get_or_set(
        "shop:category-choices",
        lambda: list(categories_with_products().values_list("slug", "name")),
        settings.SHOP_PRODUCT_COUNT_CACHE_SECONDS,
    )


def categories_with_products() -> QuerySet[Category]:
    # EXISTS stops at the first active product of each category; the JOIN + DISTINCT it
    # replaces read every product (47 ms at 100,000 products against 0.3 ms).
    active = Product.objects.filter(category=OuterRef("pk"), is_active=True)
    return Category.objects.filter(Exists(active)).order_by("name")


def cart_items_for(user: AbstractBaseUser) -> QuerySet[CartItem]:
    """The user's cart, each item with its company's `contract_price` (CartItem.unit_price)."""
    return cart_items_with_prices(
        CartItem.objects.filter(user=user).select_related("product", "product__category"),
        user=user,
    )


@dataclass(frozen=True)
class CartSummary:
    line_count: int
    unit_count: int


def cart_summary(user: AbstractBaseUser) -> CartSummary:
    """What the cart badge on every page shows. Hand-written SQL: it runs on every page, and
    compiling the ORM query cost more CPU than the query (about 0.6 ms on the bench machine)."""
    quote = connection.ops.quote_name
    meta = CartItem._meta
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), COALESCE(SUM({quote(meta.get_field('quantity').column)}), 0) "
            f"FROM {quote(meta.db_table)} WHERE {quote(meta.get_field('user').column)} = %s",
            [user.pk],
        )
        lines, units = cursor.fetchone()
    return CartSummary(line_count=lines, unit_count=units)


def _company_orders(user: AbstractBaseUser) -> QuerySet[Order]:
    """The orders of the user's company (every member sees them all), with who placed each
    and the linked address: the one place order reads are scoped."""
    return Order.objects.filter(company__memberships__user=user).select_related(
        "user", "delivery_address"
    )


@dataclass(frozen=True)
class OrderFilters:
    status: str = ""
    created_after: date | None = None
    created_before: date | None = None
    q: str = ""


def orders_for(user: AbstractBaseUser, filters: OrderFilters | None = None) -> QuerySet[Order]:
    """The user's company's orders, newest first, narrowed by `filters` (dates inclusive, in
    the shop's time zone; q: a reference such as ORD-000123 or part of a PO number)."""
    orders = _company_orders(user)
    if filters is not None:
        if filters.status:
            orders = orders.filter(status=filters.status)
        if filters.created_after:
            orders = orders.filter(created_at__date__gte=filters.created_after)
        if filters.created_before:
            orders = orders.filter(created_at__date__lte=filters.created_before)
        if q := filters.q.strip():
            match = Q(po_number__icontains=q)
            if (number := re.fullmatch(r"(?i)(?:ORD-)?0*(\d{1,18})", q)) is not None:
                match |= Q(pk=int(number.group(1)))
            orders = orders.filter(match)
    return orders.order_by("-created_at", "-id")


def order_for(user: AbstractBaseUser, order_id: int) -> Order | None:
    """One of the company's orders with its lines, status changes and invoice (if issued),
    or None: another company's order does not exist for you."""
    return (
        _company_orders(user)
        .filter(pk=order_id)
        .select_related("invoice")
        .prefetch_related("lines", "status_changes")
        .first()
    )


def order_for_idempotency_key(user: AbstractBaseUser, key: str) -> Order | None:
    """The order a checkout form already placed: a resubmitted form finds it instead of failing."""
    return Order.objects.filter(user=user, idempotency_key=key).first()


def tokens_for(user: AbstractBaseUser, *, include_revoked: bool) -> QuerySet[ApiToken]:
    """The user's tokens, newest first, expired ones included. The tokens page shows the
    revoked ones too, with their status; the API lists only those not revoked."""
    tokens = ApiToken.objects.filter(user=user)
    if not include_revoked:
        tokens = tokens.filter(revoked_at__isnull=True)
    return tokens.order_by("-created_at", "-id")


def product_get(product_id: int, *, user: AbstractBaseUser | None = None) -> Product | None:
    """An active product with its category and price breaks, or None; for a `user`, with the
    `contract_price` of the user's company (None without one)."""
    products = with_price_breaks(
        Product.objects.filter(pk=product_id, is_active=True).select_related("category")
    )
    if user is not None:
        products = with_contract_price(products, user=user)
    return products.first()


def saved_lists_for(user: AbstractBaseUser) -> QuerySet[SavedList]:
    """The user's company's saved lists by name, each with `item_count` and who made it."""
    return (
        SavedList.objects.filter(company__memberships__user=user)
        .select_related("created_by")
        .annotate(item_count=Count("items"))
        .order_by(Lower("name"), "id")
    )


def saved_list_for(user: AbstractBaseUser, list_id: int) -> SavedList | None:
    """One of the company's lists, or None: another company's list does not exist for you."""
    return (
        SavedList.objects.filter(company__memberships__user=user, pk=list_id)
        .select_related("created_by")
        .first()
    )


def saved_list_items(saved_list: SavedList, *, user: AbstractBaseUser) -> QuerySet[SavedListItem]:
    """A list's items in the order added, each with its product and category and the user's
    company's `contract_price` (SavedListItem.unit_price)."""
    return cart_items_with_prices(  # any rows with a product_id: annotates the contract price
        SavedListItem.objects.filter(saved_list=saved_list)
        .select_related("product", "product__category")
        .order_by("added_at", "id"),
        user=user,
    )


def product_by_sku(sku: str) -> Product | None:
    """The active product with this SKU, as stored or upper-cased ("flr-strw-25")."""
    sku = sku.strip()
    if not sku:
        return None
    return Product.objects.filter(sku__in={sku, sku.upper()}, is_active=True).first()

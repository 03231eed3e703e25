"""Reads, scoped to the user where they concern a user's things."""

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import caches
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Concat, Lower

from shop import search
from shop.allergens import ALLERGENS, DIETARY
from shop.models import (
    ApiToken,
    CartItem,
    Category,
    Order,
    OrderLine,
    Product,
    SavedList,
    SavedListItem,
    line_as_shown,
)
from shop.services.pricing import cart_items_with_prices, with_contract_price, with_price_breaks
from shop.skus import match_sku, sku_keys

PRODUCT_ORDERINGS = {
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "price": ("price", "id"),
    "-price": ("-price", "-id"),
    "stock": ("stock", "id"),
    "-stock": ("-stock", "-id"),
}
# Best matches first (shop.search.relevance), then by name; without a search, by name.
RELEVANCE = "relevance"
# Ranking reads every match's vector: 80 ms for 80,000 matches at 100,000 products, against
# under 1 ms for walking the name index. A search matching more than this many products
# ("kg", most of the catalogue) is listed by name instead.
RANKED_MATCHES_MAX = 5000
# A listing with a dietary mark walks that mark's index in its order (migration 0014): name,
# price and stock. In the other orders of the catalogue's table (SKU, category, unit) up to
# this many marked products are read and sorted rather than found by walking the whole
# catalogue in that order, which PostgreSQL expects to find them spread evenly through; but
# marks cluster ("ORG-" codes all sort together) and the walk then reads most of the catalogue.
SORTED_MATCHES_MAX = 20000
# The orders a dietary mark's indexes serve (migration 0014).
_DIETARY_INDEXED_ORDERINGS = {"name", "price", "stock"}
CLOSE_MATCH_CANDIDATES = 500
MAX_SEARCH_LENGTH = 100


def _normalise_query(q: str) -> str:
    return q.strip()[:MAX_SEARCH_LENGTH]


def _masks(free_from: Iterable[str], dietary: Iterable[str]) -> tuple[int, int]:
    """The filters' bitmasks; ValueError for an unknown code (the API says 400, forms drop it)."""
    return ALLERGENS.mask(free_from), DIETARY.mask(dietary)


def _matching(
    *, q: str, in_stock: bool, any_word: bool = False
) -> QuerySet[Product]:
    """Active products matching the search and the stock filter: what the facet counts are
    counted over (the other filters are applied to the counts in Python)."""
    products = Product.objects.filter(is_active=True)
    if (condition := search.match(q, any_word=any_word)) is not None:
        products = products.filter(condition)
    if in_stock:
        products = products.filter(stock__gt=0)
    return products


def _filtered(
    products: QuerySet[Product], *, category_slug: str, free_from_mask: int, dietary_mask: int
) -> QuerySet[Product]:
    if category_slug:
        products = products.filter(category__slug=category_slug)
    # Written so that PostgreSQL can estimate how many rows each keeps, which decides its
    # plan: one `allergens & bit = 0` per allergen and one `dietary & bit = bit` per dietary
    # mark, each the expression of a statistics object (migrations 0012 and 0014; the
    # dietary one also knows how the marks combine). `allergens & 3072 = 0` would be guessed
    # at 0.5%. The dietary conditions are also the predicates of the marks' own indexes
    # (0014), which serve a listing in name, price or stock order.
    for bit in _bits(free_from_mask):
        products = products.alias(**{f"_allergen_{bit}": F("allergens").bitand(bit)}).filter(
            **{f"_allergen_{bit}": 0}
        )
    for bit in _bits(dietary_mask):
        products = products.alias(**{f"_dietary_{bit}": F("dietary").bitand(bit)}).filter(
            **{f"_dietary_{bit}": bit}
        )
    return products


def _bits(mask: int) -> list[int]:
    return [1 << i for i in range(mask.bit_length()) if mask >> i & 1]


_TEXT_ORDERINGS = {"name", "sku", "unit", "category__name"}


def sorts_matches(count: int, *, q: str, dietary: Iterable[str]) -> bool:
    """Whether a listing of `count` products with the `dietary` filter should have
    PostgreSQL sort them, in an order that no index of a dietary mark serves, rather than walk
    an index in that order (SORTED_MATCHES_MAX; product_order applies it to the orderings
    without such an index). Only dietary marks without a search: a search's matches come from
    its index, whose estimates the planner has; the other filters are served by an index
    (category) or keep most products (stock, free from)."""
    return (
        bool(list(dietary))
        and not search.words(q)
        and count <= SORTED_MATCHES_MAX
        and search.uses_full_text()
    )


def product_order(
    products: QuerySet[Product], ordering: Sequence[str], *, sort_matches: bool
) -> QuerySet[Product]:
    """`products` in `ordering` (field names, "-" for descending). With `sort_matches`, an
    ordering that no dietary mark's index serves (SKU, category, unit) becomes expressions
    that sort the same but that no index serves (sku || '', id + 0), so that PostgreSQL reads
    the matching rows and sorts them instead of walking an index in that order and
    filtering: see SORTED_MATCHES_MAX. Name, price and stock walk the mark's index."""
    if not sort_matches or not ordering or ordering[0].lstrip("-") in _DIETARY_INDEXED_ORDERINGS:
        return products.order_by(*ordering)
    fenced: list[Any] = []
    for field in ordering:
        name = field.lstrip("-")
        expression = Concat(F(name), Value("")) if name in _TEXT_ORDERINGS else F(name) + 0
        fenced.append(expression.desc() if field.startswith("-") else expression.asc())
    return products.order_by(*fenced)


def product_search(
    *,
    q: str = "",
    category_slug: str = "",
    in_stock: bool = False,
    free_from: Iterable[str] = (),
    dietary: Iterable[str] = (),
    ordering: str = "name",
    user: AbstractBaseUser | None = None,
    known_count: int | None = None,
) -> QuerySet[Product]:
    """Active products matching the catalogue filters (shop.search for how `q` matches; every
    code of `free_from` absent, every code of `dietary` present), with their category joined
    and, for a `user`, each product's `contract_price` for the user's company
    (shop.services.pricing; in the same query). The price sort is by list price, which the
    index serves.

    RELEVANCE sorts a search by how well each product matches, when it matches at most
    RANKED_MATCHES_MAX products. How many products match is `known_count` when the caller
    has it (the catalogue's facets), else product_count's (cached, and the API needs it
    anyway). The other sorts each walk an index (with a dietary filter, the mark's own)."""
    q = _normalise_query(q)
    free_from, dietary = list(free_from), list(dietary)
    free_from_mask, dietary_mask = _masks(free_from, dietary)
    products = _filtered(
        _matching(q=q, in_stock=in_stock),
        category_slug=category_slug,
        free_from_mask=free_from_mask,
        dietary_mask=dietary_mask,
    ).select_related("category").defer("search_vector")  # the database's; a few hundred bytes a row
    if user is not None:
        products = with_contract_price(products, user=user)
    rank = search.relevance(q) if ordering == RELEVANCE else None
    if known_count is None and rank is not None:
        known_count = product_count(
            q=q, category_slug=category_slug, in_stock=in_stock, free_from=free_from, dietary=dietary
        )
    products = with_price_breaks(products)
    if rank is not None and known_count is not None and known_count <= RANKED_MATCHES_MAX:
        return products.alias(_rank=rank).order_by("-_rank", "name", "id")
    # Every one of these orders has an index, also for each dietary mark (migration 0014).
    return products.order_by(*PRODUCT_ORDERINGS.get(ordering, PRODUCT_ORDERINGS["name"]))


def _cached(key_parts: tuple[object, ...], compute: Callable[[], Any]) -> Any:
    key = "shop:" + hashlib.sha256(repr(key_parts).encode()).hexdigest()
    return caches["product_counts"].get_or_set(
        key, compute, settings.SHOP_PRODUCT_COUNT_CACHE_SECONDS
    )


def product_count(
    *,
    q: str = "",
    category_slug: str = "",
    in_stock: bool = False,
    free_from: Iterable[str] = (),
    dietary: Iterable[str] = (),
) -> int:
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
    masks = _masks(free_from, dietary)
    return _cached(
        ("product-count", q, category_slug, bool(in_stock), masks),
        lambda: _filtered(
            _matching(q=q, in_stock=in_stock),
            category_slug=category_slug,
            free_from_mask=masks[0],
            dietary_mask=masks[1],
        )
        .order_by()
        .count(),
    )


@dataclass(frozen=True)
class Facets:
    """How many products each choice of the catalogue's filters would list, each counted with
    the other filters applied: `categories` by slug (whatever the category filter), and with
    the current filters plus that choice, `free_from` and `dietary` by code. `total` is what
    the current filters list."""

    total: int
    categories: dict[str, int]
    free_from: dict[str, int]
    dietary: dict[str, int]


def product_facets(
    *,
    q: str = "",
    category_slug: str = "",
    in_stock: bool = False,
    free_from: Iterable[str] = (),
    dietary: Iterable[str] = (),
) -> Facets:
    """The catalogue's facet counts and total, from one grouped query per search.

    The query counts the matching products (search and stock filter) by category, allergen
    mask and dietary mask: a few hundred rows on a real catalogue (5,500 on the generated
    one), from which every count of every combination of category, free-from and dietary
    filters follows in Python. So the query is keyed (and cached, like product_count) by the
    search and the stock filter alone: ticking a filter costs no query. Without a search the
    product_facets index makes it an index-only scan (18 ms at 100,000 products).
    """
    q = _normalise_query(q)
    free_from_mask, dietary_mask = _masks(free_from, dietary)
    groups: list[tuple[int, int, int, int]] = _cached(
        ("product-facets", q, bool(in_stock)),
        lambda: list(facet_groups(q=q, in_stock=in_stock)),
    )
    categories = _category_slugs()
    wanted_category = next((pk for pk, slug in categories.items() if slug == category_slug), None)
    total = 0
    by_category: Counter[int] = Counter()
    by_allergens: Counter[int] = Counter()
    by_dietary: Counter[int] = Counter()
    for category_id, allergens, marks, n in groups:
        if allergens & free_from_mask or marks & dietary_mask != dietary_mask:
            continue
        by_category[category_id] += n
        if not category_slug or category_id == wanted_category:
            total += n
            by_allergens[allergens] += n
            by_dietary[marks] += n
    return Facets(
        total=total,
        categories={categories[pk]: n for pk, n in by_category.items() if pk in categories},
        free_from={
            code: sum(n for mask, n in by_allergens.items() if not mask & ALLERGENS.bit(code))
            for code in ALLERGENS.codes
        },
        dietary={
            code: sum(n for mask, n in by_dietary.items() if mask & DIETARY.bit(code))
            for code in DIETARY.codes
        },
    )


def facet_groups(*, q: str, in_stock: bool) -> QuerySet[Product, tuple[int, int, int, int]]:
    """(category id, allergens mask, dietary mask, products) of the products matching the
    search and the stock filter: product_facets' one query."""
    return (
        _matching(q=_normalise_query(q), in_stock=in_stock)
        .order_by()
        .values_list("category_id", "allergens", "dietary")
        .annotate(n=Count("*"))
    )


def _category_slugs() -> dict[int, str]:
    return caches["product_counts"].get_or_set(
        "shop:category-slugs",
        lambda: dict(Category.objects.values_list("pk", "slug")),
        settings.SHOP_PRODUCT_COUNT_CACHE_SECONDS,
    )


def search_suggestion(
    q: str,
    *,
    category_slug: str = "",
    in_stock: bool = False,
    free_from: Iterable[str] = (),
    dietary: Iterable[str] = (),
) -> str:
    """A corrected search ("suger" -> "sugar") that finds products with these filters, or "".
    For a search that found nothing: it costs a query per unknown word and a count."""
    q = _normalise_query(q)
    vocabulary = None if search.uses_full_text() else _sqlite_vocabulary()
    corrected = " ".join(search.corrected_words(q, vocabulary))
    if not corrected or corrected == " ".join(search.words(q)):
        return ""
    found = product_count(
        q=corrected,
        category_slug=category_slug,
        in_stock=in_stock,
        free_from=free_from,
        dietary=dietary,
    )
    return corrected if found else ""


def _sqlite_vocabulary() -> set[str]:
    # Every product's texts: fine for the demo catalogue SQLite serves, cached all the same.
    return caches["product_counts"].get_or_set(
        "shop:search-vocabulary",
        lambda: search.vocabulary_of(
            " ".join(texts)
            for texts in Product.objects.filter(is_active=True).values_list(
                "name", "description", "unit", "category__name"
            )
        ),
        settings.SHOP_PRODUCT_COUNT_CACHE_SECONDS,
    )


def product_close_matches(
    q: str,
    *,
    category_slug: str = "",
    in_stock: bool = False,
    free_from: Iterable[str] = (),
    dietary: Iterable[str] = (),
    limit: int = 5,
) -> list[Product]:
    """Products matching any word of `q` with these filters, best first: for a search that
    found nothing. Ranked among the first CLOSE_MATCH_CANDIDATES such products, so that a
    common word ("rye zzz") costs a few milliseconds, not a ranking of the whole catalogue."""
    q = _normalise_query(q)
    rank = search.relevance(q, any_word=True)
    if rank is None:
        return []
    candidates = _filtered(
        _matching(q=q, in_stock=in_stock, any_word=True),
        category_slug=category_slug,
        free_from_mask=ALLERGENS.mask(free_from),
        dietary_mask=DIETARY.mask(dietary),
    ).order_by()
    return list(
        Product.objects.filter(pk__in=candidates.values("pk")[:CLOSE_MATCH_CANDIDATES])
        .select_related("category")
        .alias(_rank=rank)
        .order_by("-_rank", "name", "id")[:limit]
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
    """The user's cart, each item with its company's `contract_price` (CartItem.unit_price).
    Pages list the items with cart_lines_as_shown."""
    return cart_items_with_prices(
        CartItem.objects.filter(user=user).select_related("product", "product__category"),
        user=user,
    )


def cart_lines_as_shown(items: Iterable[CartItem]) -> list[CartItem]:
    return sorted(items, key=lambda item: line_as_shown(item.product.name, item.product.unit, item.product_id))


def order_lines_as_shown(lines: Iterable[OrderLine]) -> list[OrderLine]:
    return sorted(lines, key=lambda line: line_as_shown(line.name, line.unit, line.product_id))


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
    """The active product with this SKU (shop.skus: "flr-strw-25" finds FLR-STRW-25)."""
    sku = sku.strip()
    if not sku:
        return None
    products = Product.objects.filter(sku__in=sku_keys([sku]), is_active=True)
    return match_sku({product.sku: product for product in products}, sku)

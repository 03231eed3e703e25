"""The catalogue's results cache. The results (count, product table, pagination) are the one
part of the catalogue that is the same for everyone who sees it, so the one part that is cached:
this is not a page cache.

The layout (header, user, cart badge, messages, filter form) is rendered for each request
with its own user. The results are rendered without the request or the user in their
context, only from what their cache key holds: the normalised query (filters, sort, page
size), the page number, the total, the viewer's price list (price_list_for), and every stored
field of the page's products (their pack rules and measure among them), their price breaks and
their category. The rows are read live on every request (the
page's one product query, which also reads the viewer's company's contract prices), so a
changed stock, price, contract price or name gives a new key at once: cached results are never
stale, only reused.

The rows' add-to-cart forms must work without JavaScript, so they carry the viewer's CSRF
token: the results are stored split where the token goes and joined with the request's own.
"""

import hashlib
import pickle
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from shop.models import Product
from shop.tables import ProductTable

LIST_PRICES = "list"
# Where each row's CSRF token goes; random per process, as is the cache, so no product text
# can spell it.
_TOKEN_MARK = f"csrf-{secrets.token_hex(16)}"
_PRODUCT_FIELDS = [field.attname for field in Product._meta.concrete_fields]


def price_list_for(records: Iterable[Product]) -> tuple[Any, ...]:
    """The price list a page of rows shows, for the results' cache key: LIST_PRICES when no row
    has a contract price for the viewer's company (every company without contract prices here
    shares one entry), else each row's contract price, read with the rows
    (shop.services.pricing.with_contract_price), which is what the rows show.

    Keyed by the prices themselves rather than by the company: the results are rendered only
    from what their key holds, so two companies share an entry only where every price on it is
    the same for both, and a contract price changed in the admin gives a new key at once.
    """
    contract = [(product.pk, getattr(product, "contract_price", None)) for product in records]
    if all(price is None for _, price in contract):
        return (LIST_PRICES,)
    return ("contract", contract)


def _fingerprint(*parts: object) -> str:
    # pickle, not repr: several times faster on 25 rows of Decimals and datetimes.
    return hashlib.sha256(pickle.dumps(parts, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()


def _row(product: Product) -> tuple[Any, ...]:
    values = tuple(getattr(product, name) for name in _PRODUCT_FIELDS)
    # Prefetched with the page (selectors.product_search): no query per row.
    breaks = tuple((tier.min_quantity, tier.unit_price) for tier in product.price_breaks.all())
    return (*values, breaks, product.category.name, product.category.slug)


def catalogue_results(
    table: ProductTable,
    query: QueryDict,
    *,
    q: str,
    csrf_token: str,
    can_order: bool = True,
) -> SafeString:
    """The results for a configured table (shop.tables.table_configure), with `csrf_token` in
    its forms; cached for SHOP_PAGE_CACHE_SECONDS in the bounded `catalogue` cache. The table's
    rows carry the viewer's contract prices (selectors.product_search(user=...)). Without
    `can_order` (a viewer) the rows have no add-to-cart forms: part of the key."""
    records = table.page.object_list.data  # the page's QuerySet: read once, here
    key = "shop:catalogue-results:" + _fingerprint(
        price_list_for(records),
        can_order,
        query.urlencode(),
        table.page.number,
        table.paginator.count,
        settings.SHOP_LOW_STOCK_THRESHOLD,
        [_row(product) for product in records],
    )

    def render() -> list[str]:
        context = {"table": table, "q": q, "csrf_token": _TOKEN_MARK, "can_order": can_order}
        return render_to_string("shop/catalogue.html#results", context).split(_TOKEN_MARK)

    parts = caches["catalogue"].get_or_set(key, render, settings.SHOP_PAGE_CACHE_SECONDS)
    return mark_safe(csrf_token.join(parts))

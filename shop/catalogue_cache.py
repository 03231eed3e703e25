"""The catalogue's results cache. The results (count, product table, pagination) are the one
part of the catalogue that is the same for everyone who sees it, so the one part that is cached:
this is not a page cache.

The layout (header, user, cart badge, messages, filter form) is rendered for each request
with its own user. The results are rendered without the request or the user in their
context, only from what their cache key holds: the normalised query (filters, sort, page
size), the page number, the total, the viewer's price list, and every stored field of the
page's products and their category. The rows are read live on every request (the page's one
product query), so a changed stock, price or name gives a new key at once: cached results are
never stale, only reused.

The rows' add-to-cart forms must work without JavaScript, so they carry the viewer's CSRF
token: the results are stored split where the token goes and joined with the request's own.
"""

import hashlib
import pickle
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
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


def price_list_for(user: AbstractBaseUser | AnonymousUser) -> str:
    """The price list the user's catalogue shows. Everybody buys at list prices today; this
    is where a company's contract price list will be looked up. It is part of the results'
    cache key, so buyers on different price lists never share results."""
    return LIST_PRICES


def _fingerprint(*parts: object) -> str:
    # pickle, not repr: several times faster on 25 rows of Decimals and datetimes.
    return hashlib.sha256(pickle.dumps(parts, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()


def _row(product: Product) -> tuple[Any, ...]:
    values = tuple(getattr(product, name) for name in _PRODUCT_FIELDS)
    return (*values, product.category.name, product.category.slug)


def catalogue_results(
    table: ProductTable,
    query: QueryDict,
    *,
    q: str,
    csrf_token: str,
    price_list: str,
    can_order: bool = True,
) -> SafeString:
    """The results for a configured table (shop.tables.table_configure), with `csrf_token` in
    its forms; cached for SHOP_PAGE_CACHE_SECONDS in the bounded `catalogue` cache. Without
    `can_order` (a viewer) the rows have no add-to-cart forms: part of the key."""
    records = table.page.object_list.data  # the page's QuerySet: read once, here
    key = "shop:catalogue-results:" + _fingerprint(
        price_list,
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

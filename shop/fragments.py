"""The catalogue page cached by what it shows, shared by every buyer.

Rendering the catalogue (filters, 25 rows, header) cost about 20 of its 26 ms of CPU on the
bench machine, though one page looks the same to everybody from one request to the next. So
the rendered page is cached under a fingerprint of everything it shows: the query string
(filters, sort, page), whether it is the htmx partial, the total, the category list and every
stored field of every product row on the page. The rows are read live on every request (one
light query), so a changed stock, price or name gives a new key at once: a cached page is
never stale, only reused.

The page is rendered with placeholders ("holes") for what differs between buyers: the CSRF
token, the signed-in email and the cart badge. `fill` puts the request's own values in their
place. The placeholders are random per process (as is the cache), so no product name or
search text can spell one. A page with flash messages to show is not cached at all.
"""

import hashlib
import pickle
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.db import connection
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.html import escape

from shop.models import Product


@dataclass(frozen=True)
class PageHoles:
    csrf_token: str
    email: str
    cart_badge: str


HOLES = PageHoles(
    csrf_token=f"hole-csrf-{secrets.token_hex(16)}",
    email=f"hole-email-{secrets.token_hex(16)}",
    cart_badge=f"hole-cart-badge-{secrets.token_hex(16)}",
)


def fingerprint(*parts: object) -> str:
    # pickle, not repr: several times faster on 25 rows of Decimals and datetimes.
    return hashlib.sha256(pickle.dumps(parts, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()


@dataclass(frozen=True)
class RowsQuery:
    """The SQL that reads a page's rows for its fingerprint, as the ORM compiled it.

    Compiling the page's query (filters, tables2's sort and slice) and building the table and
    the filter form cost about 2 ms a request, more than the query itself. The first request
    for a URL builds them and stores this; later requests for that URL run the stored SQL, and
    build the table only if the page must be rendered again. `filters` and `total` are what
    the SQL was compiled for: a changed total (the page may have moved) compiles it again.
    """

    filters: dict[str, Any]
    total: int
    sql: str
    params: tuple[Any, ...]

    def rows(self) -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self.params)
            return cursor.fetchall()


def rows_query(page: QuerySet[Product], filters: dict[str, Any], total: int) -> RowsQuery:
    """Every stored field of the page's products and their category, from the page's own
    (sliced) query: a changed stock, price or name anywhere on the page changes the rows."""
    fields = [field.attname for field in Product._meta.concrete_fields]
    values = page.values_list(*fields, "category__name", "category__slug")
    sql, params = values.query.sql_with_params()
    return RowsQuery(filters=filters, total=total, sql=sql, params=tuple(params))


def known_rows_query(page_id: tuple[Any, ...]) -> RowsQuery | None:
    if settings.SHOP_PAGE_CACHE_SECONDS <= 0:
        return None
    return caches["pages"].get(f"shop:rows-query:{fingerprint(page_id)}")


def remember_rows_query(page_id: tuple[Any, ...], query: RowsQuery) -> None:
    if settings.SHOP_PAGE_CACHE_SECONDS > 0:
        caches["pages"].set(
            f"shop:rows-query:{fingerprint(page_id)}", query, settings.SHOP_PAGE_CACHE_SECONDS
        )


def cached_response(
    request: HttpRequest, key: str, badge: Callable[[], str]
) -> HttpResponse | None:
    """The cached page for `key` with this request's holes filled, or None."""
    if settings.SHOP_PAGE_CACHE_SECONDS <= 0 or messages.get_messages(request):
        return None
    content = caches["pages"].get(f"shop:page:{key}")
    if content is None:
        return None
    return HttpResponse(fill(request, content, badge), content_type="text/html; charset=utf-8")


def cached_page(
    request: HttpRequest,
    key: str,
    render: Callable[[dict[str, Any]], HttpResponse],
    badge: Callable[[], str],
) -> HttpResponse:
    """The page for `key` with this request's holes filled; `render(extra_context)` on a miss.

    `render` must pass the extra context to the template: it sets `csrf_token` and
    `page_holes`, which base.html and the cart badge tag use instead of the user's values.
    """
    seconds = settings.SHOP_PAGE_CACHE_SECONDS
    if seconds <= 0 or messages.get_messages(request):
        return render({})
    response = cached_response(request, key, badge)
    if response is not None:
        return response
    response = render({"csrf_token": HOLES.csrf_token, "page_holes": HOLES})
    if response.status_code != 200:
        return response
    caches["pages"].set(f"shop:page:{key}", response.content, seconds)
    response.content = fill(request, response.content, badge)
    return response


def fill(request: HttpRequest, content: bytes, badge: Callable[[], str]) -> bytes:
    email = escape(getattr(request.user, "email", ""))
    for hole, value in (
        (HOLES.csrf_token, get_token(request)),
        (HOLES.email, email),
        (HOLES.cart_badge, badge()),
    ):
        placeholder = hole.encode()
        if placeholder in content:
            content = content.replace(placeholder, value.encode())
    return content

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
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
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


def page_rows(page: QuerySet[Product]) -> list[tuple[Any, ...]]:
    """Every stored field of the page's products and their category, as plain tuples.

    A values_list of the page's own (sliced) query: the fingerprint costs one light query, and
    model instances are only built when the page has to be rendered.
    """
    fields = [field.attname for field in Product._meta.concrete_fields]
    return list(page.values_list(*fields, "category__name", "category__slug"))


def fingerprint(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


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
    cache = caches["pages"]
    cache_key = f"shop:page:{key}"
    content = cache.get(cache_key)
    if content is None:
        response = render({"csrf_token": HOLES.csrf_token, "page_holes": HOLES})
        if response.status_code != 200:
            return response
        content = response.content
        cache.set(cache_key, content, seconds)
    else:
        response = HttpResponse(content_type="text/html; charset=utf-8")
    response.content = fill(request, content, badge)
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

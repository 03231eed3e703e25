"""One pagination for every list: ?page=N&page_size=M -> {count, next, previous, results}."""

import re
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.paginator import EmptyPage
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from shop.api.errors import ApiError, invalid
from shop.paginators import KnownCountPaginator

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
_POSITIVE = re.compile(r"[0-9]{1,9}")

M = TypeVar("M", bound=Model)


def _positive_int(request: HttpRequest, name: str, default: int, maximum: int | None) -> int:
    raw = request.GET.get(name)
    if raw is None:
        return default
    if not _POSITIVE.fullmatch(raw) or int(raw) < 1 or (maximum is not None and int(raw) > maximum):
        bound = f"1 to {maximum}" if maximum else "at least 1"
        raise invalid({name: [f"Must be a whole number, {bound}."]})
    return int(raw)


def _page_url(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def paginate(
    request: HttpRequest,
    queryset: QuerySet[M],
    serialize: Callable[[M], dict[str, Any]],
    *,
    count: int | None = None,
) -> dict[str, Any]:
    """One page of `queryset`; `count` is a known (e.g. cached) total, else it is counted."""
    page_number = _positive_int(request, "page", 1, None)
    page_size = _positive_int(request, "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    paginator = KnownCountPaginator(queryset, page_size, count=count)
    try:
        page = paginator.page(page_number)
    except EmptyPage:
        raise ApiError(
            404, "not_found", f"Page {page_number} is past the end ({paginator.num_pages} pages)."
        ) from None
    return {
        "count": paginator.count,
        "next": _page_url(request, page.next_page_number()) if page.has_next() else None,
        "previous": _page_url(request, page.previous_page_number()) if page.has_previous() else None,
        "results": [serialize(item) for item in page.object_list],
    }

"""What every HTML view module shares."""

from collections.abc import Collection, Iterable

from django.contrib import messages
from django.http import Http404, HttpRequest

from shop import selectors
from shop.models import Order
from shop.services.cart import LineAdded


def wants_partial(request: HttpRequest) -> bool:
    """Whether to answer with the page's swappable partial (an htmx request) or the whole page."""
    # A history-restore request (cache miss after Back) needs the whole page, not the fragment.
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def url_without_empty_parameters(
    request: HttpRequest, names: Collection[str] | None = None
) -> str | None:
    """The URL without its empty parameters ("?q=&category="; only those in `names` when
    given), or None when it has none: a plain form submit sends every field, and a shared link
    should carry only those in use."""
    query = request.GET.copy()
    empty = [
        name for name, values in query.lists()
        if "" in values and (names is None or name in names)
    ]
    if not empty:
        return None
    for name in empty:
        values = [value for value in query.pop(name) if value]
        if values:
            query.setlist(name, values)
    return f"{request.path}?{query.urlencode()}" if query else request.path


def company_order_or_404(request: HttpRequest, pk: int) -> Order:
    """One of the company's orders; another company's does not exist (404)."""
    order = selectors.order_for(request.user, pk)
    if order is None:
        raise Http404("No such order.")
    return order


def report_lines_added(
    request: HttpRequest,
    outcomes: Iterable[LineAdded],
    *,
    success: str,
    nothing: str,
    requested: str = "asked for",
) -> None:
    """Messages for lines put in the cart together (a saved list, order again): `success` if
    any went in (else `nothing`), then each line capped by stock ("2 in cart (<requested> 3)")
    and each refused, with why (pack rules, no longer for sale, no stock)."""
    outcomes = list(outcomes)
    capped = [line for line in outcomes if line.is_capped]
    refused = [line for line in outcomes if line.is_refused]
    if any(line.added for line in outcomes):
        messages.success(request, success)
    else:
        messages.error(request, nothing)
    if capped:
        messages.warning(
            request,
            "Capped to what is in stock"
            + (" and the pack rules" if any(line.pack_rule for line in capped) else "")
            + ": "
            + "; ".join(
                f"{line.name}: {line.in_cart:,} in cart ({requested} {line.requested:,}"
                + (f"; {line.pack_rule}" if line.pack_rule else "")
                + ")"
                for line in capped
            ),
        )
    if refused:
        messages.warning(
            request,
            "Not added: " + "; ".join(f"{line.name}: {line.problem}" for line in refused),
        )

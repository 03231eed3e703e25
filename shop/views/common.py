"""What every HTML view module shares."""

from django.http import Http404, HttpRequest

from shop import selectors
from shop.models import Order


def wants_partial(request: HttpRequest) -> bool:
    """Whether to answer with the page's swappable partial (an htmx request) or the whole page."""
    # A history-restore request (cache miss after Back) needs the whole page, not the fragment.
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def company_order_or_404(request: HttpRequest, pk: int) -> Order:
    """One of the company's orders; another company's does not exist (404)."""
    order = selectors.order_for(request.user, pk)
    if order is None:
        raise Http404("No such order.")
    return order

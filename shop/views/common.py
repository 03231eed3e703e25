"""What every HTML view module shares."""

from django.http import HttpRequest


def wants_partial(request: HttpRequest) -> bool:
    """Whether to answer with the page's swappable partial (an htmx request) or the whole page."""
    # A history-restore request (cache miss after Back) needs the whole page, not the fragment.
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request

"""Turn "the database is unreachable" into a 503 instead of a 500, and recover without a restart."""

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger("shop.faults")

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
API_PREFIX = "/api/"


def drop_broken_connections() -> None:
    """Close connections that failed, so the next request opens a fresh one.

    With persistent connections (CONN_MAX_AGE) a connection broken by a database restart
    would otherwise be handed to the next request and fail it too.
    """
    for connection in connections.all(initialized_only=True):
        try:
            connection.close_if_unusable_or_obsolete()
        except DATABASE_ERRORS:
            # Closing a dead socket can fail as well; the connection is unusable either way.
            connection.connection = None


def service_unavailable_response(request: HttpRequest) -> HttpResponse:
    """A 503 for a request that could not reach the database: JSON under /api/, a page otherwise."""
    if request.path.startswith(API_PREFIX):
        response: HttpResponse = JsonResponse(
            {
                "error": {
                    "code": "service_unavailable",
                    "message": "The service is temporarily unavailable. Please retry shortly.",
                }
            },
            status=503,
        )
    else:
        # Rendered without the request: context processors (the cart badge, the user) would
        # query the database that just failed.
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Answer 503 when a view fails because the database went away.

    Place it last in MIDDLEWARE so its process_exception runs first. Errors raised by other
    middleware (e.g. loading the session) never reach process_exception; the error handlers
    in config/urls.py send those here via `is_database_unavailable`.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        if not is_database_unavailable(exception):
            return None
        logger.error(
            "database unavailable",
            extra={"event": "database_unavailable", "path": request.path, "error": str(exception)},
        )
        drop_broken_connections()
        return service_unavailable_response(request)


def is_database_unavailable(exception: BaseException | None) -> bool:
    return isinstance(exception, DATABASE_ERRORS)

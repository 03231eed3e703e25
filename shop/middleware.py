"""Middleware for what the web tier must survive: oversized request bodies (413, refused before
they are read) and an unreachable database (503 instead of 500, recovering without a restart)."""

import logging
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string

from shop.api.errors import error_response, is_api_request

logger = logging.getLogger("shop.faults")
request_logger = logging.getLogger("shop.requests")

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


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
    if is_api_request(request):
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


def request_too_large_response(request: HttpRequest) -> HttpResponse:
    """A 413: the API's JSON envelope under /api/, the shop's page otherwise."""
    if is_api_request(request):
        return error_response(
            413, "too_large", f"The request body is over the limit of {limit_text()}."
        )
    # Static page, rendered without the request: nothing about the request has been read.
    return HttpResponse(render_to_string("413.html", {"limit": limit_text()}), status=413)


def limit_text() -> str:
    return str(filesizeformat(settings.MAX_REQUEST_BODY_SIZE)).replace("\xa0", " ")


def body_too_large(meta: Mapping[str, Any], limit: int) -> bool:
    """Whether a request's body must be refused unread: over `limit` bytes, or of unknown length.

    Django reads at most Content-Length bytes, and nothing without it, so the header is what
    counts. A body with Transfer-Encoding (chunked) has no length to check before reading it;
    Django could not read it either (it would see an empty body), so it is refused too.
    """
    if meta.get("HTTP_TRANSFER_ENCODING"):
        return True
    try:
        return int(meta.get("CONTENT_LENGTH") or 0) > limit
    except ValueError:
        return False  # a malformed length: Django reads nothing, as for no body at all


class RequestBodyLimitMiddleware:
    """Refuse a request body over MAX_REQUEST_BODY_SIZE before anything reads it.

    Django's DATA_UPLOAD_MAX_MEMORY_SIZE leaves file parts out and only trips while a form is
    being parsed; FILE_UPLOAD_MAX_MEMORY_SIZE only chooses memory or disk. This is the one limit
    for every body, uploads included. Place it first in MIDDLEWARE.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit: int = settings.MAX_REQUEST_BODY_SIZE
        if body_too_large(request.META, limit):
            request_logger.warning(
                "request body too large",
                extra={
                    "event": "request_too_large",
                    "path": request.path,
                    "content_length": request.META.get("CONTENT_LENGTH") or None,
                    "transfer_encoding": request.META.get("HTTP_TRANSFER_ENCODING") or None,
                    "limit": limit,
                },
            )
            return request_too_large_response(request)
        return self.get_response(request)

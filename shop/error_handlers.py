"""Project-wide error handlers: the API's JSON handlers, plus what the browser and outages need.

The API's handlers (shop/api/errors.py) answer JSON under /api/ and Django's default pages
elsewhere (which render templates/404.html and 500.html). These add two cases on top:
a database outage that surfaced outside a view, and an oversized body (shop.middleware).
"""

import sys

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse

from shop.api import errors as api_errors
from shop.middleware import (
    drop_broken_connections,
    is_database_unavailable,
    request_too_large_response,
    service_unavailable_response,
)


def handler400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        # RequestBodyLimitMiddleware refuses oversized bodies first; this catches Django's own
        # check (raised while the CSRF check reads a form) should its setting ever be lower.
        return request_too_large_response(request)
    return api_errors.handler400(request, exception)


def handler500(request: HttpRequest) -> HttpResponse:
    # Django calls this inside its `except` block, so the exception is still at hand. A database
    # failure raised outside a view (loading the session, the 404 page's context) never reaches
    # DatabaseUnavailableMiddleware.process_exception; it is still an outage, not a bug.
    if is_database_unavailable(sys.exc_info()[1]):
        drop_broken_connections()
        return service_unavailable_response(request)
    return api_errors.handler500(request)

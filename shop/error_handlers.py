"""Project-wide error handlers: the API's JSON handlers, plus what the browser and outages need.

The API's handlers (shop/api/errors.py) answer JSON under /api/ and Django's default pages
elsewhere (which render templates/404.html and 500.html). These add two cases on top:
a database outage that surfaced outside a view, and an oversized body from a browser form.
"""

import sys

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from shop.api import errors as api_errors
from shop.middleware import (
    drop_broken_connections,
    is_database_unavailable,
    service_unavailable_response,
)


def handler400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        if request.path.startswith(api_errors.API_PATH_PREFIX):
            return api_errors.error_response(413, "too_large", "The request body is too large.")
        # Raised while the CSRF check reads the form, before any view: the 413 page is static.
        return HttpResponse(render_to_string("413.html"), status=413)
    return api_errors.handler400(request, exception)


def handler500(request: HttpRequest) -> HttpResponse:
    # Django calls this inside its `except` block, so the exception is still at hand. A database
    # failure raised outside a view (loading the session, the 404 page's context) never reaches
    # DatabaseUnavailableMiddleware.process_exception; it is still an outage, not a bug.
    if is_database_unavailable(sys.exc_info()[1]):
        drop_broken_connections()
        return service_unavailable_response(request)
    return api_errors.handler500(request)

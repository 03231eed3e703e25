"""Request plumbing shared by every API view: method routing, token auth, JSON body parsing.

`@token_required` authenticates from the Authorization header only (session cookies are
deliberately ignored: a browser session must not be usable for cross-site API writes) and
parses the body once into `request.json`.
"""

import json
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.views.decorators.csrf import csrf_exempt

from shop.api.errors import ApiError, method_not_allowed, not_authenticated
from shop.services import token_authenticate

View = Callable[..., HttpResponse]

AUTH_SCHEMES = {"bearer", "token"}
# GET and DELETE bodies have no meaning (RFC 9110) and are ignored, not rejected.
BODY_METHODS = {"POST", "PUT", "PATCH"}
# Printable ASCII without spaces: anything else cannot be one of our tokens, and must not
# reach the database (PostgreSQL refuses NUL characters in a query with an error, not a miss).
_PLAUSIBLE_TOKEN = re.compile(r"[\x21-\x7e]{1,200}")
_JSON_MEDIA_TYPE = re.compile(r"application/(?:[\w.+-]+\+)?json", re.IGNORECASE)


def route(**handlers: View) -> View:
    """One URL, one handler per HTTP method; any other method is a 405 naming the allowed ones."""
    allowed = sorted(handlers)
    if "GET" in handlers and "HEAD" not in handlers:
        handlers["HEAD"] = handlers["GET"]
        allowed = sorted(handlers)

    @csrf_exempt  # token-authenticated, never cookie-authenticated: CSRF does not apply
    def dispatch(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Allow"] = ", ".join(allowed + ["OPTIONS"])
            return response
        handler = handlers.get(request.method or "")
        if handler is None:
            return method_not_allowed(allowed)
        try:
            response = handler(request, *args, **kwargs)
        except ApiError as exc:
            response = exc.response()
        add_never_cache_headers(response)
        patch_vary_headers(response, ["Authorization"])
        return response

    return dispatch


def _credentials(request: HttpRequest) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.strip().partition(" ")
    raw = raw.strip()
    if scheme.lower() not in AUTH_SCHEMES or not _PLAUSIBLE_TOKEN.fullmatch(raw):
        raise not_authenticated()
    return raw


def _read_json(request: HttpRequest) -> dict[str, Any] | None:
    """The body as a JSON object, or None when there is no body at all."""
    if request.method not in BODY_METHODS:
        return None
    content_type = request.content_type or ""
    try:
        body = request.body
    except RequestDataTooBig:
        raise ApiError(413, "too_large", "The request body is too large.") from None
    is_json = bool(_JSON_MEDIA_TYPE.fullmatch(content_type))
    if not body and not is_json:
        return None
    if not is_json:
        raise ApiError(
            415, "unsupported_media_type", "Send the body as JSON with Content-Type: application/json."
        )
    try:
        data = json.loads(body, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise ApiError(400, "invalid_json", "The body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_json", "The body must be a JSON object.")
    try:
        # JSON escapes can spell lone surrogates ("\ud800"), which no database, hasher or
        # log line can encode: refuse them here rather than fail with a 500 later.
        json.dumps(data, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        raise ApiError(400, "invalid_json", "The body contains text that is not valid Unicode.") from None
    return data


def _reject_constant(name: str) -> None:
    # NaN and Infinity are Python extensions, not JSON.
    raise ValueError(name)


def require_json(request: HttpRequest) -> dict[str, Any]:
    """For endpoints that need a body: a missing one is a wrong media type, like any non-JSON."""
    if request.json is None:
        raise ApiError(
            415, "unsupported_media_type", "Send the body as JSON with Content-Type: application/json."
        )
    return request.json


def accepts_json(view: View) -> View:
    """For the one endpoint without a token (creating a token): parse the body only."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.json = _read_json(request)
        return view(request, *args, **kwargs)

    return wrapper


def token_required(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token = token_authenticate(_credentials(request))
        if token is None:
            raise not_authenticated("The token is wrong, expired or revoked.")
        request.api_token = token
        request.user = token.user
        request.json = _read_json(request)
        return view(request, *args, **kwargs)

    return wrapper


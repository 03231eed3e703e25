"""The one error envelope of the JSON API: {"error": {"code", "message", "details"?}}."""

import logging
from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt

logger = logging.getLogger("shop.api")

# Every path of the JSON API starts here (config/urls.py mounts it under this), and every error
# under it is JSON.
API_PREFIX = "/api/"


class ApiError(Exception):
    """Raised anywhere inside an API view; the view decorators turn it into the envelope."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = dict(headers or {})

    def response(self) -> JsonResponse:
        return error_response(
            self.status, self.code, self.message, details=self.details, headers=self.headers
        )


def error_response(
    status: int,
    code: str,
    message: str,
    *,
    details: Any = None,
    headers: Mapping[str, str] | None = None,
) -> JsonResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    response = JsonResponse({"error": body}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def invalid(details: dict[str, list[str]], message: str = "The request has invalid fields.") -> ApiError:
    return ApiError(400, "invalid", message, details=details)


def not_found(message: str = "Not found.") -> ApiError:
    return ApiError(404, "not_found", message)


def not_authenticated(message: str = "Authentication credentials were not provided or are not valid.") -> ApiError:
    return ApiError(401, "not_authenticated", message, headers={"WWW-Authenticate": "Bearer"})


def method_not_allowed(allowed: list[str]) -> JsonResponse:
    return error_response(
        405,
        "method_not_allowed",
        f"This endpoint only accepts {', '.join(allowed)}.",
        headers={"Allow": ", ".join(allowed)},
    )


# --- Project-wide handlers: JSON under /api/, Django's own pages everywhere else ---------------


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


@csrf_exempt  # a POST to a wrong URL is a 404, not a CSRF failure page
def api_not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return not_found(f"No endpoint at {request.path}.").response()


def handler400(request: HttpRequest, exception: Exception | None = None) -> Any:
    if is_api_request(request):
        return error_response(400, "invalid", "The request could not be understood.")
    return defaults.bad_request(request, exception)


def handler403(request: HttpRequest, exception: Exception | None = None) -> Any:
    if is_api_request(request):
        return error_response(403, "forbidden", "You may not do this.")
    return defaults.permission_denied(request, exception)


def handler404(request: HttpRequest, exception: Exception | None = None) -> Any:
    if is_api_request(request):
        return api_not_found(request, exception)
    return defaults.page_not_found(request, exception)


def handler500(request: HttpRequest) -> Any:
    if is_api_request(request):
        return error_response(500, "server_error", "Something went wrong on our side.")
    return defaults.server_error(request)

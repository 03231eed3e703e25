"""The API reference (docs/API.md) served by the shop itself, so the tokens page can link to it.

Plain text: Markdown reads well as it is, and integrators copy examples from it.
"""

from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

API_REFERENCE = settings.BASE_DIR / "docs" / "API.md"


@cache
def _api_reference_text() -> str:
    return API_REFERENCE.read_text(encoding="utf-8")


@require_safe
@cache_control(public=True, max_age=3600)
def api_reference(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_api_reference_text(), content_type="text/plain; charset=utf-8")

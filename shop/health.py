"""Is this process ready to serve? `/healthz` for load balancers, and the start-up check behind it."""

from typing import Any

from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.conf import settings
from django.core import checks
from django.core.files.storage import storages
from django.db import connection
from django.db.utils import Error as DatabaseError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

COLLECTSTATIC = "python manage.py collectstatic --no-input"


def static_files_problem() -> str | None:
    """Why pages cannot be rendered for want of collected static files, or None.

    With the manifest storage (production), every `{% static %}` looks its file up in the
    manifest that collectstatic writes; without it every page is a 500 ("Missing staticfiles
    manifest entry") although the database is fine.
    """
    storage = storages["staticfiles"]
    if not isinstance(storage, ManifestFilesMixin):
        return None
    if storage.manifest_storage.exists(storage.manifest_name):
        return None
    location = storage.manifest_storage.path(storage.manifest_name)
    return (
        f"Static files are not collected: {location} is missing, so every page would fail. "
        f"Run `{COLLECTSTATIC}` (the Dockerfile does it at build time) before starting the shop."
    )


@checks.register()
def check_static_files_collected(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    # Untagged, so `check`, `check --deploy`, `migrate`, `runserver` and the gunicorn start-up
    # (gunicorn.conf.py) run it; not tagged "staticfiles", which would stop collectstatic itself.
    problem = static_files_problem()
    if problem is None:
        return []
    return [checks.Error(problem, hint=f"Run `{COLLECTSTATIC}`.", id="shop.E001")]


@checks.register(checks.Tags.security, deploy=True)
def check_seller_details(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    # Invoices copy the seller's details when they are issued: sample ones would stay on them.
    if settings.DEBUG or settings.SHOP_SELLER["vat_number"] != settings.SAMPLE_SELLER_VAT_NUMBER:
        return []
    return [
        checks.Warning(
            "Invoices would name the sample seller (VAT number "
            f"{settings.SAMPLE_SELLER_VAT_NUMBER}).",
            hint="Set SHOP_SELLER_NAME, SHOP_SELLER_ADDRESS, SHOP_SELLER_VAT_NUMBER and "
            "SHOP_SELLER_EMAIL before the first order is dispatched.",
            id="shop.W001",
        )
    ]


@csrf_exempt  # GET only: an odd method gets 405, not a CSRF failure page
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    problem = static_files_problem()
    if problem is not None:
        return JsonResponse({"status": "not_ready", "error": problem}, status=503)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        # Drop the broken connection so the next request reconnects once the database is back.
        connection.close_if_unusable_or_obsolete()
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})

import re

from django.contrib import admin
from django.urls import include, path, re_path

from shop import accounts, error_handlers, health
from shop.api import errors as api_errors
from shop.views import docs, home

API_ROUTE = api_errors.API_PREFIX.removeprefix("/")  # "api/": routes have no leading slash

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("docs/api/", docs.api_reference, name="api_reference"),
    # Before admin.site.urls: the admin's login is allauth's, rate limits included.
    path("admin/login/", accounts.admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    # Before allauth's: its login page, with what the shop is beside the form.
    path("accounts/login/", home.landing_login, name="account_login"),
    path("accounts/", include("allauth.urls")),
    path(f"{API_ROUTE}v1/", include("shop.api.urls")),
    path("company/", include("companies.urls")),
    # Other API versions or typos: still JSON, even with DEBUG on.
    re_path(rf"^{re.escape(API_ROUTE)}", api_errors.api_not_found),
    path("", include("shop.urls")),
]

# JSON under /api/, Django's own pages elsewhere; shop.error_handlers adds outages (503) and
# oversized forms (413) on top of the API's handlers.
handler400 = error_handlers.handler400
handler403 = api_errors.handler403
handler404 = api_errors.handler404
handler500 = error_handlers.handler500

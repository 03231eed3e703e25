from django.contrib import admin
from django.urls import include, path

from shop import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", include("shop.api.urls")),
    path("", include("shop.urls")),
]

"""The shop's URLs plus /bench/bare: the framework's ceiling on this machine (same middleware)."""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path


def bare(request: HttpRequest) -> JsonResponse:
    return JsonResponse({})


urlpatterns = [
    path("bench/bare", bare, name="bench_bare"),
    path("", include("config.urls")),
]

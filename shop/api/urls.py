"""JSON API routes (../shared/API.md). Endpoints arrive with the API issue."""

from django.urls import path

app_name = "api"

urlpatterns: list = []

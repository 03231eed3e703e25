"""Errors outside any one endpoint: unknown paths, server errors, the HTML side left alone."""

from typing import Any

import pytest
from django.test import Client

from tests.api.helpers import assert_error


@pytest.mark.parametrize(
    "path",
    ["/api/v1/nothing", "/api/v1/products/", "/api/v2/products", "/api/", "/api/v1/orders/1/refund"],
)
def test_unknown_api_paths_are_json_404s(api_client: Client, path: str) -> None:
    assert_error(api_client.get(path), 404, "not_found")


@pytest.mark.parametrize("debug", [True, False])
def test_unknown_api_paths_are_json_404s_whatever_debug_says(
    api_client: Client, settings: Any, debug: bool
) -> None:
    settings.DEBUG = debug

    assert_error(api_client.get("/api/v1/nothing"), 404, "not_found")


def test_a_post_to_an_unknown_api_path_is_a_404_not_a_csrf_page(api_client: Client, db: None) -> None:
    response = api_client.post("/api/v1/nothing", {}, content_type="application/json")

    assert_error(response, 404, "not_found")


def test_a_server_error_under_the_api_is_a_json_500(
    monkeypatch: pytest.MonkeyPatch, auth: dict[str, str]
) -> None:
    def explode(**kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("shop.api.views.products.product_search", explode)
    client = Client(raise_request_exception=False)

    response = client.get("/api/v1/products", headers=auth)

    error = assert_error(response, 500, "server_error")
    assert "boom" not in response.content.decode()
    assert error["message"]


def test_pages_outside_the_api_keep_djangos_handlers(db: None) -> None:
    from config import urls
    from django.test import RequestFactory

    request = RequestFactory().get("/no-such-page")
    response = urls.handler404(request, Exception("nope"))

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert urls.handler500(RequestFactory().get("/x"))["Content-Type"].startswith("text/html")

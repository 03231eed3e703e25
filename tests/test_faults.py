"""The database going away, crashes and error pages, as a browser sees them."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client

from shop import selectors, services
from shop.middleware import DatabaseUnavailableMiddleware

# Real transactions, not the usual rollback-per-test: like production, the request runs in
# autocommit, so the connection handling after a failure is the one a server would do.
pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def database_down(error: str = "OperationalError") -> Iterator[mock.MagicMock]:
    """Every new cursor fails with the driver's own exception, as when the server went away.

    Raised inside Django's error wrapper, exactly where a dead socket would raise it: Django
    converts it to django.db.OperationalError and marks the connection as having failed.
    """
    failure = getattr(connection.Database, error)(
        "server closed the connection unexpectedly"
    )
    with mock.patch.object(connection, "create_cursor", side_effect=failure) as patched:
        yield patched


@pytest.fixture
def buyer_client(client: Client, buyer) -> Client:
    client.force_login(buyer)
    return client


def test_healthz_answers_503_while_the_database_is_down_and_200_after(client: Client) -> None:
    assert client.get("/healthz").status_code == 200

    with database_down():
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    recovered = client.get("/healthz")
    assert recovered.status_code == 200
    assert recovered.json() == {"status": "ok"}


@pytest.mark.parametrize("error", ["OperationalError", "InterfaceError"])
def test_a_page_answers_a_friendly_503_while_the_database_is_down(
    buyer_client: Client, error: str
) -> None:
    with database_down(error) as failing:
        response = buyer_client.get("/")

    assert failing.called  # the failure really came from the database layer
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "The shop is temporarily unavailable" in body
    assert "<html" in body  # the full layout, not a bare string
    assert "Traceback" not in body and "OperationalError" not in body


def test_the_shop_recovers_by_itself_when_the_database_is_back(
    buyer_client: Client, make_product
) -> None:
    make_product(name="Rye flour")
    with database_down():
        assert buyer_client.get("/").status_code == 503

    response = buyer_client.get("/")

    assert response.status_code == 200
    assert "Rye flour" in response.content.decode()


def test_the_outage_is_logged_once_with_the_path(
    buyer_client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="shop.faults"), database_down():
        buyer_client.get("/?q=rye")

    records = [r for r in caplog.records if getattr(r, "event", "") == "database_unavailable"]
    assert len(records) == 1
    assert records[0].path == "/"


def test_a_broken_persistent_connection_is_dropped(buyer_client: Client) -> None:
    # A restart of PostgreSQL leaves the persistent connection dead; Django marks it with
    # errors_occurred. The middleware must close it so the next request reconnects.
    with (
        mock.patch.object(connection, "is_usable", return_value=False),
        mock.patch.object(connection, "close") as close,
        database_down(),
    ):
        buyer_client.get("/")

    assert close.called


def test_other_errors_are_not_disguised_as_an_outage(buyer_client: Client) -> None:
    buyer_client.raise_request_exception = False
    with mock.patch.object(selectors, "product_search", side_effect=RuntimeError("bug")):
        response = buyer_client.get("/")

    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body
    assert "<html" in body
    assert "RuntimeError" not in body and "Traceback" not in body


def test_the_500_page_renders_without_a_request_or_a_database() -> None:
    with database_down() as failing:
        body = render_to_string("500.html")

    assert not failing.called
    assert "Something went wrong" in body


def test_the_503_page_renders_without_a_request_or_a_database() -> None:
    with database_down() as failing:
        body = render_to_string("503.html")

    assert not failing.called
    assert "temporarily unavailable" in body


def test_an_unknown_page_gets_the_friendly_404(buyer_client: Client) -> None:
    response = buyer_client.get("/no-such-page/")

    assert response.status_code == 404
    body = response.content.decode()
    assert "Not found" in body
    assert "<html" in body
    assert 'href="/"' in body


@pytest.fixture
def api_token(buyer) -> str:
    return services.token_create(user=buyer, name="faults").secret


@pytest.mark.parametrize("path", ["/api/v1/products", "/api/v1/orders", "/api/v1/orders/1"])
def test_an_api_call_answers_a_json_503_envelope_while_the_database_is_down(
    client: Client, api_token: str, path: str
) -> None:
    with database_down():
        response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {api_token}")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "30"
    error = response.json()["error"]
    assert error["code"] == "service_unavailable"
    assert error["message"]
    assert client.get(path, HTTP_AUTHORIZATION=f"Bearer {api_token}").status_code in (200, 404)


def test_an_api_write_during_an_outage_is_a_503_not_a_500(
    client: Client, api_token: str, make_product
) -> None:
    flour = make_product(stock=5)
    with database_down():
        response = client.post(
            "/api/v1/orders",
            {"lines": [{"product": flour.pk, "quantity": 1}]},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {api_token}",
        )

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "service_unavailable"


def test_an_outage_outside_any_view_still_answers_503(buyer_client: Client) -> None:
    # Errors raised by middleware (loading the session, saving it) skip process_exception and
    # land in handler500; it must still tell an outage from a bug.
    buyer_client.raise_request_exception = False
    with (
        mock.patch.object(DatabaseUnavailableMiddleware, "process_exception", return_value=None),
        database_down(),
    ):
        page = buyer_client.get("/")
        api = buyer_client.get("/api/v1/products", HTTP_AUTHORIZATION="Bearer shop_x_y")

    assert page.status_code == 503
    assert "The shop is temporarily unavailable" in page.content.decode()
    assert api.status_code == 503
    assert api.json()["error"]["code"] == "service_unavailable"


def test_an_api_bug_stays_a_json_500(client: Client, api_token: str) -> None:
    client.raise_request_exception = False
    with mock.patch("shop.api.views.products.product_search", side_effect=RuntimeError("bug")):
        response = client.get("/api/v1/products", HTTP_AUTHORIZATION=f"Bearer {api_token}")

    assert response.status_code == 500
    assert response.json()["error"]["code"] == "server_error"


def test_an_unknown_api_path_stays_a_json_404(client: Client) -> None:
    response = client.get("/api/v1/no-such-thing")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_an_unknown_page_during_an_outage_is_a_503_not_a_500(buyer_client: Client) -> None:
    # The 404 page shows the signed-in buyer's cart badge, so rendering it needs the database:
    # the failure happens in the 404 handler, outside any view, and must still read as an outage.
    buyer_client.raise_request_exception = False
    with database_down():
        response = buyer_client.get("/no-such-page/")

    assert response.status_code == 503
    assert "The shop is temporarily unavailable" in response.content.decode()

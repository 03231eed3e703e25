"""GET /api/v1/openapi.json: a valid OpenAPI 3.1 document the running API conforms to."""

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate

from config.wsgi import application
from schemathesis.specs.openapi.checks import positive_data_acceptance
from shop import services
from shop.api.openapi import build_document
from shop.models import Product
from tests.api.helpers import assert_error

URL = "/api/v1/openapi.json"


def test_it_serves_a_valid_openapi_3_1_document_without_a_token(api_client: Client) -> None:
    response = api_client.get(URL)

    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_it_describes_every_endpoint_of_the_contract(api_client: Client) -> None:
    paths = api_client.get(URL).json()["paths"]

    assert {(path, method) for path, item in paths.items() for method in item} == {
        ("/api/v1/tokens", "post"),
        ("/api/v1/tokens", "get"),
        ("/api/v1/tokens/current", "delete"),
        ("/api/v1/tokens/{token_id}", "delete"),
        ("/api/v1/products", "get"),
        ("/api/v1/products/{product_id}", "get"),
        ("/api/v1/orders", "get"),
        ("/api/v1/orders", "post"),
        ("/api/v1/orders/{order_id}", "get"),
        ("/api/v1/orders/{order_id}/cancel", "post"),
        ("/api/v1/company", "get"),
        ("/api/v1/addresses", "get"),
        ("/api/v1/openapi.json", "get"),
        ("/healthz", "get"),
    }


def test_it_rejects_other_methods(api_client: Client) -> None:
    assert_error(api_client.post(URL, {}, content_type="application/json"), 405, "method_not_allowed")


# --- Property-based: schemathesis drives the WSGI app from the document --------------------------

schema = schemathesis.openapi.from_dict(build_document())
schema.app = application
# The token of the test running now; set by the `api_world` fixture.
CURRENT: dict[str, str] = {}


@schema.auth(refresh_interval=None)
class BuyerToken:
    """Schemathesis leaves auth off by itself where a case tests a missing Authorization."""

    def get(self, case: Any, context: Any) -> str:
        return CURRENT.get("token", "none-yet")  # also asked once while collecting

    def set(self, case: Any, data: str, context: Any) -> None:
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"


@pytest.fixture
def keep_db_connection() -> Any:
    # Django's own test client does this too: after each request the WSGI handler would close
    # the connection, and with it the transaction this test runs in.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_world(keep_db_connection: None, buyer: Any, other_buyer: Any, make_product: Callable[..., Product]) -> dict[str, Any]:
    """A buyer with a token, a few products and orders (ids 1.. are likely to exist)."""
    flour = make_product(stock=500)
    make_product(stock=0)
    make_product(is_active=False)
    services.order_place(user=buyer, lines=[(flour.pk, 1)])
    services.order_place(user=other_buyer, lines=[(flour.pk, 1)])
    CURRENT["token"] = services.token_create(user=buyer).secret
    return CURRENT


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_conforms_to_its_document(case: Any, api_world: dict[str, Any]) -> None:
    cache.clear()  # rate limits would otherwise turn later examples into 429s
    case.call_and_validate(
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
        # Left out on purpose: a schema-valid order for a product id that does not exist is a
        # 400 by contract, and JSON Schema's "integer" admits 2.0, which the contract refuses
        # ("positive JSON integers"). Every other check, including negative data, runs.
        excluded_checks=[positive_data_acceptance],
    )

"""Malformed and oversized input: refused with a clear answer, never a 5xx, nothing changed."""

import json

import pytest
from django.conf import settings
from django.test import Client

from shop import services
from shop.models import CartItem, Order, Product, StockMovement

pytestmark = pytest.mark.django_db

TOO_BIG = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024
LONG_SEARCH = ("Stoneground organic rye flour. " * 400)[:10_000]


@pytest.fixture
def buyer_client(client: Client, buyer) -> Client:
    client.force_login(buyer)
    return client


@pytest.fixture
def api_token(buyer) -> str:
    return services.token_create(user=buyer, name="bad input").secret


def test_the_upload_limit_is_256_kib() -> None:
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 256 * 1024


def test_an_oversized_form_post_is_refused_with_a_clear_page(client: Client) -> None:
    response = client.post(
        "/accounts/login/", {"login": "a@b.test", "password": "x", "padding": "x" * TOO_BIG}
    )

    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert "too large" in body
    assert "<html" in body


def test_an_oversized_form_post_is_refused_before_the_csrf_check_too() -> None:
    # A real browser request goes through the CSRF check, which reads the form first.
    browser = Client(enforce_csrf_checks=True)
    browser.get("/accounts/login/")  # the CSRF cookie, as a browser would hold it

    response = browser.post("/accounts/login/", {"padding": "x" * TOO_BIG})

    assert response.status_code == 413
    assert "too large" in response.content.decode()


def test_an_oversized_form_post_by_a_signed_in_buyer_changes_nothing(
    buyer_client: Client, buyer, make_product
) -> None:
    flour = make_product(stock=10)

    response = buyer_client.post(
        "/cart/add/", {"product": flour.pk, "quantity": 1, "padding": "x" * TOO_BIG}
    )

    assert response.status_code == 413
    assert not CartItem.objects.filter(user=buyer).exists()


def test_an_oversized_api_body_is_a_json_413(
    client: Client, api_token: str, make_product
) -> None:
    flour = make_product(stock=10)
    body = json.dumps(
        {"lines": [{"product": flour.pk, "quantity": 1}], "padding": "x" * TOO_BIG}
    )

    response = client.post(
        "/api/v1/orders",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api_token}",
    )

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "too_large"
    assert Order.objects.count() == 0
    assert Product.objects.get(pk=flour.pk).stock == 10


def test_an_oversized_body_to_the_token_endpoint_is_a_json_413(client: Client) -> None:
    response = client.post(
        "/api/v1/tokens",
        json.dumps({"email": "a@b.test", "password": "x" * TOO_BIG}),
        content_type="application/json",
    )

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_a_body_just_under_the_limit_is_read_normally(
    client: Client, api_token: str, make_product
) -> None:
    flour = make_product(stock=10)
    padding = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE - 1024)
    body = json.dumps({"lines": [{"product": flour.pk, "quantity": 1}], "note": padding})

    response = client.post(
        "/api/v1/orders",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api_token}",
    )

    assert response.status_code == 201


def test_a_very_long_search_on_the_catalogue_is_handled(
    buyer_client: Client, make_product
) -> None:
    make_product(name="Rye flour")

    response = buyer_client.get("/", {"q": LONG_SEARCH})
    partial = buyer_client.get("/", {"q": LONG_SEARCH}, HTTP_HX_REQUEST="true")

    # The storefront form caps the search at 100 characters and drops a longer one: the
    # buyer still gets a working catalogue, not an error page or a database error.
    assert response.status_code == 200
    assert 'id="catalogue-results"' in response.content.decode()
    assert "Rye flour" in response.content.decode()
    assert partial.status_code == 200


def test_a_very_long_search_on_the_api_is_a_clear_400(client: Client, api_token: str) -> None:
    response = client.get(
        "/api/v1/products", {"q": LONG_SEARCH}, HTTP_AUTHORIZATION=f"Bearer {api_token}"
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert "q" in error["details"]


def test_the_search_selector_truncates_to_100_characters(make_product) -> None:
    from shop.selectors import MAX_SEARCH_LENGTH, product_search

    make_product(name="a" * 100)

    assert MAX_SEARCH_LENGTH == 100
    assert product_search(q="a" * 100 + "b" * 9900).count() == 1
    assert product_search(q="a" * 99 + "b").count() == 0


def test_stock_and_ledger_are_untouched_by_refused_requests(
    buyer_client: Client, client: Client, make_product
) -> None:
    flour = make_product(stock=10)
    moves = StockMovement.objects.count()

    buyer_client.post("/cart/add/", {"product": flour.pk, "padding": "x" * TOO_BIG})
    buyer_client.get("/", {"q": LONG_SEARCH})

    assert Product.objects.get(pk=flour.pk).stock == 10
    assert StockMovement.objects.count() == moves

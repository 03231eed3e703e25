"""Malformed and oversized input: refused with a clear answer, never a 5xx, nothing changed."""

import io
import json

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from shop import services
from shop.models import CartItem, Order, Product, StockMovement
from shop.selectors import MAX_SEARCH_LENGTH, product_search
from tests.checkout import checkout_data
from tests.views.conftest import ShopClient

pytestmark = pytest.mark.django_db

TOO_BIG = settings.MAX_REQUEST_BODY_SIZE + 1024
THIRTY_MB = 30 * 1024 * 1024
LONG_SEARCH = ("Stoneground organic rye flour. " * 400)[:10_000]


@pytest.fixture
def buyer_client(client: Client, buyer) -> Client:
    client.force_login(buyer)
    return client


@pytest.fixture
def api_token(buyer) -> str:
    return services.token_create(user=buyer, name="bad input").secret


def test_one_setting_limits_every_body_and_djangos_own_limits_follow_it() -> None:
    assert settings.MAX_REQUEST_BODY_SIZE == 256 * 1024
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == settings.MAX_REQUEST_BODY_SIZE
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE == settings.MAX_REQUEST_BODY_SIZE


class UnreadableBody(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def read(self, size: int = -1) -> bytes:
        raise AssertionError("the body was read")

    readline = read


def test_a_file_upload_over_the_limit_is_refused_and_changes_nothing(
    buyer_client: Client, buyer, make_product
) -> None:
    # DATA_UPLOAD_MAX_MEMORY_SIZE leaves file parts out: this used to be accepted (302).
    flour = make_product(stock=10)
    upload = SimpleUploadedFile("big.csv", b"x" * TOO_BIG, content_type="text/csv")

    response = buyer_client.post("/cart/add/", {"product": flour.pk, "quantity": 1, "file": upload})

    assert response.status_code == 413
    assert "too large" in response.content.decode()
    assert not CartItem.objects.filter(user=buyer).exists()


@pytest.mark.parametrize("path", ["/cart/add/", "/accounts/login/", "/api/v1/orders"])
def test_a_30_mb_content_length_is_refused_before_the_body_is_read(
    buyer_client: Client, buyer, make_product, path: str
) -> None:
    flour = make_product(stock=10)

    response = buyer_client.post(
        path,
        {"product": flour.pk, "quantity": 1},
        CONTENT_LENGTH=str(THIRTY_MB),
        **{"wsgi.input": UnreadableBody()},
    )

    assert response.status_code == 413
    assert response["X-Content-Type-Options"] == "nosniff"  # the security headers still apply
    assert not CartItem.objects.filter(user=buyer).exists()


def test_a_chunked_body_without_a_length_is_refused_before_it_is_read(
    buyer_client: Client, buyer, make_product
) -> None:
    flour = make_product(stock=10)

    response = buyer_client.post(
        "/cart/add/",
        {"product": flour.pk, "quantity": 1},
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": UnreadableBody()},
    )

    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert "256.0 KB at most" in response.content.decode()
    assert not CartItem.objects.filter(user=buyer).exists()


def test_an_oversized_upload_to_the_api_is_a_json_413(
    client: Client, api_token: str, make_product
) -> None:
    flour = make_product(stock=10)
    upload = SimpleUploadedFile("order.csv", b"x" * TOO_BIG, content_type="text/csv")

    response = client.post(
        "/api/v1/orders", {"file": upload}, HTTP_AUTHORIZATION=f"Bearer {api_token}"
    )

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert Order.objects.count() == 0


def test_a_chunked_body_to_the_api_is_a_json_413(client: Client, api_token: str) -> None:
    response = client.post(
        "/api/v1/orders",
        "{}",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api_token}",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": UnreadableBody()},
    )

    assert response.status_code == 413
    assert response.json() == {
        "error": {"code": "too_large", "message": "The request body is over the limit of 256.0 KB."}
    }


def test_the_limit_is_the_setting(buyer_client: Client, settings, make_product) -> None:
    flour = make_product(stock=10)
    settings.MAX_REQUEST_BODY_SIZE = 4 * 1024 * 1024
    upload = SimpleUploadedFile("orders.csv", b"x" * TOO_BIG, content_type="text/csv")

    response = buyer_client.post("/cart/add/", {"product": flour.pk, "quantity": 1, "file": upload})

    assert response.status_code == 302  # a later CSV upload raises the one setting, nothing else


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
    padding = "x" * (settings.MAX_REQUEST_BODY_SIZE - 1024)
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

    # The storefront form caps the search at 100 characters and drops a longer one, saying
    # so: the buyer gets a working catalogue, not an error page or a database error.
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="catalogue-results"' in html
    assert "Rye flour" in html
    assert "Searches are limited to 100 characters" in html
    assert 'aria-invalid="true"' in html
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


# --- HTML forms: what tests/views/ does not already cover ---------------------------------------

HUGE_ID = "9" * 20  # beyond a 64-bit integer column


def cart_of(user) -> dict[int, int]:
    return dict(CartItem.objects.filter(user=user).values_list("product_id", "quantity"))


@pytest.fixture
def shop_client(buyer) -> ShopClient:
    client = ShopClient()
    client.force_login(buyer)
    return client


@pytest.mark.parametrize("product", ["999999", HUGE_ID, "0", "-3", "abc", "", "1.5"])
@pytest.mark.parametrize("htmx", [True, False])
def test_adding_an_unknown_or_malformed_product_changes_nothing(
    shop_client: ShopClient, buyer, make_product, product: str, htmx: bool
) -> None:
    flour = make_product(stock=10)
    post = shop_client.htmx_post if htmx else shop_client.form_post

    response = post("/cart/add/", {"product": product, "quantity": "1"})

    if htmx:
        # A 4xx whose body is the message htmx swaps in (409/422 by the storefront's design).
        assert 400 <= response.status_code < 500
        assert "message-error" in response.content.decode()
    else:
        assert response.status_code == 302
        page = shop_client.get(response["Location"]).content.decode()
        assert "message-error" in page
    assert cart_of(buyer) == {}
    assert Product.objects.get(pk=flour.pk).stock == 10


@pytest.mark.parametrize("quantity", ["0", "-1", "abc", "99999999", HUGE_ID, "1e3", " "])
def test_a_bad_quantity_without_js_comes_back_with_a_message(
    shop_client: ShopClient, buyer, make_product, quantity: str
) -> None:
    flour = make_product(stock=10)

    response = shop_client.form_post(
        "/cart/add/", {"product": flour.pk, "quantity": quantity}, follow=True
    )

    assert response.status_code == 200
    assert "Enter a whole number from 1 to 10,000." in response.content.decode()
    assert cart_of(buyer) == {}


def test_checkout_with_an_inactive_product_in_the_cart_changes_nothing(
    shop_client: ShopClient, buyer, make_product
) -> None:
    flour = make_product(stock=10)
    gone = make_product(stock=10)
    services.cart_add(user=buyer, product_id=flour.pk, quantity=2)
    services.cart_add(user=buyer, product_id=gone.pk, quantity=1)
    Product.objects.filter(pk=gone.pk).update(is_active=False)
    moves = StockMovement.objects.count()

    response = shop_client.form_post(
        "/cart/checkout/",
        checkout_data(buyer, "6f1c2a3e-0b7d-4c55-9d7e-2f0a8b1c3d4e"),
        follow=True,
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "message-error" in page
    assert "not for sale" in page
    assert Order.objects.count() == 0
    assert StockMovement.objects.count() == moves
    assert cart_of(buyer) == {flour.pk: 2, gone.pk: 1}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", f"/products/{HUGE_ID}/"),
        ("get", f"/orders/{HUGE_ID}/"),
        ("get", f"/orders/{HUGE_ID}/cancel/"),
        ("post", f"/orders/{HUGE_ID}/cancel/"),
        ("post", f"/orders/{HUGE_ID}/again/"),
        ("post", f"/cart/{HUGE_ID}/quantity/"),
        ("post", f"/cart/{HUGE_ID}/remove/"),
        ("post", f"/tokens/{HUGE_ID}/revoke/"),
    ],
)
def test_ids_beyond_the_database_range_are_404_not_500(
    shop_client: ShopClient, method: str, path: str
) -> None:
    if method == "get":
        response = shop_client.get(path)
    else:
        response = shop_client.form_post(path, {"quantity": "1"})

    assert response.status_code == 404

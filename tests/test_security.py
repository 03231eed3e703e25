"""Browser-facing security: the CSP holds on every page, writes need POST and CSRF, logout is POST."""

from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.test import Client

from shop import services
from shop.models import ApiToken, CartItem, Order, Product, SavedList, SavedListItem
from shop.services import saved_lists
from tests.views.conftest import ShopClient

pytestmark = pytest.mark.django_db

KEY = "3c9d8e2a-1f4b-4d6e-8a7c-5b2e9f0d1c3a"


class InlineCodeFinder(HTMLParser):
    """Everything a `script-src 'self'; style-src 'self'` policy would block in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script" and not names.get("src"):
            if names.get("type") not in ("application/json", "application/ld+json"):
                self._in_inline_script = True
                self.problems.append("inline <script>")
        if tag == "style":
            self.problems.append("<style> block")
        for name, value in attrs:
            if name == "style":
                self.problems.append(f"style attribute on <{tag}>")
            if name.startswith("on"):
                self.problems.append(f"{name} handler on <{tag}>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"javascript: URL on <{tag}>")


def inline_code_in(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.problems


@pytest.fixture
def shop_state(buyer, make_product) -> dict[str, int]:
    flour = make_product(stock=20, name="Strong white flour")
    order = services.order_place(user=buyer, lines=[(flour.pk, 1)]).order
    services.cart_add(user=buyer, product_id=flour.pk, quantity=2)
    services.token_create(user=buyer, name="ERP")
    saved = saved_lists.saved_list_create(user=buyer, name="Thursday", items=[(flour.pk, 2)])
    return {"product": flour.pk, "order": order.pk, "list": saved.pk}


@pytest.fixture
def buyer_browser(buyer) -> ShopClient:
    client = ShopClient()
    client.force_login(buyer)
    return client


BUYER_PAGES = [
    "/",
    "/?q=flour",
    "/products/{product}/",
    "/cart/",
    "/orders/",
    "/orders/{order}/",
    "/orders/{order}/cancel/",
    "/tokens/",
    "/quick-order/",
    "/lists/",
    "/lists/{list}/",
    "/lists/{list}/delete/",
    "/accounts/email/",
    "/accounts/logout/",
    "/no-such-page/",
]
ANONYMOUS_PAGES = ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]


@pytest.mark.parametrize("path", BUYER_PAGES)
def test_buyer_pages_carry_the_csp_and_need_no_inline_code(
    buyer_browser: ShopClient, shop_state: dict[str, int], path: str
) -> None:
    response = buyer_browser.get(path.format(**shop_state))

    assert response.status_code in (200, 404)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert inline_code_in(response.content.decode()) == []


@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_account_pages_carry_the_csp_and_need_no_inline_code(client: Client, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert inline_code_in(response.content.decode()) == []


def test_htmx_partials_need_no_inline_code_either(
    buyer_browser: ShopClient, shop_state: dict[str, int]
) -> None:
    response = buyer_browser.get("/?q=flour", HTTP_HX_REQUEST="true")

    assert inline_code_in(response.content.decode()) == []


@pytest.mark.parametrize("template", ["400.html", "404.html", "413.html", "500.html", "503.html"])
def test_error_pages_need_no_inline_code(template: str) -> None:
    assert inline_code_in(render_to_string(template)) == []


def test_the_finder_does_catch_inline_code() -> None:
    html = '<script>alert(1)</script><p style="color:red" onclick="x()">x</p><style>p{}</style>'

    assert len(inline_code_in(html)) == 4


def test_logout_by_get_only_asks_and_keeps_the_buyer_signed_in(buyer_browser: ShopClient) -> None:
    page = buyer_browser.get("/accounts/logout/")

    assert page.status_code == 200
    assert 'method="post"' in page.content.decode()
    assert buyer_browser.get("/cart/").status_code == 200  # still signed in
    buyer_browser.form_post("/accounts/logout/")
    assert buyer_browser.get("/cart/").status_code == 302


def test_logout_without_the_csrf_token_is_refused(buyer_browser: ShopClient) -> None:
    # Otherwise any site could sign buyers out with a hidden form.
    buyer_browser.csrf_token()

    response = buyer_browser.post("/accounts/logout/")

    assert response.status_code == 403
    assert buyer_browser.get("/cart/").status_code == 200


STATE_CHANGING = [
    ("/cart/add/", {"product": "{product}", "quantity": "1"}),
    ("/cart/{product}/quantity/", {"quantity": "5"}),
    ("/cart/{product}/remove/", {}),
    ("/cart/fit/", {}),
    ("/cart/checkout/", {"idempotency_key": KEY}),
    ("/orders/{order}/again/", {}),
    ("/orders/{order}/cancel/", {}),
    ("/tokens/", {"name": "new", "expires_in_days": "30"}),
    ("/quick-order/", {"lines": "SKU-0001 1", "action": "add"}),
    ("/lists/", {"name": "New list"}),
    ("/lists/{list}/items/", {"item-{product}-quantity": "5"}),
    ("/lists/{list}/items/{product}/remove/", {}),
    ("/lists/{list}/rename/", {"name": "Renamed"}),
    ("/lists/{list}/delete/", {}),
    ("/lists/{list}/to-cart/", {}),
    ("/lists/from-cart/", {"name": "From cart"}),
    ("/orders/{order}/save-list/", {"name": "From order"}),
]


def snapshot(buyer) -> tuple:
    return (
        sorted(CartItem.objects.filter(user=buyer).values_list("product_id", "quantity")),
        sorted(Order.objects.filter(user=buyer).values_list("pk", "status")),
        sorted(ApiToken.objects.filter(user=buyer).values_list("pk", "revoked_at")),
        sorted(SavedList.objects.values_list("pk", "name")),
        sorted(SavedListItem.objects.values_list("saved_list_id", "product_id", "quantity")),
        list(Product.objects.values_list("pk", "stock")),
    )


@pytest.mark.parametrize(("path", "data"), STATE_CHANGING)
def test_state_changing_requests_need_the_csrf_token(
    buyer_browser: ShopClient, buyer, shop_state: dict[str, int], path: str, data: dict
) -> None:
    buyer_browser.csrf_token()
    before = snapshot(buyer)
    filled = {key.format(**shop_state): value.format(**shop_state) for key, value in data.items()}

    form = buyer_browser.post(path.format(**shop_state), filled)
    htmx = buyer_browser.post(path.format(**shop_state), filled, HTTP_HX_REQUEST="true")

    assert form.status_code == 403
    assert htmx.status_code == 403
    assert snapshot(buyer) == before


@pytest.mark.parametrize(
    "path",
    ["/cart/add/", "/cart/{product}/quantity/", "/cart/{product}/remove/", "/cart/fit/",
     "/cart/checkout/", "/cart/undo-remove/", "/orders/{order}/again/", "/lists/{list}/to-cart/",
     "/lists/{list}/rename/", "/lists/from-cart/", "/orders/{order}/save-list/"],
)
def test_state_changing_urls_refuse_get(
    buyer_browser: ShopClient, buyer, shop_state: dict[str, int], path: str
) -> None:
    before = snapshot(buyer)

    response = buyer_browser.get(path.format(**shop_state))

    assert response.status_code == 405
    assert snapshot(buyer) == before


def test_htmx_writes_carry_the_csrf_token_from_the_page(
    buyer_browser: ShopClient, shop_state: dict[str, int]
) -> None:
    html = buyer_browser.get("/").content.decode()

    token = buyer_browser.cookies["csrftoken"].value
    assert 'hx-headers=\'{"X-CSRFToken": "' in html
    response = buyer_browser.post(
        "/cart/add/",
        {"product": shop_state["product"], "quantity": "1"},
        HTTP_HX_REQUEST="true",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200


def test_the_emailed_code_page_needs_no_inline_code_either(client: Client) -> None:
    client.post(
        "/accounts/signup/",
        {
            "email": "new@bakery.test",
            "password1": "rye-and-caraway-2026",
            "password2": "rye-and-caraway-2026",
            "company_name": "New Bakery Ltd",
            "address_lines": "1 Mill Lane\nYork",
            "postcode": "YO1 7HH",
            "country": "GB",
        },
    )

    response = client.get("/accounts/confirm-email/")

    assert response.status_code == 200 and "Code" in response.content.decode()
    assert inline_code_in(response.content.decode()) == []

"""Who may do what: a buyer sees and changes only their own things, never prices or stock.

Each test asserts on the response and then on the database, so a leak that answered "404"
but still acted would be caught.
"""

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from companies.models import ContractPrice
from shop import services
from shop.models import ApiToken, CartItem, Order, Product, SavedList, StockMovement
from shop.services import saved_lists
from tests.checkout import checkout_data
from tests.conftest import PASSWORD
from tests.views.conftest import ShopClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def flour(make_product) -> Product:
    return make_product(stock=20, price="21.40", name="Strong white flour")


@pytest.fixture
def others_order(other_buyer, flour: Product) -> Order:
    return services.order_place(user=other_buyer, lines=[(flour.pk, 2)]).order


@pytest.fixture
def buyer_browser(buyer) -> ShopClient:
    client = ShopClient()
    client.force_login(buyer)
    return client


@pytest.fixture
def buyer_token(buyer) -> str:
    return services.token_create(user=buyer, name="mine").secret


@pytest.fixture
def other_token(other_buyer) -> tuple[ApiToken, str]:
    issued = services.token_create(user=other_buyer, name="theirs")
    return issued.token, issued.secret


def api(client: Client, method: str, path: str, token: str, body: Any = None, **extra: Any) -> Any:
    return getattr(client, method)(
        path,
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        **extra,
    )


def stock_and_price(product: Product) -> tuple[int, Decimal]:
    return Product.objects.values_list("stock", "price").get(pk=product.pk)


# --- Another buyer's orders: HTML ---------------------------------------------------------------


def test_a_buyer_cannot_read_another_buyers_order_page(
    buyer_browser: ShopClient, others_order: Order
) -> None:
    response = buyer_browser.get(f"/orders/{others_order.pk}/")

    assert response.status_code == 404
    assert others_order.reference not in response.content.decode()


def test_a_buyer_cannot_see_another_buyers_orders_in_the_list_or_the_csv(
    buyer_browser: ShopClient, others_order: Order
) -> None:
    page = buyer_browser.get("/orders/").content.decode()
    csv = buyer_browser.get("/orders/?_export=csv").getvalue().decode()

    assert others_order.reference not in page
    assert others_order.reference not in csv


@pytest.mark.parametrize(
    "query", ["", "?_export=lines", "?status=placed", "?q={reference}", "?q={reference}&_export=lines"]
)
def test_a_buyer_cannot_find_another_buyers_order_by_filtering_or_in_the_line_csv(
    buyer_browser: ShopClient, others_order: Order, query: str
) -> None:
    response = buyer_browser.get("/orders/" + query.format(reference=others_order.reference))
    body = response.getvalue().decode() if response.streaming else response.content.decode()

    assert response.status_code == 200
    echoed = (f'value="{others_order.reference}"', f"q={others_order.reference}")  # the form, links
    for text in echoed:
        body = body.replace(text, "")
    assert others_order.reference not in body
    assert others_order.user.email not in body


def test_a_buyer_cannot_see_another_buyers_spend(
    buyer_browser: ShopClient, others_order: Order
) -> None:
    response = buyer_browser.get("/spend/")

    assert response.status_code == 200
    assert response.context["spend"].is_empty
    assert "Strong white flour" not in response.content.decode()
    assert Order.objects.filter(pk=others_order.pk, status=Order.Status.PLACED).exists()


def test_a_buyer_cannot_cancel_another_buyers_order_in_the_browser(
    buyer_browser: ShopClient, others_order: Order, flour: Product
) -> None:
    confirm = buyer_browser.get(f"/orders/{others_order.pk}/cancel/")
    response = buyer_browser.form_post(f"/orders/{others_order.pk}/cancel/")

    assert confirm.status_code == 404
    assert response.status_code == 404
    others_order.refresh_from_db()
    assert others_order.status == Order.Status.PLACED
    assert stock_and_price(flour)[0] == 18
    assert not StockMovement.objects.filter(reason=StockMovement.Reason.CANCELLATION).exists()


def test_a_buyer_cannot_reorder_another_buyers_order(
    buyer_browser: ShopClient, buyer, others_order: Order
) -> None:
    response = buyer_browser.form_post(f"/orders/{others_order.pk}/again/")

    assert response.status_code == 404
    assert not CartItem.objects.filter(user=buyer).exists()


def test_a_buyer_cannot_change_another_buyers_cart(
    buyer_browser: ShopClient, other_buyer, flour: Product
) -> None:
    services.cart_add(user=other_buyer, product_id=flour.pk, quantity=4)

    update = buyer_browser.form_post(f"/cart/{flour.pk}/quantity/", {"quantity": "1"})
    remove = buyer_browser.form_post(f"/cart/{flour.pk}/remove/")

    assert update.status_code == 404
    assert remove.status_code in (302, 404)  # removing what you do not have changes nothing
    assert CartItem.objects.get(user=other_buyer, product=flour).quantity == 4


def test_a_buyer_cannot_revoke_another_buyers_token_in_the_browser(
    buyer_browser: ShopClient, other_token: tuple[ApiToken, str]
) -> None:
    token, _ = other_token

    response = buyer_browser.form_post(f"/tokens/{token.pk}/revoke/")

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert "theirs" not in buyer_browser.get("/tokens/").content.decode()


# --- Another company's saved lists, and the fast-ordering pages -------------------------------


@pytest.fixture
def others_list(other_buyer, flour: Product) -> SavedList:
    return saved_lists.saved_list_create(
        user=other_buyer, name="Their Thursday order", items=[(flour.pk, 3)]
    )


def test_a_buyer_cannot_see_another_companys_lists(
    buyer_browser: ShopClient, others_list: SavedList
) -> None:
    index = buyer_browser.get("/lists/").content.decode()
    detail = buyer_browser.get(f"/lists/{others_list.pk}/")
    confirm = buyer_browser.get(f"/lists/{others_list.pk}/delete/")

    assert "Their Thursday order" not in index
    assert detail.status_code == 404 and "Their Thursday order" not in detail.content.decode()
    assert confirm.status_code == 404


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/lists/{list}/items/", {"item-{product}-quantity": "9"}),
        ("/lists/{list}/items/add/", {"sku": "SKU-0001", "quantity": "1"}),
        ("/lists/{list}/items/{product}/remove/", {}),
        ("/lists/{list}/rename/", {"name": "Mine now"}),
        ("/lists/{list}/delete/", {}),
        ("/lists/{list}/to-cart/", {}),
        ("/lists/add/", {"product": "{product}", "saved_list": "{list}", "quantity": "1"}),
    ],
)
def test_a_buyer_cannot_change_or_cart_another_companys_list(
    buyer_browser: ShopClient, buyer, others_list: SavedList, flour: Product, path: str, data: dict
) -> None:
    ids = {"list": others_list.pk, "product": flour.pk}
    filled = {key.format(**ids): value.format(**ids) for key, value in data.items()}

    response = buyer_browser.form_post(path.format(**ids), filled)

    # 404, or for the product page's form (whose list choices are the buyer's own) a refusal
    # on the form: either way the list and the cart are untouched.
    assert response.status_code in ((302,) if path == "/lists/add/" else (404,))
    others_list.refresh_from_db()
    assert others_list.name == "Their Thursday order"
    assert dict(others_list.items.values_list("product_id", "quantity")) == {flour.pk: 3}
    assert not CartItem.objects.filter(user=buyer).exists()


def test_a_buyer_cannot_save_another_companys_order_as_a_list(
    buyer_browser: ShopClient, others_order: Order
) -> None:
    response = buyer_browser.form_post(f"/orders/{others_order.pk}/save-list/", {"name": "Theirs"})

    assert response.status_code == 404
    assert not SavedList.objects.exists()


def test_a_buyer_cannot_order_again_chosen_lines_of_another_companys_order(
    buyer_browser: ShopClient, buyer, others_order: Order
) -> None:
    line = others_order.lines.get()

    response = buyer_browser.form_post(
        f"/orders/{others_order.pk}/again/", {"choose": "1", "line": line.pk, f"qty-{line.pk}": "1"}
    )

    assert response.status_code == 404
    assert not CartItem.objects.filter(user=buyer).exists()


def test_quick_order_never_shows_or_adds_another_companys_contract_price(
    buyer_browser: ShopClient, buyer, other_buyer, flour: Product
) -> None:
    ContractPrice.objects.create(company=other_buyer.membership.company, product=flour, price="1.00")

    html = buyer_browser.form_post(
        "/quick-order/", {"lines": f"{flour.sku} 2", "action": "check"}
    ).content.decode()

    assert "£21.40" in html and "£1.00" not in html


# --- Another buyer's orders: API ----------------------------------------------------------------


def test_a_token_cannot_read_another_buyers_order(
    client: Client, buyer_token: str, others_order: Order
) -> None:
    detail = api(client, "get", f"/api/v1/orders/{others_order.pk}", buyer_token)
    listing = api(client, "get", "/api/v1/orders", buyer_token)

    assert detail.status_code == 404
    assert detail.json()["error"]["code"] == "not_found"
    assert listing.json()["count"] == 0


def test_a_token_cannot_cancel_another_buyers_order(
    client: Client, buyer_token: str, others_order: Order, flour: Product
) -> None:
    response = api(client, "post", f"/api/v1/orders/{others_order.pk}/cancel", buyer_token)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    others_order.refresh_from_db()
    assert others_order.status == Order.Status.PLACED
    assert stock_and_price(flour)[0] == 18


def test_another_users_order_and_a_missing_one_look_the_same(
    client: Client, buyer_token: str, others_order: Order
) -> None:
    # Same status, same code: ids of other buyers' orders cannot be probed.
    theirs = api(client, "get", f"/api/v1/orders/{others_order.pk}", buyer_token)
    missing = api(client, "get", f"/api/v1/orders/{others_order.pk + 1000}", buyer_token)

    assert theirs.status_code == missing.status_code == 404
    assert theirs.json()["error"]["code"] == missing.json()["error"]["code"]


# --- Tokens never act for another user ----------------------------------------------------------


def test_a_token_cannot_revoke_another_users_token(
    client: Client, buyer_token: str, other_token: tuple[ApiToken, str]
) -> None:
    token, secret = other_token

    response = api(client, "delete", f"/api/v1/tokens/{token.pk}", buyer_token)

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert api(client, "get", "/api/v1/orders", secret).status_code == 200


def test_a_token_lists_only_its_users_tokens(
    client: Client, buyer_token: str, other_token: tuple[ApiToken, str]
) -> None:
    names = [t["name"] for t in api(client, "get", "/api/v1/tokens", buyer_token).json()["results"]]

    assert names == ["mine"]


def test_an_order_placed_with_a_token_belongs_to_the_tokens_user_only(
    client: Client, buyer, other_buyer, other_token: tuple[ApiToken, str], flour: Product
) -> None:
    # The buyer's browser session rides along; the API must ignore it and act as the token's user.
    client.force_login(buyer)
    _, secret = other_token

    response = api(
        client, "post", "/api/v1/orders", secret,
        {"lines": [{"product": flour.pk, "quantity": 1}]},
    )

    assert response.status_code == 201
    order = Order.objects.get(pk=response.json()["id"])
    assert order.user_id == other_buyer.pk
    assert not Order.objects.filter(user=buyer).exists()


def test_a_browser_session_alone_does_not_open_the_api(client: Client, buyer) -> None:
    client.force_login(buyer)

    response = client.get("/api/v1/orders")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_the_same_idempotency_key_from_two_users_makes_two_orders(
    client: Client, buyer, buyer_token: str, other_token: tuple[ApiToken, str], flour: Product
) -> None:
    body = {"lines": [{"product": flour.pk, "quantity": 1}]}

    mine = api(client, "post", "/api/v1/orders", buyer_token, body, HTTP_IDEMPOTENCY_KEY="k-1")
    theirs = api(client, "post", "/api/v1/orders", other_token[1], body, HTTP_IDEMPOTENCY_KEY="k-1")

    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]
    assert "Idempotent-Replayed" not in theirs


def test_a_revoked_token_acts_for_nobody(
    client: Client, other_token: tuple[ApiToken, str], other_buyer
) -> None:
    token, secret = other_token
    services.token_revoke(user=other_buyer, token_id=token.pk)

    response = api(client, "get", "/api/v1/orders", secret)

    assert response.status_code == 401


# --- Prices and stock ---------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_no_api_product_url_accepts_a_write(
    client: Client, buyer_token: str, flour: Product, method: str
) -> None:
    body = {"price": "0.01", "stock": 99999}
    for path in ("/api/v1/products", f"/api/v1/products/{flour.pk}"):
        response = api(client, method, path, buyer_token, body)

        assert response.status_code == 405, path
        assert response.json()["error"]["code"] == "method_not_allowed"
        assert "GET" in response["Allow"]
    assert stock_and_price(flour) == (20, Decimal("21.40"))


def test_an_api_order_cannot_set_its_own_price(
    client: Client, buyer_token: str, flour: Product
) -> None:
    response = api(
        client, "post", "/api/v1/orders", buyer_token,
        {"lines": [{"product": flour.pk, "quantity": 1, "unit_price": "0.01", "price": "0.01"}],
         "total": "0.01"},
    )

    # Extra fields are either refused or ignored; they never set the price.
    assert response.status_code in (201, 400)
    if response.status_code == 201:
        assert response.json()["lines"][0]["unit_price"] == "21.40"
        assert response.json()["total"] == "21.40"
    assert stock_and_price(flour)[1] == Decimal("21.40")


def test_the_browser_cannot_set_a_price_or_stock(
    buyer_browser: ShopClient, buyer, flour: Product
) -> None:
    detail = buyer_browser.form_post(f"/products/{flour.pk}/", {"price": "0.01", "stock": "0"})
    buyer_browser.form_post(
        "/cart/add/", {"product": flour.pk, "quantity": "1", "price": "0.01", "stock": "0"}
    )
    key = "5a0c3a43-7a57-4e5b-9f1b-2d0c0f3c1a9e"
    buyer_browser.form_post("/cart/checkout/", {**checkout_data(buyer, key), "total": "0.01"})

    assert detail.status_code == 405
    order = Order.objects.get(user=buyer)
    assert order.total == Decimal("21.40")
    assert stock_and_price(flour) == (19, Decimal("21.40"))


# --- The admin ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/admin/", "/admin/shop/product/", "/admin/shop/order/", "/admin/shop/stockmovement/"]
)
def test_a_buyer_cannot_reach_the_admin(buyer_browser: ShopClient, path: str) -> None:
    response = buyer_browser.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_buyer_cannot_change_a_product_through_the_admin(
    buyer_browser: ShopClient, flour: Product
) -> None:
    page = buyer_browser.get(f"/admin/shop/product/{flour.pk}/change/")
    post = buyer_browser.form_post(
        f"/admin/shop/product/{flour.pk}/change/",
        {"sku": flour.sku, "name": flour.name, "price": "0.01", "stock": "0"},
    )

    assert page.status_code == 302
    assert "Strong white flour" not in page.content.decode()
    assert post.status_code == 302
    assert post["Location"].startswith("/admin/login/")
    assert stock_and_price(flour) == (20, Decimal("21.40"))


def test_a_buyer_cannot_log_into_the_admin_with_their_password(buyer) -> None:
    # The admin's login is the shop's (allauth's): it lets the buyer into the shop, not the admin.
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": buyer.email, "password": PASSWORD, "next": "/admin/"}
    )

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/login/?next=/admin/").status_code == 403


def test_staff_can_reach_the_admin(staff) -> None:
    # The refusals above are about who asks, not a broken admin.
    client = Client()
    client.force_login(staff)

    assert client.get("/admin/shop/product/").status_code == 200

"""Journey 6: a buyer makes an API token on the tokens page, a script places an order with it,
the order shows in the browser's history, the buyer revokes the token and the API refuses it."""

import re
from collections.abc import Callable
from typing import Any

import requests
from playwright.sync_api import Page, expect

from shop.models import ApiToken, Order, Product


def test_an_api_token_from_the_tokens_page_places_an_order_until_revoked(
    buyer_page: Page, buyer: Any, live_server: Any, make_product: Callable[..., Product]
) -> None:
    page = buyer_page
    hops = make_product(name="Cascade hop pellets", sku="HOP-CASC-5", price="64.00", stock=12)

    page.goto("/tokens/")
    form = page.locator("#token-form")
    form.get_by_label("Token name").fill("Brewery ERP")
    form.get_by_label("Expires in (days)").fill("7")
    form.get_by_role("button", name="Create token").click()
    secret = page.locator("#token-secret").input_value()
    assert secret.startswith("shop_")
    # "Copy" shows only with JavaScript (it needs it), and copies.
    page.get_by_role("button", name="Copy").click()
    expect(page.locator("[data-copy-status]")).to_have_text("Copied to the clipboard.")
    token = ApiToken.objects.get(user=buyer)
    assert token.name == "Brewery ERP"
    row = page.locator(f'#token-table tr[data-token-id="{token.pk}"]')
    expect(row).to_contain_text("Brewery ERP")
    expect(row.locator(".token-status")).to_have_text("Active")

    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {secret}"
    orders_url = f"{live_server.url}/api/v1/orders"
    response = api.post(
        orders_url, json={"lines": [{"product": hops.pk, "quantity": 3}]}, timeout=10
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "placed" and body["total"] == "192.00"
    order = Order.objects.get(pk=body["id"])
    assert order.user_id == buyer.pk

    page.goto("/orders/")
    history = page.locator("#order-table")
    expect(history).to_contain_text(order.reference)
    history.get_by_role("link", name=order.reference).click()
    expect(page).to_have_url(re.compile(rf"/orders/{order.pk}/$"))
    expect(page.locator("#order-lines")).to_contain_text("Cascade hop pellets")

    # Revoking asks first, naming the token.
    page.goto("/tokens/")
    row.get_by_role("link", name="Revoke Brewery ERP").click()
    expect(page.get_by_role("heading", name="Revoke token “Brewery ERP”?")).to_be_visible()
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    page.get_by_role("button", name="Revoke token").click()
    expect(page.locator("#messages")).to_contain_text("Token “Brewery ERP” revoked.")
    expect(row.locator(".token-status")).to_have_text("Revoked")
    expect(row.get_by_role("link", name="Revoke")).to_have_count(0)

    refused = api.post(
        orders_url, json={"lines": [{"product": hops.pk, "quantity": 1}]}, timeout=10
    )
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "not_authenticated"
    assert api.get(orders_url, timeout=10).status_code == 401
    assert Order.objects.filter(user=buyer).count() == 1

"""Journey 7: axe-core (bundled with axe-playwright-python, no network) finds no serious or
critical violation on any page a visitor or a buyer sees (the front door, sign-up, the
catalogue, a product, quick order, saved lists, the cart and its review step, orders, spend,
tokens, the company's members and addresses, the header's open menu), at desktop and at phone
width."""

from collections.abc import Callable
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, expect

from companies import services as company_services
from companies.models import Role
from companies.services import AddressInput
from shop import services
from shop.models import Product
from shop.services.saved_lists import saved_list_create
from tests.factories import make_member
from ui import sign_in

BLOCKING_IMPACTS = {"serious", "critical"}
AXE = Axe()


def blocking_violations(page: Page) -> list[str]:
    results = AXE.run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} -> "
        + "; ".join(str(node["target"]) for node in violation["nodes"][:5])
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
# Visitors' pages: (path, what shows once it is ready).
ANONYMOUS_PAGES = [("/accounts/login/", "#landing-categories"), ("/accounts/signup/", "#id_password2")]
# A buyer's pages (the buyer is their company's admin).
SHOP_PAGES = [
    ("/", "#product-table"),
    ("/products/{product_id}/", ".product-facts"),
    ("/quick-order/", "#quick-order-form"),
    ("/lists/", "#saved-lists"),
    ("/lists/{list_id}/", "#saved-list-items"),
    ("/cart/", "#cart-table"),
    ("/orders/", "#order-table"),
    ("/orders/{order_id}/", "#order-lines"),
    ("/orders/?status=bogus&created_after=31-01-2026", "#status-error"),
    ("/spend/", "#spend-summary"),
    ("/tokens/", "#token-form"),
    ("/company/members/", "#invitation-table"),
    ("/company/addresses/", "#address-table"),
]


@pytest.fixture
def shop_data(buyer: Any, make_product: Callable[..., Product]) -> dict[str, int]:
    """An order, a cart, a saved list, a colleague and an invitation: every page has content."""
    address = AddressInput(label="Bakery", lines="1 Mill Lane\nLeeds", postcode="LS1 1AA")
    company_services.address_create(actor=buyer, data=address)
    flour = make_product(name="Strong white bread flour", stock=80, price="21.40")
    sugar = make_product(name="Caster sugar", stock=6, price="26.40")  # low stock badge
    make_product(name="Double cream", stock=0, price="21.60")  # out-of-stock badge
    placed = services.order_place(
        user=buyer,
        lines=[{"product": flour.pk, "quantity": 2}, {"product": sugar.pk, "quantity": 1}],
    )
    services.cart_add(user=buyer, product_id=flour.pk, quantity=3)
    services.cart_add(user=buyer, product_id=sugar.pk, quantity=1)
    saved = saved_list_create(user=buyer, name="Weekly bake", items=[(flour.pk, 4), (sugar.pk, 2)])
    make_member("viewer@bakery.test", buyer.membership.company, Role.VIEWER)
    company_services.invitation_create(
        actor=buyer, email="new@bakery.test", role=Role.BUYER, base_url="http://testserver/"
    )
    return {"order_id": placed.order.pk, "product_id": flour.pk, "list_id": saved.pk}


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_page_has_no_serious_violations(
    new_context: Callable[..., BrowserContext],
    live_server: Any,
    buyer: Any,
    shop_data: dict[str, int],
    size: dict[str, Any],
) -> None:
    # One test per width looping the pages: each test's database flush costs more than a page.
    page = new_context(**size).new_page()
    found: dict[str, list[str]] = {}
    for path, ready in ANONYMOUS_PAGES:
        page.goto(path)
        expect(page.locator(ready)).to_be_visible()
        found[path] = blocking_violations(page)
    sign_in(page.context, buyer, live_server.url)
    for path, ready in SHOP_PAGES:
        page.goto(path.format(**shop_data))
        expect(page.locator(ready)).to_be_visible()
        found[path] = blocking_violations(page)
    # The header's menu, open (phone), and the checkout's review step.
    menu = page.locator('nav[aria-label="Main"] summary')
    if menu.is_visible():
        menu.click()
        expect(page.locator('nav[aria-label="Main"]').get_by_role("link", name="Orders")).to_be_visible()
        found["open menu"] = blocking_violations(page)
    page.goto("/cart/")
    page.get_by_label("PO number").fill("PO-1234")
    page.get_by_role("button", name="Review order").click()
    expect(page.get_by_role("button", name="Place order")).to_be_visible()
    found["review"] = blocking_violations(page)
    assert found == {where: [] for where in found}


def test_the_check_itself_catches_a_serious_violation(page: Page) -> None:
    page.set_content('<html lang="en"><title>t</title><main><img src="x.png"></main></html>')
    assert [found.split(" ")[0] for found in blocking_violations(page)] == ["image-alt"]

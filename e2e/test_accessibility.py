"""Journey 7: axe-core (bundled with axe-playwright-python, no network) finds no serious or
critical violation on the pages a buyer uses most, the company admin's members and addresses
and the checkout's review step."""

from collections.abc import Callable
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from companies import services as company_services
from companies.models import Role
from companies.services import AddressInput
from shop import services
from shop.models import Order, Product
from tests.factories import make_member

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


@pytest.fixture
def placed_order(buyer: Any, make_product: Callable[..., Product]) -> Order:
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
    return placed.order


@pytest.mark.parametrize(
    "path, button",
    [("/accounts/login/", "Log in"), ("/accounts/signup/", "Sign up")],
    ids=["login", "signup"],
)
def test_account_page_has_no_serious_violations(
    page: Page, transactional_db: None, path: str, button: str
) -> None:
    page.goto(path)
    expect(page.get_by_role("button", name=button)).to_be_visible()
    assert blocking_violations(page) == []


@pytest.mark.parametrize(
    "path, ready",
    [
        ("/", "#product-table"),
        ("/cart/", "#cart-table"),
        ("/orders/", "#order-table"),
        ("/orders/{order_id}/", "#order-lines"),
        ("/orders/?status=bogus&created_after=31-01-2026", "#status-error"),
        ("/spend/", "#spend-chart"),
        ("/tokens/", "#token-form"),
    ],
    ids=["catalogue", "cart", "order-history", "order-detail", "order-filter-errors", "spend", "tokens"],
)
def test_shop_page_has_no_serious_violations(
    buyer_page: Page, placed_order: Order, path: str, ready: str
) -> None:
    buyer_page.goto(path.format(order_id=placed_order.pk))
    expect(buyer_page.locator(ready)).to_be_visible()
    assert blocking_violations(buyer_page) == []


def test_company_pages_and_the_checkout_review_have_no_serious_violations(
    buyer_page: Page, buyer: Any, placed_order: Order
) -> None:
    # The buyer is their company's admin: the members page shows role selects and a pending
    # invitation. One test for the three pages: each test's database flush costs more than a page.
    make_member("viewer@bakery.test", buyer.membership.company, Role.VIEWER)
    company_services.invitation_create(
        actor=buyer, email="new@bakery.test", role=Role.BUYER, base_url="http://testserver/"
    )
    found: dict[str, list[str]] = {}
    for path, ready in (
        ("/company/members/", "#invitation-table"),
        ("/company/addresses/", "#address-table"),
    ):
        buyer_page.goto(path)
        expect(buyer_page.locator(ready)).to_be_visible()
        found[path] = blocking_violations(buyer_page)
    buyer_page.goto("/cart/")
    buyer_page.get_by_label("PO number").fill("PO-1234")
    buyer_page.get_by_role("button", name="Review order").click()
    expect(buyer_page.get_by_role("button", name="Place order")).to_be_visible()
    found["review"] = blocking_violations(buyer_page)
    assert found == {"/company/members/": [], "/company/addresses/": [], "review": []}


def test_the_check_itself_catches_a_serious_violation(page: Page) -> None:
    page.set_content('<html lang="en"><title>t</title><main><img src="x.png"></main></html>')
    assert [found.split(" ")[0] for found in blocking_violations(page)] == ["image-alt"]

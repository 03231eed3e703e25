"""Journeys 3 and 5: from the catalogue to a placed, re-ordered and cancelled order, with
JavaScript (HTMX updates in place) and without it (plain forms and redirects).

Every page of the JavaScript journey is saved under artifacts/e2e/screenshots/.
"""

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from companies import services as company_services
from companies.services import AddressInput
from shop import services
from shop.models import CartItem, Order, Product
from shop.services.delivery import earliest_delivery_date
from ui import (
    Shooter,
    add_to_cart,
    cart_row,
    expect_same_page,
    mark_page,
    money,
    nav,
    order_id_from_url,
    sign_in,
    stock_badge,
)

RYE = {"sku": "FLR-RYE-LT-25", "name": "Light rye flour", "price": "26.50", "stock": 40}
SUGAR = {"sku": "SUG-CAST-25", "name": "Caster sugar", "price": "26.40", "stock": 30}
SALT = {"sku": "SLT-SEA-25", "name": "Fine sea salt", "price": "9.80", "stock": 25}


@pytest.fixture
def products(make_product: Callable[..., Product]) -> dict[str, Product]:
    return {
        spec["sku"]: make_product(
            sku=spec["sku"], name=spec["name"], price=spec["price"], stock=spec["stock"]
        )
        for spec in (RYE, SUGAR, SALT)
    }


EARLIEST = earliest_delivery_date(timezone.localdate())


@pytest.fixture(autouse=True)
def addresses(buyer: Any) -> None:
    for label, lines, postcode in (
        ("Bakery", "1 Mill Lane\nLeeds", "LS1 1AA"),
        ("Depot", "9 Yard Road\nYork", "YO1 9ZZ"),
    ):
        company_services.address_create(
            actor=buyer, data=AddressInput(label=label, lines=lines, postcode=postcode)
        )


def badge(page: Page) -> Any:
    return page.locator("#cart-badge")


def checkout_journey(
    page: Page, products: dict[str, Product], buyer: Any, shoot: Shooter, js: bool
) -> None:
    rye, sugar, salt = (products[spec["sku"]] for spec in (RYE, SUGAR, SALT))

    def snap(name: str) -> None:
        shoot(page, name)

    # Catalogue: three products into the cart.
    page.goto("/")
    expect(badge(page)).to_have_text("0")
    expect(stock_badge(page, RYE["sku"])).to_contain_text("40")
    snap("catalogue")
    if js:
        mark_page(page)
    add_to_cart(page, RYE["sku"], RYE["name"], 2)
    expect(badge(page)).to_have_text("2")
    expect(page.locator("#messages")).to_contain_text(f"Added 2 × {RYE['name']}")
    add_to_cart(page, SUGAR["sku"], SUGAR["name"], 3)
    expect(badge(page)).to_have_text("5")
    add_to_cart(page, SALT["sku"], SALT["name"], 1)
    expect(badge(page)).to_have_text("6")
    # More than is in stock: told so, nothing added.
    add_to_cart(page, SALT["sku"], SALT["name"], 500)
    expect(page.locator("#messages")).to_contain_text(
        re.compile(rf"Only 25 of {SALT['name']} \(.+\) in stock")  # named with its pack
    )
    expect(badge(page)).to_have_text("6")
    if js:
        expect_same_page(page)
    snap("catalogue-after-adding")

    # Cart: change a quantity, remove a line.
    nav(page, "Cart")
    expect(page).to_have_url(re.compile(r"/cart/$"))
    expect(page.locator("#cart-table tbody tr")).to_have_count(3)
    expect(page.locator("#cart-total")).to_contain_text("142.00")
    snap("cart")
    if js:
        mark_page(page)
    rye_line = cart_row(page, rye.pk)
    rye_line.get_by_label(f"Quantity for {RYE['name']}").fill("4")
    rye_line.get_by_role("button", name="Update").click()
    expect(badge(page)).to_have_text("8")
    expect(cart_row(page, rye.pk).locator(".line-total")).to_contain_text("106.00")
    expect(page.locator("#cart-total")).to_contain_text("195.00")
    # Remove names what went and offers Undo; undo it, then remove it for good.
    cart_row(page, salt.pk).get_by_role("button", name="Remove").click()
    expect(cart_row(page, salt.pk)).to_have_count(0)
    expect(page.locator("#cart-undo")).to_contain_text(f"Removed 1 × {SALT['name']} (25 kg sack)")
    if js:
        expect(page.locator("#cart-undo").get_by_role("button", name="Undo")).to_be_focused()
    page.locator("#cart-undo").get_by_role("button", name="Undo").click()
    expect(cart_row(page, salt.pk)).to_have_count(1)
    expect(page.locator("#messages")).to_contain_text(f"Put back: 1 × {SALT['name']} (25 kg sack).")
    expect(badge(page)).to_have_text("8")
    cart_row(page, salt.pk).get_by_role("button", name="Remove").click()
    expect(cart_row(page, salt.pk)).to_have_count(0)
    expect(badge(page)).to_have_text("7")
    expect(page.locator("#cart-total")).to_contain_text("185.20")
    if js:
        expect_same_page(page)
    snap("cart-after-changes")

    # Delivery details, the review step, then place the order: confirmation page, stock down.
    page.get_by_label("Delivery address").select_option(label="Depot, YO1 9ZZ")
    expect(page.get_by_label("Requested delivery date")).to_have_value(EARLIEST.isoformat())
    page.get_by_label("PO number").fill("PO-4471")
    snap("cart-delivery-details")
    page.get_by_role("button", name="Review order").click()
    expect(page.get_by_role("heading", name="Review your order")).to_be_visible()
    expect(page.locator("#review-address")).to_contain_text("9 Yard Road")
    expect(page.locator("#review-po")).to_have_text("PO-4471")
    expect(page.locator("#review-total")).to_contain_text("185.20")
    snap("checkout-review")
    page.get_by_role("button", name="Place order").click()
    order_id = order_id_from_url(page)
    order = Order.objects.get(pk=order_id)
    assert order.user_id == buyer.pk and order.status == "placed"
    assert order.total == Decimal("185.20")
    assert (order.po_number, order.delivery_date, order.delivery_label) == ("PO-4471", EARLIEST, "Depot")
    expect(page.locator("#order-details")).to_contain_text("PO-4471")
    expect(page.locator("#order-placed")).to_contain_text(f"Order {order.reference} placed")
    expect(badge(page)).to_have_text("0")
    snap("order-confirmation")
    assert not CartItem.objects.filter(user=buyer).exists()

    nav(page, "Catalogue")
    expect(stock_badge(page, RYE["sku"])).to_contain_text("36")
    expect(stock_badge(page, SUGAR["sku"])).to_contain_text("27")
    expect(stock_badge(page, SALT["sku"])).to_contain_text("25")
    snap("catalogue-stock-down")

    # History: find it, open it.
    nav(page, "Orders")
    expect(page).to_have_url(re.compile(r"/orders/$"))
    history = page.locator("#order-table")
    expect(history).to_contain_text(order.reference)
    snap("order-history")
    history.get_by_role("link", name=order.reference).click()
    expect(page).to_have_url(re.compile(rf"/orders/{order_id}/$"))
    expect(page.get_by_role("heading", name=f"Order {order.reference}")).to_be_visible()
    expect(page.locator(".status-badge")).to_have_text("Placed")
    expect(page.locator("#order-lines")).to_contain_text(RYE["name"])
    expect(page.locator("#order-lines")).to_contain_text(SUGAR["name"])
    expect(page.locator("#order-lines")).not_to_contain_text(SALT["name"])
    snap("order-detail")

    # Order again (every line chosen, as the form starts): the same lines back in the cart.
    page.get_by_role("button", name="Add chosen lines to cart").click()
    expect(page).to_have_url(re.compile(r"/cart/$"))
    expect(page.locator("#messages")).to_contain_text(order.reference)
    expect(badge(page)).to_have_text("7")
    expect(page.locator("#cart-table tbody tr")).to_have_count(2)
    expect(cart_row(page, rye.pk).get_by_label(f"Quantity for {RYE['name']}")).to_have_value("4")
    sugar_quantity = cart_row(page, sugar.pk).get_by_label(f"Quantity for {SUGAR['name']}")
    expect(sugar_quantity).to_have_value("3")
    snap("cart-after-order-again")

    # Cancel it (with a confirmation step): stock back up.
    page.goto(f"/orders/{order_id}/")
    page.get_by_role("link", name=f"Cancel order {order.reference}").click()
    expect(page).to_have_url(re.compile(rf"/orders/{order_id}/cancel/$"))
    snap("cancel-confirmation")
    page.get_by_role("button", name="Cancel order").click()
    expect(page).to_have_url(re.compile(rf"/orders/{order_id}/$"))
    expect(page.locator(".status-badge")).to_have_text("Cancelled")
    expect(page.locator("#messages")).to_contain_text(f"Order {order.reference} cancelled")
    expect(page.get_by_role("link", name="Cancel order")).to_have_count(0)
    snap("order-cancelled")
    order.refresh_from_db()
    assert order.status == "cancelled"

    nav(page, "Catalogue")
    expect(stock_badge(page, RYE["sku"])).to_contain_text("40")
    expect(stock_badge(page, SUGAR["sku"])).to_contain_text("30")
    snap("catalogue-stock-back")
    assert Product.objects.get(pk=rye.pk).stock == 40


def test_checkout_journey_with_javascript(
    buyer_page: Page, buyer: Any, products: dict[str, Product], shoot: Shooter
) -> None:
    checkout_journey(buyer_page, products, buyer, shoot, js=True)
    assert len(list(shoot.folder.glob("*.png"))) == shoot.count >= 12


def test_checkout_journey_without_javascript(
    new_context: Callable[..., BrowserContext],
    live_server: Any,
    buyer: Any,
    products: dict[str, Product],
    shoot: Shooter,
) -> None:
    context = new_context(java_script_enabled=False)
    sign_in(context, buyer, live_server.url)
    checkout_journey(context.new_page(), products, buyer, shoot, js=False)


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_double_clicking_place_order_places_one_order(
    new_context: Callable[..., BrowserContext],
    live_server: Any,
    buyer: Any,
    products: dict[str, Product],
    js: bool,
) -> None:
    services.cart_add(user=buyer, product_id=products[RYE["sku"]].pk, quantity=2)
    context = new_context(java_script_enabled=js)
    sign_in(context, buyer, live_server.url)
    page = context.new_page()
    page.goto("/cart/")
    page.get_by_role("button", name="Review order").click()

    page.get_by_role("button", name="Place order").dblclick()

    order_id_from_url(page)
    page.wait_for_load_state()
    assert Order.objects.filter(user=buyer).count() == 1
    assert Product.objects.get(sku=RYE["sku"]).stock == RYE["stock"] - 2


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_the_cart_flags_a_short_line_on_loading_and_fixes_it_in_one_click(
    new_context: Callable[..., BrowserContext],
    live_server: Any,
    buyer: Any,
    products: dict[str, Product],
    js: bool,
) -> None:
    rye, sugar = products[RYE["sku"]], products[SUGAR["sku"]]
    services.cart_add(user=buyer, product_id=rye.pk, quantity=5)
    services.cart_add(user=buyer, product_id=sugar.pk, quantity=2)
    services.stock_set(product_id=rye.pk, new_stock=3, note="sold at the counter")
    context = new_context(java_script_enabled=js)
    sign_in(context, buyer, live_server.url)
    page = context.new_page()
    page.goto("/cart/")

    line = cart_row(page, rye.pk)
    expect(line).to_have_class(re.compile(r"\bshort\b"))
    expect(line.locator(".short-note")).to_have_text("Only 3 available")
    line.get_by_role("button", name="Use the 3 there are").click()

    expect(cart_row(page, rye.pk)).not_to_have_class(re.compile(r"\bshort\b"))
    expect(cart_row(page, rye.pk).get_by_label(f"Quantity for {RYE['name']}")).to_have_value("3")
    expect(page.locator(".short-banner")).to_have_count(0)
    expect(badge(page)).to_have_text("5")
    assert dict(CartItem.objects.filter(user=buyer).values_list("product_id", "quantity")) == {
        rye.pk: 3,
        sugar.pk: 2,
    }
    # Without JavaScript a refused update lands back on the cart page (post/redirect/get).
    cart_row(page, sugar.pk).get_by_label(f"Quantity for {SUGAR['name']}").fill("99")
    cart_row(page, sugar.pk).get_by_role("button", name="Update").click()
    expect(cart_row(page, sugar.pk).locator(".line-error")).to_contain_text("Only 30 available")
    expect(cart_row(page, sugar.pk).get_by_label(f"Quantity for {SUGAR['name']}")).to_have_value("99")
    if not js:
        expect(page).to_have_url(re.compile(r"/cart/$"))

"""Journey: a quantity refused for its multiple, corrected from the message, with JavaScript
(HTMX answers in place) and without it (plain forms and redirects). The malt goes by the
pallet layer of 8 sacks and is cheaper from 16: the cart's price follows the quantity."""

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from shop import services
from shop.models import CartItem, Product
from ui import Shooter, add_to_cart, cart_row, money, nav, product_row, sign_in

MALT = {"sku": "MLT-PILS-25", "name": "Pilsner malt"}
NEAREST = re.compile(r"sold in multiples of 8: (\d+) or (\d+)")


@pytest.fixture
def malt(make_product: Callable[..., Product]) -> Product:
    return make_product(
        sku=MALT["sku"],
        name=MALT["name"],
        price="36.40",
        stock=200,
        measure_amount=Decimal("25"),
        measure_unit="kg",
        order_multiple=8,
        price_breaks=[(16, "35.20"), (40, "34.10")],
    )


def refused_then_corrected(page: Page, malt: Product, buyer: Any, shoot: Shooter) -> None:
    page.goto("/")
    row = product_row(page, MALT["sku"])
    quantity = row.get_by_label(f"Quantity for {MALT['name']}")
    # The input starts at the smallest allowed quantity and steps by the multiple.
    expect(quantity).to_have_value("8")
    expect(quantity).to_have_attribute("step", "8")
    expect(row).to_contain_text("from £34.10")

    add_to_cart(page, MALT["sku"], MALT["name"], 12)
    messages = page.locator("#messages")
    expect(messages).to_contain_text(
        "Pilsner malt (25 kg sack): sold in multiples of 8: 8 or 16. Nothing was added."
    )
    shoot(page, "refused")
    assert not CartItem.objects.filter(user=buyer).exists()

    # Corrected from the message: the larger of the two quantities it names.
    larger = NEAREST.search(messages.inner_text()).group(2)
    add_to_cart(page, MALT["sku"], MALT["name"], int(larger))
    expect(messages).to_contain_text("Added 16 × Pilsner malt (25 kg sack) to your cart")
    expect(page.locator("#cart-badge")).to_have_text("16")

    # The cart prices the line at the 16+ tier.
    nav(page, "Cart")
    line = cart_row(page, malt.pk)
    expect(line).to_contain_text("16+ price")
    assert money(line.locator(".line-total").inner_text()) == Decimal("563.20")

    # A quantity off the multiple typed in the cart: refused, fixed with a button.
    line.get_by_label(f"Quantity for {MALT['name']}").fill("20")
    line.get_by_role("button", name="Update").click()
    line = cart_row(page, malt.pk)
    expect(line.locator(".line-error")).to_have_text("Sold in multiples of 8: 16 or 24.")
    shoot(page, "cart-refused")
    assert CartItem.objects.get(user=buyer).quantity == 16
    line.get_by_role("button", name=f"Set {MALT['name']} (25 kg sack) to 24").click()
    line = cart_row(page, malt.pk)
    expect(line.get_by_label(f"Quantity for {MALT['name']}")).to_have_value("24")
    expect(line.locator(".line-total")).to_have_text("£844.80")
    shoot(page, "cart-corrected")
    assert CartItem.objects.get(user=buyer).quantity == 24


def test_a_refused_multiple_is_corrected_from_the_message_with_javascript(
    buyer_page: Page, buyer: Any, malt: Product, shoot: Shooter
) -> None:
    refused_then_corrected(buyer_page, malt, buyer, shoot)


def test_a_refused_multiple_is_corrected_from_the_message_without_javascript(
    new_context: Callable[..., BrowserContext],
    live_server: Any,
    buyer: Any,
    malt: Product,
    shoot: Shooter,
) -> None:
    context = new_context(java_script_enabled=False)
    sign_in(context, buyer, live_server.url)
    refused_then_corrected(context.new_page(), malt, buyer, shoot)


def test_the_price_ladder_and_a_refused_cart_line_have_no_serious_accessibility_violations(
    buyer_page: Page, buyer: Any, malt: Product
) -> None:
    from test_accessibility import blocking_violations

    services.cart_add(user=buyer, product_id=malt.pk, quantity=8)
    Product.objects.filter(pk=malt.pk).update(order_multiple=12)  # the line no longer fits

    buyer_page.goto(f"/products/{malt.pk}/")
    expect(buyer_page.locator("#price-ladder")).to_be_visible()
    assert blocking_violations(buyer_page) == []
    buyer_page.goto("/cart/")
    expect(buyer_page.locator(".qty-fixes")).to_be_visible()
    assert blocking_violations(buyer_page) == []

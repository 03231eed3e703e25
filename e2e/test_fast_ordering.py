"""Journeys of issue 14's fast ordering.

1. A baker pastes a 12-line order from a spreadsheet with three bad lines (a mistyped SKU, a
   quantity off the pallet layer, more than is in stock), adds the nine good ones, fixes the three
   left in the box from what the page says, adds them too and checks out.
2. A buyer puts the company's saved list in the cart; a line short of stock is capped and said so.
"""

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from shop.models import CartItem, Order, Product
from shop.services import saved_lists
from ui import Shooter, nav, order_id_from_url

CATALOGUE = [
    # sku, name, stock, pack rules
    ("FLR-STRW-25", "Strong white bread flour", 200, {}),
    ("FLR-RYE-LT-25", "Light rye flour", 60, {}),
    ("SUG-CAST-25", "Caster sugar", 60, {}),
    ("MLT-PALE-25", "Maris Otter pale ale malt", 80, {"order_multiple": 8}),
    ("SLT-FINE-25", "Fine bakery salt", 60, {}),
    ("LEV-YST-FRS-1", "Fresh yeast", 60, {"min_order_quantity": 5}),
    ("FLR-00-25", "Tipo 00 pizza flour", 8, {}),
    ("GRN-SES-10", "White sesame seeds", 30, {}),
    ("GRN-SUNF-10", "Sunflower seeds", 30, {}),
    ("DRY-BUT-UNS-10", "Unsalted butter", 40, {}),
    ("SPC-CIN-1", "Ground cinnamon", 40, {}),
]

PASTED = "\n".join(
    [
        "SKU\tQty",
        "FLR-STRW-25\t4",
        "FLR-RYE-LT-25\t2",
        "SUG-CAST-25\t2",
        "FLR-STRW-52\t3",  # mistyped: FLR-STRW-25
        "MLT-PALE-25\t10",  # sold by 8
        "SLT-FINE-25\t1",
        "LEV-YST-FRS-1\t6",
        "FLR-00-25\t20",  # 8 in stock
        "GRN-SES-10\t1",
        "GRN-SUNF-10\t1",
        "DRY-BUT-UNS-10\t3",
        "SPC-CIN-1\t2",
    ]
)


@pytest.fixture
def catalogue(make_product: Callable[..., Product]) -> dict[str, Product]:
    return {
        sku: make_product(sku=sku, name=name, stock=stock, price="10.00", **rules)
        for sku, name, stock, rules in CATALOGUE
    }


def cart_of(user: Any) -> dict[str, int]:
    return dict(CartItem.objects.filter(user=user).values_list("product__sku", "quantity"))


def test_a_pasted_order_with_three_bad_lines_is_fixed_and_checked_out(
    buyer_page: Page, buyer: Any, catalogue: dict[str, Product], shoot: Shooter
) -> None:
    page = buyer_page
    page.goto("/")
    nav(page, "Quick order")
    page.get_by_label("Lines to order").fill(PASTED)
    page.get_by_role("button", name="Check lines").click()

    summary = page.locator("#quick-order-summary")
    expect(summary).to_contain_text("9 ready")
    expect(summary).to_contain_text("3 to fix")
    lines = page.locator("#quick-order-lines")
    expect(lines.locator('tr[data-status="bad"]')).to_have_count(3)
    expect(lines.locator('tr[data-line="5"]')).to_contain_text("Did you mean FLR-STRW-25")
    expect(lines.locator('tr[data-line="6"]')).to_contain_text("Sold in multiples of 8: 8 or 16.")
    expect(lines.locator('tr[data-line="9"]')).to_contain_text("Only 8 in stock.")
    shoot(page, "checked")

    page.get_by_role("button", name="Add 9 good lines to cart").click()
    expect(page).to_have_url(re.compile(r"/quick-order/$"))
    expect(page.locator("#messages")).to_contain_text("Added 9 lines to your cart")
    expect(page.locator("#cart-badge")).to_have_text("22")
    box = page.get_by_label("Lines still to fix")
    expect(box).to_have_value("SKU\tQty\nFLR-STRW-52\t3\nMLT-PALE-25\t10\nFLR-00-25\t20")  # under its header
    shoot(page, "added")

    # Fixed from what the page says: the suggested SKU, the nearer multiple, what is in stock.
    box.fill("SKU\tQty\nFLR-STRW-25\t3\nMLT-PALE-25\t8\nFLR-00-25\t8")
    page.get_by_role("button", name="Check lines").click()
    expect(page.locator("#quick-order-summary")).to_contain_text("3 ready")
    page.get_by_role("button", name="Add 3 good lines to cart").click()
    expect(page.locator("#messages")).to_contain_text("Added 3 lines to your cart")
    expect(page.get_by_label("Lines still to fix")).to_have_count(0)
    expect(page.get_by_label("Lines to order")).to_have_value("")
    assert cart_of(buyer) == {
        "FLR-STRW-25": 7, "FLR-RYE-LT-25": 2, "SUG-CAST-25": 2, "MLT-PALE-25": 8,
        "SLT-FINE-25": 1, "LEV-YST-FRS-1": 6, "FLR-00-25": 8, "GRN-SES-10": 1,
        "GRN-SUNF-10": 1, "DRY-BUT-UNS-10": 3, "SPC-CIN-1": 2,
    }

    page.get_by_role("link", name="Review your cart").click()
    expect(page.locator("#cart-table tbody tr")).to_have_count(11)
    page.get_by_role("button", name="Review order").click()
    expect(page.get_by_role("heading", name="Review your order")).to_be_visible()
    page.get_by_role("button", name="Place order").click()
    order = Order.objects.get(pk=order_id_from_url(page))
    expect(page.locator("#order-placed")).to_be_visible()
    shoot(page, "order")
    assert order.lines.count() == 11 and not cart_of(buyer)


def test_a_saved_list_goes_in_the_cart_with_a_short_line_capped(
    buyer_page: Page, buyer: Any, catalogue: dict[str, Product], shoot: Shooter
) -> None:
    saved_lists.saved_list_create(
        user=buyer,
        name="Thursday bakery order",
        items=[
            (catalogue["FLR-STRW-25"].pk, 8),
            (catalogue["LEV-YST-FRS-1"].pk, 10),
            (catalogue["FLR-00-25"].pk, 12),  # 8 in stock
        ],
    )
    page = buyer_page
    page.goto("/quick-order/")
    page.get_by_role("link", name="Saved lists").click()
    page.get_by_role("link", name="Thursday bakery order").click()
    expect(page.locator("#saved-list-items tbody tr")).to_have_count(3)
    shoot(page, "list")

    page.get_by_role("button", name="Put the whole list in the cart").click()
    expect(page).to_have_url(re.compile(r"/cart/$"))
    messages = page.locator("#messages")
    expect(messages).to_contain_text("3 lines of “Thursday bakery order” put in your cart.")
    expect(messages).to_contain_text("Tipo 00 pizza flour (25 kg sack): 8 in cart (the list says 12)")
    expect(page.locator("#cart-badge")).to_have_text("26")
    shoot(page, "cart")
    assert cart_of(buyer) == {"FLR-STRW-25": 8, "LEV-YST-FRS-1": 10, "FLR-00-25": 8}

"""The frame around every page, at phone and desktop width: the header stays in view on one
line with the cart count, "Menu" holds the other links on a phone, messages float without
moving the page, touch targets are 44 px, and focus is a solid outline at 3:1 or better."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from shop.models import Product
from ui import add_to_cart, nav, product_row, sign_in

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
TOUCH_TARGET = 44
FOCUS_RING = "rgb(15, 123, 220)"


@pytest.fixture
def products(make_product: Callable[..., Product]) -> list[Product]:
    # More than a page (25 rows), so the catalogue is long and paginated.
    return [make_product(name=f"Stoneground flour {n:02d}", stock=50) for n in range(1, 28)]


def open_page(
    new_context: Callable[..., BrowserContext], live_server: Any, buyer: Any, size: dict[str, Any]
) -> Page:
    context = new_context(**size)
    sign_in(context, buyer, live_server.url)
    return context.new_page()


def box(locator: Locator) -> dict[str, float]:
    found = locator.bounding_box()
    assert found, f"{locator} is not displayed"
    return found


def too_small(locators: list[Locator]) -> list[str]:
    small = []
    for locator in locators:
        for each in locator.all():
            if not each.is_visible():
                continue
            size = box(each)
            if size["height"] < TOUCH_TARGET or size["width"] < TOUCH_TARGET:
                html = each.evaluate("e => e.outerHTML.slice(0, 80)")
                small.append(f"{html}: {size['width']:.0f}x{size['height']:.0f}")
    return small


def luminance(rgb: str) -> float:
    channels = [int(c) / 255 for c in re.findall(r"\d+", rgb)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def outline(page: Page) -> dict[str, str]:
    return page.evaluate(
        "() => { const e = document.activeElement, s = getComputedStyle(e);"
        " return {style: s.outlineStyle, width: s.outlineWidth, color: s.outlineColor,"
        " name: e.textContent.trim() || e.getAttribute('aria-label') || e.name}; }"
    )


def test_on_a_phone_the_header_stays_on_one_line_in_view_and_every_target_is_44px(
    new_context: Callable[..., BrowserContext], live_server: Any, buyer: Any, products: list[Product]
) -> None:
    page = open_page(new_context, live_server, buyer, PHONE)
    page.goto("/")
    header = page.locator("header.site-header")
    main_nav = page.locator('nav[aria-label="Main"]')
    menu = main_nav.locator("summary", has_text="Menu")
    cart = main_nav.get_by_role("link", name=re.compile(r"^Cart"))

    # One line: the brand, "Menu" and the cart side by side, in a header a little taller than a target.
    assert box(header)["height"] <= 64
    assert box(main_nav)["height"] <= 48
    assert abs(box(menu)["y"] - box(cart)["y"]) < 2
    assert box(page.get_by_role("link", name="Millstone Ingredients"))["height"] <= 44

    targets = [
        menu,
        cart,
        page.locator("main button"),
        page.locator("main input:not([type=hidden]):not([type=checkbox])"),
        page.locator("main select"),
        page.locator("label[for=id_in_stock]"),
        page.locator('nav[aria-label="Pagination"] a'),
        page.locator("main .list-link"),
    ]
    assert too_small(targets) == []

    # The menu opens without a page load, its links are targets too, Escape closes it.
    menu.click()
    orders = main_nav.get_by_role("link", name="Orders")
    expect(orders).to_be_visible()
    log_out = main_nav.get_by_role("button", name="Log out")
    assert too_small([main_nav.locator(".nav-panel a"), log_out]) == []
    page.keyboard.press("Escape")
    expect(orders).to_be_hidden()
    expect(menu).to_be_focused()

    # Adding from the last row of the page: the header, with the new count, is still in view,
    # the row itself says what happened (the message is for screen readers: it would only
    # repeat the row) and the row did not move.
    last = products[24]
    row = product_row(page, last.sku)
    row.get_by_label(f"Quantity for {last.name}").fill("3")
    add = row.get_by_role("button", name="Add to cart")
    add.scroll_into_view_if_needed()
    before = box(row)["y"] + page.evaluate("scrollY")  # in the page, not the viewport
    add.click()
    expect(page.locator("#cart-badge")).to_have_text("3")
    expect(page.locator("#cart-badge")).to_be_in_viewport()
    assert box(header)["y"] == 0
    feedback = row.locator(".row-feedback")
    expect(feedback).to_contain_text("Added: 3 in cart")
    expect(feedback).to_be_in_viewport()  # scrolled just into view if it landed below
    assert box(row)["y"] + page.evaluate("scrollY") == before

    # On the product page the form answers the same way: more than in stock is said on the
    # form, naming the product, with the input marked and what was typed kept.
    row.get_by_role("link", name=last.name, exact=True).click()
    quantity = page.get_by_label("Quantity", exact=True)
    quantity.fill("9999")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator("#buy-feedback")).to_contain_text(f"of {last.name} (25 kg sack) in stock")
    expect(quantity).to_have_attribute("aria-invalid", "true")
    expect(quantity).to_have_value("9999")
    # The keyboard stays where it was in the box swapped in (not back at the top of the page).
    expect(page.get_by_role("button", name="Add to cart")).to_be_focused()

    # A message the page shows (here, after adding to a list: a full page load) floats under
    # the header without moving the page, and can be dismissed.
    page.get_by_label("List", exact=True).select_option(label="New list…")
    page.get_by_label("Name of the new list").fill("Thursday")
    page.get_by_role("button", name="Add to list").click()
    message = page.locator("#messages .message").first
    expect(message).to_contain_text("Thursday")
    expect(message).to_be_in_viewport()
    page.get_by_role("button", name="Dismiss message").click()
    expect(page.locator("#messages .message")).to_have_count(0)

    nav(page, "Orders")
    expect(page).to_have_url(re.compile(r"/orders/$"))

    # Without JavaScript the menu still opens (a <details>) and messages sit in the page,
    # with no dismiss button that would do nothing.
    plain = open_page(new_context, live_server, buyer, {**PHONE, "java_script_enabled": False})
    plain.goto("/")
    add_to_cart(plain, products[0].sku, products[0].name, 2)
    expect(plain.locator("#messages .message")).to_contain_text(f"Added 2 × {products[0].name}")
    assert plain.locator("#messages").evaluate("e => getComputedStyle(e).position") == "static"
    expect(plain.get_by_role("button", name="Dismiss message")).to_be_hidden()
    nav(plain, "Orders")
    expect(plain).to_have_url(re.compile(r"/orders/$"))


def test_on_a_desktop_focus_is_a_solid_outline_at_3_to_1_and_the_header_stays(
    new_context: Callable[..., BrowserContext], live_server: Any, buyer: Any, products: list[Product]
) -> None:
    page = open_page(new_context, live_server, buyer, DESKTOP)
    page.goto("/")
    header = page.locator("header.site-header")
    header_background = header.evaluate("e => getComputedStyle(e).backgroundColor")
    page_background = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")

    # Every link on one line beside the brand and the user.
    assert box(header)["height"] <= 64
    expect(page.locator('nav[aria-label="Main"]').get_by_role("link", name="Company")).to_be_visible()
    expect(page.locator('nav[aria-label="Main"] summary')).to_be_hidden()

    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")  # brand
    page.keyboard.press("Tab")  # first link of the menu
    on_header = outline(page)
    assert on_header == {"style": "solid", "width": "3px", "color": FOCUS_RING, "name": "Catalogue"}
    assert contrast(on_header["color"], header_background) >= 3

    page.get_by_label("Search products").focus()
    page.keyboard.press("Tab")
    on_page = outline(page)
    assert on_page == {"style": "solid", "width": "3px", "color": FOCUS_RING, "name": "Search"}
    assert contrast(on_page["color"], page_background) >= 3
    assert contrast(on_page["color"], "rgb(255, 255, 255)") >= 3

    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    expect(page.locator('nav[aria-label="Pagination"]')).to_be_in_viewport()
    assert box(header)["y"] == 0
    expect(page.locator("#cart-badge")).to_be_in_viewport()

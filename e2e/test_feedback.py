"""Journeys: an add answers on its row, a slow add cannot be sent twice, a slow search shows
that it is working."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from shop.models import CartItem, Product
from ui import expect_same_page, mark_page, product_row


def cart_of(user: Any) -> dict[int, int]:
    return dict(CartItem.objects.filter(user=user).values_list("product_id", "quantity"))


@pytest.fixture
def flours(make_product: Callable[..., Product]) -> tuple[Product, Product]:
    # Two products of one name: only the pack tells them apart.
    return (
        make_product(sku="FLR-STRONG-16", name="Strong white bread flour", unit="16 kg sack", stock=40),
        make_product(sku="FLR-STRONG-25", name="Strong white bread flour", unit="25 kg sack", stock=5),
    )


def test_a_slow_double_clicked_add_adds_once_and_says_so_on_the_row(
    buyer_page: Page, buyer: Any, flours: tuple[Product, Product]
) -> None:
    page = buyer_page
    small, _ = flours
    page.goto("/")
    mark_page(page)
    row = product_row(page, "FLR-STRONG-16")
    row.get_by_label("Quantity for Strong white bread flour (16 kg sack)").fill("3")

    held: list[Route] = []  # the add is held, as on a slow network, until released below
    page.route("**/cart/add/", lambda route: held.append(route))
    button = row.get_by_role("button", name="Add to cart")
    button.dblclick()
    expect(button).to_have_attribute("aria-disabled", "true")
    expect(button).to_have_class(re.compile(r"\bis-busy\b"))
    page.wait_for_timeout(300)
    assert len(held) == 1, "the second click sent a second add"
    held[0].continue_()

    expect(row.locator(".row-feedback")).to_have_text(re.compile(r"Added: 3 in cart"))
    expect(page.locator("#cart-badge")).to_have_text("3")
    expect(row.get_by_role("button", name="Add to cart")).not_to_have_attribute("aria-disabled", "true")
    # For a screen reader, the message names the product with its pack.
    expect(page.locator("#messages")).to_contain_text(
        "Added 3 × Strong white bread flour (16 kg sack) to your cart (3 in cart)."
    )
    page.wait_for_timeout(300)
    assert len(held) == 1, "a second add was queued behind the first"
    assert cart_of(buyer) == {small.pk: 3}
    page.unroute("**/cart/add/")

    # A second add says the total now in the cart.
    row.get_by_role("button", name="Add to cart").click()
    expect(row.locator(".row-feedback")).to_have_text(re.compile(r"Added: 4 in cart"))
    expect(page.locator("#cart-badge")).to_have_text("4")
    expect_same_page(page)


def test_more_than_in_stock_is_refused_on_the_row_with_an_offer_of_what_there_is(
    buyer_page: Page, buyer: Any, flours: tuple[Product, Product]
) -> None:
    page = buyer_page
    _, large = flours
    page.goto("/")
    row = product_row(page, "FLR-STRONG-25")
    quantity = row.get_by_label("Quantity for Strong white bread flour (25 kg sack)")
    quantity.fill("8")
    row.get_by_role("button", name="Add to cart").click()

    error = row.locator(".row-feedback")
    expect(error).to_contain_text("Only 5 of Strong white bread flour (25 kg sack) in stock")
    quantity = row.get_by_label("Quantity for Strong white bread flour (25 kg sack)")
    expect(quantity).to_have_value("8")
    expect(quantity).to_have_attribute("aria-invalid", "true")
    expect(quantity).to_have_attribute("aria-describedby", f"row-feedback-{large.pk}")
    assert cart_of(buyer) == {}

    row.get_by_role("button", name=re.compile(r"^Add 5 instead")).click()
    expect(row.locator(".row-feedback")).to_have_text(re.compile(r"Added: 5 in cart"))
    expect(row.get_by_label(re.compile("Quantity for"))).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator("#cart-badge")).to_have_text("5")
    assert cart_of(buyer) == {large.pk: 5}


def test_a_slow_search_marks_the_results_as_working(
    buyer_page: Page, flours: tuple[Product, Product], make_product: Callable[..., Product]
) -> None:
    page = buyer_page
    make_product(sku="HOP-CASC", name="Cascade hops", unit="5 kg bag")
    page.goto("/")
    held: list[Route] = []
    page.route(re.compile(r"/\?.*q=hops"), lambda route: held.append(route))

    page.get_by_label("Search products").fill("hops")
    expect(page.locator("#catalogue-busy")).to_be_visible()
    expect(page.locator("#catalogue-results")).to_have_attribute("aria-busy", "true")
    expect(page.locator("#result-count")).to_have_text(re.compile(r"^3 products"))  # still the old
    for _ in range(50):  # the held request reaches the route a moment after htmx sends it
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the search was not sent"
    for route in held:
        route.continue_()

    expect(page.locator("#result-count")).to_have_text(re.compile(r"^1 product matching"))
    expect(page.locator("#catalogue-results")).not_to_have_attribute("aria-busy", "true")
    expect(page.locator("#catalogue-busy")).to_be_hidden()
    # The pushed URL carries only what is in use: no "category=" nor "sort=".
    expect(page).to_have_url(re.compile(r"/\?q=hops$"))

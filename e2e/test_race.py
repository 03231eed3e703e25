"""Journey 4: two buyers, two browsers, one sack left. Exactly one order wins; the other buyer
keeps the cart, sees which line is short and fixes it with one click."""

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import BrowserContext, Page, Response, expect

from shop import services
from shop.models import CartItem, Order, Product
from ui import ORDER_URL, Shooter, cart_row, sign_in


def is_post(response: Response) -> bool:
    return response.request.method == "POST"


def open_cart(
    new_context: Callable[..., BrowserContext], user: Any, live_server_url: str
) -> Page:
    context = new_context()
    sign_in(context, user, live_server_url)
    page = context.new_page()
    page.goto("/cart/")
    return page


def test_two_buyers_race_for_the_last_unit(
    new_context: Callable[..., BrowserContext],
    live_server: Any,
    buyer: Any,
    other_buyer: Any,
    make_product: Callable[..., Product],
    shoot: Shooter,
) -> None:
    last_sack = make_product(name="Dark rye flour", sku="FLR-RYE-DK-25", stock=1)
    sugar = make_product(name="Caster sugar", sku="SUG-CAST-25", stock=50)
    for user in (buyer, other_buyer):
        services.cart_add(user=user, product_id=last_sack.pk, quantity=1)
        services.cart_add(user=user, product_id=sugar.pk, quantity=2)
    pages = [open_cart(new_context, user, live_server.url) for user in (buyer, other_buyer)]
    for page in pages:
        expect(page.locator("#cart-table tbody tr")).to_have_count(2)
        page.get_by_role("button", name="Review order").click()
        expect(page.get_by_role("button", name="Place order")).to_be_visible()

    # Both press "Place order" before either answer is awaited.
    with (
        pages[0].expect_response(is_post) as first,
        pages[1].expect_response(is_post) as second,
    ):
        for page in pages:
            page.get_by_role("button", name="Place order").click(no_wait_after=True)
    statuses = sorted([first.value.status, second.value.status])
    assert statuses[1] == 409 and statuses[0] in (200, 302, 303), statuses

    assert Order.objects.count() == 1
    winner = Order.objects.get()
    assert Product.objects.get(pk=last_sack.pk).stock == 0
    loser_user = other_buyer if winner.user_id == buyer.pk else buyer
    winner_page, loser_page = pages if winner.user_id == buyer.pk else pages[::-1]
    expect(winner_page).to_have_url(re.compile(rf"/orders/{winner.pk}/(\?|$)"))
    expect(winner_page.locator("#order-placed")).to_contain_text(winner.reference)

    # The loser stays on the cart, intact, with the short line marked.
    expect(loser_page).not_to_have_url(ORDER_URL)
    short = cart_row(loser_page, last_sack.pk)
    expect(short).to_have_class(re.compile(r"\bshort\b"))
    expect(short.locator(".short-note")).to_contain_text("None in stock now")
    expect(cart_row(loser_page, sugar.pk)).not_to_have_class(re.compile(r"\bshort\b"))
    assert CartItem.objects.filter(user=loser_user).count() == 2
    shoot(loser_page, "cart-with-short-line")

    loser_page.get_by_role("button", name="Set short lines to available").click()
    expect(cart_row(loser_page, last_sack.pk)).to_have_count(0)
    expect(cart_row(loser_page, sugar.pk)).to_be_visible()
    expect(loser_page.locator("#cart-badge")).to_have_text("2")
    shoot(loser_page, "cart-fixed")
    assert list(CartItem.objects.filter(user=loser_user).values_list("product_id", "quantity")) == [
        (sugar.pk, 2)
    ]

    loser_page.get_by_role("button", name="Review order").click()
    loser_page.get_by_role("button", name="Place order").click()
    expect(loser_page).to_have_url(ORDER_URL)
    assert Order.objects.filter(user=loser_user).count() == 1
    assert Product.objects.get(pk=sugar.pk).stock == 46

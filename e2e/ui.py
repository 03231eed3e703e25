"""Small page helpers shared by the journeys. Selectors and labels come from docs/UI.md."""

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.test import Client
from playwright.sync_api import BrowserContext, Locator, Page, expect

ORDER_URL = re.compile(r"/orders/(\d+)/(\?.*)?$")
MONEY = re.compile(r"-?\d[\d,]*\.\d{2}")


def mark_page(page: Page) -> None:
    """Tag the current document; `expect_same_page` then proves no full reload happened."""
    page.evaluate("window.__e2eMark = 'still-here'")


def expect_same_page(page: Page) -> None:
    assert page.evaluate("window.__e2eMark") == "still-here", "the page was reloaded"


def product_row(page: Page, sku: str) -> Locator:
    return page.locator(f'#product-table tbody tr[data-sku="{sku}"]')


def cart_row(page: Page, product_id: int) -> Locator:
    return page.locator(f'#cart-table tr[data-product-id="{product_id}"]')


def add_to_cart(page: Page, sku: str, name: str, quantity: int) -> None:
    row = product_row(page, sku)
    row.get_by_label(f"Quantity for {name}").fill(str(quantity))
    row.get_by_role("button", name="Add to cart").click()


def stock_badge(page: Page, sku: str) -> Locator:
    return product_row(page, sku).locator(".stock-badge")


def column_texts(page: Page, table: str, header: str) -> list[str]:
    """The text of every body cell under the column headed `header` in the table `table`."""
    # textContent, not innerText: CSS may upper-case the headers.
    headers = page.locator(f"{table} thead th").all_text_contents()
    index = next(
        i for i, text in enumerate(headers) if text.strip().lower().startswith(header.lower())
    )
    return page.locator(f"{table} tbody tr").evaluate_all(
        "(rows, i) => rows.map(row => row.cells[i].textContent.trim())", index
    )


def money(text: str) -> Decimal:
    found = MONEY.search(text)
    assert found, f"no amount in {text!r}"
    return Decimal(found.group().replace(",", ""))


def order_id_from_url(page: Page) -> int:
    expect(page).to_have_url(ORDER_URL)
    found = ORDER_URL.search(page.url)
    assert found
    return int(found.group(1))


def nav(page: Page, name: str) -> None:
    # The cart link's accessible name includes the badge ("Cart 3").
    main_nav = page.locator('nav[aria-label="Main"]')
    main_nav.get_by_role("link", name=re.compile(rf"^{name}\b")).click()


def sign_in(context: BrowserContext, user: Any, live_server_url: str) -> None:
    """Give the browser a logged-in session without going through the form (journey 1 does)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": live_server_url, "httpOnly": True}]
    )


@dataclass
class Shooter:
    """Saves numbered full-page screenshots of a test under artifacts/e2e/screenshots/<test>/."""

    folder: Path
    count: int = 0

    def __call__(self, page: Page, name: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

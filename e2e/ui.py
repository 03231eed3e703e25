"""Small page helpers shared by the journeys. Selectors and labels come from docs/UI.md."""

import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.test import Client
from playwright.sync_api import BrowserContext, Locator, Page, expect
from pypdf import PdfReader

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
    # The cart link's accessible name includes the badge ("Cart 3"). On a narrow screen the
    # other links are in the header's "Menu" (a <details>): open it first.
    main_nav = page.locator('nav[aria-label="Main"]')
    link = main_nav.get_by_role("link", name=re.compile(rf"^{name}\b"))
    menu = main_nav.locator("details.nav-menu")
    if not link.is_visible() and menu.locator("summary").is_visible():
        menu.locator("summary").click()
    link.click()


def sign_in(context: BrowserContext, user: Any, live_server_url: str) -> None:
    """Give the browser a logged-in session without going through the form (journey 1 does)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": live_server_url, "httpOnly": True}]
    )


def long_date(day: date) -> str:
    """A date as the review step and the order page write it ("Friday 5 June 2026")."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def check_out(
    page: Page, *, address: str, delivery_date: date, po_number: str, notes: str = ""
) -> int:
    """From the cart page: the delivery details, the review step showing them, "Place order".

    `address` is the option's label ("Depot, YO1 9ZZ"). Returns the new order's id, with the
    browser on its page.
    """
    page.get_by_label("Delivery address").select_option(label=address)
    page.get_by_label("Requested delivery date").fill(delivery_date.isoformat())
    page.get_by_label("PO number").fill(po_number)
    if notes:
        page.get_by_label("Notes for delivery").fill(notes)
    page.get_by_role("button", name="Review order").click()

    expect(page.get_by_role("heading", name="Review your order")).to_be_visible()
    expect(page.locator("#review-address")).to_contain_text(address.split(",")[0])
    expect(page.locator("#review-date")).to_have_text(long_date(delivery_date))
    expect(page.locator("#review-po")).to_have_text(po_number)
    page.get_by_role("button", name="Place order").click()
    return order_id_from_url(page)


# Submits a hidden form from the current page with its CSRF token (base.html puts it in the
# body's hx-headers): a request the page does not offer, as a hand-made one would arrive.
_POST_FORM_JS = """({action, fields}) => {
  const form = document.createElement("form");
  form.method = "post";
  form.action = action;
  const token = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
  for (const [name, value] of Object.entries({...fields, csrfmiddlewaretoken: token})) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    form.append(input);
  }
  document.body.append(form);
  form.submit();
}"""


def post_form(page: Page, action: str, fields: dict[str, str] | None = None) -> int:
    """POST `fields` to `action` from the current page; returns the response's status, which the
    browser then shows."""
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        page.evaluate(_POST_FORM_JS, {"action": action, "fields": fields or {}})
    return answer.value.status


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


def download_pdf(page: Page, link_name: str) -> tuple[str, str]:
    """Click the download link; return the file's suggested name and its text (read with pypdf)."""
    with page.expect_download() as event:
        page.get_by_role("link", name=link_name).click()
    data = open(event.value.path(), "rb").read()
    assert data.startswith(b"%PDF-")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    return event.value.suggested_filename, text

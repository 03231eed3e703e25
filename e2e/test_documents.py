"""Journey: a buyer downloads an order's confirmation, and once staff dispatched it, its invoice."""

import io
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from shop import services
from shop.models import Order, Product


def download(page: Page, link_name: str) -> tuple[str, str]:
    """Click the link, return the file's suggested name and its text."""
    with page.expect_download() as event:
        page.get_by_role("link", name=link_name).click()
    saved = event.value
    data = open(saved.path(), "rb").read()
    assert data.startswith(b"%PDF-")
    return saved.suggested_filename, "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_a_buyer_downloads_the_confirmation_and_after_dispatch_the_invoice(
    buyer_page: Page, buyer: Any, make_product: Callable[..., Product]
) -> None:
    flour = make_product(name="Strong white bread flour", stock=80, price="21.40")
    order = services.order_place(user=buyer, lines=[(flour.pk, 2)]).order

    buyer_page.goto(f"/orders/{order.pk}/")
    expect(buyer_page.get_by_role("link", name="Download invoice")).to_have_count(0)
    name, text = download(buyer_page, "Download confirmation (PDF)")
    assert name == f"{order.reference}-confirmation.pdf"
    assert order.reference in text and flour.sku in text

    for step in (Order.Status.CONFIRMED, Order.Status.DISPATCHED):
        services.order_advance(order_id=order.pk, to_status=step, by=None)
    buyer_page.reload()

    expect(buyer_page.locator("#order-invoice")).to_contain_text("INV-000001")
    name, text = download(buyer_page, "Download invoice INV-000001 (PDF)")
    assert name == "INV-000001.pdf"
    assert "INVOICE" in text and "INV-000001" in text and order.reference in text

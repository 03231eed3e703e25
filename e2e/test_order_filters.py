"""Journey: a buyer narrows the order history (with htmx, and without JavaScript), downloads
what it shows as order lines, and looks at the spend page; no CSP violation on the way."""

import csv
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from e2e.ui import expect_same_page, mark_page, sign_in
from shop import services
from shop.models import Order, Product
from shop.services.checkout import OrderDetails


@pytest.fixture
def history(buyer: Any, make_product: Callable[..., Product]) -> list[Order]:
    flour = make_product(name="Strong white flour", stock=100, price="12.50")
    orders = [
        services.order_place(
            user=buyer, lines=[(flour.pk, n)], details=OrderDetails(po_number=f"PO-{n}00")
        ).order
        for n in (1, 2, 3)
    ]
    services.order_cancel(user=buyer, order_id=orders[1].pk)
    return orders


def watch_console(page: Page) -> list[str]:
    problems: list[str] = []
    page.on(
        "console",
        lambda message: problems.append(message.text)
        if message.type == "error" and "Failed to load resource" not in message.text
        else None,
    )
    return problems


def rows(page: Page) -> list[str]:
    return page.locator("#order-table tbody tr").all_inner_texts()


def test_status_filter_swaps_the_results_and_the_url_follows(
    buyer_page: Page, history: list[Order]
) -> None:
    problems = watch_console(buyer_page)
    buyer_page.goto("/orders/")
    expect(buyer_page.locator("#result-count")).to_have_text("3 orders")
    mark_page(buyer_page)

    buyer_page.get_by_label("Status").select_option("cancelled")

    expect(buyer_page).to_have_url(re.compile(r"/orders/\?status=cancelled$"))
    expect(buyer_page.locator("#result-count")).to_have_text("1 order match the filters")
    expect(buyer_page.locator("#order-table tbody tr")).to_have_count(1)
    assert history[1].reference in rows(buyer_page)[0]
    expect_same_page(buyer_page)

    buyer_page.get_by_label("Reference or PO number").fill("PO-3")
    buyer_page.get_by_label("Status").select_option("")
    buyer_page.get_by_role("button", name="Filter").click()
    expect(buyer_page).to_have_url(re.compile(r"/orders/\?q=PO-3$"))
    expect(buyer_page.locator("#order-table tbody tr")).to_have_count(1)

    with buyer_page.expect_download() as download:
        buyer_page.get_by_role("link", name="Download order lines (CSV)").click()
    with open(download.value.path(), encoding="utf-8") as handle:
        lines = list(csv.reader(io.StringIO(handle.read())))
    assert [row[0] for row in lines[1:]] == [history[2].reference]
    assert lines[1][3] == "PO-300" and lines[1][6] == "3" and lines[1][9] == "37.50"
    assert problems == []


def test_without_javascript_the_form_filters_and_shows_errors(
    browser: Any, buyer: Any, history: list[Order], live_server: Any
) -> None:
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    sign_in(context, buyer, live_server.url)
    page = context.new_page()
    page.goto("/orders/")

    page.get_by_label("Status").select_option("cancelled")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"/orders/\?status=cancelled$"))  # empty fields dropped
    expect(page.locator("#order-table tbody tr")).to_have_count(1)

    page.goto("/orders/?status=cancelled&created_after=31-01-2026")
    expect(page.locator("#created_after-error")).to_contain_text("is not a date")
    expect(page.locator("#order-table tbody tr")).to_have_count(1)  # the status still applies
    context.close()


def test_the_spend_page_draws_the_chart_and_reads_at_phone_width(
    buyer_page: Page, history: list[Order]
) -> None:
    problems = watch_console(buyer_page)
    buyer_page.goto("/orders/")
    buyer_page.get_by_role("link", name="Spend per month").click()

    expect(buyer_page.get_by_role("heading", name="Spend", exact=True)).to_be_visible()
    chart = buyer_page.get_by_role("img", name=re.compile(r"^Spend excluding VAT per month"))
    expect(chart).to_be_visible()
    expect(buyer_page.locator("#spend-summary")).to_contain_text("£50.00")  # 1 + 3 sacks, not the cancelled 2
    expect(buyer_page.locator("#spend-chart .chart-bar rect")).to_have_count(1)

    buyer_page.set_viewport_size({"width": 390, "height": 844})
    expect(buyer_page.locator("#spend-chart")).to_be_hidden()
    expect(buyer_page.locator("#spend-chart-narrow")).to_be_visible()
    width = buyer_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width} px)"
    assert problems == []

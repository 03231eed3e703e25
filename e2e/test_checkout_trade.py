"""Journeys 8 and 9: the trade checkout and the order's life cycle.

8. A buyer of a company checks out to an address that is not the default, on a date they pick,
   with the PO number the company requires, through the review step; the order page shows them.
   The buyer downloads the order confirmation (PDF).
9. Staff confirm the order on its admin page and dispatch it with the list's action; the buyer
   sees the timeline (placed, confirmed, dispatched, each with its time) on the order page and
   downloads the invoice (PDF) with its number.
"""

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from companies import services as company_services
from companies.models import Address, Company, Role
from companies.services import AddressInput
from shop import services
from shop.models import Order, OrderStatusChange, Product
from shop.services.checkout import OrderDetails
from shop.services.delivery import earliest_delivery_date, is_working_day
from tests.factories import make_company, make_member, make_user
from ui import Shooter, check_out, download_pdf, long_date, sign_in


def later_working_day(after: date, days: int) -> date:
    day = after + timedelta(days=days)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


# Not the date the form preselects (the earliest): the buyer picks one.
DELIVERY_DATE = later_working_day(earliest_delivery_date(timezone.localdate()), 7)


@pytest.fixture
def company(transactional_db: None) -> Company:
    company, admin = make_company(
        "Village Bakery", admin_email="owner@village-bakery.test", po_number_required=True
    )
    for label, lines, postcode in (
        ("Bakery", "1 Mill Lane\nLeeds", "LS1 1AA"),  # the first address: the default
        ("Depot", "9 Yard Road\nYork", "YO1 9ZZ"),
    ):
        company_services.address_create(
            actor=admin, data=AddressInput(label=label, lines=lines, postcode=postcode)
        )
    return company


@pytest.fixture
def trade_buyer(company: Company) -> Any:
    return make_member("orders@village-bakery.test", company, Role.BUYER)


@pytest.fixture
def products(make_product: Callable[..., Product]) -> list[Product]:
    return [
        make_product(name="Light rye flour", price="26.50", stock=40),
        make_product(name="Dark chocolate chips", price="48.00", stock=12, vat_rate=Decimal("20")),
    ]


def test_a_buyer_checks_out_with_a_chosen_address_date_and_po_number(
    page: Page,
    live_server: Any,
    company: Company,
    trade_buyer: Any,
    products: list[Product],
    shoot: Shooter,
) -> None:
    rye, chips = products
    services.cart_add(user=trade_buyer, product_id=rye.pk, quantity=2)
    services.cart_add(user=trade_buyer, product_id=chips.pk, quantity=1)
    sign_in(page.context, trade_buyer, live_server.url)
    page.goto("/cart/")

    # The company's default address comes preselected, and its setting makes the PO required.
    default = Address.objects.get(company=company, is_default=True)
    expect(page.get_by_label("Delivery address")).to_have_value(str(default.pk))
    expect(page.locator("#checkout-form")).to_contain_text("PO number (required)")
    shoot(page, "cart")

    order_id = check_out(
        page,
        address="Depot, YO1 9ZZ",
        delivery_date=DELIVERY_DATE,
        po_number="PO-88213",
        notes="Gate code 4471",
    )

    expect(page.locator("#order-placed")).to_be_visible()
    details = page.locator("#order-details")
    expect(details.locator("#order-address")).to_contain_text("Depot")
    expect(details.locator("#order-address")).to_contain_text("9 Yard Road")
    expect(details.locator("#order-delivery-date")).to_have_text(long_date(DELIVERY_DATE))
    expect(details.locator("#order-po")).to_have_text("PO-88213")
    expect(details.locator("#order-notes")).to_contain_text("Gate code 4471")
    expect(details.locator("#order-placed-by")).to_have_text(trade_buyer.email)
    # 2 x 26.50 zero-rated + 48.00 at 20%: 101.00 net, 9.60 VAT.
    expect(page.locator('#order-totals [data-total="gross"]')).to_contain_text("110.60")
    shoot(page, "order")

    order = Order.objects.get(pk=order_id)
    assert (order.company_id, order.user_id, order.status) == (company.pk, trade_buyer.pk, "placed")
    assert (order.delivery_label, order.delivery_postcode) == ("Depot", "YO1 9ZZ")
    assert (order.delivery_date, order.po_number) == (DELIVERY_DATE, "PO-88213")
    assert order.notes == "Gate code 4471"

    # The confirmation, as a PDF: no invoice before the order is dispatched.
    expect(page.get_by_role("link", name=re.compile("Download invoice"))).to_have_count(0)
    name, text = download_pdf(page, "Download confirmation (PDF)")
    assert name == f"{order.reference}-confirmation.pdf"
    for expected in (order.reference, "PO-88213", "9 Yard Road", rye.sku, chips.sku, "110.60"):
        assert expected in text


@pytest.fixture
def placed_order(company: Company, trade_buyer: Any, products: list[Product]) -> Order:
    depot = Address.objects.get(company=company, label="Depot")
    return services.order_place(
        user=trade_buyer,
        lines=[{"product": products[0].pk, "quantity": 3}],
        details=OrderDetails(
            po_number="PO-90001", delivery_date=DELIVERY_DATE, delivery_address_id=depot.pk
        ),
    ).order


def timeline_times(page: Page) -> list[datetime]:
    stamps = page.locator("#order-timeline .is-done time").evaluate_all(
        "times => times.map(time => time.getAttribute('datetime'))"
    )
    return [datetime.fromisoformat(stamp) for stamp in stamps]


def test_staff_confirm_and_dispatch_an_order_and_the_buyer_sees_the_timeline(
    page: Page,
    new_context: Callable[..., BrowserContext],
    live_server: Any,
    trade_buyer: Any,
    placed_order: Order,
    shoot: Shooter,
) -> None:
    staff = make_user("staff@millstone.test", staff=True)
    reference = placed_order.reference
    admin_page = new_context().new_page()
    sign_in(admin_page.context, staff, live_server.url)
    admin_messages = admin_page.locator(".messagelist")

    # One order, on its change page: the button for its next step.
    admin_page.goto(f"/admin/shop/order/{placed_order.pk}/change/")
    admin_page.get_by_role("button", name="Mark confirmed").click()
    expect(admin_messages).to_contain_text(f"1 order(s) marked confirmed: {reference}")
    expect(admin_page.get_by_role("button", name="Mark dispatched")).to_be_visible()
    shoot(admin_page, "admin-order-confirmed")

    # A selection, from the list: the action.
    admin_page.goto("/admin/shop/order/")
    row_checkbox = f"Select this object for an action - {reference}"
    admin_page.get_by_role("checkbox", name=row_checkbox).check()
    action = admin_page.get_by_role("combobox", name=re.compile(r"^Action"))
    action.select_option(label="Mark dispatched")
    admin_page.get_by_role("button", name="Run").click()
    expect(admin_messages).to_contain_text(f"1 order(s) marked dispatched: {reference}")
    shoot(admin_page, "admin-orders-dispatched")

    changes = list(OrderStatusChange.objects.filter(order=placed_order))
    assert [(c.status, c.by_id, c.by_staff) for c in changes] == [
        ("confirmed", staff.pk, True),
        ("dispatched", staff.pk, True),
    ]

    # The buyer's order page: each step with its time, the shop's steps marked, what comes next.
    sign_in(page.context, trade_buyer, live_server.url)
    page.goto(f"/orders/{placed_order.pk}/")
    expect(page.locator(".status-badge")).to_have_text("Dispatched")
    timeline = page.locator("#order-timeline")
    done = timeline.locator(".is-done")
    expect(done.locator(".timeline-status")).to_have_text(["Placed", "Confirmed", "Dispatched"])
    expect(done).to_have_text([re.compile(r"\d{4}, \d\d:\d\d")] * 3)
    expect(done.locator(".timeline-by")).to_have_text(["by the shop"] * 2)
    expect(timeline.locator(".is-next")).to_contain_text("Delivered")
    assert timeline_times(page) == [placed_order.created_at, *(c.at for c in changes)]
    # Dispatched: too late to cancel.
    expect(page.get_by_role("link", name="Cancel order")).to_have_count(0)
    shoot(page, "order-timeline")

    # Dispatched: the invoice, numbered.
    expect(page.locator("#order-invoice")).to_contain_text("INV-000001")
    name, text = download_pdf(page, "Download invoice INV-000001 (PDF)")
    assert name == "INV-000001.pdf"
    for expected in ("INVOICE", "INV-000001", reference, "PO-90001"):
        assert expected in text

"""Journeys 10 and 11: a company's people.

10. An admin invites a colleague by email with a role; the colleague follows the link in the
    mail, signs up into the company (no second email code: the link proved the address), and
    the admin sees them among the members with that role.
11. A viewer sees the catalogue and the company's orders but no button that orders, and a
    hand-made POST to the cart or the checkout gets the "Not allowed" page (403).
"""

import re
from collections.abc import Callable
from typing import Any

from django.core import mail
from playwright.sync_api import BrowserContext, Page, expect

from companies.models import Membership, Role
from shop import services
from shop.models import CartItem, Order, Product
from tests.factories import make_company, make_member
from ui import Shooter, nav, post_form, product_row, sign_in

COLLEAGUE = "bookkeeper@village-bakery.test"
PASSWORD = "sourdough-and-ledgers-2026"


def test_an_admin_invites_a_colleague_who_signs_up_into_the_company(
    page: Page,
    new_context: Callable[..., BrowserContext],
    live_server: Any,
    transactional_db: None,
    shoot: Shooter,
) -> None:
    company, admin = make_company("Village Bakery", admin_email="owner@village-bakery.test")
    sign_in(page.context, admin, live_server.url)
    page.goto("/company/members/")
    invite = page.locator("#invite-form")
    invite.get_by_label("Email").fill(COLLEAGUE)
    invite.get_by_label("Role").select_option(label="Viewer")
    invite.get_by_role("button", name="Send invitation").click()

    expect(page.locator("#messages")).to_contain_text(f"Invitation sent to {COLLEAGUE}")
    expect(page.locator("#invitation-table")).to_contain_text(COLLEAGUE)
    shoot(page, "members-invited")
    [sent] = mail.outbox
    assert sent.to == [COLLEAGUE]
    link = re.search(r"https?://\S+/company/join/\S+/", sent.body)
    assert link, sent.body

    # The colleague, in a browser of their own.
    colleague = new_context().new_page()
    colleague.goto(link.group())
    expect(colleague.get_by_role("heading", name="Join Village Bakery")).to_be_visible()
    expect(colleague.get_by_role("main")).to_contain_text("invited as viewer")
    expect(colleague.get_by_label("Email")).to_have_value(COLLEAGUE)
    shoot(colleague, "join")
    colleague.get_by_label("Password", exact=True).fill(PASSWORD)
    colleague.get_by_label("Password (again)").fill(PASSWORD)
    colleague.get_by_role("button", name="Create account and join").click()

    expect(colleague).to_have_url(re.compile(r"/$"))
    expect(colleague.locator("#user-email")).to_have_text(COLLEAGUE)
    nav(colleague, "Company")
    expect(colleague.get_by_role("main")).to_contain_text("Village Bakery")

    membership = Membership.objects.get(user__email=COLLEAGUE)
    assert (membership.company_id, membership.role) == (company.pk, Role.VIEWER)

    # The admin sees the new member with their role; the invitation is no longer pending.
    page.reload()
    row = page.locator(f'#member-table tr[data-member-id="{membership.pk}"]')
    expect(row).to_contain_text(COLLEAGUE)
    expect(row.get_by_label(f"Role of {COLLEAGUE}")).to_have_value(Role.VIEWER)
    expect(page.locator("#invitation-table")).to_have_count(0)
    expect(page.locator("#members")).to_contain_text("No pending invitations.")
    shoot(page, "members-joined")


def test_a_viewer_sees_no_order_buttons_and_posting_an_order_is_refused(
    page: Page, live_server: Any, make_product: Callable[..., Product], shoot: Shooter
) -> None:
    company, _ = make_company("Village Bakery", admin_email="owner@village-bakery.test")
    buyer = make_member("orders@village-bakery.test", company, Role.BUYER)
    viewer = make_member(COLLEAGUE, company, Role.VIEWER)
    flour = make_product(name="Strong white bread flour", price="21.40", stock=50)
    order = services.order_place(user=buyer, lines=[{"product": flour.pk, "quantity": 2}]).order
    # Left in the cart from before an admin made them a viewer: it cannot be checked out.
    CartItem.objects.create(user=viewer, product=flour, quantity=3)
    sign_in(page.context, viewer, live_server.url)

    page.goto("/")
    expect(product_row(page, flour.sku)).to_contain_text("View only")
    expect(page.get_by_role("button", name="Add to cart")).to_have_count(0)
    shoot(page, "catalogue")

    product_row(page, flour.sku).get_by_role("link", name=flour.name).click()
    expect(page.get_by_role("heading", name=flour.name)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("view only")
    expect(page.get_by_role("button", name="Add to cart")).to_have_count(0)

    # The company's orders: the buyer's is there, with who placed it, and nothing to press.
    nav(page, "Orders")
    page.locator("#order-table").get_by_role("link", name=order.reference).click()
    expect(page.locator("#order-placed-by")).to_have_text(buyer.email)
    expect(page.get_by_role("button", name="Order again")).to_have_count(0)
    expect(page.get_by_role("link", name="Cancel order")).to_have_count(0)
    shoot(page, "order")

    nav(page, "Cart")
    expect(page.locator("#view-only")).to_be_visible()
    expect(page.get_by_role("button", name="Review order")).to_have_count(0)
    expect(page.get_by_role("button", name="Update")).to_have_count(0)

    # What the pages do not offer, posted by hand: the server refuses it.
    for action, fields in (
        ("/cart/add/", {"product": str(flour.pk), "quantity": "1"}),
        ("/cart/checkout/", {f"line-{flour.pk}-quantity": "3"}),
        (f"/orders/{order.pk}/cancel/", {}),
    ):
        assert post_form(page, action, fields) == 403, action
        expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    shoot(page, "not-allowed")

    assert list(CartItem.objects.filter(user=viewer).values_list("quantity", flat=True)) == [3]
    assert list(Order.objects.values_list("pk", "status")) == [(order.pk, "placed")]

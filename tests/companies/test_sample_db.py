"""`manage.py sample_db`: the demo companies, safe to run again."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from companies.models import Address, Company, Membership, Role
from companies.services import company_create
from shop.management.commands.sample_db import DEMO_BUYER, ensure_user
from shop.models import Invoice, Order, OrderStatusChange

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_it_makes_three_companies_with_an_admin_a_buyer_and_a_viewer_each_and_is_idempotent() -> None:
    call_command("sample_db", stdout=io.StringIO())
    first = (Company.objects.count(), Membership.objects.count(), Address.objects.count())
    call_command("sample_db", stdout=io.StringIO())

    assert (Company.objects.count(), Membership.objects.count(), Address.objects.count()) == first
    for name in ("Rye & Barley Bakery", "Hopfield Brewing Co", "Fire & Vine Sauces"):
        company = Company.objects.get(name=name)
        roles = sorted(company.memberships.values_list("role", flat=True))
        assert roles == sorted([Role.ADMIN, Role.BUYER, Role.VIEWER])
        assert company.addresses.filter(is_default=True).count() == 1
    demo = Membership.objects.select_related("company").get(user__email=DEMO_BUYER[0])
    assert demo.company.name == "Millstone Demo Bakery"
    assert demo.company.addresses.exists()


def test_it_names_a_demo_company_the_upgrade_named_after_the_email() -> None:
    buyer, _ = ensure_user(*DEMO_BUYER)
    company_create(name=DEMO_BUYER[0], admin=buyer)

    call_command("sample_db", stdout=io.StringIO())

    assert Membership.objects.get(user=buyer).company.name == "Millstone Demo Bakery"


def test_each_sample_company_has_a_year_of_orders_in_every_status() -> None:
    call_command("sample_db", stdout=io.StringIO())
    orders_before = Order.objects.count()
    call_command("sample_db", stdout=io.StringIO())
    assert Order.objects.count() == orders_before  # run again: nothing added

    now = timezone.now()
    for name in ("Rye & Barley Bakery", "Hopfield Brewing Co", "Fire & Vine Sauces"):
        orders = Order.objects.filter(company__name=name)
        assert set(orders.values_list("status", flat=True)) == set(Order.Status.values)
        assert {o.user.email.split("@")[0] for o in orders} == {"buyer"}
        oldest = orders.order_by("created_at").first()
        assert timedelta(days=300) < now - oldest.created_at < timedelta(days=366)
        delivered = orders.filter(status=Order.Status.DELIVERED).first()
        steps = [step.status for step in delivered.status_history()]
        assert steps == ["placed", "confirmed", "dispatched", "delivered"]
        assert [s.at for s in delivered.status_history()] == sorted(s.at for s in delivered.status_history())
    out = io.StringIO()
    call_command("check_ledger", stdout=out)


def test_the_sample_history_mails_nobody() -> None:
    call_command("sample_db", stdout=io.StringIO())

    assert Order.objects.exists()
    assert mail.outbox == []


def test_the_dispatched_sample_orders_have_invoices_numbered_in_dispatch_order_without_gaps() -> None:
    call_command("sample_db", stdout=io.StringIO())

    invoices = list(Invoice.objects.select_related("order").order_by("number"))
    shipped = Order.objects.filter(status__in=[Order.Status.DISPATCHED, Order.Status.DELIVERED])
    assert [invoice.number for invoice in invoices] == list(range(1, shipped.count() + 1))
    assert {invoice.order_id for invoice in invoices} == set(shipped.values_list("pk", flat=True))
    dispatched_at = dict(
        OrderStatusChange.objects.filter(status=Order.Status.DISPATCHED).values_list("order_id", "at")
    )
    assert [invoice.issued_at for invoice in invoices] == [dispatched_at[i.order_id] for i in invoices]
    assert [invoice.issued_at for invoice in invoices] == sorted(invoice.issued_at for invoice in invoices)
    assert all(invoice.company_name == invoice.order.company.name for invoice in invoices)


def test_each_sample_company_has_a_saved_list_its_members_can_put_in_the_cart() -> None:
    from shop.models import SavedList
    from shop.services.packs import is_allowed

    call_command("sample_db", stdout=io.StringIO())
    lists_before = sorted(SavedList.objects.values_list("company__name", "name"))
    call_command("sample_db", stdout=io.StringIO())

    assert sorted(SavedList.objects.values_list("company__name", "name")) == lists_before
    names = {name for name, _ in lists_before}
    assert names >= {"Rye & Barley Bakery", "Hopfield Brewing Co", "Fire & Vine Sauces", "Millstone Demo Bakery"}
    assert ("Rye & Barley Bakery", "Thursday bakery order") in lists_before
    for saved in SavedList.objects.prefetch_related("items__product"):
        items = list(saved.items.all())
        assert len(items) >= 4 and saved.created_by.email.startswith("buyer@")
        for item in items:  # quantities the pack rules allow, so the list goes in the cart whole
            assert is_allowed(item.product, item.quantity), (saved.name, item.product.sku)

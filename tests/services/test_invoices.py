"""shop.services.invoices: a dispatch issues the order's invoice with the next number, 1, 2, 3, ...
with no gap and no number twice, even when dispatches run at once or roll back."""

import importlib
import threading
import time
from typing import Any
from unittest import mock

import pytest
from django.apps import apps
from django.db import connection, connections, transaction

from companies import services as company_services
from companies.services import AddressInput
from shop import services
from shop.models import Invoice, InvoiceSequence, Order, OrderStatusChange, Product
from shop.services.checkout import OrderDetails
from tests.factories import make_user
from tests.services.test_concurrency import race

S = Order.Status


class Boom(Exception):
    pass


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def flour(make_product: Any) -> Product:
    return make_product(stock=1000)


def orders_of_different_buyers(product: Product, count: int) -> list[Order]:
    """Confirmed orders, each placed by a buyer of their own: order_advance locks the order's
    row with its buyer's, so dispatches of one buyer's orders would queue there instead."""
    return [confirmed_order(make_user(f"racer{i}@bakery.test"), product) for i in range(count)]


def confirmed_order(user: Any, product: Product, **details: Any) -> Order:
    order = services.order_place(user=user, lines=[(product.pk, 1)], details=OrderDetails(**details)).order
    services.order_advance(order_id=order.pk, to_status=S.CONFIRMED, by=None)
    return order


def dispatch(order: Order, by: Any = None) -> Order:
    return services.order_advance(order_id=order.pk, to_status=S.DISPATCHED, by=by)


def invoice_numbers() -> list[int]:
    return list(Invoice.objects.order_by("number").values_list("number", flat=True))


@pytest.mark.django_db
class TestIssuing:
    @pytest.fixture
    def bakery_admin(self) -> Any:
        admin = make_user("owner@rye.test")
        company = admin.membership.company
        company.name, company.vat_number = "Rye & Barley Bakery", "GB210000001"
        company.save()
        company_services.address_create(
            actor=admin,
            data=AddressInput(label="Head office", lines="1 Mill Lane\nHebden Bridge", postcode="HX7 8AD"),
        )
        return admin

    def test_dispatching_issues_the_invoice_with_the_company_as_it_is_then(
        self, bakery_admin: Any, flour: Product, staff: Any
    ) -> None:
        order = confirmed_order(bakery_admin, flour)
        assert not Invoice.objects.exists()  # placed and confirmed: no invoice yet

        dispatch(order, by=staff)

        invoice = Invoice.objects.get(order=order)
        assert (invoice.number, invoice.reference) == (1, "INV-000001")
        assert (invoice.company_name, invoice.vat_number) == ("Rye & Barley Bakery", "GB210000001")
        assert invoice.address_label == "Head office"
        assert invoice.address_line_list == ["1 Mill Lane", "Hebden Bridge"]
        assert (invoice.address_postcode, invoice.address_country) == ("HX7 8AD", "GB")
        dispatched = OrderStatusChange.objects.get(order=order, status=S.DISPATCHED)
        assert invoice.issued_at == dispatched.at

    def test_an_issued_invoice_keeps_the_name_and_address_after_the_company_changes(
        self, bakery_admin: Any, flour: Product
    ) -> None:
        order = confirmed_order(bakery_admin, flour)
        dispatch(order)

        company_services.company_update(
            actor=bakery_admin, name="Rye Holdings plc", vat_number="GB999999999", po_number_required=False
        )
        company_services.address_create(
            actor=bakery_admin,
            data=AddressInput(label="New office", lines="9 Far Street", postcode="LS1 1AA"),
            is_default=True,
        )

        invoice = Invoice.objects.get(order=order)
        assert (invoice.company_name, invoice.vat_number, invoice.address_label) == (
            "Rye & Barley Bakery", "GB210000001", "Head office",
        )

    def test_a_company_without_an_address_is_invoiced_at_the_delivery_address(
        self, buyer: Any, flour: Product
    ) -> None:
        order = confirmed_order(buyer, flour)
        Order.objects.filter(pk=order.pk).update(
            delivery_label="Yard", delivery_lines="2 Dock Road", delivery_postcode="BS1 6QA", delivery_country="GB"
        )

        dispatch(order)

        invoice = Invoice.objects.get(order=order)
        assert (invoice.address_label, invoice.address_lines, invoice.address_postcode) == (
            "Yard", "2 Dock Road", "BS1 6QA",
        )

    def test_numbers_follow_the_dispatches_not_the_orders(self, buyer: Any, flour: Product) -> None:
        first, second, third = (confirmed_order(buyer, flour) for _ in range(3))

        for order in (third, first, second):
            dispatch(order)

        by_order = dict(Invoice.objects.values_list("order_id", "number"))
        assert [by_order[o.pk] for o in (third, first, second)] == [1, 2, 3]
        assert InvoiceSequence.objects.get().last_number == 3

    def test_confirming_delivering_and_cancelling_issue_no_invoice(self, buyer: Any, flour: Product) -> None:
        kept = confirmed_order(buyer, flour)
        dropped = confirmed_order(buyer, flour)
        services.order_cancel(user=buyer, order_id=dropped.pk)
        dispatch(kept)

        services.order_advance(order_id=kept.pk, to_status=S.DELIVERED, by=None)

        assert invoice_numbers() == [1]
        assert not Invoice.objects.filter(order=dropped).exists()

    def test_a_dispatch_that_rolls_back_leaves_no_gap(self, buyer: Any, flour: Product) -> None:
        rolled_back, next_one = confirmed_order(buyer, flour), confirmed_order(buyer, flour)

        with pytest.raises(Boom), transaction.atomic():
            dispatch(rolled_back)
            assert invoice_numbers() == [1]
            raise Boom  # e.g. the caller's transaction fails after the dispatch

        assert Order.objects.get(pk=rolled_back.pk).status == S.CONFIRMED
        assert invoice_numbers() == []
        dispatch(next_one)
        assert Invoice.objects.get().order_id == next_one.pk
        assert invoice_numbers() == [1]

    def test_a_dispatch_failing_after_taking_the_number_gives_it_back(
        self, buyer: Any, flour: Product
    ) -> None:
        failing, next_one = confirmed_order(buyer, flour), confirmed_order(buyer, flour)

        with mock.patch.object(Invoice.objects, "create", side_effect=Boom), pytest.raises(Boom):
            dispatch(failing)

        assert Order.objects.get(pk=failing.pk).status == S.CONFIRMED
        assert not OrderStatusChange.objects.filter(order=failing, status=S.DISPATCHED).exists()
        assert not InvoiceSequence.objects.filter(last_number__gt=0).exists()
        dispatch(next_one)
        assert invoice_numbers() == [1]

    def test_a_lost_sequence_row_starts_again_after_the_highest_invoice(
        self, buyer: Any, flour: Product
    ) -> None:
        first, second = confirmed_order(buyer, flour), confirmed_order(buyer, flour)
        dispatch(first)
        InvoiceSequence.objects.all().delete()

        dispatch(second)

        assert invoice_numbers() == [1, 2]
        assert InvoiceSequence.objects.get().last_number == 2


@pytest.mark.django_db
def test_the_migration_invoices_orders_dispatched_before_invoices_existed_in_dispatch_order(
    buyer: Any, flour: Product
) -> None:
    migration = importlib.import_module("shop.migrations.0010_invoice")
    early, late, open_order = (confirmed_order(buyer, flour) for _ in range(3))
    for order in (late, early):
        dispatch(order)
    services.order_advance(order_id=early.pk, to_status=S.DELIVERED, by=None)
    # As before invoices existed: dispatched and delivered orders, no invoice, no counter.
    Invoice.objects.all().delete()
    InvoiceSequence.objects.all().delete()

    migration.invoice_dispatched_orders(apps, None)

    by_order = dict(Invoice.objects.values_list("order_id", "number"))
    assert by_order == {late.pk: 1, early.pk: 2}
    assert InvoiceSequence.objects.get().last_number == 2
    dispatched = OrderStatusChange.objects.get(order=late, status=S.DISPATCHED)
    assert Invoice.objects.get(order=late).issued_at == dispatched.at
    dispatch(open_order)
    assert Invoice.objects.get(order=open_order).number == 3


@pytest.mark.parametrize("sequence_row", ["made by the migration", "missing"])
@pytest.mark.postgres
@pytest.mark.usefixtures("postgres_only")
@pytest.mark.django_db(transaction=True)
def test_orders_dispatched_at_once_get_numbers_one_to_n_without_gap_or_duplicate(
    flour: Product, sequence_row: str
) -> None:
    orders = orders_of_different_buyers(flour, 12)
    if sequence_row == "missing":
        InvoiceSequence.objects.all().delete()
    else:
        InvoiceSequence.objects.update_or_create(pk=1, defaults={"last_number": 0})

    results = race([(lambda o=o: dispatch(o)) for o in orders])

    assert all(isinstance(r, Order) for r in results), results
    assert invoice_numbers() == list(range(1, 13))
    assert set(Invoice.objects.values_list("order_id", flat=True)) == {o.pk for o in orders}
    assert InvoiceSequence.objects.get().last_number == 12


@pytest.mark.postgres
@pytest.mark.usefixtures("postgres_only")
@pytest.mark.django_db(transaction=True)
def test_dispatches_rolling_back_among_concurrent_ones_leave_no_gap(flour: Product) -> None:
    orders = orders_of_different_buyers(flour, 12)

    def dispatch_then_maybe_fail(order: Order, fail: bool) -> Order:
        with transaction.atomic():
            dispatched = dispatch(order)
            if fail:
                raise Boom  # after taking a number: it must go back
        return dispatched

    results = race(
        [(lambda o=o, i=i: dispatch_then_maybe_fail(o, fail=i % 3 == 0)) for i, o in enumerate(orders)]
    )

    failed = [o for i, o in enumerate(orders) if i % 3 == 0]
    assert sum(isinstance(r, Boom) for r in results) == len(failed) == 4
    assert invoice_numbers() == list(range(1, 9))
    assert not Invoice.objects.filter(order__in=failed).exists()
    assert set(Order.objects.filter(pk__in=[o.pk for o in failed]).values_list("status", flat=True)) == {S.CONFIRMED}


def wait_for_a_connection_waiting_on_a_lock(timeout: float = 30) -> None:
    """Return once another connection to the test database waits for a lock (PostgreSQL)."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.01)
    raise AssertionError("no connection ever waited for a lock")


@pytest.mark.postgres
@pytest.mark.usefixtures("postgres_only")
@pytest.mark.django_db(transaction=True)
def test_a_dispatch_waits_for_one_still_holding_its_number_and_takes_the_next(flour: Product) -> None:
    first, second = orders_of_different_buyers(flour, 2)
    InvoiceSequence.objects.update_or_create(pk=1, defaults={"last_number": 0})
    holding, release = threading.Event(), threading.Event()
    results: dict[str, Any] = {}

    def dispatch_and_hold() -> None:
        try:
            with transaction.atomic():
                dispatch(first)
                holding.set()
                release.wait(timeout=30)  # not committed yet: the number is still taken
        except Exception as exc:  # asserted on below
            results["first"] = exc
        finally:
            holding.set()
            connections.close_all()

    def dispatch_meanwhile() -> None:
        try:
            holding.wait(timeout=30)
            results["second"] = dispatch(second)
        except Exception as exc:  # asserted on below
            results["second"] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=dispatch_and_hold), threading.Thread(target=dispatch_meanwhile)]
    for thread in threads:
        thread.start()
    try:
        holding.wait(timeout=30)
        wait_for_a_connection_waiting_on_a_lock()  # the second dispatch queues behind the first
    finally:
        release.set()
        for thread in threads:
            thread.join(timeout=60)

    assert "first" not in results and isinstance(results["second"], Order), results
    assert dict(Invoice.objects.values_list("order_id", "number")) == {first.pk: 1, second.pk: 2}

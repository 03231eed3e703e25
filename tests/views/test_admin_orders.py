"""The order admin: staff move orders along (actions on a selection, buttons on one order)
only through shop.services.order_status, and see each order's status history."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shop import services
from shop.models import Invoice, Order, OrderStatusChange, Product
from shop.services.checkout import OrderDetails
from tests.factories import make_company

pytestmark = pytest.mark.django_db

S = Order.Status
CHANGELIST = reverse("admin:shop_order_changelist")


@pytest.fixture
def staff_client(staff: Any) -> Client:
    client = Client()
    client.force_login(staff)
    return client


@pytest.fixture
def rye(make_product: Callable[..., Product]) -> Product:
    return make_product(stock=30)


@pytest.fixture
def place(buyer: Any, rye: Product) -> Callable[[], Order]:
    return lambda: services.order_place(user=buyer, lines=[(rye.pk, 2)]).order


def act(client: Client, action: str, *orders: Order) -> Any:
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": [o.pk for o in orders]}, follow=True
    )


def texts(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def status_of(order: Order) -> str:
    return Order.objects.values_list("status", flat=True).get(pk=order.pk)


def test_marking_several_orders_confirmed_records_each_with_the_staff_user(
    staff_client: Client, staff: Any, place: Callable[[], Order]
) -> None:
    first, second = place(), place()

    response = act(staff_client, "mark_confirmed", first, second)

    assert response.status_code == 200
    assert status_of(first) == status_of(second) == S.CONFIRMED
    assert list(
        OrderStatusChange.objects.order_by("order_id").values_list("order_id", "status", "by", "by_staff")
    ) == [(first.pk, S.CONFIRMED, staff.pk, True), (second.pk, S.CONFIRMED, staff.pk, True)]
    assert f"2 order(s) marked confirmed: {first.reference}, {second.reference}." in texts(response)


def test_refused_orders_are_reported_one_by_one_and_the_rest_are_done(
    staff_client: Client, place: Callable[[], Order]
) -> None:
    placed, confirmed, cancelled = place(), place(), place()
    services.order_advance(order_id=confirmed.pk, to_status=S.CONFIRMED, by=None)
    services.order_cancel_by_staff(order_id=cancelled.pk, by=None)

    response = act(staff_client, "mark_dispatched", placed, confirmed, cancelled)

    assert (status_of(placed), status_of(confirmed), status_of(cancelled)) == (
        S.PLACED, S.DISPATCHED, S.CANCELLED
    )
    messages = texts(response)
    assert f"{placed.reference} is placed: it cannot be marked dispatched." in messages
    assert f"{cancelled.reference} is cancelled: it cannot be marked dispatched." in messages
    assert f"1 order(s) marked dispatched: {confirmed.reference}." in messages


def test_each_step_action_moves_one_order_along(
    staff_client: Client, place: Callable[[], Order]
) -> None:
    order = place()
    for action, status in (
        ("mark_confirmed", S.CONFIRMED), ("mark_dispatched", S.DISPATCHED), ("mark_delivered", S.DELIVERED)
    ):
        act(staff_client, action, order)
        assert status_of(order) == status

    assert [s.status for s in Order.objects.get(pk=order.pk).status_history()] == [
        S.PLACED, S.CONFIRMED, S.DISPATCHED, S.DELIVERED
    ]


def test_the_cancel_action_puts_stock_back_once_and_skips_dispatched_orders(
    staff_client: Client, staff: Any, place: Callable[[], Order], rye: Product
) -> None:
    placed, dispatched = place(), place()
    for status in (S.CONFIRMED, S.DISPATCHED):
        services.order_advance(order_id=dispatched.pk, to_status=status, by=staff)

    response = act(staff_client, "mark_cancelled", placed, dispatched)
    act(staff_client, "mark_cancelled", placed)

    assert status_of(placed) == S.CANCELLED and status_of(dispatched) == S.DISPATCHED
    rye.refresh_from_db()
    assert rye.stock == 28
    change = OrderStatusChange.objects.get(order=placed, status=S.CANCELLED)
    assert (change.by, change.by_staff) == (staff, True)
    assert f"{dispatched.reference} is dispatched: it cannot be cancelled." in texts(response)


def test_the_change_page_moves_one_order_with_its_button(
    staff_client: Client, staff: Any, place: Callable[[], Order]
) -> None:
    order = place()
    url = reverse("admin:shop_order_change", args=[order.pk])

    page = staff_client.get(url).content.decode()
    assert 'name="_mark_confirmed"' in page and 'name="_mark_cancelled"' in page
    assert 'name="_mark_dispatched"' not in page

    response = staff_client.post(url, {"_mark_confirmed": "Mark confirmed"})

    assert response.status_code == 302 and response["Location"] == url
    assert status_of(order) == S.CONFIRMED
    assert OrderStatusChange.objects.get(order=order).by == staff


def test_a_stale_change_page_refuses_instead_of_skipping_a_step(
    staff_client: Client, staff: Any, place: Callable[[], Order]
) -> None:
    order = place()
    url = reverse("admin:shop_order_change", args=[order.pk])
    services.order_advance(order_id=order.pk, to_status=S.CONFIRMED, by=staff)

    response = staff_client.post(url, {"_mark_confirmed": "Mark confirmed"}, follow=True)

    assert f"{order.reference} is confirmed: it cannot be marked confirmed." in texts(response)
    assert OrderStatusChange.objects.filter(order=order).count() == 1


def test_saving_the_change_page_never_writes_the_order_row(
    staff_client: Client, place: Callable[[], Order]
) -> None:
    """Every field is read-only: a save writing the row back could put back a status read
    before a concurrent change (a buyer's cancel between the page's read and its save)."""
    order = place()
    url = reverse("admin:shop_order_change", args=[order.pk])
    data = saved_form_data(staff_client.get(url).context)

    with CaptureQueriesContext(connection) as queries:
        response = staff_client.post(url, {**data, "_save": "Save"})

    assert response.status_code == 302  # saved: the form was valid
    table = connection.ops.quote_name(Order._meta.db_table)
    assert not [q for q in queries if q["sql"].startswith(f"UPDATE {table}")]
    assert status_of(order) == S.PLACED


def saved_form_data(context: Any) -> dict[str, Any]:
    """What the change page's form posts back unchanged: its fields and its inlines' forms."""
    data: dict[str, Any] = {}
    for formset in (inline.formset for inline in context["inline_admin_formsets"]):
        data.update(
            {f"{formset.prefix}-{key}": value for key, value in formset.management_form.initial.items()}
        )
        for form in formset.forms:
            data[form.add_prefix("id")] = form.instance.pk
            data[form.add_prefix(formset.fk.name)] = formset.instance.pk
    return data


def test_the_change_page_shows_the_status_history_read_only(
    staff_client: Client, staff: Any, place: Callable[[], Order]
) -> None:
    order = place()
    services.order_advance(order_id=order.pk, to_status=S.CONFIRMED, by=staff)

    page = staff_client.get(reverse("admin:shop_order_change", args=[order.pk])).content.decode()

    assert "Status history" in page
    assert staff.email in page or staff.username in page
    assert 'name="status_changes-0-status"' not in page


def test_the_invoice_number_shows_in_the_list_and_on_the_change_page_once_dispatched(
    staff_client: Client, staff: Any, place: Callable[[], Order]
) -> None:
    dispatched, open_order = place(), place()
    act(staff_client, "mark_confirmed", dispatched, open_order)
    act(staff_client, "mark_dispatched", dispatched)

    listing = staff_client.get(CHANGELIST).content.decode()
    change = staff_client.get(reverse("admin:shop_order_change", args=[dispatched.pk])).content.decode()
    not_yet = staff_client.get(reverse("admin:shop_order_change", args=[open_order.pk])).content.decode()

    assert "INV-000001" in listing and listing.count("INV-0000") == 1
    assert "INV-000001" in change and 'name="invoice_number"' not in change
    assert "INV-0000" not in not_yet


def test_a_bulk_dispatch_in_the_admin_numbers_the_invoices_in_the_selection_s_order(
    staff_client: Client, place: Callable[[], Order]
) -> None:
    orders = [place() for _ in range(3)]
    act(staff_client, "mark_confirmed", *orders)

    response = act(staff_client, "mark_dispatched", *reversed(orders))

    assert "3 order(s) marked dispatched" in " ".join(texts(response))
    numbers = dict(Invoice.objects.values_list("order_id", "number"))
    assert [numbers[o.pk] for o in orders] == [1, 2, 3]  # one service call per order, by id


def listed(client: Client, **query: str) -> set[int]:
    response = client.get(CHANGELIST, query)
    assert response.status_code == 200
    return {order.pk for order in response.context["cl"].result_list}


def test_staff_find_an_order_by_its_reference_its_invoice_its_po_or_its_company(
    staff_client: Client, other_buyer: Any, rye: Product, place: Callable[[], Order]
) -> None:
    invoiced, other = place(), place()
    act(staff_client, "mark_confirmed", invoiced)
    act(staff_client, "mark_dispatched", invoiced)
    theirs = services.order_place(
        user=other_buyer, lines=[(rye.pk, 1)],
        details=OrderDetails(po_number="PO-7781"),
    ).order
    their_company = theirs.company

    assert listed(staff_client, q=f"ord-{other.pk:06d}") == {other.pk}
    assert listed(staff_client, q="INV-000001") == {invoiced.pk}
    assert listed(staff_client, q="PO-7781") == {theirs.pk}
    assert listed(staff_client, q=their_company.name) == {theirs.pk}
    assert listed(staff_client, company__id__exact=str(their_company.pk)) == {theirs.pk}
    assert their_company.name in staff_client.get(CHANGELIST).content.decode()


def test_the_company_filter_lists_only_companies_with_orders(
    staff_client: Client, other_buyer: Any, rye: Product, place: Callable[[], Order]
) -> None:
    ours = place().company
    theirs = services.order_place(user=other_buyer, lines=[(rye.pk, 1)]).order.company
    make_company("Idle Bakery", admin_email="idle@bakery.test")  # no orders

    filters = staff_client.get(CHANGELIST).context["cl"].filter_specs
    [companies] = [spec for spec in filters if getattr(spec, "field_path", None) == "company"]

    assert sorted(title for _, title in companies.lookup_choices) == sorted([ours.name, theirs.name])

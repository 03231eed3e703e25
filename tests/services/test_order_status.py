"""shop.services.order_status: staff move an order along one step at a time; buyers or staff
cancel it while placed or confirmed, stock back once; every change recorded with who and when."""

from typing import Any

import pytest
from django.core.management import call_command

from shop import services
from shop.exceptions import NotCancellable, OrderNotFound, TransitionRefused
from shop.models import Order, OrderStatusChange, Product, StockMovement
from tests.services.test_concurrency import race

pytestmark = pytest.mark.django_db

S = Order.Status
FORWARD = [(S.PLACED, S.CONFIRMED), (S.CONFIRMED, S.DISPATCHED), (S.DISPATCHED, S.DELIVERED)]


def stock_of(product: Product) -> int:
    return Product.objects.values_list("stock", flat=True).get(pk=product.pk)


@pytest.fixture
def flour(make_product: Any) -> Product:
    return make_product(stock=10)


@pytest.fixture
def order(buyer: Any, flour: Product) -> Order:
    return services.order_place(user=buyer, lines=[(flour.pk, 4)]).order


def move_to(order: Order, status: str, by: Any) -> None:
    """Walk the order forward to `status` through the service."""
    for from_status, to_status in FORWARD:
        if Order.objects.get(pk=order.pk).status == status:
            return
        assert Order.objects.get(pk=order.pk).status == from_status
        services.order_advance(order_id=order.pk, to_status=to_status, by=by)


@pytest.mark.parametrize(("from_status", "to_status"), FORWARD)
def test_each_next_step_is_allowed_and_recorded_with_the_staff_user(
    order, staff, from_status, to_status
):
    move_to(order, from_status, staff)

    moved = services.order_advance(order_id=order.pk, to_status=to_status, by=staff)

    assert moved.status == to_status
    assert Order.objects.get(pk=order.pk).status == to_status
    change = OrderStatusChange.objects.filter(order=order).last()
    assert (change.status, change.by, change.by_staff) == (to_status, staff, True)


ALL = [S.PLACED, S.CONFIRMED, S.DISPATCHED, S.DELIVERED, S.CANCELLED]
REFUSED = [
    (from_status, to_status)
    for from_status in ALL
    for to_status in ALL
    if (from_status, to_status) not in FORWARD
]


@pytest.mark.parametrize(("from_status", "to_status"), REFUSED)
def test_every_other_step_is_refused_and_changes_nothing(
    order, staff, buyer, from_status, to_status
):
    if from_status == S.CANCELLED:
        services.order_cancel(user=buyer, order_id=order.pk)
    else:
        move_to(order, from_status, staff)
    changes_before = OrderStatusChange.objects.count()

    with pytest.raises(TransitionRefused) as refused:
        services.order_advance(order_id=order.pk, to_status=to_status, by=staff)

    assert (refused.value.status, refused.value.to_status) == (from_status, to_status)
    assert Order.objects.get(pk=order.pk).status == from_status
    assert OrderStatusChange.objects.count() == changes_before


def test_an_unknown_order_cannot_be_advanced(staff):
    with pytest.raises(OrderNotFound):
        services.order_advance(order_id=999_999, to_status=S.CONFIRMED, by=staff)


def test_the_history_starts_with_placed_and_lists_each_change_oldest_first(order, staff, buyer):
    move_to(order, S.CONFIRMED, staff)
    services.order_cancel(user=buyer, order_id=order.pk)

    history = Order.objects.get(pk=order.pk).status_history()

    assert [(step.status, step.by, step.by_staff) for step in history] == [
        (S.PLACED, buyer.pk, False),
        (S.CONFIRMED, staff.pk, True),
        (S.CANCELLED, buyer.pk, False),
    ]
    assert history[0].at == order.created_at
    assert history[0].at <= history[1].at <= history[2].at


@pytest.mark.parametrize("status", [S.PLACED, S.CONFIRMED])
def test_a_buyer_can_cancel_while_placed_or_confirmed(order, staff, buyer, flour, status):
    move_to(order, status, staff)

    cancelled = services.order_cancel(user=buyer, order_id=order.pk)

    assert cancelled.status == S.CANCELLED
    assert stock_of(flour) == 10
    change = OrderStatusChange.objects.get(order=order, status=S.CANCELLED)
    assert (change.by, change.by_staff) == (buyer, False)


@pytest.mark.parametrize("status", [S.DISPATCHED, S.DELIVERED])
def test_nobody_can_cancel_once_dispatched(order, staff, buyer, flour, status):
    move_to(order, status, staff)

    with pytest.raises(NotCancellable):
        services.order_cancel(user=buyer, order_id=order.pk)
    with pytest.raises(NotCancellable):
        services.order_cancel_by_staff(order_id=order.pk, by=staff)

    assert Order.objects.get(pk=order.pk).status == status
    assert stock_of(flour) == 6


@pytest.mark.parametrize("status", [S.PLACED, S.CONFIRMED])
def test_staff_cancel_puts_stock_back_once_and_is_recorded_as_the_shop(
    order, staff, flour, status
):
    move_to(order, status, staff)

    cancelled = services.order_cancel_by_staff(order_id=order.pk, by=staff, note="out of rye")

    assert cancelled.status == S.CANCELLED
    assert cancelled.cancelled_at is not None
    assert stock_of(flour) == 10
    with pytest.raises(NotCancellable):
        services.order_cancel_by_staff(order_id=order.pk, by=staff)
    assert stock_of(flour) == 10
    assert list(
        StockMovement.objects.filter(order=order).order_by("id").values_list("reason", "quantity", "user")
    ) == [("order", -4, order.user_id), ("cancellation", 4, staff.pk)]
    change = OrderStatusChange.objects.get(order=order, status=S.CANCELLED)
    assert (change.by, change.by_staff, change.note) == (staff, True, "out of rye")


def test_staff_cancel_of_an_unknown_order_is_not_found(staff):
    with pytest.raises(OrderNotFound):
        services.order_cancel_by_staff(order_id=999_999, by=staff)


def test_a_deleted_staff_user_leaves_the_change_without_a_name(order, staff):
    services.order_advance(order_id=order.pk, to_status=S.CONFIRMED, by=staff)
    staff.delete()

    change = OrderStatusChange.objects.get(order=order)
    assert (change.status, change.by) == (S.CONFIRMED, None)


# --- Races, on PostgreSQL with real threads ----------------------------------------------------



@pytest.mark.postgres
@pytest.mark.usefixtures("postgres_only")
@pytest.mark.django_db(transaction=True)
def test_two_staff_confirming_at_once_record_one_change(order, staff):
    other_staff = type(staff).objects.create_user(
        username="staff2@shop.test", email="staff2@shop.test", is_staff=True
    )

    results = race(
        [
            (lambda by=by: services.order_advance(order_id=order.pk, to_status=S.CONFIRMED, by=by))
            for by in (staff, other_staff, staff, other_staff)
        ]
    )

    assert sum(isinstance(r, Order) for r in results) == 1, results
    assert all(isinstance(r, (Order, TransitionRefused)) for r in results), results
    assert OrderStatusChange.objects.filter(order=order).count() == 1


@pytest.mark.postgres
@pytest.mark.usefixtures("postgres_only")
@pytest.mark.django_db(transaction=True)
def test_staff_and_buyer_cancelling_at_once_put_stock_back_once(order, staff, buyer, flour):
    results = race(
        [
            lambda: services.order_cancel(user=buyer, order_id=order.pk),
            lambda: services.order_cancel_by_staff(order_id=order.pk, by=staff),
        ]
        * 3
    )

    assert sum(isinstance(r, Order) for r in results) == 1, results
    assert all(isinstance(r, (Order, NotCancellable)) for r in results), results
    assert stock_of(flour) == 10
    assert OrderStatusChange.objects.filter(order=order, status=S.CANCELLED).count() == 1
    call_command("check_ledger")


@pytest.mark.postgres
@pytest.mark.usefixtures("postgres_only")
@pytest.mark.django_db(transaction=True)
def test_dispatching_while_the_buyer_cancels_does_one_or_the_other(order, staff, buyer, flour):
    services.order_advance(order_id=order.pk, to_status=S.CONFIRMED, by=staff)

    results = race(
        [
            lambda: services.order_advance(order_id=order.pk, to_status=S.DISPATCHED, by=staff),
            lambda: services.order_cancel(user=buyer, order_id=order.pk),
        ]
    )

    final = Order.objects.get(pk=order.pk).status
    winners = [r for r in results if isinstance(r, Order)]
    assert len(winners) == 1, results
    assert final in (S.DISPATCHED, S.CANCELLED)
    assert stock_of(flour) == (10 if final == S.CANCELLED else 6)
    assert list(
        OrderStatusChange.objects.filter(order=order).values_list("status", flat=True)
    ) == [S.CONFIRMED, final]

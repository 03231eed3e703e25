"""shop.services.order_mail: the person who placed an order hears when it is placed, dispatched
and cancelled; the mail is queued with the order's own transaction (a task row with the database
backend, on commit otherwise) and a dead mail server never fails the order."""

import logging
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from shop import services
from shop.exceptions import InsufficientStock
from shop.models import Order, Product
from shop.services.order_mail import order_mail_deliver, order_mail_queue
from tests.services.test_mail import database_tasks, mail_tasks, run_worker  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

S = Order.Status


class RaisingBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        raise ConnectionRefusedError("mail server down")


@pytest.fixture
def flour(make_product: Any) -> Product:
    return make_product(stock=10, sku="FLR-RYE-25", name="Stoneground rye flour")


@pytest.fixture
def settings_base_url(settings: Any) -> None:
    settings.SHOP_BASE_URL = "https://shop.example/"


def place(buyer: Any, flour: Product, capture: Any) -> Order:
    with capture(execute=True):
        return services.order_place(user=buyer, lines=[(flour.pk, 4)]).order


def test_placing_mails_the_buyer_the_reference_lines_and_a_link(
    buyer, flour, settings_base_url, django_capture_on_commit_callbacks
):
    order = place(buyer, flour, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [buyer.email]
    assert order.reference in message.subject
    assert order.reference in message.body
    assert "4 x Stoneground rye flour (FLR-RYE-25" in message.body
    assert f"https://shop.example/orders/{order.pk}/" in message.body
    assert "&amp;" not in message.body and "&#" not in message.body


def test_the_mail_goes_to_whoever_placed_the_order_from_the_cart(
    buyer, flour, django_capture_on_commit_callbacks
):
    services.cart_add(user=buyer, product_id=flour.pk, quantity=2)
    with django_capture_on_commit_callbacks(execute=True):
        order = services.order_place_from_cart(user=buyer).order

    assert [m.to for m in mail.outbox] == [[buyer.email]]
    assert order.reference in mail.outbox[0].body


def test_a_refused_order_mails_nothing(buyer, flour, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(InsufficientStock):
        services.order_place(user=buyer, lines=[(flour.pk, 40)])

    assert mail.outbox == []


def test_dispatch_mails_the_buyer_and_confirm_and_deliver_do_not(
    buyer, staff, flour, django_capture_on_commit_callbacks
):
    order = place(buyer, flour, django_capture_on_commit_callbacks)
    mail.outbox.clear()

    for status in (S.CONFIRMED, S.DISPATCHED, S.DELIVERED):
        with django_capture_on_commit_callbacks(execute=True):
            services.order_advance(order_id=order.pk, to_status=status, by=staff)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [buyer.email]
    assert "dispatched" in mail.outbox[0].body
    assert order.reference in mail.outbox[0].subject


def test_the_dispatch_mail_names_the_invoice_and_links_its_pdf(
    buyer, staff, flour, settings_base_url, django_capture_on_commit_callbacks
):
    order = place(buyer, flour, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.order_advance(order_id=order.pk, to_status=S.CONFIRMED, by=staff)
        services.order_advance(order_id=order.pk, to_status=S.DISPATCHED, by=staff)

    [placed, dispatched] = mail.outbox
    assert "INV-000001" in dispatched.body
    assert f"https://shop.example/orders/{order.pk}/invoice.pdf" in dispatched.body
    assert "INV-" not in placed.body


@pytest.mark.parametrize("by_staff", [False, True])
def test_cancelling_mails_the_buyer(buyer, staff, flour, django_capture_on_commit_callbacks, by_staff):
    order = place(buyer, flour, django_capture_on_commit_callbacks)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        if by_staff:
            services.order_cancel_by_staff(order_id=order.pk, by=staff)
        else:
            services.order_cancel(user=buyer, order_id=order.pk)

    assert [m.to for m in mail.outbox] == [[buyer.email]]
    assert "cancelled" in mail.outbox[0].body
    assert "Stoneground rye flour" in mail.outbox[0].body


def test_a_raising_mail_backend_does_not_fail_the_order(
    buyer, staff, flour, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RaisingBackend", "OPTIONS": {}}}

    order = place(buyer, flour, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.order_advance(order_id=order.pk, to_status=S.CONFIRMED, by=staff)
        services.order_advance(order_id=order.pk, to_status=S.DISPATCHED, by=staff)

    assert Order.objects.get(pk=order.pk).status == S.DISPATCHED
    assert Product.objects.get(pk=flour.pk).stock == 6
    assert mail.outbox == []


def test_without_database_tasks_a_failure_to_queue_the_mail_does_not_fail_the_order(
    buyer, flour, monkeypatch, django_capture_on_commit_callbacks
):
    """The immediate backend queues on commit, robustly: a queue that raises is logged by
    Django, and the order (and its cancellation) stand."""

    class RefusingQueue:  # the task as order_mail_queue sees it, with a queue that is down
        def get_backend(self) -> Any:
            return order_mail_deliver.get_backend()

        def enqueue(self, **kwargs: Any) -> None:
            raise ConnectionError("task queue down")

    monkeypatch.setattr("shop.services.order_mail.order_mail_deliver", RefusingQueue())

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        order = services.order_place(user=buyer, lines=[(flour.pk, 4)]).order
        cancelled = services.order_cancel(user=buyer, order_id=order.pk)

    assert len(callbacks) == 2  # both queued, both raised
    assert Order.objects.get(pk=order.pk).status == S.CANCELLED == cancelled.status
    assert Product.objects.get(pk=flour.pk).stock == 10
    assert mail.outbox == []


def order_tasks() -> list[DBTaskResult]:
    return list(
        DBTaskResult.objects.filter(task_path="shop.services.order_mail.order_mail_deliver")
        .order_by("enqueued_at")
    )


def test_with_database_tasks_the_order_and_its_mail_task_are_one_write(
    database_tasks, buyer, flour, settings_base_url
):
    """The task row (the order's id and the event, nothing rendered) is written inside the
    order's transaction, before the stock update takes the row locks; the worker renders
    the message and sends it."""
    with CaptureQueriesContext(connection) as queries:
        order = services.order_place(user=buyer, lines=[(flour.pk, 4)]).order

    inserts = [q["sql"] for q in queries if q["sql"].startswith(("INSERT", "WITH"))]
    task_insert = next(i for i, q in enumerate(inserts) if "django_tasks" in q)
    stock_update = next(
        i for i, q in enumerate(inserts) if "UPDATE" in q and "shop_product" in q
    )
    assert task_insert < stock_update
    [queued] = order_tasks()
    assert queued.args_kwargs["kwargs"] == {"order_id": order.pk, "event": "placed"}
    assert mail.outbox == [] and mail_tasks() == []

    run_worker()

    [message] = mail.outbox
    assert message.to == [buyer.email] and order.reference in message.subject
    assert "4 x Stoneground rye flour (FLR-RYE-25" in message.body
    assert f"https://shop.example/orders/{order.pk}/" in message.body


def test_with_database_tasks_a_refused_order_leaves_no_mail_task(database_tasks, buyer, flour):
    with pytest.raises(InsufficientStock):
        services.order_place(user=buyer, lines=[(flour.pk, 40)])

    assert order_tasks() == []



def test_with_database_tasks_an_order_rolled_back_after_its_writes_leaves_no_mail_task(
    database_tasks: None, buyer: Any, flour: Product
) -> None:
    """The task row is written with the order: whatever rolls the order back (here the
    caller's transaction) takes the row with it."""
    with pytest.raises(RuntimeError), transaction.atomic():
        services.order_place(user=buyer, lines=[(flour.pk, 1)])
        assert len(order_tasks()) == 1
        raise RuntimeError("the caller changed its mind")

    assert order_tasks() == [] and Order.objects.count() == 0


def test_with_database_tasks_dispatch_and_cancel_queue_their_mail_for_the_worker(
    database_tasks: None, buyer: Any, staff: Any, flour: Product
) -> None:
    dispatched = services.order_place(user=buyer, lines=[(flour.pk, 1)]).order
    cancelled = services.order_place(user=buyer, lines=[(flour.pk, 2)]).order
    services.order_advance(order_id=dispatched.pk, to_status=S.CONFIRMED, by=staff)
    services.order_advance(order_id=dispatched.pk, to_status=S.DISPATCHED, by=staff)
    services.order_cancel(user=buyer, order_id=cancelled.pk)

    queued = [task.args_kwargs["kwargs"] for task in order_tasks()]
    assert queued == [
        {"order_id": dispatched.pk, "event": "placed"},
        {"order_id": cancelled.pk, "event": "placed"},
        {"order_id": dispatched.pk, "event": "dispatched"},
        {"order_id": cancelled.pk, "event": "cancelled"},
    ]
    run_worker()
    subjects = sorted(message.subject for message in mail.outbox)
    assert subjects == sorted(
        [
            f"Your order {dispatched.reference} is placed",
            f"Your order {cancelled.reference} is placed",
            f"Your order {dispatched.reference} is on its way",
            f"Your order {cancelled.reference} is cancelled",
        ]
    )


def test_a_cancellation_queues_its_mail_before_it_locks_the_products(
    database_tasks: None, buyer: Any, flour: Product
) -> None:
    order = services.order_place(user=buyer, lines=[(flour.pk, 1)]).order

    with CaptureQueriesContext(connection) as queries:
        services.order_cancel(user=buyer, order_id=order.pk)

    sent = [q["sql"] for q in queries]
    task_insert = next(i for i, sql in enumerate(sent) if "django_tasks" in sql and "INSERT" in sql)
    stock_update = next(i for i, sql in enumerate(sent) if "UPDATE" in sql and "shop_product" in sql)
    assert task_insert < stock_update


def test_queueing_order_mail_outside_a_transaction_is_refused(buyer: Any, flour: Product) -> None:
    order = services.order_place(user=buyer, lines=[(flour.pk, 1)]).order

    with pytest.raises(RuntimeError, match="inside the order's transaction"):
        # pytest-django wraps each test in a transaction: leave it for this call.
        with mock.patch.object(transaction, "get_connection") as get_connection:
            get_connection.return_value.in_atomic_block = False
            order_mail_queue(order_id=order.pk, event="placed")


def test_an_order_mail_the_worker_cannot_render_is_logged_and_marked_failed(
    database_tasks: None, buyer: Any, flour: Product, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    order = services.order_place(user=buyer, lines=[(flour.pk, 1)]).order

    def broken(**kwargs: Any) -> None:
        raise ValueError("template missing")

    monkeypatch.setattr("shop.services.order_mail.order_mail_build", broken)
    with caplog.at_level(logging.ERROR, logger="shop.mail"):
        run_worker()

    [record] = [r for r in caplog.records if getattr(r, "event", "") == "order_mail_failed"]
    assert (record.order_id, record.mail_event) == (order.pk, "placed")
    assert "ValueError: template missing" in record.error
    assert [task.status for task in order_tasks()] == ["FAILED"]
    assert mail.outbox == []

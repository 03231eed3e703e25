"""shop.services.order_mail: the person who placed an order hears when it is placed, dispatched
and cancelled; the mail is queued after commit and a dead mail server never fails the order."""

from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shop import services
from shop.exceptions import InsufficientStock
from shop.models import Order, Product
from tests.services.test_mail import DATABASE_TASKS, mail_tasks

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


def test_a_failure_to_queue_the_mail_does_not_fail_the_order(
    buyer, flour, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(**kwargs: Any) -> None:
        raise ConnectionError("task queue down")

    monkeypatch.setattr("shop.services.order_mail.mail_enqueue", refuse)

    order = place(buyer, flour, django_capture_on_commit_callbacks)
    cancelled = services.order_cancel(user=buyer, order_id=order.pk)

    assert cancelled.status == S.CANCELLED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_with_database_tasks_the_mail_row_is_written_after_the_orders_commit(
    postgres_only, buyer, flour, settings
):
    """The order's statements are unchanged (tests/services/test_order_place.py); the queued
    mail is one INSERT after COMMIT, so it cannot slow or fail the order's transaction."""
    settings.TASKS = DATABASE_TASKS

    with CaptureQueriesContext(connection) as queries:
        order = services.order_place(user=buyer, lines=[(flour.pk, 1)]).order

    statements = [q["sql"].split(None, 1)[0].upper() for q in queries]
    order_statements = ["SELECT", "SELECT", "SELECT", "BEGIN", "WITH", "WITH", "COMMIT"]
    done = len(order_statements)
    assert statements[:done] == order_statements
    assert "INSERT" in statements[done:]
    assert all("django_tasks" in q["sql"] for q in queries[done:] if q["sql"].startswith("INSERT"))
    assert [task.args_kwargs["kwargs"]["to"] for task in mail_tasks()] == [[buyer.email]]
    assert order.reference in mail_tasks()[0].args_kwargs["kwargs"]["subject"]

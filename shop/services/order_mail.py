"""Mail to the person who placed an order: when it is placed, dispatched and cancelled.

The request queues only the order's id and the event (order_mail_queue); the worker reads the
order, renders the message and hands it to shop.services.mail, whose task sends it and retries.
Nothing is sent for a write that rolls back:
- with the database task backend the task row is written inside the order's transaction, so it
  commits or rolls back with the order (one commit, and no mail lost to a crash between the
  order's COMMIT and a separate INSERT); a queue that cannot write is a database that cannot
  write the order either;
- with any other backend (immediate, in development and tests) it is queued by a robust
  on_commit callback: whatever queuing raises is logged by Django and never fails the order.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from typing import Literal

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks_db.backend import DatabaseBackend

from shop.models import Invoice, Order
from shop.services.mail import mail_enqueue

logger = logging.getLogger("shop.mail")

OrderMailEvent = Literal["placed", "dispatched", "cancelled"]

SUBJECTS: dict[str, str] = {
    "placed": "Your order {reference} is placed",
    "dispatched": "Your order {reference} is on its way",
    "cancelled": "Your order {reference} is cancelled",
}


def order_mail_build(*, order: Order, event: OrderMailEvent) -> EmailMessage:
    """The plain-text message for `event`, addressed to the order's user."""
    base_url = settings.SHOP_BASE_URL.rstrip("/")
    context = {
        "order": order,
        # As the cart and the order page list them (shop.models.line_as_shown).
        "lines": sorted(order.lines.all(), key=lambda line: line.as_shown),
        "order_url": base_url + order.get_absolute_url(),
        # Issued in the dispatch's transaction, so there by the time its mail is rendered.
        "invoice": Invoice.objects.filter(order=order).first() if event == "dispatched" else None,
        "invoice_url": base_url + reverse("shop:order_invoice_pdf", args=[order.pk]),
    }
    return EmailMessage(
        subject=SUBJECTS[event].format(reference=order.reference),
        body=render_to_string(f"shop/email/order_{event}.txt", context),
        to=[order.user.email],
    )


@task
def order_mail_deliver(*, order_id: int, event: OrderMailEvent) -> None:
    """In the worker: render the order's mail and queue it for sending (with retries)."""
    try:
        # Orders are never deleted (their ledger rows protect them), so the order is there.
        order = Order.objects.select_related("user").get(pk=order_id)
        mail_enqueue(message=order_mail_build(order=order, event=event))
    except Exception as exc:
        # Raised again, so the backend marks the task FAILED with its traceback.
        logger.error(
            "order mail failed",
            extra={
                "event": "order_mail_failed", "order_id": order_id, "mail_event": event,
                "error": f"{type(exc).__name__}: {exc}",
            },
        )
        raise


_suppressed: ContextVar[bool] = ContextVar("order_mail_suppressed", default=False)


@contextmanager
def order_mail_suppressed() -> Iterator[None]:
    """Orders placed, moved on or cancelled inside send no mail: the sample data's backdated
    history is not news to anybody (and printed two thousand lines of mail on `serve`)."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


def order_mail_queue(*, order_id: int, event: OrderMailEvent) -> None:
    """Queue the order's mail with the surrounding transaction (see the module's docstring).
    Call inside it, after the order's row is written and before any product row is locked:
    the task row is one more INSERT, and a lock held across it holds up every other order."""
    if _suppressed.get():
        return
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("order_mail_queue runs inside the order's transaction")
    if isinstance(order_mail_deliver.get_backend(), DatabaseBackend):
        # In the transaction, not on commit: the order and its mail commit or roll back
        # together (STYLE.md's on_commit rule is for side effects outside the database).
        order_mail_deliver.enqueue(order_id=order_id, event=event)
        return
    transaction.on_commit(
        partial(order_mail_deliver.enqueue, order_id=order_id, event=event), robust=True
    )

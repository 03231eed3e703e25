"""Mail to the person who placed an order: when it is placed, dispatched and cancelled.

Queued with shop.services.mail.mail_enqueue after the order's transaction commits (nothing is
sent for a write that rolls back), as a robust on_commit callback: whatever queuing raises is
logged by Django and never fails the order that was already written.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from typing import Literal

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string

from shop.models import Order, OrderLine
from shop.services.mail import mail_enqueue

OrderMailEvent = Literal["placed", "dispatched", "cancelled"]

SUBJECTS: dict[str, str] = {
    "placed": "Your order {reference} is placed",
    "dispatched": "Your order {reference} is on its way",
    "cancelled": "Your order {reference} is cancelled",
}


def order_mail_build(
    *, order: Order, event: OrderMailEvent, lines: Sequence[OrderLine] | None = None
) -> EmailMessage:
    """The plain-text message for `event`, addressed to the order's user."""
    context = {
        "order": order,
        # As the cart and the order page list them (shop.models.line_as_shown).
        "lines": sorted(
            order.lines.all() if lines is None else lines, key=lambda line: line.as_shown
        ),
        "order_url": settings.SHOP_BASE_URL.rstrip("/") + order.get_absolute_url(),
    }
    return EmailMessage(
        subject=SUBJECTS[event].format(reference=order.reference),
        body=render_to_string(f"shop/email/order_{event}.txt", context),
        to=[order.user.email],
    )


def order_mail_send(
    *, order: Order, event: OrderMailEvent, lines: Sequence[OrderLine] | None = None
) -> None:
    mail_enqueue(message=order_mail_build(order=order, event=event, lines=lines))


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


def order_mail_after_commit(
    *, order: Order, event: OrderMailEvent, lines: Sequence[OrderLine] | None = None
) -> None:
    """Queue the mail once the surrounding transaction commits; call inside it."""
    if _suppressed.get():
        return
    transaction.on_commit(partial(order_mail_send, order=order, event=event, lines=lines), robust=True)

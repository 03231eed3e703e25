"""The order's life cycle after it is placed: staff move it along, buyers or staff cancel it.

placed -> confirmed -> dispatched -> delivered, one step at a time; cancelled from placed or
confirmed only (shop.models.ORDER_NEXT_STATUS, ORDER_CANCELLABLE_STATUSES). Every change is an
OrderStatusChange row naming who made it; the `placed` step is the order row itself.
"""

import logging
import time

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from shop.exceptions import NotCancellable, OrderNotFound, TransitionRefused
from shop.models import (
    ORDER_CANCELLABLE_STATUSES,
    ORDER_NEXT_STATUS,
    Order,
    OrderLine,
    OrderStatusChange,
    StockMovement,
)
from shop.services.invoices import invoice_issue
from shop.services.order_mail import order_mail_queue
from shop.services.stock import apply_stock_changes, movements_for

logger = logging.getLogger("shop.orders")


def order_advance(
    *, order_id: int, to_status: str, by: AbstractBaseUser | None, note: str = ""
) -> Order:
    """Move an order to its next status (staff: "by the shop"); on dispatch, issue its
    invoice (the next invoice number, in this transaction) and mail the buyer.

    Only the next step is allowed: a placed order is confirmed before it is dispatched, so the
    buyer's timeline never skips a step. Raises TransitionRefused (cancelling included: that
    puts stock back, see order_cancel_by_staff) or OrderNotFound. The order's row is locked
    first, so two staff clicking at once record one change; the second is refused.
    """
    with transaction.atomic():
        # of=("self",): the buyer's user row stays unlocked, so dispatches of one buyer's
        # orders do not queue on each other.
        order = (
            Order.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=order_id)
            .first()
        )
        if order is None:
            raise OrderNotFound(order_id)
        if ORDER_NEXT_STATUS.get(order.status) != to_status:
            raise TransitionRefused(order_id, order.status, to_status)
        now = timezone.now()
        order.status = to_status
        order.save(update_fields=["status"])
        OrderStatusChange.objects.create(
            order=order, status=to_status, at=now, by=by, by_staff=True, note=note
        )
        if to_status == Order.Status.DISPATCHED:
            order_mail_queue(order_id=order.pk, event="dispatched")
            # Last in the transaction: the invoice number's lock is held until the commit.
            invoice_issue(order=order, at=now)
    logger.info(
        "order status changed",
        extra={
            "event": "order_status_changed",
            "order_id": order_id,
            "status": to_status,
            "user_id": getattr(by, "pk", None),
        },
    )
    return order


def order_cancel_in(
    *,
    orders: QuerySet[Order],
    order_id: int,
    by: AbstractBaseUser | None,
    by_staff: bool,
    note: str = "",
) -> Order:
    """Cancel order `order_id` if `orders` (the caller's scope) holds it and it is placed or
    confirmed; put its stock back, once; record who did it; queue the buyer's mail with it.

    Raises OrderNotFound (not in `orders`) or NotCancellable. The conditional UPDATE takes the
    order's row lock: a concurrent second cancel (buyer or staff) or an order_advance waits for
    it, then finds the order no longer cancellable, so stock is put back exactly once.
    """
    started = time.perf_counter()
    with transaction.atomic():
        now = timezone.now()
        updated = orders.filter(pk=order_id, status__in=ORDER_CANCELLABLE_STATUSES).update(
            status=Order.Status.CANCELLED, cancelled_at=now
        )
        if not updated:
            status = orders.filter(pk=order_id).values_list("status", flat=True).first()
            if status is None:
                raise OrderNotFound(order_id)
            raise NotCancellable(order_id, status)
        OrderStatusChange.objects.create(
            order_id=order_id,
            status=Order.Status.CANCELLED,
            at=now,
            by=by,
            by_staff=by_staff,
            note=note,
        )
        # Before the stock is put back, which locks the product rows (order_mail_queue).
        order_mail_queue(order_id=order_id, event="cancelled")
        changes: dict[int, int] = {}
        for product_id, quantity in OrderLine.objects.filter(order_id=order_id).values_list(
            "product_id", "quantity"
        ):
            changes[product_id] = changes.get(product_id, 0) + quantity
        StockMovement.objects.bulk_create(
            movements_for(
                changes,
                reason=StockMovement.Reason.CANCELLATION,
                order_id=order_id,
                user_id=getattr(by, "pk", None),
            )
        )
        apply_stock_changes(changes)
        order = (
            Order.objects.select_related("user", "delivery_address")
            .prefetch_related("lines", "status_changes")
            .get(pk=order_id)
        )
    logger.info(
        "order cancelled",
        extra={
            "event": "order_cancelled",
            "user_id": getattr(by, "pk", None),
            "by_staff": by_staff,
            "order_id": order_id,
            "lines": len(changes),
            "duration_ms": round((time.perf_counter() - started) * 1000, 2),
        },
    )
    return order


def order_cancel_by_staff(*, order_id: int, by: AbstractBaseUser | None, note: str = "") -> Order:
    """Cancel any customer's order as the shop (placed or confirmed only), stock back once."""
    return order_cancel_in(
        orders=Order.objects.all(), order_id=order_id, by=by, by_staff=True, note=note
    )

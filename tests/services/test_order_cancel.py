import pytest

from shop import services
from shop.exceptions import NotCancellable, OrderNotFound
from shop.models import Order, Product, StockMovement

pytestmark = pytest.mark.django_db


def stock_of(product: Product) -> int:
    return Product.objects.values_list("stock", flat=True).get(pk=product.pk)


def test_cancelling_puts_stock_back_once(buyer, make_product):
    flour = make_product(stock=10)
    order = services.order_place(user=buyer, lines=[(flour.pk, 4)]).order

    cancelled = services.order_cancel(user=buyer, order_id=order.pk)

    assert cancelled.status == Order.Status.CANCELLED
    assert cancelled.cancelled_at is not None
    assert stock_of(flour) == 10
    with pytest.raises(NotCancellable):
        services.order_cancel(user=buyer, order_id=order.pk)
    assert stock_of(flour) == 10
    assert list(
        StockMovement.objects.filter(order=order).order_by("id").values_list("reason", "quantity")
    ) == [("order", -4), ("cancellation", 4)]


def test_another_buyers_order_cannot_be_cancelled(buyer, other_buyer, make_product):
    flour = make_product(stock=10)
    order = services.order_place(user=buyer, lines=[(flour.pk, 4)]).order

    with pytest.raises(OrderNotFound):
        services.order_cancel(user=other_buyer, order_id=order.pk)

    assert Order.objects.get(pk=order.pk).status == Order.Status.PLACED
    assert stock_of(flour) == 6

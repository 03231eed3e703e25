import pytest
from django.db import IntegrityError, connection, transaction

from shop import services
from shop.exceptions import StockWouldGoNegative
from shop.models import Product, StockMovement

pytestmark = pytest.mark.django_db


def test_restock_and_correction_leave_ledger_rows(staff, make_product):
    flour = make_product(stock=10)

    assert services.stock_adjust(product_id=flour.pk, change=15, user=staff) == 25
    assert (
        services.stock_adjust(
            product_id=flour.pk, change=-5, reason=StockMovement.Reason.CORRECTION, user=staff
        )
        == 20
    )
    assert services.stock_set(product_id=flour.pk, new_stock=12, user=staff, note="count") == 12

    rows = list(
        StockMovement.objects.filter(product=flour).order_by("id").values_list("reason", "quantity")
    )
    assert rows == [("initial", 10), ("restock", 15), ("correction", -5), ("correction", -8)]


def test_a_correction_below_zero_is_refused_and_changes_nothing(staff, make_product):
    flour = make_product(stock=3)

    with pytest.raises(StockWouldGoNegative):
        services.stock_adjust(
            product_id=flour.pk, change=-4, reason=StockMovement.Reason.CORRECTION, user=staff
        )

    assert Product.objects.get(pk=flour.pk).stock == 3
    assert StockMovement.objects.filter(product=flour).count() == 1


def test_the_database_refuses_a_negative_stock(make_product):
    flour = make_product(stock=3)

    # Through the stock service's own form of UPDATE (the version bumped), so that only the
    # CHECK constraint stands in the way.
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE shop_product SET stock = -1, stock_version = stock_version + 1 WHERE id = %s",
            [flour.pk],
        )

    assert Product.objects.get(pk=flour.pk).stock == 3

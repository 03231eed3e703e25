import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from shop import services

pytestmark = pytest.mark.django_db


def test_the_ledger_check_passes_after_orders_cancellations_and_restocks(buyer, staff, make_product, capsys):
    flour = make_product(stock=10)
    order = services.order_place(user=buyer, lines=[(flour.pk, 3)]).order
    services.order_cancel(user=buyer, order_id=order.pk)
    services.stock_adjust(product_id=flour.pk, change=5, user=staff)

    call_command("check_ledger")

    assert "passed for 1 products" in capsys.readouterr().out


def test_the_ledger_check_names_the_products_that_disagree(make_product):
    make_product(stock=10, sku="GOOD-1")
    bad = make_product(stock=10, sku="BAD-1")
    # A stock change with no ledger row, made the way the stock service writes (past its guard).
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE shop_product SET stock = 2, stock_version = stock_version + 1 WHERE id = %s",
            [bad.pk],
        )

    with pytest.raises(CommandError) as caught:
        call_command("check_ledger")

    assert "BAD-1: stock 2, ledger says 10" in str(caught.value)
    assert "GOOD-1" not in str(caught.value)

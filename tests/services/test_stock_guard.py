"""Product.stock changes only through shop.services.stock (issue 11, item 1).

Every other write of a product leaves stock alone (save) or is refused (bulk writes naming it,
and, in the database, any UPDATE that changes it without the stock service's version bump).
"""

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.loader import MigrationLoader

from shop import services
from shop.exceptions import StockWriteRefused
from shop.models import Product

pytestmark = pytest.mark.django_db


def stock_of(product: Product) -> int:
    return Product.objects.values_list("stock", flat=True).get(pk=product.pk)


def test_saving_a_product_read_before_orders_keeps_their_stock_taken(buyer, make_product):
    flour = make_product(stock=10)
    loaded = Product.objects.get(pk=flour.pk)  # as the admin's change form or a shell would
    services.order_place(user=buyer, lines=[(flour.pk, 3)])

    loaded.description = "Stone-ground."
    loaded.save()

    assert stock_of(flour) == 7
    assert Product.objects.get(pk=flour.pk).description == "Stone-ground."
    call_command("check_ledger")


def test_saving_a_changed_stock_figure_does_not_change_stock(make_product):
    flour = make_product(stock=10)
    flour.stock = 500
    flour.name = "Rye"

    flour.save()

    assert stock_of(flour) == 10
    assert Product.objects.get(pk=flour.pk).name == "Rye"


@pytest.mark.parametrize("fields", [["stock"], ["name", "stock"], ["stock_version"]])
def test_save_naming_stock_in_update_fields_is_refused(make_product, fields):
    flour = make_product(stock=10)
    flour.stock = 500

    with pytest.raises(StockWriteRefused):
        flour.save(update_fields=fields)

    assert stock_of(flour) == 10


def test_a_new_product_is_saved_with_its_initial_stock(category):
    product = services.product_create(
        sku="NEW-1", name="New", category=category, unit="sack", price="1.00", initial_stock=12
    )
    assert stock_of(product) == 12
    call_command("check_ledger")


def test_queryset_update_of_stock_is_refused(make_product):
    flour = make_product(stock=10)

    with pytest.raises(StockWriteRefused):
        Product.objects.filter(pk=flour.pk).update(stock=0)
    with pytest.raises(StockWriteRefused):
        flour.category.products.update(stock=0)  # a related manager, same queryset class

    assert stock_of(flour) == 10
    assert Product.objects.filter(pk=flour.pk).update(name="Still allowed") == 1


def test_bulk_update_naming_stock_is_refused(make_product):
    flour = make_product(stock=10)
    flour.stock = 0

    with pytest.raises(StockWriteRefused):
        Product.objects.bulk_update([flour], ["name", "stock"])

    assert stock_of(flour) == 10


def test_bulk_create_rewriting_existing_rows_stock_is_refused(make_product):
    flour = make_product(stock=10)
    again = Product(
        sku=flour.sku, name="Flour", category=flour.category, unit="sack", price=1, stock=0
    )

    with pytest.raises(StockWriteRefused):
        Product.objects.bulk_create(
            [again], update_conflicts=True, unique_fields=["sku"], update_fields=["name", "stock"]
        )

    assert stock_of(flour) == 10


def test_the_database_refuses_a_stock_update_not_made_by_the_stock_service(make_product):
    flour = make_product(stock=10)

    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE shop_product SET stock = 3 WHERE id = %s", [flour.pk])

    assert stock_of(flour) == 10


def test_the_database_refuses_a_write_back_of_a_version_read_earlier(buyer, make_product):
    flour = make_product(stock=10)
    stock, version = Product.objects.values_list("stock", "stock_version").get(pk=flour.pk)
    services.order_place(user=buyer, lines=[(flour.pk, 4)])

    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE shop_product SET stock = %s, stock_version = %s WHERE id = %s",
            [stock, version, flour.pk],
        )

    assert stock_of(flour) == 6


def test_a_data_migration_saving_a_historical_product_cannot_put_back_stale_stock(
    buyer, make_product
):
    """Historical models have neither save() nor the managers' code: the database decides."""
    historical = MigrationLoader(connection).project_state().apps.get_model("shop", "Product")
    flour = make_product(stock=10)
    loaded = historical.objects.get(pk=flour.pk)
    services.order_place(user=buyer, lines=[(flour.pk, 2)])

    loaded.description = "Edited in a data migration."
    with pytest.raises(IntegrityError), transaction.atomic():
        loaded.save()
    with pytest.raises(StockWriteRefused):  # the manager is kept for migrations
        historical.objects.filter(pk=flour.pk).update(stock=0)

    assert stock_of(flour) == 8


def test_the_stock_service_still_changes_stock_and_its_version(staff, make_product):
    flour = make_product(stock=10)
    before = Product.objects.values_list("stock_version", flat=True).get(pk=flour.pk)

    assert services.stock_adjust(product_id=flour.pk, change=5, user=staff) == 15

    assert Product.objects.values_list("stock_version", flat=True).get(pk=flour.pk) == before + 1
    call_command("check_ledger")

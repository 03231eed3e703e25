"""shop/sql.py, the hand-written SQL: its names are the database's, its INSERT writes every
column, a new model field is written by it, and each statement is the one the services send."""

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection, models
from django.db.models import Model

from companies.models import Address
from companies.selectors import default_address_of, membership_for
from shop import services, sql
from shop.models import Order, OrderLine, Product
from shop.services.orders import PRODUCT_READ_FIELDS
from shop.services.stock import apply_stock_changes

pytestmark = pytest.mark.django_db

STATEMENTS: dict[str, Callable[[], str]] = {
    "stock update": lambda: sql.stock_update_sql(2),
    "order insert": sql.order_insert_sql,
    "product read": lambda: sql.product_read_sql(PRODUCT_READ_FIELDS),
    "product read by sku": lambda: sql.product_read_sql(PRODUCT_READ_FIELDS, by_sku=True),
    "token lookup": lambda: sql.token_lookup().sql,
}


def database_columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return {c.name for c in connection.introspection.get_table_description(cursor, table)}


def quoted_names(statement: str) -> set[str]:
    return set(re.findall(r'"([^"]+)"', statement))


@pytest.mark.parametrize("name", STATEMENTS)
def test_every_name_in_a_statement_is_a_table_or_column_of_the_database(name: str) -> None:
    statement = STATEMENTS[name]()
    tables = set(connection.introspection.table_names())
    named_tables = quoted_names(statement) & tables
    columns = set().union(*(database_columns(table) for table in named_tables))

    assert named_tables
    assert quoted_names(statement) - named_tables <= columns
    # No name typed in bare: every table appears only quoted, as taken from the models.
    for table in tables:
        assert not re.search(rf'(?<!["\w]){re.escape(table)}(?![\w"])', statement), table


def inserted_columns(statement: str) -> dict[str, list[str]]:
    return {
        table: re.findall(r'"([^"]+)"', columns)
        for table, columns in re.findall(r'INSERT INTO "([^"]+)" \(([^)]*)\)', statement)
    }


def test_the_order_insert_writes_every_column_of_its_tables_but_the_id() -> None:
    inserted = inserted_columns(sql.order_insert_sql())

    assert set(inserted) == {"shop_order", "shop_orderline", "shop_stockmovement"}
    for table, columns in inserted.items():
        assert len(columns) == len(set(columns)), table
        assert set(columns) == database_columns(table) - {"id"}, table


@contextmanager
def field_added(model: type[Model], name: str, field: models.Field) -> Iterator[models.Field]:
    """`field` on `model` for the block, as if a release had added it; the statements are
    rebuilt for it, and again after."""
    field.contribute_to_class(model, name)
    sql.clear_caches()
    try:
        yield field
    finally:
        model._meta.local_fields.remove(field)
        model._meta._expire_cache()
        delattr(model, field.attname)
        sql.clear_caches()


@pytest.mark.postgres
def test_a_new_not_null_order_field_is_written_by_the_postgresql_insert(
    postgres_only: None, buyer: Any, make_product: Any
) -> None:
    flour = make_product(stock=10)
    new_field = models.CharField(max_length=20, default="standard")
    with field_added(Order, "delivery_speed", new_field):
        with connection.schema_editor() as editor:
            editor.add_field(Order, new_field)  # NOT NULL, no database default left behind

        placed = services.order_place(user=buyer, lines=[(flour.pk, 2)])

        with connection.cursor() as cursor:
            cursor.execute('SELECT "delivery_speed" FROM "shop_order" WHERE "id" = %s',
                           [placed.order.pk])
            assert cursor.fetchone() == ("standard",)
    assert "delivery_speed" not in sql.order_insert_sql()


def test_a_new_line_field_is_sent_with_the_value_the_orm_would_send(buyer: Any) -> None:
    new_field = models.PositiveIntegerField(default=7)
    with field_added(OrderLine, "pallet_count", new_field):
        line = OrderLine(product_id=1, sku="S", name="N", unit="U", unit_price=1, quantity=1,
                         line_total=1)
        params = sql.order_insert_params(
            order=Order(user=buyer, total=1, request_fingerprint=""), lines=[line], movements=[]
        )

        assert inserted_columns(sql.order_insert_sql())["shop_orderline"][-1] == "pallet_count"
        assert params["orderline__pallet_count"] == [7]


def test_a_field_only_the_database_can_fill_is_refused_not_left_out(buyer: Any) -> None:
    with field_added(OrderLine, "picked", models.BooleanField(db_default=False)):
        line = OrderLine(product_id=1, sku="S", name="N", unit="U", unit_price=1, quantity=1,
                         line_total=1)
        with pytest.raises(ValueError, match="OrderLine.picked"):
            sql.order_insert_params(
                order=Order(user=buyer, total=1, request_fingerprint=""), lines=[line],
                movements=[],
            )


@contextmanager
def statements_sent() -> Iterator[list[str]]:
    """The SQL text of every statement sent, before the driver fills in its parameters; not
    the savepoints standing in for transactions inside the test's own."""
    sent: list[str] = []

    def record(execute: Any, statement: str, params: Any, many: bool, context: Any) -> Any:
        if not statement.startswith(("SAVEPOINT", "RELEASE SAVEPOINT")):
            sent.append(statement)
        return execute(statement, params, many, context)

    with connection.execute_wrapper(record):
        yield sent


def test_the_stock_service_sends_the_stock_update(make_product: Any) -> None:
    flour, yeast = make_product(stock=5), make_product(stock=5)

    with statements_sent() as sent:
        assert apply_stock_changes({flour.pk: -1, yeast.pk: -2}) == {flour.pk: 4, yeast.pk: 3}

    assert sent == [sql.stock_update_sql(2)]


@pytest.mark.postgres
def test_on_postgresql_an_order_sends_the_product_read_the_insert_and_the_update(
    postgres_only: None, buyer: Any, make_product: Any
) -> None:
    flour, yeast = make_product(stock=5), make_product(stock=5)

    with statements_sent() as sent:
        services.order_place(user=buyer, lines=[(flour.pk, 1), (yeast.pk, 2)])

    # The ORM's membership (role, company) and delivery address reads come first.
    membership, address = sent[:2]
    assert "companies_membership" in membership and "companies_address" in address
    assert sent[2:] == [
        sql.product_read_sql(PRODUCT_READ_FIELDS),
        sql.order_insert_sql(),
        sql.stock_update_sql(2),
    ]
    assert Product.objects.get(pk=yeast.pk).stock == 3


@pytest.mark.postgres
def test_on_postgresql_an_order_by_sku_sends_the_sku_product_read(
    postgres_only: None, buyer: Any, make_product: Any
) -> None:
    flour = make_product(stock=5, price_breaks=[(3, "11.00")])

    with statements_sent() as sent:
        placed = services.order_place(user=buyer, lines=[{"sku": flour.sku, "quantity": 3}])

    assert sent[2:] == [
        sql.product_read_sql(PRODUCT_READ_FIELDS, by_sku=True),
        sql.order_insert_sql(),
        sql.stock_update_sql(1),
    ]
    assert str(placed.lines[0].unit_price) == "11.00"


def test_token_authentication_sends_the_token_lookup(buyer: Any) -> None:
    issued = services.token_create(user=buyer)
    services.token_authenticate(issued.secret)  # records the first use

    with statements_sent() as sent:
        assert services.token_authenticate(issued.secret).user == buyer

    assert sent == [sql.token_lookup().sql]


def test_the_token_lookup_brings_the_membership_its_company_and_the_default_address(
    buyer: Any,
) -> None:
    membership = buyer.membership
    default = Address.objects.create(
        company=membership.company, label="Bakehouse", lines="1 Mill Lane\nLeeds",
        postcode="LS1 1AA", is_default=True,
    )
    Address.objects.create(
        company=membership.company, label="Depot", lines="2 Dock Road\nHull",
        postcode="HU1 1AA",
    )
    issued = services.token_create(user=buyer)

    with statements_sent() as sent:
        token = services.token_authenticate(issued.secret)
        read = membership_for(token.user)
        address = default_address_of(read)

    assert len(sent) <= 2  # the lookup, and the first use's timestamp
    assert sent[0] == sql.token_lookup().sql
    assert (read.pk, read.role, read.company.name) == (
        membership.pk, membership.role, membership.company.name
    )
    assert address == default and address.postcode == "LS1 1AA"


def test_a_company_without_a_default_address_has_none_from_the_token_lookup(buyer: Any) -> None:
    token = services.token_authenticate(services.token_create(user=buyer).secret)

    with statements_sent() as sent:
        assert default_address_of(membership_for(token.user)) is None

    assert sent == []


def test_a_token_user_without_a_company_has_no_membership(buyer: Any) -> None:
    buyer.membership.delete()
    token = services.token_authenticate(services.token_create(user=buyer).secret)

    with statements_sent() as sent:
        assert membership_for(token.user) is None

    assert sent == []


@pytest.mark.postgres
def test_on_postgresql_an_api_order_sends_the_token_lookup_then_the_orders_statements(
    postgres_only: None, buyer: Any, make_product: Any, client: Any
) -> None:
    """The role, company and default address come with the token: no read of their own."""
    flour = make_product(stock=5)
    issued = services.token_create(user=buyer)
    services.token_authenticate(issued.secret)  # records the first use

    with statements_sent() as sent:
        response = client.post(
            "/api/v1/orders",
            {"lines": [{"product": flour.pk, "quantity": 1}]},
            content_type="application/json",
            headers={"Authorization": f"Bearer {issued.secret}", "X-Forwarded-Proto": "https"},
        )

    assert response.status_code == 201, response.content
    assert sent == [
        sql.token_lookup().sql,
        sql.product_read_sql(PRODUCT_READ_FIELDS),
        sql.order_insert_sql(),
        sql.stock_update_sql(1),
    ]

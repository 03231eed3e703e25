"""The hand-written SQL: the only statements in the project the ORM does not write.

Each is here because a measurement said it pays (bench/RESULTS.md, "Hand-written SQL"): on the
order and API paths, compiling the ORM's query cost several times the CPU of running it.

- stock_update_sql: the conditional stock UPDATE, rows locked in id order (both databases;
  the ORM cannot express a locked conditional UPDATE ... RETURNING).
- order_insert_sql / order_insert_params: the order, its lines and its ledger rows in one
  statement (PostgreSQL; SQLite has no INSERT inside WITH and takes the ORM's inserts).
- product_read_sql: the products an order names (by id or SKU), with their pack rules, the
  buyer's company's contract prices and the price breaks (PostgreSQL; on SQLite the ORM's
  values_list, which converts its decimals).
- token_lookup: an API token with its user, the user's membership and company and the
  company's default address, built into model instances (both databases).

Every table and column name comes from the models' _meta, quoted by the backend. The INSERTs
write every field Model.save() would write, with the values the ORM would send (Field.pre_save,
then get_db_prep_save), so a new model field is written here as by the ORM; a value this
module cannot send (a database expression such as a db_default) raises ValueError rather than
leaving the column out. tests/test_sql.py checks each statement against the database's own
columns and that it is the one the services send; bench/ceiling.py sends these same statements.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Field, Model
from django.db.models.expressions import Col

from companies.models import Address, Company, ContractPrice, Membership
from shop.models import ApiToken, Order, OrderLine, PriceBreak, Product, StockMovement


def _name(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(model: type[Model]) -> str:
    return _name(model._meta.db_table)


def _column(model: type[Model], field_name: str) -> str:
    return _name(model._meta.get_field(field_name).column)


# --- the stock update -------------------------------------------------------------------------


def stock_update_sql(count: int) -> str:
    """The conditional UPDATE of `count` products' stock; parameters from stock_update_params.

    On PostgreSQL the rows are first locked in ascending id order (a MATERIALIZED CTE with
    FOR NO KEY UPDATE), see shop/services/stock.py for why.
    """
    return _stock_update_template(connection.vendor).replace(
        "{values}", ", ".join(["(%s, %s)"] * count)
    )


@cache
def _stock_update_template(vendor: str) -> str:
    table, pk = _table(Product), _column(Product, "id")
    stock, version = _column(Product, "stock"), _column(Product, "stock_version")
    updated = _column(Product, "updated_at")
    set_clause = (
        f"SET {stock} = p.{stock} + change.amount, {version} = p.{version} + 1, {updated} = %s"
    )
    if vendor == "postgresql":
        return (
            "WITH change(id, amount) AS (VALUES {values}), "
            f"locked AS MATERIALIZED (SELECT p.{pk} AS id FROM {table} p "
            f"WHERE p.{pk} IN (SELECT id FROM change) ORDER BY p.{pk} FOR NO KEY UPDATE) "
            f"UPDATE {table} AS p {set_clause} FROM change, locked "
            f"WHERE p.{pk} = change.id AND p.{pk} = locked.id AND p.{stock} + change.amount >= 0 "
            f"RETURNING p.{pk}, p.{stock}"
        )
    # SQLite: the IMMEDIATE transaction already serialises writers; no row locks to take.
    return (
        "WITH change(id, amount) AS (VALUES {values}) "
        f"UPDATE {table} AS p {set_clause} FROM change "
        f"WHERE p.{pk} = change.id AND p.{stock} + change.amount >= 0 "
        f"RETURNING {pk}, {stock}"
    )


def stock_update_params(changes: Mapping[int, int], now: datetime) -> list[object]:
    params: list[object] = []
    for product_id in sorted(changes):
        params.extend([int(product_id), int(changes[product_id])])
    params.append(Product._meta.get_field("updated_at").get_db_prep_save(now, connection))
    return params


# --- the order insert (PostgreSQL) ------------------------------------------------------------


def _insert_fields(model: type[Model]) -> list[Field]:
    """The fields Model.save() writes into a new row: every concrete field but generated ones
    and the auto-incremented primary key."""
    return [
        field
        for field in model._meta.local_concrete_fields
        if not field.generated and field is not model._meta.auto_field
    ]


def _insert_values(obj: Model, fields: Sequence[Field]) -> list[Any]:
    """The values the ORM's INSERT would send for `obj` (auto_now_add stamps it, as there)."""
    values = []
    for field in fields:
        value = field.get_db_prep_save(field.pre_save(obj, add=True), connection)
        if hasattr(value, "resolve_expression"):
            raise ValueError(
                f"{type(obj).__name__}.{field.name} is a database expression ({value!r}), which "
                "shop/sql.py's INSERTs cannot send: give the field a Python default, or teach "
                "order_insert_sql to write it."
            )
        values.append(value)
    return values


def _param(field: Field) -> str:
    return f"{field.model._meta.model_name}__{field.attname}"


@dataclass(frozen=True)
class _OrderInsert:
    sql: str
    order_fields: list[Field]
    line_fields: list[Field]  # without the line's order, which comes from the new order
    movement_fields: list[Field]  # likewise


def _child_insert(model: type[Model], alias: str) -> tuple[list[Field], str]:
    """The fields of a row belonging to the new order (its lines, its ledger rows) and the
    INSERT of those rows, one per element of the parameter arrays, pointing at new_order."""
    to_order = model._meta.get_field("order")
    fields = [field for field in _insert_fields(model) if field is not to_order]
    columns = ", ".join(_name(field.column) for field in [to_order, *fields])
    arrays = ", ".join(f"%({_param(f)})s::{f.cast_db_type(connection)}[]" for f in fields)
    return fields, (
        f"INSERT INTO {_table(model)} ({columns}) "
        f"SELECT new_order.id, {alias}.* FROM new_order, UNNEST({arrays}) AS {alias}"
    )


@cache
def _order_insert() -> _OrderInsert:
    order_fields = _insert_fields(Order)
    line_fields, insert_lines = _child_insert(OrderLine, "line")
    movement_fields, insert_movements = _child_insert(StockMovement, "movement")
    sql = (
        f"WITH new_order AS (INSERT INTO {_table(Order)} "
        f"({', '.join(_name(f.column) for f in order_fields)}) "
        f"VALUES ({', '.join(f'%({_param(f)})s' for f in order_fields)}) "
        f"RETURNING {_column(Order, 'id')} AS id), "
        f"new_lines AS ({insert_lines} "
        f"RETURNING {_column(OrderLine, 'id')} AS id, "
        f"{_column(OrderLine, 'product')} AS product_id), "
        f"new_movements AS ({insert_movements}) "
        "SELECT new_order.id, (SELECT array_agg(id ORDER BY product_id) FROM new_lines) "
        "FROM new_order"
    )
    return _OrderInsert(sql, order_fields, line_fields, movement_fields)


def order_insert_sql() -> str:
    """One statement inserting an order, its lines and its ledger rows (PostgreSQL only).

    Returns one row: the order's id and its lines' ids in product id order. Parameters from
    order_insert_params.
    """
    return _order_insert().sql


def order_insert_params(
    *, order: Order, lines: Sequence[OrderLine], movements: Sequence[StockMovement]
) -> dict[str, Any]:
    """The parameters of order_insert_sql for unsaved instances; the lines' and movements'
    order comes from the inserted order."""
    plan = _order_insert()
    params = dict(
        zip(map(_param, plan.order_fields), _insert_values(order, plan.order_fields), strict=True)
    )
    for rows, fields in ((lines, plan.line_fields), (movements, plan.movement_fields)):
        values = [_insert_values(row, fields) for row in rows]
        for index, field in enumerate(fields):
            params[_param(field)] = [row[index] for row in values]
    return params


# --- the product read (PostgreSQL) ------------------------------------------------------------


@cache
def product_read_sql(fields: tuple[str, ...], by_sku: bool = False) -> str:
    """The named fields (in that order) of the products whose ids are in the second parameter,
    a list (and, `by_sku`, those whose SKUs are in the third), then the contract price of the
    company of the user whose id is the first parameter (NULL without one;
    shop.services.pricing), then the product's price breaks as an array of
    [min_quantity, unit_price] pairs, ascending ('{}' without any) (PostgreSQL only). The
    contract price and the breaks ride on this read so an order's round trips stay the same
    as without them. The SKU variant is a separate statement so the usual order, by ids,
    keeps its plan."""
    columns = ", ".join(f"p.{_column(Product, name)}" for name in fields)
    price, membership, tier = ContractPrice, Membership, PriceBreak
    product_id = f"p.{_column(Product, 'id')}"
    contract = (
        f"(SELECT cp.{_column(price, 'price')} FROM {_table(price)} cp "
        f"JOIN {_table(membership)} m ON m.{_column(membership, 'company')} = "
        f"cp.{_column(price, 'company')} "
        f"WHERE m.{_column(membership, 'user')} = %s AND cp.{_column(price, 'product')} = "
        f"{product_id})"
    )
    min_quantity = f"pb.{_column(tier, 'min_quantity')}"
    breaks = (
        f"ARRAY(SELECT ARRAY[{min_quantity}::numeric, pb.{_column(tier, 'unit_price')}] "
        f"FROM {_table(tier)} pb WHERE pb.{_column(tier, 'product')} = {product_id} "
        f"ORDER BY {min_quantity})"
    )
    wanted = f"{product_id} = ANY(%s)"
    if by_sku:
        wanted += f" OR p.{_column(Product, 'sku')} = ANY(%s)"
    return f"SELECT {columns}, {contract}, {breaks} FROM {_table(Product)} p WHERE {wanted}"


# --- the token lookup -------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelColumns:
    """How to build a model instance from its columns in a row, as the ORM's compiler does."""

    model: type[Model]
    names: list[str]  # attnames, in the order of the SELECT
    # (index, column, converters) for the columns whose raw values the backend converts, as the
    # ORM's compiler would (SQLite: datetimes, booleans; PostgreSQL: none of these columns).
    converted: list[tuple[int, Col, list[Callable[..., Any]]]]

    def build(self, values: Sequence[Any]) -> Model:
        row = list(values)
        for index, col, converters in self.converted:
            for convert in converters:
                row[index] = convert(row[index], col, connection)
        return self.model.from_db(connection.alias, self.names, row)


def _select_columns(model: type[Model], alias: str) -> tuple[str, ModelColumns]:
    """The SELECT list of every concrete field of `model` (as `alias`), and how to build a row."""
    fields: list[Field] = list(model._meta.concrete_fields)
    sql = ", ".join(f"{alias}.{_name(f.column)}" for f in fields)
    converted = []
    for index, field in enumerate(fields):
        col = field.get_col(alias)
        converters = connection.ops.get_db_converters(col) + field.get_db_converters(connection)
        if converters:
            converted.append((index, col, converters))
    return sql, ModelColumns(model, [f.attname for f in fields], converted)


@dataclass(frozen=True)
class TokenLookup:
    """One parameter: the token's prefix. The row holds the token's columns, its user's, then
    (LEFT JOINs, NULL without them) the user's membership, its company and the company's
    default delivery address, in that order."""

    sql: str
    token: ModelColumns
    user: ModelColumns
    membership: ModelColumns
    company: ModelColumns
    address: ModelColumns

    def build(self, row: Sequence[Any]) -> ApiToken:
        """The token with `token.user`; the user carries its membership (None without one) as
        companies.selectors.membership_for reads it, and the membership its company's default
        address (companies.selectors.default_address_of)."""
        parts = []
        start = 0
        for columns in (self.token, self.user, self.membership, self.company, self.address):
            parts.append(row[start : start + len(columns.names)])
            start += len(columns.names)
        token_row, user_row, membership_row, company_row, address_row = parts
        token = self.token.build(token_row)
        token.user = self.user.build(user_row)
        membership = None
        if membership_row[0] is not None:
            membership = self.membership.build(membership_row)
            membership.company = self.company.build(company_row)
            address = self.address.build(address_row) if address_row[0] is not None else None
            membership.default_address_read = (address,)
        token.user.membership_read = (membership,)
        return token


def token_lookup() -> TokenLookup:
    """The live (unrevoked) token with a prefix, joined with its user, the user's membership and
    company, and the company's default address, and how to build them: the API reads on every
    request what an order needs of the buyer in this one statement."""
    return _token_lookup(connection.alias)


@cache
def _token_lookup(alias: str) -> TokenLookup:
    user_model = get_user_model()
    token_sql, token_columns = _select_columns(ApiToken, "t")
    user_sql, user_columns = _select_columns(user_model, "u")
    membership_sql, membership_columns = _select_columns(Membership, "m")
    company_sql, company_columns = _select_columns(Company, "c")
    address_sql, address_columns = _select_columns(Address, "a")
    sql = (
        f"SELECT {token_sql}, {user_sql}, {membership_sql}, {company_sql}, {address_sql} "
        f"FROM {_table(ApiToken)} t "
        f"JOIN {_table(user_model)} u "
        f"ON u.{_name(user_model._meta.pk.column)} = t.{_column(ApiToken, 'user')} "
        f"LEFT JOIN {_table(Membership)} m "
        f"ON m.{_column(Membership, 'user')} = u.{_name(user_model._meta.pk.column)} "
        f"LEFT JOIN {_table(Company)} c "
        f"ON c.{_column(Company, 'id')} = m.{_column(Membership, 'company')} "
        # At most one row: one membership per user, one default address per company (both
        # unique constraints).
        f"LEFT JOIN {_table(Address)} a "
        f"ON a.{_column(Address, 'company')} = m.{_column(Membership, 'company')} "
        f"AND a.{_column(Address, 'is_default')} "
        f"WHERE t.{_column(ApiToken, 'prefix')} = %s "
        f"AND t.{_column(ApiToken, 'revoked_at')} IS NULL"
    )
    return TokenLookup(
        sql, token_columns, user_columns, membership_columns, company_columns, address_columns
    )


def clear_caches() -> None:
    """Forget the statements built so far (tests that change a model's fields)."""
    for cached in (_stock_update_template, _order_insert, product_read_sql, _token_lookup):
        cached.cache_clear()

"""Model instances from hand-written SQL, for the few reads that run on every request.

Compiling an ORM query costs more CPU than running it (0.5-2 ms on the bench machine), which
matters only where a read runs on every API request: token authentication
(shop/services/tokens.py), the one user of this module. There the SQL is
written once per database from the models' own metadata, and rows are turned into instances
the way the ORM's compiler does it, converters included.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Field, Model
from django.db.models.expressions import Col


@dataclass(frozen=True)
class ModelColumns:
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


def select_columns(model: type[Model], alias: str) -> tuple[str, ModelColumns]:
    """The SELECT list of every concrete field of `model` (as `alias`), and how to build a row."""
    fields: list[Field] = list(model._meta.concrete_fields)
    sql = ", ".join(f"{alias}.{connection.ops.quote_name(f.column)}" for f in fields)
    converted = []
    for index, field in enumerate(fields):
        col = field.get_col(alias)
        converters = connection.ops.get_db_converters(col) + field.get_db_converters(connection)
        if converters:
            converted.append((index, col, converters))
    return sql, ModelColumns(model, [f.attname for f in fields], converted)

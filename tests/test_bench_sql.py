"""The benchmark's database ceiling sends the order service's own SQL (bench/__main__.py).

The bench keeps copies of the service's statements so it can run them from psycopg2 threads
without Django. These tests fail when a copy drifts from the service. They read the bench
module's source instead of importing it: importing it points DATABASE_URL at the bench
database.
"""

import ast
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from shop.services import orders, stock

BENCH = Path(__file__).resolve().parent.parent / "bench" / "__main__.py"


def bench_definitions() -> dict[str, Any]:
    """The bench's SQL constants and its stock_update_sql function, run in a namespace of
    their own."""
    tree = ast.parse(BENCH.read_text())
    wanted = {"PRODUCT_READ", "ORDER_INSERT", "stock_update_sql"}
    nodes = [
        node
        for node in tree.body
        if (isinstance(node, ast.Assign) and {t.id for t in node.targets if isinstance(t, ast.Name)} & wanted)
        or (isinstance(node, ast.FunctionDef) and node.name in wanted)
    ]
    namespace: dict[str, Any] = {}
    exec(compile(ast.Module(body=nodes, type_ignores=[]), str(BENCH), "exec"), namespace)
    assert wanted <= namespace.keys()
    return namespace


def same_sql(sql: str) -> str:
    return re.sub(r"\s+", " ", sql).strip()


def test_the_bench_reads_products_as_the_service_does() -> None:
    assert same_sql(bench_definitions()["PRODUCT_READ"]) == same_sql(orders._PRODUCT_READ_SQL)


def test_the_bench_inserts_the_order_as_the_service_does() -> None:
    assert same_sql(bench_definitions()["ORDER_INSERT"]) == same_sql(stock._ORDER_INSERT_SQL)


@pytest.mark.postgres
def test_the_bench_takes_stock_as_the_service_does(
    postgres_only: None, make_product: Any
) -> None:
    flour, yeast = make_product(stock=5), make_product(stock=5)
    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    with transaction.atomic(), CaptureQueriesContext(connection) as context:
        stock.apply_stock_changes({flour.pk: -1, yeast.pk: -2}, now=now)
        transaction.set_rollback(True)

    bench_sql = bench_definitions()["stock_update_sql"](2)
    with connection.cursor() as cursor:
        expected = cursor.mogrify(bench_sql, [flour.pk, -1, yeast.pk, -2, now]).decode()
    assert same_sql(context.captured_queries[-1]["sql"]) == same_sql(expected)

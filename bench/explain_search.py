"""EXPLAIN ANALYZE the catalogue's queries (page of 25 and the pagination count) on PostgreSQL.

    DATABASE_URL=postgres://... .venv/bin/python -m bench.explain_search [--plans]

Prints the server-side execution time of each query that shop.selectors.product_search builds
for a set of searches and every ordering, so index changes can be judged with numbers.
"""

import argparse
import os
import re
import sys
from collections.abc import Iterator

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.db.models import QuerySet  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from shop.selectors import PRODUCT_ORDERINGS, product_search  # noqa: E402

PAGE_SIZE = 25
SEARCHES = ["", "bar", "quinoa", "teff 4", "gen-00123", "load", "flour", "zzz", "sourdough"]


def explain(queryset_sql: tuple[str, tuple[object, ...] | None], show_plan: bool) -> float:
    sql, params = queryset_sql
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        lines = [row[0] for row in cursor.fetchall()]
    if show_plan:
        print("\n".join("      " + line for line in lines))
    match = next(m for line in lines if (m := re.search(r"Execution Time: ([\d.]+) ms", line)))
    return float(match.group(1))


def count_sql(queryset: QuerySet) -> tuple[str, None]:
    """The exact SQL Paginator.count runs (queryset.count()), captured rather than rebuilt."""
    with CaptureQueriesContext(connection) as captured:
        queryset.count()
    return captured.captured_queries[-1]["sql"], None


def cases() -> Iterator[tuple[str, dict[str, object]]]:
    for q in SEARCHES:
        for ordering in PRODUCT_ORDERINGS:
            yield f"q={q!r:12} ordering={ordering:7}", {"q": q, "ordering": ordering}
    yield "in_stock, -price", {"in_stock": True, "ordering": "-price"}
    yield "category, name", {"category_slug": "flours", "ordering": "name"}
    yield "category, q=bar, -stock", {"category_slug": "flours", "q": "bar", "ordering": "-stock"}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--plans", action="store_true", help="print each plan")
    parser.add_argument("--runs", type=int, default=3, help="take the best of N runs (warm cache)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("needs PostgreSQL (set DATABASE_URL)", file=sys.stderr)
        return 2
    worst = 0.0
    print(f"{'case':45} {'page ms':>8} {'count ms':>9}  rows")
    for label, filters in cases():
        queryset = product_search(**filters)
        page = min(explain(queryset[:PAGE_SIZE].query.sql_with_params(), args.plans)
                   for _ in range(args.runs))
        counted = min(explain(count_sql(queryset), args.plans) for _ in range(args.runs))
        rows = queryset.count()
        worst = max(worst, page + counted)
        print(f"{label:45} {page:8.2f} {counted:9.2f}  {rows}")
    print(f"worst page+count: {worst:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""EXPLAIN ANALYZE the catalogue's and the API's product queries on PostgreSQL.

    DATABASE_URL=postgres://... .venv/bin/python -m bench.explain_search [--plans] [--runs N]

For a set of searches and filters, prints the server-side execution time of each query that
shop.selectors builds for one page of products: the page itself (LIMIT 25, in the given
sort), the API's total (product_count's COUNT(*)), and the catalogue's facet counts
(product_facets' grouped query, which also gives the catalogue its total). A search that
finds nothing adds what the catalogue then runs: the "did you mean" lookups and the close
matches. So a catalogue page costs page + facets (+ the empty-result extras), an API page
page + count; both are printed, with the worst of each at the end. Counts and facets are
cached for 30 s in the app (selectors.product_count); these are the uncached costs.
"""

import argparse
import os
import re
import sys
from collections.abc import Callable, Iterator
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.core.cache import caches  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import QuerySet  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from shop import selectors  # noqa: E402
from shop.selectors import PRODUCT_ORDERINGS, RELEVANCE  # noqa: E402

PAGE_SIZE = 25
# The searches of the first run (bench/RESULTS.md), each in every sort.
SEARCHES = ["", "bar", "quinoa", "teff 4", "gen-00123", "load", "flour", "zzz", "sourdough"]
# What a buyer means (issue 14): word forms, a category's name, words in any order, a measure,
# a typo, a SKU, a common word; best matches first, as the catalogue lists a search.
MEANINGS = [
    "flours", "malts", "rye flour", "flour rye", "25 kg", "suger", "FLR-RYE-DK-25", "sesame seeds",
    "salt and vinegar", "kg", "organic barley",
]
FILTERS: list[tuple[str, dict[str, Any]]] = [
    ("free from peanuts, sesame", {"free_from": ["peanuts", "sesame"]}),
    ("dietary organic, vegan", {"dietary": ["organic", "vegan"]}),
    ("free from gluten, dietary vegan, in stock", {"free_from": ["cereals_gluten"], "dietary": ["vegan"], "in_stock": True}),
    ("flours: organic, free from milk", {"category_slug": "flours", "dietary": ["organic"], "free_from": ["milk"]}),
    ("q=seeds, free from sesame", {"q": "seeds", "free_from": ["sesame"]}),
    ("q=flour, free from gluten", {"q": "flour", "free_from": ["cereals_gluten"]}),
    ("q=25 kg, dietary halal, kosher", {"q": "25 kg", "dietary": ["halal", "kosher"]}),
    ("q=barley, free from mustard, soya, sorted -price", {"q": "barley", "free_from": ["mustard", "soya"], "ordering": "-price"}),
]


def explain(sql: str, params: Any, show_plan: bool) -> float:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        lines = [row[0] for row in cursor.fetchall()]
    if show_plan:
        print("\n".join("      " + line for line in lines))
    match = next(m for line in lines if (m := re.search(r"Execution Time: ([\d.]+) ms", line)))
    return float(match.group(1))


def captured(run: Callable[[], Any]) -> list[tuple[str, Any]]:
    """The SQL statements `run` sends, as sent (the caches are cleared first)."""
    for cache in caches.all():
        cache.clear()
    with CaptureQueriesContext(connection) as context:
        run()
    return [(query["sql"], None) for query in context.captured_queries]


def best(statements: list[tuple[str, Any]], runs: int, show_plan: bool) -> float:
    """Best of `runs` for the statements' summed time; SELECTs only (a cache write is not
    the database's search work)."""
    selects = [(sql, params) for sql, params in statements if sql.lstrip().upper().startswith("SELECT")]
    return min(sum(explain(sql, params, show_plan) for sql, params in selects) for _ in range(runs))


def cases() -> Iterator[tuple[str, dict[str, Any]]]:
    for q in SEARCHES:
        for ordering in [*PRODUCT_ORDERINGS, RELEVANCE]:
            yield f"q={q!r} {ordering}", {"q": q, "ordering": ordering}
    for q in MEANINGS:
        yield f"q={q!r} relevance", {"q": q, "ordering": RELEVANCE}
    yield "in_stock, -price", {"in_stock": True, "ordering": "-price"}
    yield "category, name", {"category_slug": "flours", "ordering": "name"}
    yield "category, q=bar, -stock", {"category_slug": "flours", "q": "bar", "ordering": "-stock"}
    for label, filters in FILTERS:
        yield label, {"ordering": RELEVANCE, **filters}
    # A dietary mark without a search walks the mark's own index in each order (migration 0014).
    for marks in (["organic", "vegan"], ["halal", "kosher"]):
        for ordering in PRODUCT_ORDERINGS:
            yield f"dietary {', '.join(marks)}, {ordering}", {"dietary": marks, "ordering": ordering}


def measure(filters: dict[str, Any], runs: int, show_plan: bool) -> dict[str, float | int]:
    search = {key: value for key, value in filters.items() if key != "ordering"}
    count = selectors.product_count(**search)
    queryset: QuerySet = selectors.product_search(
        **search, ordering=filters.get("ordering", "name"), known_count=count
    )
    page_sql = queryset[:PAGE_SIZE].query.sql_with_params()
    result: dict[str, float | int] = {"rows": count}
    result["page"] = min(explain(*page_sql, show_plan) for _ in range(runs))
    result["count"] = best(captured(lambda: selectors.product_count(**search)), runs, show_plan)
    result["facets"] = best(
        captured(lambda: list(selectors.facet_groups(q=search.get("q", ""), in_stock=search.get("in_stock", False)))),
        runs,
        show_plan,
    )
    result["empty"] = 0.0
    if search.get("q") and not count:
        # The catalogue's way out of an empty result: the suggestion (its lookups and the
        # count that checks it finds something) and the close matches.
        def way_out() -> None:
            suggestion = selectors.search_suggestion(**search)
            selectors.product_close_matches(**{**search, "q": suggestion or search["q"]})

        result["empty"] = best(captured(way_out), runs, show_plan)
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--plans", action="store_true", help="print each plan")
    parser.add_argument("--runs", type=int, default=3, help="take the best of N runs (warm cache)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("needs PostgreSQL (set DATABASE_URL)", file=sys.stderr)
        return 2
    worst_catalogue = worst_api = (0.0, "")
    print(
        f"{'case':52} {'page':>7} {'count':>7} {'facets':>7} {'empty':>7} "
        f"{'catalogue':>9} {'api':>7}  rows   (ms)"
    )
    for label, filters in cases():
        m = measure(filters, args.runs, args.plans)
        catalogue = m["page"] + m["facets"] + m["empty"]
        api = m["page"] + m["count"]
        worst_catalogue = max(worst_catalogue, (catalogue, label))
        worst_api = max(worst_api, (api, label))
        print(
            f"{label[:52]:52} {m['page']:7.2f} {m['count']:7.2f} {m['facets']:7.2f} "
            f"{m['empty']:7.2f} {catalogue:9.2f} {api:7.2f}  {m['rows']}"
        )
    print(f"worst catalogue page+facets(+empty): {worst_catalogue[0]:.2f} ms ({worst_catalogue[1]})")
    print(f"worst API page+count: {worst_api[0]:.2f} ms ({worst_api[1]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The catalogue search's trigram indexes exist on PostgreSQL and serve the selector's SQL."""

import pytest
from decimal import Decimal
from importlib import import_module

from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shop import services
from shop.models import Category, Product
from shop.selectors import product_search

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("postgres_only")]

TRIGRAM_INDEXES = {"product_name_trgm", "product_sku_trgm", "product_description_trgm"}
BTREE_INDEXES = [
    "product_active_name",
    "product_active_price",
    "product_active_stock",
    "product_category_name",
    "shop_product_category_id_14d7eea8",
]


@pytest.fixture
def catalogue(category: Category) -> None:
    """Enough look-alike products that a selective search should not read them all."""
    services.products_bulk_add(
        products=[
            Product(
                sku=f"GEN-{n:05d}",
                name=f"Milled barley {n}",
                description="Plain generated product.",
                category=category,
                unit="25 kg sack",
                price=Decimal("10.00"),
                stock=5,
            )
            for n in range(3000)
        ]
    )
    with connection.cursor() as cursor:
        # Expression statistics, as the migration's ANALYZE leaves them on a real catalogue.
        cursor.execute("ANALYZE shop_product")


def plan_for(sql: str, params: tuple[object, ...]) -> str:
    with connection.cursor() as cursor:
        # On a test-sized table scanning everything is cheapest; forbid that, and the btree
        # indexes that only narrow by is_active or category (dropped inside the test's
        # transaction, so rolled back with it), to see whether the trigram indexes can serve
        # the query: that is what breaks if the index and query expressions drift apart.
        cursor.execute("SET LOCAL enable_seqscan = off")
        for index in BTREE_INDEXES:
            cursor.execute(f'DROP INDEX "{index}"')
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.django_db
def test_trigram_indexes_exist_with_gin_trgm_ops() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'shop_product'"
        )
        indexes = dict(cursor.fetchall())
    assert TRIGRAM_INDEXES <= set(indexes)
    for name in TRIGRAM_INDEXES:
        assert "USING gin" in indexes[name] and "gin_trgm_ops" in indexes[name]
        assert "upper(" in indexes[name]


@pytest.mark.django_db
def test_search_query_is_served_by_all_three_trigram_indexes(make_product, catalogue) -> None:
    make_product(name="Stoneground rye", description="Dark, for sourdough")
    queryset = product_search(q="sourdough", ordering="price")

    plan = plan_for(*queryset.query.sql_with_params())

    for name in TRIGRAM_INDEXES:
        assert name in plan, plan
    assert [p.name for p in queryset] == ["Stoneground rye"]


@pytest.mark.django_db
def test_count_query_is_served_by_the_trigram_indexes(make_product, catalogue) -> None:
    make_product(sku="FLR-RYE-25")
    queryset = product_search(q="rye-2")

    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    plan = plan_for(f"SELECT COUNT(*) FROM ({sql}) AS counted", params)

    assert "product_sku_trgm" in plan, plan
    assert queryset.count() == 1


def migration_statements() -> list[str]:
    """The SQL the trigram migration's forward step sends now (its CREATEs are no-ops here)."""
    create_trigram_indexes = import_module(
        "shop.migrations.0002_product_search_trigram"
    ).create_trigram_indexes
    with connection.cursor() as cursor:
        # Rows made in this test's transaction still have deferred FK checks queued, and
        # PostgreSQL refuses index DDL on a table with pending trigger events.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with connection.schema_editor() as editor, CaptureQueriesContext(connection) as captured:
        create_trigram_indexes(django_apps, editor)
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.django_db
def test_migration_does_not_analyze_an_empty_product_table() -> None:
    statements = migration_statements()

    assert any("gin_trgm_ops" in sql for sql in statements)
    assert not any(sql.startswith("ANALYZE") for sql in statements)


@pytest.mark.django_db
def test_migration_analyzes_an_existing_catalogue(make_product) -> None:
    make_product()

    assert any(sql.startswith("ANALYZE") for sql in migration_statements())


@pytest.mark.django_db
def test_product_table_is_vacuumed_early_to_keep_counts_index_only() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'shop_product'")
        options = set(cursor.fetchone()[0] or [])

    assert "autovacuum_vacuum_scale_factor=0.01" in options
    assert "autovacuum_vacuum_threshold=500" in options

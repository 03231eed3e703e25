"""The catalogue search's PostgreSQL machinery (migrations 0002, 0012 and 0014): the search vector
kept by triggers, the indexes that serve the selector's SQL, and the statistics its plans
turn on."""

from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shop import selectors, services
from shop.allergens import DIETARY
from shop.models import Category, Product, SearchWord
from shop.selectors import product_search

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("postgres_only")]

SEARCH_INDEX = "product_search_vector"
BTREE_INDEXES = [
    "product_active_name",
    "product_active_price",
    "product_active_stock",
    "product_category_name",
    "product_facets",
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
        # Statistics, as the migration's ANALYZE and autovacuum leave them on a real catalogue.
        cursor.execute("ANALYZE shop_product")


def plan_for(sql: str, params: tuple[object, ...]) -> str:
    with connection.cursor() as cursor:
        # On a test-sized table scanning everything is cheapest; forbid that, and the btree
        # indexes that only narrow by is_active or category (dropped inside the test's
        # transaction, so rolled back with it), to see whether the search indexes can serve
        # the query: that is what breaks if the index and the query's expressions drift apart.
        cursor.execute("SET LOCAL enable_seqscan = off")
        for index in BTREE_INDEXES:
            cursor.execute(f'DROP INDEX "{index}"')
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def indexes() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'shop_product'")
        return dict(cursor.fetchall())


def vector_of(product: Product) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_vector::text FROM shop_product WHERE id = %s", [product.pk])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_the_search_vector_has_a_gin_index_and_only_the_sku_keeps_its_trigram_index() -> None:
    found = indexes()

    assert "USING gin (search_vector)" in found[SEARCH_INDEX]
    assert "gin_trgm_ops" in found["product_sku_trgm"] and "upper(" in found["product_sku_trgm"]
    assert "product_name_trgm" not in found and "product_description_trgm" not in found


@pytest.mark.django_db
def test_a_new_product_gets_its_vector_from_its_texts_and_its_category(make_product) -> None:
    product = make_product(
        name="Dark rye flours", sku="FLR-RYE-DK-25", unit="25 kg sack", description="For sourdough"
    )

    vector = vector_of(product)

    # Stemmed words, the SKU's parts, the category (weight B), the unit's numbers.
    for lexeme in ["'flour'", "'rye'", "'flr'", "'dk'", "'25'", "'kg'", "'sourdough'"]:
        assert lexeme in vector
    assert "'flour':" in vector and "B" in vector.split("'flour':")[1].split(" ")[0]


@pytest.mark.django_db
def test_renaming_a_product_or_its_category_renews_its_vector(make_product, category) -> None:
    product = make_product(name="Wheat flour")
    product.name = "Spelt flour"
    product.save()
    assert "'spelt'" in vector_of(product) and "'wheat'" not in vector_of(product)

    category.name = "Milled grains"
    category.save()

    assert "'grain'" in vector_of(product)
    assert [p.pk for p in product_search(q="milled grains")] == [product.pk]


@pytest.mark.django_db
def test_a_stock_change_does_not_run_the_search_trigger() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname = 'product_search_fields'"
        )
        definition = cursor.fetchone()[0]

    columns = definition.split("UPDATE OF ")[1].split(" ON ")[0]
    assert "name" in columns and "stock" not in columns.split(", ")


@pytest.mark.django_db
def test_new_and_renamed_products_add_their_words_for_suggestions(make_product, category) -> None:
    product = make_product(name="Granulated sugar", description="Cane, fine crystals")
    assert {"granulated", "sugar", "cane", "crystals", "flours"} <= set(
        SearchWord.objects.values_list("word", flat=True)
    )
    assert SearchWord.objects.get(word="sugar").in_names
    assert not SearchWord.objects.get(word="cane").in_names

    product.name = "Demerara sugar"
    product.save()

    assert SearchWord.objects.filter(word="demerara", in_names=True).exists()


@pytest.mark.django_db
def test_search_page_query_is_served_by_the_search_index(make_product, catalogue) -> None:
    make_product(name="Stoneground rye", description="Dark, for sourdough")
    queryset = product_search(q="sourdough", ordering="price")

    plan = plan_for(*queryset.query.sql_with_params())

    assert SEARCH_INDEX in plan, plan
    assert [p.name for p in queryset] == ["Stoneground rye"]


@pytest.mark.django_db
def test_count_query_is_served_by_the_search_index(make_product, catalogue) -> None:
    make_product(name="Stoneground rye", description="Dark, for sourdough")
    queryset = product_search(q="stonegrounds")

    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    plan = plan_for(f"SELECT COUNT(*) FROM ({sql}) AS counted", params)

    assert SEARCH_INDEX in plan, plan
    assert queryset.count() == 1


@pytest.mark.django_db
def test_a_sku_fragment_is_served_by_the_sku_trigram_index(make_product, catalogue) -> None:
    make_product(sku="FLR-RYE-25")
    queryset = product_search(q="rye-2")

    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    plan = plan_for(f"SELECT COUNT(*) FROM ({sql}) AS counted", params)

    assert "product_sku_trgm" in plan, plan
    assert queryset.count() == 1


@pytest.mark.django_db
def test_a_rare_word_is_estimated_as_rare(make_product, catalogue) -> None:
    """The vector's statistics target: with the default, a word outside the few commonest
    was guessed at 0.5% of the products, and the page walked the name index over them all."""
    make_product(name="Stoneground rye", description="Dark, for sourdough")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstattarget FROM pg_attribute "
            "WHERE attrelid = 'shop_product'::regclass AND attname = 'search_vector'"
        )
        assert cursor.fetchone()[0] == 1000
        cursor.execute("ANALYZE shop_product")
        sql, params = product_search(q="sourdough").order_by().query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    # 1 of 3,001 products; the default statistics guessed 0.5% of them (15).
    estimated_rows = int(plan.split("rows=")[1].split(" ")[0])
    assert estimated_rows <= 3, plan


@pytest.mark.django_db
def test_the_free_from_filter_has_statistics_for_each_allergen(make_product, catalogue) -> None:
    """Each allergen's `allergens & bit` has expression statistics, so a free-from filter is
    estimated from the data rather than guessed at 0.5% per allergen."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_statistic_ext WHERE stxname LIKE 'product_allergens_%%'"
        )
        assert cursor.fetchone()[0] == 2
        cursor.execute("ANALYZE shop_product")
        sql, params = product_search(free_from=["peanuts", "sesame"]).order_by().query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        first_line = cursor.fetchone()[0]

    # None of the 3,000 generated products declares an allergen: all of them are estimated.
    estimated_rows = int(first_line.split("rows=")[1].split(" ")[0])
    assert estimated_rows > 2500, first_line


DIETARY_MIGRATION = import_module("shop.migrations.0014_product_dietary_indexes")


@pytest.fixture
def marked_catalogue(category: Category) -> None:
    """3,000 products of which the organic ones (a tenth, also vegan) cluster at the end of
    every order the catalogue lists by: named "Zesty ...", the dearest, the most stocked. A
    walk of the whole catalogue's index in name, price or stock order would read the other
    2,700 before the first of them."""
    services.products_bulk_add(
        products=[
            Product(
                sku=f"GEN-{n:05d}",
                name=f"Zesty barley {n:05d}" if organic else f"Milled barley {n:05d}",
                category=category,
                unit="25 kg sack",
                price=Decimal("90.00") + n if organic else Decimal("10.00"),
                stock=500 + n if organic else 5,
                dietary=DIETARY.mask(["organic", "vegan"] if organic else ["vegan"]),
            )
            for n in range(3000)
            for organic in [n % 10 == 0]
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE shop_product")


def explained(sql: str, params: tuple[object, ...]) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.django_db
def test_every_dietary_mark_has_an_index_per_listing_order() -> None:
    found = indexes()

    assert set(DIETARY_MIGRATION.DIETARY_BITS) == set(DIETARY.codes)
    for code in DIETARY.codes:
        bit = DIETARY.bit(code)
        for order in ["name", "price", "stock"]:
            definition = found[f"product_{code}_{order}"]
            assert f"(is_active, {order}, id)" in definition, definition
            assert f"WHERE (((dietary)::integer & {bit}) = {bit})" in definition, definition
        assert "INCLUDE (category_id, allergens, dietary)" in found[f"product_{code}_stock"]
    names = [f"product_{code}_{order}" for code in DIETARY.codes for order in ["name", "price", "stock"]]
    with connection.schema_editor() as editor:
        assert DIETARY_MIGRATION.invalid_indexes(editor, names) == []


@pytest.mark.django_db(transaction=True)
def test_running_the_dietary_migration_again_rebuilds_an_index_a_failed_run_left_invalid() -> None:
    """A CREATE INDEX CONCURRENTLY that fails leaves an INVALID index, which IF NOT EXISTS
    alone would keep (and the migration would then be recorded as applied)."""
    name = "product_organic_name"
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE pg_index SET indisvalid = false WHERE indexrelid = %s::regclass", [name]
        )
    editor = connection.schema_editor(atomic=False)
    with editor:
        assert DIETARY_MIGRATION.invalid_indexes(editor, [name]) == [name]
        DIETARY_MIGRATION.create_dietary_indexes(django_apps, editor)
        assert DIETARY_MIGRATION.invalid_indexes(editor, [name]) == []
    assert "WHERE (((dietary)::integer & 1) = 1)" in indexes()[name]


@pytest.mark.django_db
@pytest.mark.parametrize("ordering", ["name", "-name", "price", "-price", "stock", "-stock"])
def test_a_dietary_listing_walks_the_marks_index_in_every_order(marked_catalogue, ordering: str) -> None:
    queryset = product_search(dietary=["vegan", "organic"], ordering=ordering)

    plan = explained(*queryset[:25].query.sql_with_params())

    order = ordering.lstrip("-")
    assert f"Index Scan{' Backward' if ordering.startswith('-') else ''} using product_organic_{order}" in plan, plan
    assert "Sort" not in plan, plan
    page = list(queryset[:25])
    assert len(page) == 25 and all(p.name.startswith("Zesty") for p in page)


@pytest.mark.django_db(transaction=True)
def test_a_dietary_listing_is_counted_from_the_marks_index_alone(marked_catalogue) -> None:
    with connection.cursor() as cursor:
        # As autovacuum leaves a catalogue (0003): all-visible, so an index-only scan need
        # not read the table. Outside a transaction, hence transaction=True.
        cursor.execute("VACUUM shop_product")
    sql, params = (
        product_search(dietary=["organic"], free_from=["milk"], in_stock=True)
        .order_by()
        .values("pk")
        .query.sql_with_params()
    )

    plan = explained(f"SELECT COUNT(*) FROM ({sql}) AS counted", params)

    assert "Index Only Scan using product_organic_stock" in plan, plan
    assert selectors.product_count(dietary=["organic"], free_from=["milk"], in_stock=True) == 300


@pytest.mark.django_db
def test_dietary_marks_and_their_combinations_are_estimated_from_statistics(marked_catalogue) -> None:
    """The statistics object of 0014: `dietary & bit = bit` per mark would be guessed at 0.5%
    each, 0.0025% for two marks."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_statistic_ext WHERE stxname = 'product_dietary'")
        assert cursor.fetchone()[0] == 1
    sql, params = product_search(dietary=["organic", "vegan"]).order_by().query.sql_with_params()

    first_line = explained(sql, params).splitlines()[0]

    estimated_rows = int(first_line.split("rows=")[1].split(" ")[0])
    assert 250 <= estimated_rows <= 350, first_line  # 300 of 3,000


@pytest.mark.django_db
def test_a_dietary_listing_in_an_order_without_a_marks_index_is_sorted_not_walked(
    make_product, catalogue
) -> None:
    make_product(name="Organic rye", sku="ORG-RYE-25", dietary=["organic"])
    listing = product_search(dietary=["organic"])

    by_sku = str(selectors.product_order(listing, ["sku", "id"], sort_matches=True).query)
    by_name = str(selectors.product_order(listing, ["-name", "-id"], sort_matches=True).query)

    # Sorted by expressions no index serves, in the same order as sku, id.
    assert 'ORDER BY (COALESCE("shop_product"."sku"' in by_sku and '("shop_product"."id" + 0) ASC' in by_sku
    assert by_name.endswith('ORDER BY "shop_product"."name" DESC, "shop_product"."id" DESC')
    assert [p.name for p in listing] == ["Organic rye"]
    assert selectors.sorts_matches(1, q="", dietary=["organic"])
    assert not selectors.sorts_matches(1, q="", dietary=[])
    assert not selectors.sorts_matches(1, q="rye", dietary=["organic"])
    assert not selectors.sorts_matches(selectors.SORTED_MATCHES_MAX + 1, q="", dietary=["organic"])


def migration_statements(module: str, function: str) -> list[str]:
    """The SQL a migration's forward step sends now (its CREATEs are no-ops here)."""
    create = getattr(import_module(f"shop.migrations.{module}"), function)
    with connection.cursor() as cursor:
        # Rows made in this test's transaction still have deferred FK checks queued, and
        # PostgreSQL refuses index DDL on a table with pending trigger events.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with connection.schema_editor() as editor, CaptureQueriesContext(connection) as captured:
        create(django_apps, editor)
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("module", "function"),
    [
        ("0002_product_search_trigram", "create_trigram_indexes"),
        ("0012_product_allergens_search", "create_search"),
    ],
)
def test_migration_does_not_analyze_an_empty_product_table(module: str, function: str) -> None:
    statements = migration_statements(module, function)

    assert any("CREATE" in sql for sql in statements)
    assert not any(sql.startswith("ANALYZE") for sql in statements)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("module", "function"),
    [
        ("0002_product_search_trigram", "create_trigram_indexes"),
        ("0012_product_allergens_search", "create_search"),
    ],
)
def test_migration_analyzes_an_existing_catalogue(make_product, module: str, function: str) -> None:
    make_product()

    assert any(sql.startswith("ANALYZE") for sql in migration_statements(module, function))


@pytest.mark.django_db
def test_the_search_migration_gives_an_existing_catalogue_its_vectors_and_words(make_product) -> None:
    product = make_product(name="Rolled oats")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending trigger events for ALTER
        cursor.execute("ALTER TABLE shop_product DISABLE TRIGGER product_search_fields")
        cursor.execute("UPDATE shop_product SET search_vector = NULL")
        cursor.execute("ALTER TABLE shop_product ENABLE TRIGGER product_search_fields")
    SearchWord.objects.all().delete()

    migration_statements("0012_product_allergens_search", "create_search")

    assert "'oat'" in vector_of(product)
    assert SearchWord.objects.filter(word="oats").exists()


@pytest.mark.django_db
def test_product_table_is_vacuumed_early_to_keep_counts_index_only() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'shop_product'")
        options = set(cursor.fetchone()[0] or [])

    assert "autovacuum_vacuum_scale_factor=0.01" in options
    assert "autovacuum_vacuum_threshold=500" in options

"""Trigram indexes for the catalogue search, on PostgreSQL only.

shop.selectors.product_search filters with icontains, which Django writes on PostgreSQL as
`UPPER(col::text) LIKE UPPER('%q%')`. A leading wildcard cannot use a btree, so without these
every search read the whole table (about 90 ms at 100,000 products). GIN indexes with
gin_trgm_ops over exactly those UPPER(...) expressions serve that LIKE (3+ characters), and
ANALYZE keeps statistics on the expressions, which lets the planner tell a rare term (use the
trigram indexes) from a common one (walk the ordering index and stop after a page).

SQLite has no such indexes and needs none at demo sizes: the operation does nothing there.
pg_trgm is a trusted extension (PostgreSQL 13+), so a database owner without superuser
rights can create it.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

TRIGRAM_INDEXES = {
    "product_name_trgm": "name",
    "product_sku_trgm": "sku",
    "product_description_trgm": "description",
}


def create_trigram_indexes(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for index, column in TRIGRAM_INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{index}" ON "shop_product" '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )
    # Expression statistics exist only after ANALYZE; without them the planner guesses the
    # LIKE's selectivity and may pick a full scan for a rare term until autovacuum runs.
    # Not on an empty table, though: "analysed, 0 rows" makes the planner trust that the
    # table is empty, and a connection that then bulk-loads products keeps foreign-key check
    # plans that scan the whole table per row (100,000 products took over ten minutes).
    with schema_editor.connection.cursor() as cursor:
        cursor.execute('SELECT EXISTS (SELECT 1 FROM "shop_product")')
        has_products = cursor.fetchone()[0]
    if has_products:
        schema_editor.execute('ANALYZE "shop_product"')


def drop_trigram_indexes(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for index in TRIGRAM_INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{index}"')
    # The extension stays: other objects in the database may use it.


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes, elidable=False),
    ]

"""An index per dietary mark and listing order, and statistics on the marks; PostgreSQL only.

A dietary filter without a search ("organic and vegan") was listed one of two slow ways. The
planner walked the name (or price, or stock) index of the whole catalogue and filtered,
expecting the marked products spread evenly through that order; but marks cluster (a
catalogue's organic products are often named "Organic ...", or carry an "ORG-" code), and
the walk read 62,000 rows for a page of 25 (140 ms at 100,000 products). So the selector had
PostgreSQL read every marked product and sort them instead: 35-70 ms.

Here each mark gets a partial btree per order the catalogue and the API list by: `(is_active,
name, id)`, `(is_active, price, id)` and `(is_active, stock, id)` over the products carrying
that mark (`(dietary & bit) = bit`, the expression selectors._filtered writes). A listing with
a mark walks its index and reads only products carrying the mark, so a page costs about 25
rows, however the marked products are named or priced; backwards for the descending sorts,
and `id` in the key gives the selector's exact order (no sort at all). The stock index also
carries the other filters' columns (category, allergens, marks), so the listing's count
reads the mark's index alone: 1.7 ms for organic and vegan instead of 30-43 ms for their
rows. `is_active` leads as in product_active_name: the planner costs an index walk by how
the table follows its first column, and the indexes must be costed alike for the narrower
one to be chosen.

What it costs: a stock change is never a HOT update (product_active_stock), so each index
whose mark the product carries gets an entry: about 0.08 ms more per product updated
(3,000 stock updates: 0.23 ms each without these indexes, 0.31 ms with them, load 5).

The statistics object gives the planner the frequency of each mark and of each combination
of marks (its most-common-values list covers all 32 of them), which the
`(dietary & bit) = bit` conditions would otherwise be guessed at (0.5% each).

Built CONCURRENTLY (hence a non-atomic migration): an order changes stock, and a plain
CREATE INDEX would hold every order for the seconds each of the 15 builds takes on a large
catalogue. SQLite (development) needs none of this; the operation does nothing there.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

# shop.allergens.DIETARY's codes and bits as of this migration (that list only grows: a new
# code gets its indexes in a migration of its own).
DIETARY_BITS = {"organic": 1, "vegan": 2, "vegetarian": 4, "halal": 8, "kosher": 16}
ORDERS = ("name", "price", "stock")
STATISTICS = "product_dietary"
# What product_count filters on besides the order's columns: the stock index of a mark
# carries them, so counting a dietary listing is an index-only scan of that mark's products.
COUNTED = '"category_id", "allergens", "dietary"'


def index_name(code: str, order: str) -> str:
    return f"product_{code}_{order}"


def invalid_indexes(schema_editor: BaseDatabaseSchemaEditor, names: list[str]) -> list[str]:
    """Those of `names` that exist but are INVALID: a CREATE INDEX CONCURRENTLY that failed (or
    was interrupted) leaves its index behind in that state, unused by the planner yet kept up
    by every write."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE c.relname = ANY(%s) AND pg_table_is_visible(c.oid) AND NOT i.indisvalid",
            [names],
        )
        return sorted(row[0] for row in cursor.fetchall())


def create_dietary_indexes(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    names = [index_name(code, order) for code in DIETARY_BITS for order in ORDERS]
    # A run that failed half-way (this migration is not atomic) left invalid indexes, which
    # IF NOT EXISTS would keep: build those again.
    for name in invalid_indexes(schema_editor, names):
        schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{name}"')
    for code, bit in DIETARY_BITS.items():
        for order in ORDERS:
            include = f" INCLUDE ({COUNTED})" if order == "stock" else ""
            schema_editor.execute(
                f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{index_name(code, order)}" '
                f'ON "shop_product" ("is_active", "{order}", "id"){include} '
                f'WHERE ("dietary" & {bit}) = {bit}'
            )
    if still_invalid := invalid_indexes(schema_editor, names):
        raise RuntimeError(f"Indexes left invalid, run the migration again: {still_invalid}")
    expressions = ", ".join(f'("dietary" & {bit})' for bit in DIETARY_BITS.values())
    schema_editor.execute(
        f'CREATE STATISTICS IF NOT EXISTS "{STATISTICS}" ON {expressions} FROM "shop_product"'
    )
    with schema_editor.connection.cursor() as cursor:
        cursor.execute('SELECT EXISTS (SELECT 1 FROM "shop_product")')
        has_products = cursor.fetchone()[0]
    if has_products:
        # The statistics object is empty until ANALYZE; not on an empty table (see 0002).
        schema_editor.execute('ANALYZE "shop_product"')


def drop_dietary_indexes(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP STATISTICS IF EXISTS "{STATISTICS}"')
    for code in DIETARY_BITS:
        for order in ORDERS:
            schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{index_name(code, order)}"')


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("shop", "0013_saved_lists"),
    ]

    operations = [
        migrations.RunPython(create_dietary_indexes, drop_dietary_indexes, elidable=False),
    ]

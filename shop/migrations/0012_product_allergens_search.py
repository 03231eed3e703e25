"""Allergens, dietary marks and origin on products; the catalogue's full-text search.

PostgreSQL only (the search on SQLite is shop.search's word match, and the operation does
nothing there but put back the stock guard):

- A trigger keeps shop_product.search_vector: the name and SKU (weight A), the category's
  name and the unit (B), the description and origin (C), through the `english`
  configuration, which stems words ("flours" finds flour) and hands numbers to the `simple`
  dictionary unchanged ("25 kg"). Hyphens, slashes and underscores become spaces first: the
  parser reads "GEN-0012345" as "gen" and the negative number "-0012345" otherwise, so the
  SKU's parts could not be searched for. The category's name is read by the trigger, and a
  trigger on shop_category renews its products' vectors when it is renamed. A stock update
  (the order path) names none of these columns, so the trigger never runs for it.
- The words of those texts go to shop_searchword, whose trigram index (GiST: nearest words)
  serves the "did you mean" suggestions: once per INSERT statement for new products (a statement trigger), and
  from the row trigger when a product's texts change.
- A GIN index on the vector serves the search, the page and the count.
- The trigram indexes on UPPER(name) and UPPER(description) of 0002 served `icontains`,
  which the search no longer uses on PostgreSQL: they go, and with them two GIN updates on
  every stock change (a stock update is never HOT, so every index gets a new entry). The one
  on UPPER(sku) stays: a fragment of a SKU ("gen-00123") is still found by substring.
"""

import importlib

import django.contrib.postgres.search
import django.core.validators
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

# SQLite adds the new NOT NULL columns by rebuilding shop_product, which drops its triggers:
# the stock guard of 0004 is put back after it (PostgreSQL keeps it through ALTER TABLE).
_stock_guard = importlib.import_module("shop.migrations.0004_stock_only_by_stock_service")
_trigram = importlib.import_module("shop.migrations.0002_product_search_trigram")

PRODUCT_FUNCTION = "shop_product_search_fields"
PRODUCT_TRIGGER = "product_search_fields"
WORDS_FUNCTION = "shop_product_search_words"
WORDS_TRIGGER = "product_search_words"
CATEGORY_FUNCTION = "shop_category_search_renew"
CATEGORY_TRIGGER = "category_search_renew"
SEARCH_INDEX = "product_search_vector"
WORD_INDEX = "searchword_word_trgm"
DROPPED_TRIGRAM_INDEXES = ["product_name_trgm", "product_description_trgm"]
ALLERGEN_STATISTICS = {"product_allergens_1": range(0, 7), "product_allergens_2": range(7, 14)}


def _text(*parts: str) -> str:
    """SQL for the parts joined by spaces, hyphens, slashes and underscores made spaces."""
    joined = " || ' ' || ".join(f"coalesce({part}, '')" for part in parts)
    return f"translate({joined}, '-/_', '   ')"


WORDS = "'[^[:alpha:]]+'"  # what splits a text into words for shop_searchword
# The words of 3 to 40 letters in the texts of `rows` (a FROM item with name, unit,
# description and category_id), for shop_searchword; those of the names marked as such.
_WORDS_OF_ROWS = f"""
    INSERT INTO shop_searchword (word, in_names)
    SELECT w.word, bool_or(w.in_names)
    FROM {{rows}} LEFT JOIN shop_category c ON c.id = p.category_id,
         LATERAL (
             SELECT regexp_split_to_table(lower(p.name || ' ' || coalesce(c.name, '')), {WORDS}),
                    true
             UNION ALL
             SELECT regexp_split_to_table(lower(p.unit || ' ' || p.description), {WORDS}), false
         ) AS w (word, in_names)
    WHERE length(w.word) BETWEEN 3 AND 40
    GROUP BY w.word
    ON CONFLICT (word) DO UPDATE SET in_names = true
    WHERE EXCLUDED.in_names AND NOT shop_searchword.in_names
"""

POSTGRESQL = [
    f"""
    CREATE OR REPLACE FUNCTION {PRODUCT_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        category_name text;
    BEGIN
        SELECT c.name INTO category_name FROM shop_category c WHERE c.id = NEW.category_id;
        NEW.search_vector :=
            setweight(to_tsvector('english', {_text("NEW.name", "NEW.sku")}), 'A')
            || setweight(to_tsvector('english', {_text("category_name", "NEW.unit")}), 'B')
            || setweight(to_tsvector('english', {_text("NEW.description", "NEW.origin")}), 'C');
        IF TG_OP = 'UPDATE' AND (NEW.name IS DISTINCT FROM OLD.name
                OR NEW.description IS DISTINCT FROM OLD.description
                OR NEW.unit IS DISTINCT FROM OLD.unit
                OR NEW.category_id IS DISTINCT FROM OLD.category_id) THEN
            {_WORDS_OF_ROWS.format(rows="(SELECT NEW.*) AS p")};
        END IF;
        RETURN NEW;
    END
    $$
    """,
    f"""
    CREATE OR REPLACE TRIGGER {PRODUCT_TRIGGER}
    BEFORE INSERT OR UPDATE OF name, sku, description, unit, origin, category_id, search_vector
    ON shop_product
    FOR EACH ROW EXECUTE FUNCTION {PRODUCT_FUNCTION}()
    """,
    # New products' words once per statement, not once per row: a bulk insert of 2,000
    # products runs one INSERT here (a row trigger doing it took a tenth of a millisecond a row).
    f"""
    CREATE OR REPLACE FUNCTION {WORDS_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {_WORDS_OF_ROWS.format(rows="added AS p")};
        RETURN NULL;
    END
    $$
    """,
    f"""
    CREATE OR REPLACE TRIGGER {WORDS_TRIGGER}
    AFTER INSERT ON shop_product REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION {WORDS_FUNCTION}()
    """,
    f"""
    CREATE OR REPLACE FUNCTION {CATEGORY_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        -- Naming the column runs the product trigger, which reads the new name.
        UPDATE shop_product SET search_vector = NULL WHERE category_id = NEW.id;
        INSERT INTO shop_searchword (word, in_names)
        SELECT DISTINCT w, true FROM regexp_split_to_table(lower(NEW.name), {WORDS}) AS w
        WHERE length(w) BETWEEN 3 AND 40
        ON CONFLICT (word) DO UPDATE SET in_names = true;
        RETURN NULL;
    END
    $$
    """,
    f"""
    CREATE OR REPLACE TRIGGER {CATEGORY_TRIGGER}
    AFTER UPDATE OF name ON shop_category
    FOR EACH ROW WHEN (NEW.name IS DISTINCT FROM OLD.name)
    EXECUTE FUNCTION {CATEGORY_FUNCTION}()
    """,
    f'CREATE INDEX IF NOT EXISTS "{SEARCH_INDEX}" ON shop_product USING gin (search_vector)',
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # GiST, not GIN: it answers "the nearest words" (ORDER BY word <-> 'suger' LIMIT n) at any
    # distance, where GIN's % needs the similarity above a threshold ("hazlenut" is 0.27
    # from "hazelnuts", below the default 0.3).
    f'CREATE INDEX IF NOT EXISTS "{WORD_INDEX}" ON shop_searchword USING gist (word gist_trgm_ops)',
    *(f'DROP INDEX IF EXISTS "{index}"' for index in DROPPED_TRIGRAM_INDEXES),
    # Estimates, on which the plans turn. The vector's default statistics keep the ~70
    # commonest words of the generated catalogue, so any rarer word was guessed at 0.5% of
    # the products (500 of 100,000 for "sourdough", which has 1), and the page walked the name
    # index through the whole table (400 ms) instead of reading its one match from the GIN
    # index (0.1 ms). A target of 1000 keeps the rare words' frequency low enough.
    "ALTER TABLE shop_product ALTER COLUMN search_vector SET STATISTICS 1000",
    # The free-from filter's `allergens & bit = 0`, per bit (statistics objects take at most
    # eight expressions each), without which each is guessed at 0.5% as well.
    *(
        f"CREATE STATISTICS IF NOT EXISTS {name} ON {', '.join(f'(allergens & {1 << bit})' for bit in bits)} "
        "FROM shop_product"
        for name, bits in ALLERGEN_STATISTICS.items()
    ),
]
POSTGRESQL_REVERSE = [
    *(f"DROP STATISTICS IF EXISTS {name}" for name in ALLERGEN_STATISTICS),
    "ALTER TABLE shop_product ALTER COLUMN search_vector SET STATISTICS -1",
    f"DROP TRIGGER IF EXISTS {CATEGORY_TRIGGER} ON shop_category",
    f"DROP FUNCTION IF EXISTS {CATEGORY_FUNCTION}()",
    f"DROP TRIGGER IF EXISTS {WORDS_TRIGGER} ON shop_product",
    f"DROP FUNCTION IF EXISTS {WORDS_FUNCTION}()",
    f"DROP TRIGGER IF EXISTS {PRODUCT_TRIGGER} ON shop_product",
    f"DROP FUNCTION IF EXISTS {PRODUCT_FUNCTION}()",
    f'DROP INDEX IF EXISTS "{SEARCH_INDEX}"',
    f'DROP INDEX IF EXISTS "{WORD_INDEX}"',
    *(
        f'CREATE INDEX IF NOT EXISTS "{index}" ON "shop_product" '
        f'USING gin ((UPPER("{_trigram.TRIGRAM_INDEXES[index]}"::text)) gin_trgm_ops)'
        for index in DROPPED_TRIGRAM_INDEXES
    ),
]


def create_search(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        _stock_guard.drop_trigger(apps, schema_editor)
        _stock_guard.create_trigger(apps, schema_editor)
        return
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in POSTGRESQL:
        schema_editor.execute(statement)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute('SELECT EXISTS (SELECT 1 FROM "shop_product")')
        has_products = cursor.fetchone()[0]
    if has_products:
        # The existing catalogue's vectors and words, through the trigger; then statistics
        # on the vector, without which the planner guesses every search's selectivity. Not
        # on an empty table: see 0002 (an analysed empty table misleads bulk loads).
        schema_editor.execute('UPDATE "shop_product" SET "search_vector" = NULL')
        schema_editor.execute(_WORDS_OF_ROWS.format(rows='"shop_product" AS p'))
        schema_editor.execute('ANALYZE "shop_product"')


def drop_search(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in POSTGRESQL_REVERSE:
        schema_editor.execute(statement)



class Migration(migrations.Migration):

    dependencies = [
        ('shop', '0011_product_pack_rules_price_breaks'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchWord',
            fields=[
                ('word', models.CharField(max_length=40, primary_key=True, serialize=False)),
                ('in_names', models.BooleanField(default=False)),
            ],
        ),
        migrations.AddField(
            model_name='product',
            name='allergens',
            field=models.PositiveSmallIntegerField(default=0, help_text='The declarable allergens the product contains.', validators=[django.core.validators.MaxValueValidator(16383)]),
        ),
        migrations.AddField(
            model_name='product',
            name='dietary',
            field=models.PositiveSmallIntegerField(default=0, help_text='Dietary marks the product carries.', validators=[django.core.validators.MaxValueValidator(31)]),
        ),
        migrations.AddField(
            model_name='product',
            name='origin',
            field=models.CharField(blank=True, default='', help_text='Country or region, e.g. "England".', max_length=60),
        ),
        migrations.AddField(
            model_name='product',
            name='search_vector',
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name='product',
            index=models.Index(fields=['is_active', 'category', 'allergens', 'dietary', 'stock'], name='product_facets'),
        ),
        migrations.RunPython(create_search, drop_search, elidable=False),
    ]

"""Product.stock changes only through the stock service, enforced by the database as well.

The model leaves stock out of save() and refuses it in bulk writes, but raw SQL, historical
models in data migrations and code yet to be written bypass the model. A row trigger refuses an
UPDATE that changes stock unless the same statement bumps stock_version by exactly one, which
only the stock service's UPDATE does (stock = stock + change, computed on the locked row). A
write-back of a figure read earlier carries the version read earlier and is refused.

The trigger's condition sits in its WHEN clause, so an allowed update costs a comparison in
the executor, not a function call, and no statement is added to the order path. On SQLite a
table rebuild by a later migration drops triggers: tests/services/test_stock_guard.py checks
the trigger is in place on the migrated database of either vendor.
"""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

import shop.models

TRIGGER = "product_stock_only_by_stock_service"
FUNCTION = "shop_product_refuse_stock_write"
MESSAGE = "shop_product.stock changes only through shop.services.stock"
POSTGRESQL = [
    f"""
    CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION USING
            MESSAGE = '{MESSAGE} (product ' || OLD.id || ')', ERRCODE = 'check_violation';
    END
    $$
    """,
    f"""
    CREATE TRIGGER {TRIGGER}
    BEFORE UPDATE OF stock ON shop_product
    FOR EACH ROW
    WHEN (NEW.stock IS DISTINCT FROM OLD.stock
          AND NEW.stock_version IS DISTINCT FROM OLD.stock_version + 1)
    EXECUTE FUNCTION {FUNCTION}()
    """,
]
POSTGRESQL_REVERSE = [
    f"DROP TRIGGER IF EXISTS {TRIGGER} ON shop_product",
    f"DROP FUNCTION IF EXISTS {FUNCTION}()",
]
SQLITE = [
    f"""
    CREATE TRIGGER {TRIGGER}
    BEFORE UPDATE OF stock ON shop_product
    FOR EACH ROW
    WHEN NEW.stock IS NOT OLD.stock AND NEW.stock_version IS NOT OLD.stock_version + 1
    BEGIN
        SELECT RAISE(ABORT, '{MESSAGE}');
    END
    """,
]
SQLITE_REVERSE = [f"DROP TRIGGER IF EXISTS {TRIGGER}"]


def _run(schema_editor: BaseDatabaseSchemaEditor, by_vendor: dict[str, list[str]]) -> None:
    for statement in by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def create_trigger(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, {"postgresql": POSTGRESQL, "sqlite": SQLITE})


def drop_trigger(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, {"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE})


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0003_product_autovacuum"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="product",
            options={"base_manager_name": "objects", "ordering": ["name"]},
        ),
        migrations.AlterModelManagers(
            name="product",
            managers=[
                ("objects", shop.models.ProductManager()),
            ],
        ),
        migrations.AddField(
            model_name="product",
            name="stock_version",
            field=models.BigIntegerField(db_default=0, default=0, editable=False),
        ),
        migrations.RunPython(create_trigger, drop_trigger),
    ]

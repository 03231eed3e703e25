"""docs/OPERATIONS.md documents every environment variable the settings read."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV_READ = re.compile(r"""(?:env_bool|env_int|env_list|os\.environ\.get|os\.environ\[)\(?\s*["']([A-Z][A-Z0-9_]*)["']""")


def settings_variables() -> set[str]:
    return set(ENV_READ.findall((ROOT / "config" / "settings.py").read_text()))


def test_the_settings_read_the_variables_this_test_expects() -> None:
    # Guards the regex: if it stopped matching, the check below would pass vacuously.
    assert {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "CONN_MAX_AGE"} <= settings_variables()


def test_every_environment_variable_is_in_the_operations_guide() -> None:
    guide = (ROOT / "docs" / "OPERATIONS.md").read_text()
    table = guide[guide.index("## Configuration") : guide.index("## Starting")]

    missing = sorted(name for name in settings_variables() if f"`{name}`" not in table)

    assert missing == []


def test_the_guide_covers_backups_migrations_the_ledger_scaling_and_logs() -> None:
    guide = (ROOT / "docs" / "OPERATIONS.md").read_text()

    for needle in ("pg_dump", "pg_restore", "manage.py migrate", "check_ledger", "CONN_MAX_AGE",
                   "gunicorn", "cache caveat", "LOG_FORMAT=json", "order_placed"):
        assert needle in guide, needle

"""The database cache's table is made by `migrate`, so deployments need no extra step."""

from typing import Any

import pytest
from django.db import connection

from shop.apps import _create_cache_table


@pytest.mark.django_db
def test_migrate_creates_the_cache_table_when_the_cache_is_the_database(settings: Any) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "probe_cache_table",
        }
    }

    _create_cache_table(using="default")

    assert "probe_cache_table" in connection.introspection.table_names()


@pytest.mark.django_db
def test_no_table_is_made_for_a_memory_cache(settings: Any) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "probe_cache_table_2",
        }
    }

    _create_cache_table(using="default")

    assert "probe_cache_table_2" not in connection.introspection.table_names()

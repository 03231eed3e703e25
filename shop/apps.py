from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _create_cache_table(using: str = "default", **kwargs: Any) -> None:
    # With the database cache (rate-limit counts shared by every app process), `migrate` is
    # the one command every deployment already runs; the command skips an existing table.
    from django.conf import settings
    from django.core.management import call_command

    if any(c["BACKEND"].endswith("DatabaseCache") for c in settings.CACHES.values()):
        call_command("createcachetable", database=using, verbosity=0)


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = "Shop"

    def ready(self) -> None:
        from shop import health  # noqa: F401  registers the static files check

        post_migrate.connect(_create_cache_table, sender=self)

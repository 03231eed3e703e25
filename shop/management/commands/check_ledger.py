"""Verify the stock ledger: for every product, the sum of its movements equals its stock."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import F, Sum
from django.db.models.functions import Coalesce

from shop.models import Product


class Command(BaseCommand):
    help = "Exit non-zero, naming each product, if stock differs from its ledger of movements."

    def handle(self, *args: Any, **options: Any) -> None:
        mismatched = list(
            Product.objects.annotate(ledger=Coalesce(Sum("movements__quantity"), 0))
            .exclude(ledger=F("stock"))
            .values_list("sku", "stock", "ledger")
            .order_by("sku")
        )
        total = Product.objects.count()
        if mismatched:
            lines = "\n".join(
                f"  {sku}: stock {stock}, ledger says {ledger}" for sku, stock, ledger in mismatched
            )
            raise CommandError(
                f"Ledger check failed for {len(mismatched)} of {total} products:\n{lines}"
            )
        self.stdout.write(self.style.SUCCESS(f"Ledger check passed for {total} products."))


"""How a SKU someone typed or sent finds its product: the one rule for quick order, saved
lists and the API's order lines.

As the product lists it, else in upper case, else in lower case: a buyer pasting
"flr-rye-dk-25" finds FLR-RYE-DK-25, an API client sending "mlt-pils-25" finds MLT-PILS-25.
Every lookup stays an equality on the unique index of `sku` (no scan of the catalogue, as
UPPER(sku) = ... would be without an index of its own); a SKU stored in mixed case is found
as it is written. Two SKUs differing only in case: the one written as sent wins.
"""

from collections.abc import Iterable, Mapping
from typing import TypeVar

T = TypeVar("T")


def _variants(sku: str) -> tuple[str, ...]:
    return (sku, sku.upper(), sku.lower())


def sku_keys(skus: Iterable[str]) -> set[str]:
    """The SKUs to read (`sku__in`) for products named by `skus`."""
    return {key for sku in skus for key in _variants(sku)}


def match_sku(by_sku: Mapping[str, T], sku: str) -> T | None:
    """The entry of `by_sku` (keyed by SKU as stored) that `sku` names, or None."""
    return next((by_sku[key] for key in _variants(sku) if key in by_sku), None)

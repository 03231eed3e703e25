"""The 14 declarable allergens and the dietary marks of a product: the one place the codes live.

A product stores each set as an integer bitmask (Product.allergens, Product.dietary): bit i is
the code at position i of its list below. So the lists only ever grow at the end; reordering
or removing a code would change what every stored product declares.

Why bitmasks rather than an array or a join table: the filters are "free from all of these"
(`allergens & mask = 0`) and "all of these marks" (`dietary & mask = mask`), two integer
comparisons on the product row that both PostgreSQL and SQLite evaluate the same way, that a
covering btree index (`product_facets`) carries for the facet counts, and that cost nothing
to keep. A GIN index over an array would serve "contains all" but not "free from" (a negation
reads every row anyway), and works only on PostgreSQL.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CodeList:
    """Codes in bit order, each with a short label for people (a filter, a catalogue row) and
    where it says too little, a full one (the product's page)."""

    labels: dict[str, str]
    full_labels: dict[str, str] = field(default_factory=dict)

    @property
    def codes(self) -> list[str]:
        return list(self.labels)

    @property
    def choices(self) -> list[tuple[str, str]]:
        return list(self.labels.items())

    @property
    def all_bits(self) -> int:
        return (1 << len(self.labels)) - 1

    def bit(self, code: str) -> int:
        return 1 << self.codes.index(code)

    def unknown(self, codes: Iterable[str]) -> list[str]:
        return [code for code in codes if code not in self.labels]

    def mask(self, codes: Iterable[str]) -> int:
        """The bitmask of `codes`; ValueError names any unknown code."""
        codes = list(codes)
        if unknown := self.unknown(codes):
            raise ValueError(f"Unknown codes: {', '.join(unknown)}")
        mask = 0
        for code in codes:
            mask |= self.bit(code)
        return mask

    def codes_in(self, mask: int) -> list[str]:
        return [code for index, code in enumerate(self.labels) if mask >> index & 1]

    def labels_in(self, mask: int) -> list[str]:
        return [self.labels[code] for code in self.codes_in(mask)]

    def full_labels_in(self, mask: int) -> list[str]:
        return [self.full_labels.get(code, self.labels[code]) for code in self.codes_in(mask)]


ALLERGENS = CodeList(
    {
        "celery": "Celery",
        "cereals_gluten": "Gluten",
        "crustaceans": "Crustaceans",
        "eggs": "Eggs",
        "fish": "Fish",
        "lupin": "Lupin",
        "milk": "Milk",
        "molluscs": "Molluscs",
        "mustard": "Mustard",
        "tree_nuts": "Tree nuts",
        "peanuts": "Peanuts",
        "sesame": "Sesame",
        "soya": "Soya",
        "sulphites": "Sulphites",
    },
    full_labels={
        "cereals_gluten": "Cereals containing gluten",
        "sulphites": "Sulphur dioxide and sulphites",
    },
)

DIETARY = CodeList(
    {
        "organic": "Organic",
        "vegan": "Vegan",
        "vegetarian": "Vegetarian",
        "halal": "Halal",
        "kosher": "Kosher",
    }
)

"""Quick order: lines of SKU and quantity as they come out of a spreadsheet or an email,
checked against the catalogue, the good ones put in the cart together.

`parse_quick_order` is pure (text in, one ParsedLine per line out). `quick_order_check` reads
every product the lines name in one query, whatever their number, and says what is wrong
with each line; `quick_order_add` puts the good lines in the cart through the cart service in
one write. Every line of the text comes back, as good, bad, or skipped (blank, header): none is
ever dropped.
"""

import csv
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import IntegerField, OuterRef, Subquery
from django.db.models.functions import Upper

from shop.models import CartItem, Product
from shop.services.cart import LineAdded, cart_add_lines, check_line
from shop.services.checkout import require_ordering_role
from shop.services.pricing import product_price, with_contract_price, with_price_breaks
from shop.skus import match_sku, sku_keys

MAX_LINES = 200
# Close matches cost a query each (an index scan on PostgreSQL, 10-40 ms at 100,000 products,
# at most SUGGESTION_TIMEOUT_MS): past this many unknown SKUs in one paste the rest say
# "unknown" without a suggestion.
MAX_SUGGESTIONS = 10

ITEM, BLANK, HEADER, INVALID = "item", "blank", "header", "invalid"
OK, BAD, SKIPPED, ADDED = "ok", "bad", "skipped", "added"

# Words around a quantity that say nothing about the product: "4 x FLR-001", "FLR-001; 4 sacks".
PACK_WORDS = frozenset(
    """x × * @ of qty pc pcs piece pieces unit units each ea sack sacks bag bags box boxes case
    cases tub tubs drum drums tin tins pack packs packet packets bottle bottles tray trays
    jar jars bucket buckets carton cartons""".split()
)
SKU_HEADERS = frozenset("sku code item article ref reference part product".split())
QUANTITY_HEADERS = frozenset("qty quantity quantities amount units count number".split())
HEADER_WORDS = SKU_HEADERS | QUANTITY_HEADERS | {"description", "name", "no", "price", "unit"}

_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
_TIMES_NUMBER = re.compile(r"(?i)(?:[x×*](\d+)|(\d+)[x×*])")
_QUOTES = "\"'“”‘’"


@dataclass(frozen=True)
class ParsedLine:
    number: int  # 1-based, as pasted
    text: str
    kind: str  # ITEM, BLANK, HEADER or INVALID
    sku: str = ""
    quantity: int | None = None
    error: str = ""


@dataclass(frozen=True)
class _Columns:
    """Where a header row said the SKU and the quantity are, for lines split like it."""

    delimiter: str
    sku: int | None
    quantity: int | None


def _delimiter(text: str) -> str:
    for delimiter in ("\t", ";", ","):
        if delimiter in text:
            return delimiter
    return ""


def _cells(text: str, delimiter: str) -> list[str]:
    if not delimiter:
        return [text]
    # csv: a quoted cell may hold the delimiter ("Flour, strong").
    return next(csv.reader([text], delimiter=delimiter), [])


def _words(cell: str) -> list[str]:
    words: list[str] = []
    for word in cell.split():
        word = word.strip(_QUOTES)
        if match := _TIMES_NUMBER.fullmatch(word):  # "4x", "x4"
            words.append(match.group(1) or match.group(2))
        elif word:
            words.append(word)
    return words


def _is_number(word: str) -> bool:
    return _NUMBER.fullmatch(word) is not None


def _is_pack_word(word: str) -> bool:
    return word.lower().strip(".:") in PACK_WORDS


def _header_columns(cells: list[str], delimiter: str) -> _Columns | None:
    """Where the SKU and quantity columns are, if the cells read as a header row."""
    names = [" ".join(_words(cell)).lower().strip(".:#") for cell in cells]
    if not any(word in HEADER_WORDS for name in names for word in name.split()):
        return None
    if any(_is_number(word) for name in names for word in name.split()):
        return None

    def find(wanted: frozenset[str]) -> int | None:
        return next(
            (i for i, name in enumerate(names) if set(name.split()) & wanted), None
        )

    quantity = find(QUANTITY_HEADERS)
    sku = find(SKU_HEADERS - {"product"}) if quantity is not None else None
    if sku is None or sku == quantity:
        sku = find(SKU_HEADERS)
    return _Columns(delimiter=delimiter, sku=sku, quantity=quantity if quantity != sku else None)


def _quantity(word: str) -> tuple[int | None, str]:
    """A quantity from one word: (whole number, "") or (None, what is wrong)."""
    text = word.replace(" ", "")
    match = re.fullmatch(r"([+-]?)(\d+)(?:([.,])(\d+))?", text)
    if match is None:
        return None, f"“{word}” is not a quantity."
    sign, whole, mark, fraction = match.groups()
    value = int(whole)
    if fraction is not None:
        if mark == "," and len(fraction) == 3:  # 1,000: a thousands separator
            value = value * 1000 + int(fraction)
        elif int(fraction) != 0:
            return None, f"Quantity {word} is not a whole number."
    if sign == "-" or value < 1:
        return None, "Quantity must be at least 1."
    if value > settings.SHOP_MAX_LINE_QUANTITY:
        return None, f"Quantity can be at most {settings.SHOP_MAX_LINE_QUANTITY:,}."
    return value, ""


def _looks_like_sku(word: str) -> bool:
    return any(ch.isdigit() for ch in word) or "-" in word


def _item(number: int, text: str, sku: str, quantity_word: str | None) -> ParsedLine:
    sku = sku.strip(_QUOTES + ".:,;").strip()
    if not sku:
        return ParsedLine(number, text, INVALID, error="No SKU on this line.")
    if quantity_word is None:
        return ParsedLine(number, text, INVALID, sku=sku, error="No quantity on this line.")
    quantity, error = _quantity(quantity_word)
    if quantity is None:
        return ParsedLine(number, text, INVALID, sku=sku, error=error)
    return ParsedLine(number, text, ITEM, sku=sku, quantity=quantity)


def _parse_by_columns(number: int, text: str, cells: list[str], columns: _Columns) -> ParsedLine | None:
    if columns.sku is None or columns.quantity is None:
        return None
    if max(columns.sku, columns.quantity) >= len(cells):
        return None
    sku_words = _words(cells[columns.sku])
    quantity_words = [w for w in _words(cells[columns.quantity]) if not _is_pack_word(w)]
    if len(sku_words) != 1 or len(quantity_words) > 1:
        return None
    return _item(number, text, sku_words[0], quantity_words[0] if quantity_words else None)


def _parse_words(number: int, text: str, words: list[str]) -> ParsedLine:
    numbers = [w for w in words if _is_number(w)]
    others = [w for w in words if not _is_number(w) and not _is_pack_word(w)]
    if not others:
        if len(numbers) >= 2:  # an all-digit SKU: "100234 4"
            return _item(number, text, numbers[0], numbers[-1])
        return ParsedLine(number, text, INVALID, error="No SKU on this line.")
    # A description may ride along ("FLR-STRW-25, Strong white flour, 4"): the SKU is the
    # first word shaped like one, the quantity the last number.
    sku = next((w for w in others if _looks_like_sku(w)), others[0])
    if not numbers:
        stray = [w for w in others if w != sku and w[:1].isdigit()]
        return _item(number, text, sku, stray[-1] if stray else None)
    return _item(number, text, sku, numbers[-1])


def parse_quick_order(text: str) -> list[ParsedLine]:
    """One ParsedLine per line of `text`: an item (SKU and whole quantity), a blank line, the
    header row (the first non-blank line, when it names columns and holds no number), or an
    invalid line saying what is missing.

    Cells split on tabs, semicolons or commas (the first of these found on the line; quotes
    as in CSV), then on spaces; pack words ("x", "sacks", "bags") are ignored. After a
    header naming a SKU and a quantity column, lines split the same way read those columns.
    """
    lines: list[ParsedLine] = []
    columns: _Columns | None = None
    seen_content = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        delimiter = _delimiter(line)
        cells = _cells(line, delimiter)
        words = [word for cell in cells for word in _words(cell)]
        if not words:
            lines.append(ParsedLine(number, raw, BLANK))
            continue
        if not seen_content:
            seen_content = True
            header = _header_columns(cells, delimiter)
            if header is not None:
                columns = header
                lines.append(ParsedLine(number, raw, HEADER))
                continue
        parsed = None
        if columns is not None and columns.delimiter == delimiter and delimiter:
            parsed = _parse_by_columns(number, raw, cells, columns)
        lines.append(parsed or _parse_words(number, raw, words))
    return lines


# --- checking against the catalogue -------------------------------------------------------


@dataclass
class CheckedLine:
    """One pasted line and what the shop makes of it."""

    parsed: ParsedLine
    status: str  # OK, BAD, SKIPPED; ADDED after quick_order_add
    product: Product | None = None
    # The line's quantity; on the first of several lines for one product, their sum.
    quantity: int | None = None
    problem: str = ""
    suggestion: Product | None = None  # a close match for an unknown SKU
    available: int | None = None  # the stock, when stock is the problem
    in_cart: int = 0  # what the cart already holds of the product
    merged_into: int | None = None  # the line this one's quantity was added to
    merged_from: list[int] = field(default_factory=list)  # lines added to this one
    # The quantity its price tier is for: the cart line it makes, what the cart holds of the
    # product plus every pasted line naming it.
    priced_at: int | None = None

    @property
    def number(self) -> int:
        return self.parsed.number

    @property
    def text(self) -> str:
        return self.parsed.text

    @property
    def unit_price(self) -> Decimal | None:
        if self.product is None:
            return None
        return product_price(self.product, self.priced_at or self.quantity or 1).amount

    @property
    def line_total(self) -> Decimal | None:
        if self.unit_price is None or self.quantity is None or self.merged_into is not None:
            return None
        return self.unit_price * self.quantity

    @property
    def is_good(self) -> bool:
        return self.status in (OK, ADDED)


@dataclass
class QuickOrderCheck:
    lines: list[CheckedLine]
    error: str = ""  # the text as a whole was refused (too many lines): nothing was checked

    @property
    def good(self) -> list[CheckedLine]:
        return [line for line in self.lines if line.status == OK]

    @property
    def bad(self) -> list[CheckedLine]:
        return [line for line in self.lines if line.status == BAD]

    @property
    def skipped(self) -> list[CheckedLine]:
        return [line for line in self.lines if line.status == SKIPPED]

    @property
    def blank_numbers(self) -> list[int]:
        return [line.number for line in self.lines if line.parsed.kind == BLANK]

    @property
    def to_add(self) -> list[CheckedLine]:
        """The good lines that carry a product's quantity (the first of any duplicates)."""
        return [line for line in self.good if line.merged_into is None]

    @property
    def total(self) -> Decimal:
        return sum((line.line_total or Decimal("0") for line in self.to_add), Decimal("0.00"))

    @property
    def currency(self) -> str:
        product = next((line.product for line in self.lines if line.product), None)
        return product.currency if product else settings.SHOP_CURRENCY


def _products_by_sku(user: Any, skus: Iterable[str]) -> dict[str, Product]:
    """The products named, keyed by SKU as stored (found with shop.skus.match_sku: a buyer
    types "flr-strw-25"): one query, with the company's contract price and what the cart
    holds of each, and one more for their price breaks."""
    keys = sku_keys(skus)
    if not keys:
        return {}
    user_id = user.pk if getattr(user, "is_authenticated", False) else None
    in_cart = CartItem.objects.filter(user_id=user_id, product=OuterRef("pk")).values("quantity")[:1]
    products = with_price_breaks(
        with_contract_price(
            Product.objects.filter(sku__in=keys).annotate(
                in_cart=Subquery(in_cart, output_field=IntegerField())
            ),
            user=user,
        )
    )
    return {product.sku: product for product in products}


# pg_trgm's default similarity threshold (0.3) lets a SKU sharing a prefix with a large part of
# the catalogue ("GEN-00O1234" at 100,000 "GEN-..." products) match nearly every row through the
# index: half a second. At 0.6 that takes about 20 ms, and one-typo SKUs still match (FLR-STRW25,
# HOP-CITR-1, SUG-CAST-52 score 0.60 to 0.85 against what was meant).
TRIGRAM_THRESHOLD = "0.6"
TRIGRAM_CANDIDATES = 10
# SKUs that differ in a digit or two from thousands of others (numbered ranges) can still cost
# a few hundred milliseconds: past this a line goes without a suggestion rather than wait.
SUGGESTION_TIMEOUT_MS = "150"


def close_match(sku: str) -> Product | None:
    """The active product whose SKU is most like `sku`, if any is close.

    PostgreSQL: the SKUs most similar by trigrams, through the catalogue's GIN index on
    UPPER(sku) (migration 0002), then the closest of those by difflib, which tells a swapped
    pair of digits (FLR-STRW-52: FLR-STRW-25) from another size (FLR-STRW-16), equal to
    trigrams. SQLite: difflib over the SKUs that share the first character, read as values (a
    demo-sized catalogue).
    """
    wanted = sku.upper()
    active = Product.objects.filter(is_active=True)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramSimilarity

        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('pg_trgm.similarity_threshold', %s, true), "
                    "set_config('statement_timeout', %s, true)",
                    [TRIGRAM_THRESHOLD, SUGGESTION_TIMEOUT_MS],
                )
                candidates = list(
                    active.annotate(upper_sku=Upper("sku"))
                    .filter(upper_sku__trigram_similar=wanted)
                    .annotate(similarity=TrigramSimilarity(Upper("sku"), wanted))
                    .order_by("-similarity", "sku")[:TRIGRAM_CANDIDATES]
                )
        except OperationalError:  # the statement timeout: no suggestion for this line
            return None
        return max(
            candidates,
            key=lambda product: difflib.SequenceMatcher(None, wanted, product.sku.upper()).ratio(),
            default=None,
        )
    skus = {
        candidate.upper(): candidate
        for candidate in active.filter(sku__istartswith=wanted[:1])
        .order_by()
        .values_list("sku", flat=True)[:20000]
    }
    match = difflib.get_close_matches(wanted, list(skus), n=1, cutoff=0.6)
    return active.filter(sku=skus[match[0]]).first() if match else None


def _check_product_line(line: CheckedLine) -> None:
    assert line.quantity is not None
    check = check_line(line.product, requested=line.quantity, in_cart=line.in_cart)
    line.status = BAD if check.problem else OK
    line.problem, line.available = check.problem, check.available


def too_many_lines(parsed: list[ParsedLine]) -> str:
    count = sum(1 for line in parsed if line.kind in (ITEM, INVALID))
    if count <= MAX_LINES:
        return ""
    return (
        f"That is {count:,} lines: quick order takes up to {MAX_LINES} at a time. Nothing was "
        f"checked or added. Split the list and paste the first {MAX_LINES} lines."
    )


def quick_order_check(*, user: Any, text: str) -> QuickOrderCheck:
    """Every line of `text` with its product and price, or what is wrong with it.

    One product query for any number of lines, plus one close-match query per distinct unknown
    SKU (at most MAX_SUGGESTIONS). Lines naming the same product are added together on the first
    of them (the others point to it); the pack rules and stock apply to that sum plus what the
    cart already holds. More than MAX_LINES item lines: nothing is checked (`error`).
    """
    parsed = parse_quick_order(text)
    if error := too_many_lines(parsed):
        return QuickOrderCheck(
            lines=[CheckedLine(parsed=line, status=SKIPPED) for line in parsed], error=error
        )
    products = _products_by_sku(user, (line.sku for line in parsed if line.kind == ITEM))
    lines: list[CheckedLine] = []
    first_for: dict[int, CheckedLine] = {}
    suggestions: dict[str, Product | None] = {}
    for line in parsed:
        if line.kind in (BLANK, HEADER):
            lines.append(CheckedLine(parsed=line, status=SKIPPED))
            continue
        if line.kind == INVALID:
            lines.append(CheckedLine(parsed=line, status=BAD, problem=line.error))
            continue
        product = match_sku(products, line.sku)
        if product is None:
            key = line.sku.upper()
            if key not in suggestions and len(suggestions) < MAX_SUGGESTIONS:
                suggestions[key] = close_match(line.sku)
            lines.append(
                CheckedLine(
                    parsed=line,
                    status=BAD,
                    problem=f"Unknown SKU {line.sku}.",
                    suggestion=suggestions.get(key),
                )
            )
            continue
        checked = CheckedLine(
            parsed=line,
            status=OK,
            product=product,
            quantity=line.quantity,
            in_cart=getattr(product, "in_cart", None) or 0,
        )
        lines.append(checked)
        first = first_for.get(product.pk)
        if first is None:
            first_for[product.pk] = checked
        else:
            assert first.quantity is not None and line.quantity is not None
            first.quantity += line.quantity
            first.merged_from.append(line.number)
            checked.merged_into = first.number
    for first in first_for.values():
        _check_product_line(first)
    by_number = {line.number: line for line in lines}
    for line in lines:
        if line.merged_into is not None:
            line.status = by_number[line.merged_into].status
        if line.product is not None:
            # The price the cart will charge: its line's tier, what it holds plus these lines.
            first = by_number[line.merged_into or line.number]
            line.priced_at = first.in_cart + (first.quantity or 0)
    return QuickOrderCheck(lines=lines)


@dataclass
class QuickOrderResult:
    check: QuickOrderCheck
    added: list[LineAdded]

    @property
    def leftover_text(self) -> str:
        """The lines still to fix, as pasted, for the box; under the pasted header row, if
        there was one, so that its columns read them again as they were read this time."""
        bad = [line.text for line in self.check.lines if line.status == BAD]
        if not bad:
            return ""
        header = [line.text for line in self.check.lines if line.parsed.kind == HEADER][:1]
        return "\n".join(header + bad)

    @property
    def added_lines(self) -> list[CheckedLine]:
        return [line for line in self.check.lines if line.status == ADDED]


def quick_order_add(*, user: Any, text: str) -> QuickOrderResult:
    """Check `text` and put every good line in the cart in one write (cart_add_lines, whose
    rules have the last word: a line they refuse, say because stock went meanwhile, turns bad).
    Bad lines are left for the buyer to fix (`leftover_text`). A viewer: Forbidden."""
    require_ordering_role(user)
    check = quick_order_check(user=user, text=text)
    if check.error or not check.to_add:
        return QuickOrderResult(check=check, added=[])
    to_add = check.to_add
    outcomes = cart_add_lines(
        user=user,
        lines=[(line.product.pk, line.quantity) for line in to_add],  # type: ignore[union-attr,misc]
        cap_to_stock=False,
    )
    by_product = {outcome.product_id: outcome for outcome in outcomes}
    status_of: dict[int, str] = {}
    for line in to_add:
        assert line.product is not None
        outcome = by_product[line.product.pk]
        if outcome.is_full:
            line.status = ADDED
        else:
            line.status, line.problem, line.available = BAD, outcome.problem, outcome.available
        status_of[line.number] = line.status
    for line in check.lines:
        if line.merged_into is not None and line.merged_into in status_of:
            line.status = status_of[line.merged_into]
    return QuickOrderResult(check=check, added=[o for o in outcomes if o.is_full])

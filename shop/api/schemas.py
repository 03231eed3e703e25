"""Input validation: a small hand-written schema per request.

Django forms coerce ("2" becomes 2, "true" becomes True); the contract wants JSON types taken
literally, so request bodies are checked here by type. Each parser raises one `invalid` error
carrying every problem found, keyed by field.
"""

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.http import QueryDict

from shop.api.errors import invalid
from shop.models import Order
from shop.selectors import MAX_SEARCH_LENGTH, PRODUCT_ORDERINGS, OrderFilters
from shop.services.checkout import MAX_NOTES_LENGTH, MAX_PO_NUMBER_LENGTH, OrderDetails
from shop.services.tokens import DEFAULT_EXPIRY_DAYS, MAX_EXPIRY_DAYS, MIN_EXPIRY_DAYS

# Control characters (NUL above all, which PostgreSQL refuses outright) never belong in
# an email address, a token name or a search term.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_EMAIL_LENGTH = 254
MAX_PASSWORD_LENGTH = 4096
MAX_TOKEN_NAME_LENGTH = 100
MAX_DB_ID = 2**63 - 1
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class Errors(dict[str, list[str]]):
    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self:
            raise invalid(dict(self))


def _text(
    data: dict[str, Any], field: str, errors: Errors, *, required: bool, max_length: int, default: str = ""
) -> str:
    value = data.get(field)
    if value is None:
        if required:
            errors.add(field, "This field is required.")
        return default
    if not isinstance(value, str):
        errors.add(field, "Must be a string.")
        return default
    if required and not value.strip():
        errors.add(field, "This field is required.")
    elif len(value) > max_length:
        errors.add(field, f"At most {max_length} characters.")
    elif _CONTROL.search(value):
        errors.add(field, "Must not contain control characters.")
    return value


@dataclass(frozen=True)
class TokenRequest:
    email: str
    password: str
    name: str
    expires_in_days: int


def parse_token_request(data: dict[str, Any]) -> TokenRequest:
    errors = Errors()
    email = _text(data, "email", errors, required=True, max_length=MAX_EMAIL_LENGTH)
    password = data.get("password")
    if password is None or password == "":
        errors.add("password", "This field is required.")
    elif not isinstance(password, str):
        errors.add("password", "Must be a string.")
    elif len(password) > MAX_PASSWORD_LENGTH:
        errors.add("password", f"At most {MAX_PASSWORD_LENGTH} characters.")
    name = _text(data, "name", errors, required=False, max_length=MAX_TOKEN_NAME_LENGTH)
    expires_in_days = data.get("expires_in_days", DEFAULT_EXPIRY_DAYS)
    if expires_in_days is None:
        expires_in_days = DEFAULT_EXPIRY_DAYS
    if type(expires_in_days) is not int or not MIN_EXPIRY_DAYS <= expires_in_days <= MAX_EXPIRY_DAYS:
        errors.add(
            "expires_in_days", f"Must be a whole number from {MIN_EXPIRY_DAYS} to {MAX_EXPIRY_DAYS}."
        )
    errors.raise_if_any()
    return TokenRequest(
        email=email.strip(), password=password, name=name.strip(), expires_in_days=expires_in_days
    )


def parse_order_request(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The lines, checked for shape; quantities, products and SKUs are the service's to judge
    (shop.services.orders.normalise_order_lines)."""
    lines = data.get("lines")
    max_lines = settings.SHOP_MAX_ORDER_LINES
    if lines is None:
        raise invalid({"lines": ["This field is required."]})
    if not isinstance(lines, list):
        raise invalid(
            {"lines": ["Must be a list of {\"product\" or \"sku\", \"quantity\"} objects."]}
        )
    if not 1 <= len(lines) <= max_lines:
        raise invalid({"lines": [f"An order needs 1 to {max_lines} lines."]})
    errors = Errors()
    for index, line in enumerate(lines):
        if not isinstance(line, dict):
            errors.add(
                f"lines[{index}]", "Must be an object with \"product\" (or \"sku\") and \"quantity\"."
            )
            continue
        product = line.get("product")
        # Ids beyond a 64-bit integer would make the database raise instead of finding nothing.
        if type(product) is int and product > MAX_DB_ID:
            errors.add(f"lines[{index}].product", f"Product {product} does not exist.")
    errors.raise_if_any()
    return lines


def parse_order_details(data: dict[str, Any]) -> OrderDetails:
    """The order's optional details, checked for type and length; the rules that need the
    company (PO required, its addresses) and the calendar are the service's."""
    errors = Errors()
    po_number = _text(data, "po_number", errors, required=False, max_length=MAX_PO_NUMBER_LENGTH)
    notes = data.get("notes")
    if notes is None:
        notes = ""
    elif not isinstance(notes, str):
        errors.add("notes", "Must be a string.")
        notes = ""
    elif len(notes) > MAX_NOTES_LENGTH:
        errors.add("notes", f"At most {MAX_NOTES_LENGTH:,} characters.")
    elif _CONTROL.search(notes.replace("\n", "").replace("\r", "").replace("\t", "")):
        errors.add("notes", "Must not contain control characters.")
    delivery_date = None
    raw_date = data.get("delivery_date")
    if raw_date is not None:
        if not isinstance(raw_date, str) or not _ISO_DATE.fullmatch(raw_date):
            errors.add("delivery_date", "Must be a date as YYYY-MM-DD.")
        else:
            try:
                delivery_date = date.fromisoformat(raw_date)
            except ValueError:
                errors.add("delivery_date", "Not a calendar date.")
    address = data.get("delivery_address")
    if address is not None and (type(address) is not int or not 1 <= address <= MAX_DB_ID):
        errors.add("delivery_address", "Must be the id of one of your company's addresses.")
    errors.raise_if_any()
    return OrderDetails(
        po_number=po_number,
        delivery_date=delivery_date,
        delivery_address_id=address,
        notes=notes,
    )


# --- Query strings ------------------------------------------------------------------------------


def _query_date(query: QueryDict, field: str, errors: Errors) -> date | None:
    raw = query.get(field, "")
    if raw == "":
        return None
    if not _ISO_DATE.fullmatch(raw):
        errors.add(field, "Must be a date as YYYY-MM-DD.")
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors.add(field, "Not a calendar date.")
        return None


def parse_order_filters(query: QueryDict) -> OrderFilters:
    errors = Errors()
    status = query.get("status", "")
    if status and status not in Order.Status.values:
        errors.add("status", f"Must be one of: {', '.join(Order.Status.values)}.")
    created_after = _query_date(query, "created_after", errors)
    created_before = _query_date(query, "created_before", errors)
    q = query.get("q", "")
    if len(q) > MAX_SEARCH_LENGTH:
        errors.add("q", f"At most {MAX_SEARCH_LENGTH} characters.")
    elif _CONTROL.search(q):
        errors.add("q", "Must not contain control characters.")
    errors.raise_if_any()
    return OrderFilters(
        status=status, created_after=created_after, created_before=created_before, q=q
    )


@dataclass(frozen=True)
class ProductFilters:
    q: str
    category: str
    in_stock: bool
    ordering: str


_TRUE = {"true"}
_FALSE = {"false", ""}


def parse_product_filters(query: QueryDict) -> ProductFilters:
    errors = Errors()
    q = query.get("q", "")
    if len(q) > MAX_SEARCH_LENGTH:
        errors.add("q", f"At most {MAX_SEARCH_LENGTH} characters.")
    elif _CONTROL.search(q):
        errors.add("q", "Must not contain control characters.")
    category = query.get("category", "")
    if _CONTROL.search(category) or len(category) > 60:
        errors.add("category", "Not a category slug.")
    in_stock_raw = query.get("in_stock", "")
    if in_stock_raw not in _TRUE | _FALSE:
        errors.add("in_stock", "Must be true or false.")
    ordering = query.get("ordering", "name")
    if ordering not in PRODUCT_ORDERINGS:
        errors.add("ordering", f"Must be one of: {', '.join(PRODUCT_ORDERINGS)}.")
    errors.raise_if_any()
    return ProductFilters(q=q, category=category, in_stock=in_stock_raw in _TRUE, ordering=ordering)

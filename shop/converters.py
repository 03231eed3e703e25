"""Path converters, registered on import: import this module in every URLconf that uses them."""

from django.urls import register_converter


class IdConverter:
    """A database id: 1 to 18 digits, so it always fits a 64-bit column.

    A longer id is a 404 at the URL resolver instead of an integer overflow in the database
    driver (SQLite raises OverflowError: a 500).
    """

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")

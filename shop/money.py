"""Amounts of money, written two ways: for the JSON API and for people reading a page."""

from decimal import Decimal

CENT = Decimal("0.01")
CURRENCY_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}


def money_json(amount: Decimal) -> str:
    """The API's amount: a string with two decimals and nothing else ("1234.50"), so a client
    reads it as an exact decimal (a JSON number would be a float to most of them)."""
    return str(amount.quantize(CENT))


def money_display(amount: Decimal, currency: str) -> str:
    """The pages' amount: "£1,234.50", or "1,234.50 CHF" for a currency without a symbol here."""
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{amount:,.2f}" if symbol else f"{amount:,.2f} {currency}"

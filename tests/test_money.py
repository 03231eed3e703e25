"""shop/money.py: an amount for the JSON API and for a page."""

from decimal import Decimal

import pytest

from shop.money import money_display, money_json


@pytest.mark.parametrize(
    "amount,expected", [("12.5", "12.50"), ("1234.5", "1234.50"), ("0", "0.00"), ("3.456", "3.46")]
)
def test_json_amounts_have_two_decimals_and_no_separators(amount: str, expected: str) -> None:
    assert money_json(Decimal(amount)) == expected


@pytest.mark.parametrize(
    "amount,currency,expected",
    [
        ("1234.5", "GBP", "£1,234.50"),
        ("0.5", "EUR", "€0.50"),
        ("12", "USD", "$12.00"),
        ("1234.5", "CHF", "1,234.50 CHF"),
    ],
)
def test_displayed_amounts_have_the_currency_and_thousands_separators(
    amount: str, currency: str, expected: str
) -> None:
    assert money_display(Decimal(amount), currency) == expected

"""shop.services.delivery: a delivery date is a working day from the next working day up to
90 days ahead; weekends and the configured bank holidays are not working days."""

from datetime import date, timedelta
from typing import Any

import pytest

from shop.services.delivery import delivery_date_errors, earliest_delivery_date

MONDAY = date(2026, 11, 30)
FRIDAY = date(2026, 12, 4)


def test_the_earliest_date_is_the_next_working_day() -> None:
    assert earliest_delivery_date(MONDAY) == date(2026, 12, 1)


def test_from_a_friday_the_earliest_date_is_monday() -> None:
    assert earliest_delivery_date(FRIDAY) == date(2026, 12, 7)


def test_bank_holidays_are_skipped_after_christmas() -> None:
    # Thu 24 Dec 2026: Fri 25 and Mon 28 (Boxing Day's substitute) are bank holidays.
    assert earliest_delivery_date(date(2026, 12, 24)) == date(2026, 12, 29)


def test_easter_is_skipped() -> None:
    # Thu 2 Apr 2026: Good Friday 3 Apr, the weekend, Easter Monday 6 Apr.
    assert earliest_delivery_date(date(2026, 4, 2)) == date(2026, 4, 7)


def test_a_working_day_in_range_has_no_errors() -> None:
    assert delivery_date_errors(date(2026, 12, 1), MONDAY) == []
    assert delivery_date_errors(MONDAY + timedelta(days=87), MONDAY) == []  # Thu 25 Feb 2027


@pytest.mark.parametrize(
    ("day", "says"),
    [
        (MONDAY, "earliest"),  # today
        (MONDAY - timedelta(days=3), "earliest"),  # the past
        (date(2026, 12, 5), "weekend"),  # a Saturday
        (date(2026, 12, 6), "weekend"),  # a Sunday
        (date(2026, 12, 25), "bank holiday"),
        (date(2027, 1, 1), "bank holiday"),
        (MONDAY + timedelta(days=91), "90 days"),
    ],
)
def test_dates_outside_the_rules_are_refused(day: date, says: str) -> None:
    errors = delivery_date_errors(day, MONDAY)
    assert len(errors) == 1 and says in errors[0]


def test_day_90_is_the_last_day(settings: Any) -> None:
    # Mon 30 Nov 2026 + 90 days = Sun 28 Feb 2027; + 88 = Fri 26 Feb 2027.
    assert delivery_date_errors(MONDAY + timedelta(days=88), MONDAY) == []
    assert "90 days" not in " ".join(delivery_date_errors(MONDAY + timedelta(days=90), MONDAY))


def test_the_bank_holidays_come_from_settings(settings: Any) -> None:
    settings.SHOP_BANK_HOLIDAYS = ["2026-12-01", "2026-12-08"]
    assert earliest_delivery_date(MONDAY) == date(2026, 12, 2)
    assert "bank holiday" in delivery_date_errors(date(2026, 12, 8), MONDAY)[0]
    assert delivery_date_errors(date(2026, 12, 25), MONDAY) == []

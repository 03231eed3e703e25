"""The delivery date rules of the trade checkout, in one place.

A delivery date is a working day (not a weekend, not one of settings.SHOP_BANK_HOLIDAYS) from
the next working day after today up to settings.SHOP_DELIVERY_MAX_DAYS days ahead.
"""

from datetime import date, timedelta
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@cache
def _parse_holidays(raw: tuple[str, ...]) -> frozenset[date]:
    try:
        return frozenset(date.fromisoformat(day.strip()) for day in raw if day.strip())
    except ValueError as exc:
        raise ImproperlyConfigured(f"SHOP_BANK_HOLIDAYS: {exc}") from None


def bank_holidays() -> frozenset[date]:
    return _parse_holidays(tuple(settings.SHOP_BANK_HOLIDAYS))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays()


def earliest_delivery_date(today: date) -> date:
    """The next working day after `today`."""
    day = today + timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def latest_delivery_date(today: date) -> date:
    return today + timedelta(days=settings.SHOP_DELIVERY_MAX_DAYS)


def delivery_date_errors(day: date, today: date) -> list[str]:
    """Why `day` cannot be asked for as a delivery date (empty when it can)."""
    earliest, latest = earliest_delivery_date(today), latest_delivery_date(today)
    if day < earliest:
        return [f"The earliest delivery date is {earliest:%A %-d %B %Y}."]
    if day > latest:
        return [f"Delivery can be booked at most {settings.SHOP_DELIVERY_MAX_DAYS} days ahead "
                f"(up to {latest:%-d %B %Y})."]
    if day.weekday() >= 5:
        return ["We do not deliver at weekends: choose a weekday."]
    if day in bank_holidays():
        return ["That day is a bank holiday: choose another working day."]
    return []

from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from shop import selectors
from shop.money import money_display

register = template.Library()


def cart_badge_html(user: Any, oob: bool = False) -> SafeString:
    """The cart badge in the header: units in the cart, with the line count for scripts."""
    summary = selectors.cart_summary(user) if user is not None and user.is_authenticated else None
    units = summary.unit_count if summary else 0
    return format_html(
        '<span id="cart-badge" class="cart-badge{}" data-units="{}" data-lines="{}"{}>{}</span>',
        "" if units else " is-empty",
        units,
        summary.line_count if summary else 0,
        mark_safe(' hx-swap-oob="true"') if oob else "",
        units,
    )


@register.simple_tag(takes_context=True)
def cart_badge(context: template.Context, oob: bool = False) -> SafeString:
    request = context.get("request")
    return cart_badge_html(getattr(request, "user", None), oob=oob)


@register.filter
def currency(amount: Decimal | None, code: str = "GBP") -> str:
    return money_display(amount or Decimal("0"), code)


@register.filter
def get_count(counts: dict[str, int] | None, key: str) -> int:
    """counts[key], 0 when absent: a facet's count in a template."""
    return (counts or {}).get(key, 0)

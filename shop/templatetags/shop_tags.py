from decimal import Decimal
from typing import Any

from django import template

from shop import selectors
from shop.tables import money

register = template.Library()


@register.inclusion_tag("shop/_cart_badge.html", takes_context=True)
def cart_badge(context: template.Context, oob: bool = False) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    summary = selectors.cart_summary(user) if user is not None and user.is_authenticated else None
    return {
        "units": summary.unit_count if summary else 0,
        "lines": summary.line_count if summary else 0,
        "oob": oob,
    }


@register.filter
def currency(amount: Decimal | None, code: str = "GBP") -> str:
    return money(amount or Decimal("0"), code)

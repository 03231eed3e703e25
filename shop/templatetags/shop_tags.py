from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from shop import selectors
from shop.models import Product
from shop.money import money_display
from shop.services.packs import rule_text
from shop.services.pricing import Price, price_per_measure, product_price

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
def pack_rule(product: Any) -> str:
    """The product's pack rules in words, as a sentence start ("Sold in multiples of 8"); ""
    when any quantity goes."""
    text = rule_text(product)
    return f"{text[:1].upper()}{text[1:]}"


@register.filter
def pricing(product: Product) -> Price:
    """What the viewer's company pays for the product at the smallest quantity its pack rules
    allow, with the tiers (shop.services.pricing.product_price; read the product with its
    contract price and price breaks)."""
    return product_price(product)


@register.simple_tag
def per_measure(amount: Decimal, product: Product, bare: bool = False) -> str:
    """"£0.74 / kg" (`bare`: "£0.74", under a "Per kg" heading): a pack's price per unit of
    its measure, "" without a measure."""
    value = price_per_measure(amount, product.measure_amount)
    if value is None:
        return ""
    money = money_display(value, product.currency)
    return money if bare else f"{money} / {product.measure_unit}"

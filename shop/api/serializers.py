"""Explicit output shapes of the JSON API (docs/API.md). Never dump a model: name every field."""

from datetime import UTC, datetime
from typing import Any

from shop.models import ApiToken, Order, OrderLine, Product
from shop.money import money_json
from shop.services.pricing import order_totals, price_per_measure, product_price
from shop.services import IssuedToken


def timestamp(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def serialize_product(product: Product) -> dict[str, Any]:
    """`price` is what the caller's company pays for one pack at the smallest quantity the pack
    rules allow: its contract price when the product was read with it
    (selectors.product_search(user=...)), else the list price's tier for that quantity.
    `price_breaks` are the list price's tiers, none with a contract price."""
    price = product_price(product)
    per_measure = price_per_measure(price.amount, product.measure_amount)
    return {
        "id": product.pk,
        "sku": product.sku,
        "name": product.name,
        "description": product.description,
        "category": {"slug": product.category.slug, "name": product.category.name},
        "unit": product.unit,
        "price": money_json(price.amount),
        "currency": product.currency,
        "stock": product.stock,
        "in_stock": product.in_stock,
        "list_price": money_json(price.list_price),
        "vat_rate": money_json(product.vat_rate),
        "measure": (
            None
            if product.measure_amount is None
            else {"amount": f"{product.measure_amount:.3f}", "unit": product.measure_unit}
        ),
        "price_per_measure_unit": None if per_measure is None else money_json(per_measure),
        "min_order_quantity": product.min_order_quantity,
        "order_multiple": product.order_multiple,
        "price_breaks": [
            {"min_quantity": tier.min_quantity, "unit_price": money_json(tier.unit_price)}
            for tier in price.tiers
        ],
    }


def serialize_order_line(line: OrderLine) -> dict[str, Any]:
    return {
        "product": line.product_id,
        "sku": line.sku,
        "name": line.name,
        "unit": line.unit,
        "unit_price": money_json(line.unit_price),
        "quantity": line.quantity,
        "line_total": money_json(line.line_total),
        "vat_rate": money_json(line.vat_rate),
    }


def serialize_order(order: Order, lines: list[OrderLine] | None = None) -> dict[str, Any]:
    """`lines` when the caller already holds them (a just-placed order), else order.lines.
    `vat` and `total_with_vat` are worked out from the lines at their stored rates
    (pricing.order_totals), not stored: the lines are the record."""
    lines_given = lines is not None
    lines = list(order.lines.all() if lines is None else lines)
    totals = order_totals(lines)
    return {
        "id": order.pk,
        "reference": order.reference,
        "status": order.status,
        "created_at": timestamp(order.created_at),
        "cancelled_at": timestamp(order.cancelled_at),
        "currency": order.currency,
        "total": money_json(order.total),
        "lines": [serialize_order_line(line) for line in lines],
        "vat": money_json(totals.vat),
        "total_with_vat": money_json(order.total + totals.vat),
        # A just-placed order (lines given) has no later changes: no query for them.
        "status_history": [
            {"status": step.status, "at": timestamp(step.at)}
            for step in order.status_history(changes=[] if lines_given else None)
        ],
        "po_number": order.po_number,
        "delivery_date": order.delivery_date.isoformat() if order.delivery_date else None,
        "delivery_address": serialize_delivery_address(order),
        "notes": order.notes,
        "placed_by": {"id": order.user_id, "email": order.user.email},
    }


def serialize_delivery_address(order: Order) -> dict[str, Any] | None:
    """The address as it was when ordered (the address shape of GET /addresses); `id` is the
    address's while it exists, null once deleted, and `is_default` is as it is now."""
    if not order.has_delivery_address:
        return None
    address = order.delivery_address
    return {
        "id": order.delivery_address_id,
        "label": order.delivery_label,
        "lines": order.delivery_line_list,
        "postcode": order.delivery_postcode,
        "country": order.delivery_country,
        "is_default": bool(address and address.is_default),
    }


def serialize_token(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.pk,
        "name": token.name,
        "created_at": timestamp(token.created_at),
        "expires_at": timestamp(token.expires_at),
        "last_used_at": timestamp(token.last_used_at),
    }


def serialize_issued_token(issued: IssuedToken) -> dict[str, Any]:
    """The only time the secret is ever sent."""
    token = issued.token
    return {
        "id": token.pk,
        "name": token.name,
        "token": issued.secret,
        "created_at": timestamp(token.created_at),
        "expires_at": timestamp(token.expires_at),
    }

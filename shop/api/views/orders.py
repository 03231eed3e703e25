"""The company's orders: every member reads them; a viewer cannot place or cancel (403)."""

from django.http import HttpRequest, JsonResponse
from django.urls import reverse

from companies.exceptions import Forbidden
from shop import services
from shop.api.auth import require_json, token_required
from shop.api.errors import ApiError, invalid, not_found
from shop.api.pagination import paginate
from shop.api.schemas import parse_order_details, parse_order_filters, parse_order_request
from shop.api.serializers import serialize_order
from shop.exceptions import (
    IdempotencyKeyReused,
    InsufficientStock,
    InvalidOrder,
    NotCancellable,
    OrderNotFound,
)
from shop.models import Order
from shop.selectors import order_for, orders_for


@token_required
def order_list(request: HttpRequest) -> JsonResponse:
    filters = parse_order_filters(request.GET)
    orders = orders_for(request.user, filters).prefetch_related("lines", "status_changes")
    return JsonResponse(paginate(request, orders, serialize_order))


@token_required
def order_detail(request: HttpRequest, order_id: int) -> JsonResponse:
    return JsonResponse(serialize_order(_order_or_404(request, order_id)))


@token_required
def order_create(request: HttpRequest) -> JsonResponse:
    data = require_json(request)
    lines = parse_order_request(data)
    details = parse_order_details(data)
    try:
        placed = services.order_place(
            user=request.user,
            lines=lines,
            idempotency_key=request.headers.get("Idempotency-Key"),
            details=details,
        )
    except Forbidden as exc:
        raise ApiError(403, "forbidden", str(exc)) from None
    except InvalidOrder as exc:
        raise invalid(exc.errors, "The order is not valid.") from None
    except InsufficientStock as exc:
        raise ApiError(
            409,
            "insufficient_stock",
            "Not enough stock for some lines; nothing was ordered.",
            details=[
                {"product": line.product_id, "requested": line.requested, "available": line.available}
                for line in exc.short_lines
            ],
        ) from None
    except IdempotencyKeyReused as exc:
        raise ApiError(422, "idempotency_key_reused", str(exc)) from None
    order = placed.order
    response = JsonResponse(serialize_order(order, placed.lines), status=201)
    response["Location"] = request.build_absolute_uri(reverse("api:order_detail", args=[order.pk]))
    if placed.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


@token_required
def order_cancel(request: HttpRequest, order_id: int) -> JsonResponse:
    try:
        order = services.order_cancel(user=request.user, order_id=order_id)
    except Forbidden as exc:
        raise ApiError(403, "forbidden", str(exc)) from None
    except OrderNotFound:
        raise not_found(f"Your company has no order {order_id}.") from None
    except NotCancellable as exc:
        raise ApiError(
            409, "not_cancellable", f"Order {order_id} is {exc.status} and cannot be cancelled."
        ) from None
    return JsonResponse(serialize_order(order))


def _order_or_404(request: HttpRequest, order_id: int) -> Order:
    order = order_for(request.user, order_id)
    if order is None:
        raise not_found(f"Your company has no order {order_id}.")
    return order

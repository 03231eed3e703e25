"""The company's orders: list (and CSV), detail, order again, cancel. Every member reads them
all; a viewer cannot order again or cancel (the services refuse, answered with 403)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from companies.exceptions import Forbidden
from shop import selectors, services
from shop.exceptions import NotCancellable, OrderNotFound
from shop.models import Order
from shop.services.checkout import require_ordering_role
from shop.services.pricing import order_totals
from shop.tables import OrderTable, table_configure, table_csv_response
from shop.views.common import wants_partial


def _order_or_404(request: HttpRequest, pk: int) -> Order:
    """One of the company's orders; another company's does not exist (404)."""
    order = selectors.order_for(request.user, pk)
    if order is None:
        raise Http404("No such order.")
    return order


@login_required
@require_GET
@vary_on_headers("HX-Request")
def orders(request: HttpRequest) -> HttpResponse:
    table = OrderTable(selectors.orders_for(request.user))
    if request.GET.get("_export") == "csv":
        return table_csv_response(request, table, "orders.csv")
    table_configure(request, table)
    template = "shop/orders.html#results" if wants_partial(request) else "shop/orders.html"
    return render(request, template, {"table": table})


@login_required
@require_GET
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_or_404(request, pk)
    return render(
        request,
        "shop/order_detail.html",
        {
            "order": order,
            "just_placed": request.GET.get("placed") == "1",
            "totals": order_totals(order.lines.all()),  # at the rates the lines were ordered at
        },
    )


@login_required
@require_POST
def order_again(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_or_404(request, pk)
    try:
        capped = services.cart_add_order(user=request.user, order_id=order.pk)
    except Forbidden as exc:
        raise PermissionDenied(str(exc)) from None
    except OrderNotFound:
        raise Http404("No such order.") from None
    messages.success(request, f"The lines of {order.reference} are in your cart.")
    if capped:
        messages.warning(
            request,
            "Capped to what is in stock"
            + (" and the pack rules" if any(change.pack_rule for change in capped) else "")
            + ": "
            + "; ".join(
                f"{change.name}: {change.quantity:,} in cart (ordered {change.requested:,}"
                + (f"; {change.pack_rule}" if change.pack_rule else "")
                + ")"
                for change in capped
            ),
        )
    return redirect("shop:cart")


@login_required
@require_http_methods(["GET", "POST"])
def order_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_or_404(request, pk)
    try:
        require_ordering_role(request.user)
    except Forbidden as exc:
        raise PermissionDenied(str(exc)) from None
    if request.method == "GET":
        if not order.is_cancellable:
            messages.info(request, f"{order.reference} is {order.get_status_display().lower()}.")
            return redirect(order)
        return render(request, "shop/order_cancel.html", {"order": order})
    try:
        services.order_cancel(user=request.user, order_id=order.pk)
    except OrderNotFound:
        raise Http404("No such order.") from None
    except NotCancellable as exc:
        if exc.status == Order.Status.CANCELLED:
            messages.error(request, f"{order.reference} is already cancelled.")
        else:
            messages.error(request, f"{order.reference} is {exc.status} and can no longer be cancelled.")
    else:
        messages.success(request, f"Order {order.reference} cancelled; its stock is back on the shelf.")
    return redirect(order)

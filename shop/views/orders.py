"""The company's orders: list (filtered; CSV per order or per line), detail, order again,
cancel. Every member reads them all; a viewer cannot order again or cancel (the services
refuse, answered with 403)."""

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
from shop.forms import OrderFilterForm
from shop.models import Order
from shop.services.checkout import require_ordering_role
from shop.services.pricing import order_totals
from shop.tables import OrderTable, order_lines_csv_response, table_configure, table_csv_response
from shop.views.common import company_order_or_404, wants_partial

ORDER_FILTER_NAMES = tuple(OrderFilterForm.base_fields)


def _without_empty_filters(request: HttpRequest) -> str | None:
    """The URL without the filters a plain form submits empty (`?status=&q=`), or None when
    there are none: shared links carry only the filters in use."""
    query = request.GET.copy()
    empty = [name for name in ORDER_FILTER_NAMES if "" in query.getlist(name)]
    if not empty:
        return None
    for name in empty:
        values = [value for value in query.pop(name) if value]
        if values:
            query.setlist(name, values)
    return f"{request.path}?{query.urlencode()}" if query else request.path


@login_required
@require_GET
@vary_on_headers("HX-Request")
def orders(request: HttpRequest) -> HttpResponse:
    partial = wants_partial(request)
    if not partial and (clean_url := _without_empty_filters(request)):
        return redirect(clean_url)
    form = OrderFilterForm(request.GET)
    form.is_valid()  # an invalid field is left out of the filters and shown with its error
    filters = form.query()
    table = OrderTable(selectors.orders_for(request.user, form.filters()))
    export = request.GET.get("_export")
    if export == "csv":
        return table_csv_response(request, table, "orders.csv")
    if export == "lines":
        return order_lines_csv_response(request, table, "order-lines.csv")
    if filters:
        table.empty_text = "No orders match these filters."
    query = table_configure(request, table, filters=filters)
    template = "shop/orders.html#results" if partial else "shop/orders.html"
    response = render(request, template, {"table": table, "form": form, "filtered": bool(filters)})
    if partial and not form.errors:
        # The address bar shows what the page shows, without the form's empty fields.
        response["HX-Push-Url"] = f"{request.path}?{query.urlencode()}" if query else request.path
    return response


@login_required
@require_GET
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = company_order_or_404(request, pk)
    return render(
        request,
        "shop/order_detail.html",
        {
            "order": order,
            "just_placed": request.GET.get("placed") == "1",
            "totals": order_totals(order.lines.all()),  # at the rates the lines were ordered at
            "invoice": getattr(order, "invoice", None),  # issued on dispatch (None before)
        },
    )


@login_required
@require_POST
def order_again(request: HttpRequest, pk: int) -> HttpResponse:
    order = company_order_or_404(request, pk)
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
    order = company_order_or_404(request, pk)
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

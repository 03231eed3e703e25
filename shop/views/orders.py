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
from companies.selectors import membership_for
from shop import selectors, services
from shop.exceptions import InvalidListName, InvalidQuantity, NotCancellable, OrderNotFound
from shop.forms import OrderAgainForm, OrderFilterForm, SavedListNameForm
from shop.models import Order, Product
from shop.services.checkout import can_order, require_ordering_role
from shop.services.pricing import order_totals
from shop.services.saved_lists import saved_list_from_order
from shop.tables import OrderTable, order_lines_csv_response, table_configure, table_csv_response
from shop.views.common import (
    company_order_or_404,
    report_lines_added,
    url_without_empty_parameters,
    wants_partial,
)

ORDER_FILTER_NAMES = tuple(OrderFilterForm.base_fields)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def orders(request: HttpRequest) -> HttpResponse:
    partial = wants_partial(request)
    if not partial and (clean_url := url_without_empty_parameters(request, ORDER_FILTER_NAMES)):
        return redirect(clean_url)
    form = OrderFilterForm(request.GET)
    form.is_valid()  # an invalid field is left out of the filters and shown with its error
    filters = form.query()
    # The row's "Order again" link, for those who may order.
    exclude = () if can_order(membership_for(request.user)) else ("again",)
    table = OrderTable(selectors.orders_for(request.user, form.filters()), exclude=exclude)
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


def _render_order(
    request: HttpRequest,
    order: Order,
    *,
    again_form: OrderAgainForm | None = None,
    list_form: SavedListNameForm | None = None,
    status: int = 200,
) -> HttpResponse:
    lines = selectors.order_lines_as_shown(order.lines.all())
    # What each line's product is now, for "order again" (one query).
    products = Product.objects.in_bulk({line.product_id for line in lines})
    again_rows = [
        {
            "line": line,
            "product": products.get(line.product_id),
            "field": f"qty-{line.pk}",
            "checked": again_form is None or str(line.pk) in again_form.data.getlist("line"),
            "quantity": (
                again_form.data.get(f"qty-{line.pk}", line.quantity) if again_form else line.quantity
            ),
            "error": " ".join(again_form.errors.get(f"qty-{line.pk}", [])) if again_form else "",
        }
        for line in lines
    ]
    return render(
        request,
        "shop/order_detail.html",
        {
            "order": order,
            "lines": lines,
            "just_placed": request.GET.get("placed") == "1",
            "totals": order_totals(lines),  # at the rates the lines were ordered at
            "again_rows": again_rows,
            "again_errors": again_form.non_field_errors() if again_form else [],
            "list_form": list_form
            or SavedListNameForm(initial={"name": f"From {order.reference}"}),
            "invoice": getattr(order, "invoice", None),  # issued on dispatch (None before)
        },
        status=status,
    )


@login_required
@require_GET
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_order(request, company_order_or_404(request, pk))


@login_required
@require_POST
def order_again(request: HttpRequest, pk: int) -> HttpResponse:
    """Put the order's lines in the cart, capped to stock: the lines chosen on the order page
    (`choose`, then a `line` checkbox and a `qty-<line id>` quantity per line), or without
    `choose` every line as ordered."""
    order = company_order_or_404(request, pk)
    try:
        require_ordering_role(request.user)
    except Forbidden as exc:
        raise PermissionDenied(str(exc)) from None
    quantities = None
    if request.POST.get("choose"):
        form = OrderAgainForm(request.POST, line_ids=[line.pk for line in order.lines.all()])
        if not form.is_valid():
            return _render_order(request, order, again_form=form, status=422)
        quantities = form.quantities
    try:
        outcomes = services.cart_add_order(
            user=request.user, order_id=order.pk, quantities=quantities
        )
    except Forbidden as exc:
        raise PermissionDenied(str(exc)) from None
    except OrderNotFound:
        raise Http404("No such order.") from None
    except InvalidQuantity as exc:
        messages.error(request, str(exc))
        return redirect(order)
    chosen = "The lines" if quantities is None else "The chosen lines"
    report_lines_added(
        request,
        outcomes,
        success=f"{chosen} of {order.reference} are in your cart.",
        nothing=f"Nothing of {order.reference} could be put in your cart.",
        requested="ordered",
    )
    return redirect("shop:cart")


@login_required
@require_POST
def order_save_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The order page's "Save as list": a new list of the company holding the order's lines."""
    order = company_order_or_404(request, pk)
    try:
        require_ordering_role(request.user)
    except Forbidden as exc:
        raise PermissionDenied(str(exc)) from None
    form = SavedListNameForm(request.POST)
    if form.is_valid():
        try:
            saved = saved_list_from_order(
                user=request.user, order_id=order.pk, name=form.cleaned_data["name"]
            )
        except InvalidListName as exc:
            form.add_error("name", str(exc))
        else:
            messages.success(request, f"{order.reference} is saved as the list “{saved.name}”.")
            return redirect(saved)
    return _render_order(request, order, list_form=form, status=422)


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

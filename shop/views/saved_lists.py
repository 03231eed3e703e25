"""The company's saved lists: the lists, one list's items, and adding to a list from a product
page, the cart or an order. Every member reads them; a viewer's change is refused by the
services (403); another company's list is a 404."""

from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from companies.exceptions import Forbidden
from shop import selectors
from shop.exceptions import (
    InvalidListName,
    InvalidQuantity,
    ProductUnavailable,
    SavedListNotFound,
)
from shop.forms import (
    AddToListForm,
    SavedListAddForm,
    SavedListNameForm,
    SavedListQuantitiesForm,
)
from shop.models import SavedList
from shop.services import saved_lists as lists
from shop.services.cart import pack_rule_message
from shop.services.checkout import require_ordering_role
from shop.services.quick_order import close_match
from shop.views.common import report_lines_added


def _list_change(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A list POST: a viewer is refused by the services (403); another company's list, or one
    deleted meanwhile, is a 404."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Forbidden as exc:
            raise PermissionDenied(str(exc)) from None
        except SavedListNotFound:
            raise Http404("No such list.") from None

    return wrapper


def _list_or_404(request: HttpRequest, pk: int) -> SavedList:
    saved = selectors.saved_list_for(request.user, pk)
    if saved is None:
        raise Http404("No such list.")
    return saved


def _first_error(form: Any) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return "Please check your input."


def _safe_next(request: HttpRequest, fallback: str) -> str:
    candidate = request.POST.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


@login_required
@require_http_methods(["GET", "POST"])
@_list_change
def saved_lists(request: HttpRequest) -> HttpResponse:
    """The company's lists, and a form naming a new (empty) one."""
    form = SavedListNameForm(request.POST or None)
    status = 200
    if request.method == "POST":
        require_ordering_role(request.user)
        if form.is_valid():
            try:
                saved = lists.saved_list_create(user=request.user, name=form.cleaned_data["name"])
            except InvalidListName as exc:
                form.add_error("name", str(exc))
            else:
                messages.success(request, f"List “{saved.name}” created: add products to it below.")
                return redirect(saved)
        status = 422
    return render(
        request,
        "shop/saved_lists.html",
        {"lists": selectors.saved_lists_for(request.user), "form": form},
        status=status,
    )


# The item just taken off a list, for "Undo" on the list's page after the redirect.
REMOVED_SESSION_KEY = "list_removed"


def _render_list(
    request: HttpRequest,
    saved: SavedList,
    *,
    status: int = 200,
    item_errors: dict[int, str] | None = None,
    add_form: SavedListAddForm | None = None,
    rename_form: SavedListNameForm | None = None,
    suggestion: Any = None,
) -> HttpResponse:
    item_errors = item_errors or {}
    removed = request.session.pop(REMOVED_SESSION_KEY, None)
    items = list(selectors.saved_list_items(saved, user=request.user))
    rows = [
        {
            "item": item,
            "product": item.product,
            "error": item_errors.get(item.product_id, ""),
            "problem": (
                "No longer for sale."
                if not item.product.is_active
                else pack_rule_message(item.product, item.quantity) or ""
            ),
        }
        for item in items
    ]
    context = {
        "saved": saved,
        "removed": removed if removed and removed.get("list_id") == saved.pk else None,
        "rows": rows,
        "total": sum((item.line_total for item in items), Decimal("0.00")),
        "currency": items[0].product.currency if items else "GBP",
        "add_form": add_form or SavedListAddForm(initial={"quantity": 1}),
        "rename_form": rename_form or SavedListNameForm(initial={"name": saved.name}),
        "suggestion": suggestion,
    }
    return render(request, "shop/saved_list.html", context, status=status)


@login_required
@require_GET
def saved_list(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_list(request, _list_or_404(request, pk))


@login_required
@require_POST
@_list_change
def saved_list_items(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the quantities typed on the list page."""
    saved = _list_or_404(request, pk)
    form = SavedListQuantitiesForm(request.POST)
    if not form.is_valid():
        errors = form.item_errors()
        messages.error(request, next(iter(errors.values()), "Please check the quantities."))
        return _render_list(request, saved, status=422, item_errors=errors)
    try:
        changed = lists.saved_list_set_quantities(
            user=request.user, list_id=saved.pk, quantities=form.quantities
        )
    except InvalidQuantity as exc:
        messages.error(request, f"{exc} Nothing was changed.")
        return _render_list(request, saved, status=422)
    except ProductUnavailable:
        messages.error(request, "That product is no longer on the list.")
        return redirect(saved)
    if changed:
        messages.success(request, "Quantities saved: " + ", ".join(changed) + ".")
    else:
        messages.info(request, "The list is up to date.")
    return redirect(saved)


@login_required
@require_POST
@_list_change
def saved_list_add(request: HttpRequest, pk: int) -> HttpResponse:
    """The list page's "Add by SKU"."""
    saved = _list_or_404(request, pk)
    form = SavedListAddForm(request.POST)
    if not form.is_valid():
        return _render_list(request, saved, status=422, add_form=form)
    sku = (form.cleaned_data.get("sku") or "").strip()
    product = selectors.product_by_sku(sku) if sku else None
    if product is None:
        form.add_error("sku", f"No product with SKU {sku}." if sku else "Enter a SKU.")
        suggestion = close_match(sku) if sku else None
        return _render_list(request, saved, status=422, add_form=form, suggestion=suggestion)
    quantity = form.cleaned_data["quantity"]
    try:
        item = lists.saved_list_add_item(
            user=request.user, list_id=saved.pk, product_id=product.pk, quantity=quantity
        )
    except InvalidQuantity as exc:
        form.add_error("quantity", str(exc))
        return _render_list(request, saved, status=422, add_form=form)
    messages.success(
        request, _added_text(product.name_with_pack, quantity, item.quantity, saved.name)
    )
    return redirect(saved)


def _added_text(name: str, quantity: int, now: int, list_name: str) -> str:
    if now == quantity:
        return f"Added {quantity:,} × {name} to “{list_name}”."
    return f"Added {quantity:,} × {name} to “{list_name}”: the list now has {now:,}."


@login_required
@require_POST
@_list_change
def saved_list_remove(request: HttpRequest, pk: int, product_id: int) -> HttpResponse:
    saved = _list_or_404(request, pk)
    removed = lists.saved_list_remove_item(user=request.user, list_id=saved.pk, product_id=product_id)
    if removed is None:
        raise Http404("That product is not on the list.")
    # Named, with "Undo" on the list's page (the list's own add form, posted again).
    request.session[REMOVED_SESSION_KEY] = {
        "list_id": saved.pk,
        "sku": removed.product.sku,
        "name": removed.product.name_with_pack,
        "quantity": removed.quantity,
    }
    return redirect(saved)


@login_required
@require_POST
@_list_change
def saved_list_rename(request: HttpRequest, pk: int) -> HttpResponse:
    saved = _list_or_404(request, pk)
    form = SavedListNameForm(request.POST)
    if form.is_valid():
        try:
            renamed = lists.saved_list_rename(
                user=request.user, list_id=saved.pk, name=form.cleaned_data["name"]
            )
        except InvalidListName as exc:
            form.add_error("name", str(exc))
        else:
            messages.success(request, f"List renamed to “{renamed.name}”.")
            return redirect(renamed)
    return _render_list(request, saved, status=422, rename_form=form)


@login_required
@require_http_methods(["GET", "POST"])
@_list_change
def saved_list_delete(request: HttpRequest, pk: int) -> HttpResponse:
    saved = _list_or_404(request, pk)
    require_ordering_role(request.user)
    if request.method == "GET":
        return render(request, "shop/saved_list_delete.html", {"saved": saved})
    name = lists.saved_list_delete(user=request.user, list_id=saved.pk)
    messages.success(request, f"List “{name}” deleted.")
    return redirect("shop:saved_lists")


@login_required
@require_POST
@_list_change
def saved_list_to_cart(request: HttpRequest, pk: int) -> HttpResponse:
    saved = _list_or_404(request, pk)
    outcomes = lists.saved_list_to_cart(user=request.user, list_id=saved.pk)
    if not outcomes:
        messages.info(request, f"“{saved.name}” has no products yet.")
        return redirect(saved)
    added = sum(1 for line in outcomes if line.added)
    report_lines_added(
        request,
        outcomes,
        success=f"{added} line{'s' if added != 1 else ''} of “{saved.name}” put in your cart.",
        nothing=f"Nothing of “{saved.name}” could be put in your cart.",
        requested="the list says",
    )
    return redirect("shop:cart")


@login_required
@require_POST
@_list_change
def saved_list_add_product(request: HttpRequest) -> HttpResponse:
    """A product page's "Add to list": to one of the company's lists, or a new one."""
    form = AddToListForm(request.POST, lists=selectors.saved_lists_for(request.user))
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect(_safe_next(request, reverse("shop:saved_lists")))
    data = form.cleaned_data
    product = selectors.product_get(data["product"])
    if product is None:
        messages.error(request, "That product is no longer for sale.")
        return redirect(_safe_next(request, reverse("shop:saved_lists")))
    try:
        if data.get("saved_list"):
            item = lists.saved_list_add_item(
                user=request.user,
                list_id=data["saved_list"],
                product_id=product.pk,
                quantity=data["quantity"],
            )
            saved = item.saved_list
        else:
            saved = lists.saved_list_create(
                user=request.user,
                name=data["new_name"],
                items=[(product.pk, data["quantity"])],
            )
            item = saved.items.get()
    except (InvalidQuantity, InvalidListName, ProductUnavailable) as exc:
        messages.error(request, f"{exc} Nothing was added.")
        return redirect(_safe_next(request, reverse("shop:saved_lists")))
    text = _added_text(product.name_with_pack, data["quantity"], item.quantity, saved.name)
    messages.success(request, text)
    return redirect(_safe_next(request, saved.get_absolute_url()))


@login_required
@require_POST
@_list_change
def saved_list_from_cart(request: HttpRequest) -> HttpResponse:
    """The cart page's "Save cart as list"."""
    form = SavedListNameForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect("shop:cart")
    try:
        saved = lists.saved_list_from_cart(user=request.user, name=form.cleaned_data["name"])
    except (InvalidListName, InvalidQuantity) as exc:
        messages.error(request, f"{exc} Nothing was saved.")
        return redirect("shop:cart")
    count = saved.items.count()
    messages.success(
        request, f"Your cart is saved as “{saved.name}” ({count} product{'s' if count != 1 else ''})."
    )
    return redirect(saved)

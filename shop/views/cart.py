"""The cart page, adding to the cart, and the checkout that orders what the page showed."""

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from companies.exceptions import Forbidden
from companies.models import Membership
from companies.selectors import addresses_of, membership_for
from shop import selectors, services
from shop.exceptions import (
    CartAlreadyOrdered,
    CartNotAsShown,
    IdempotencyKeyReused,
    InsufficientStock,
    InvalidOrder,
    InvalidQuantity,
    PackProblem,
    ProductUnavailable,
    QuantityNotAllowed,
)
from shop.forms import (
    AddToCartForm,
    CartLinesForm,
    CartQuantityForm,
    CheckoutDetailsForm,
    CheckoutForm,
    LINE_FIELD,
)
from shop.models import CartItem, Product
from shop.services.cart import CartRemoved
from shop.services.checkout import can_order, require_ordering_role, resolve_details
from shop.services.delivery import earliest_delivery_date, latest_delivery_date
from shop.services.packs import pack_problem, round_down
from shop.services.pricing import Price, cart_item_price, totals_for
from shop.views.add_feedback import (
    RowFeedback,
    keep_for_next_page,
    named,
    render_row,
    row_anchor,
)
from shop.views.common import wants_partial


def _ordering_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A cart or checkout POST: the services refuse a viewer (Forbidden), answered with 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Forbidden as exc:
            raise PermissionDenied(str(exc)) from None

    return wrapper


def _refuse_viewer(request: HttpRequest) -> None:
    """Before answering bad input: a viewer gets the 403, not an error inviting them to fix the
    input and post again. Only on that path: valid input reaches a service, which checks the
    role itself, so a buyer's add to cart reads the membership once."""
    require_ordering_role(request.user)


def _safe_next(request: HttpRequest, fallback: str) -> str:
    candidate = request.POST.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def _first_error(form: AddToCartForm | CartQuantityForm) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return "Please check your input."


@login_required
@require_POST
@_ordering_view
def cart_add(request: HttpRequest) -> HttpResponse:
    """Add from a catalogue row (`feedback=row`: the answer is about that row, see
    shop/views/add_feedback.py) or the product page. The message names the product with its
    pack; a refusal adds nothing."""
    form = AddToCartForm(request.POST)
    on_row = request.POST.get("feedback") == "row"
    # From the product page's form, which answers on the form the same way.
    on_product = request.POST.get("feedback") == "product"
    level, status = messages.ERROR, 422
    product_id = _posted_product_id(form)
    # Read with the viewer's prices: a row is rendered from it. Only when needed otherwise:
    # a refusal names it.
    product = (
        selectors.product_get(product_id, user=request.user)
        if product_id and (on_row or on_product)
        else None
    )
    row_text, in_cart, offer = "", None, None
    if not form.is_valid():
        _refuse_viewer(request)
        product = product or (selectors.product_get(product_id) if product_id else None)
        row_text = _first_error(form)
        text = f"{named(product)}: {row_text}" if product else row_text
    else:
        quantity = form.cleaned_data["quantity"]
        try:
            item = services.cart_add(user=request.user, product_id=product_id, quantity=quantity)
        except InsufficientStock as exc:
            product = product or selectors.product_get(product_id)
            text, status = _not_enough_to_add(product, quantity, exc), 409
            offer = _what_can_be_added(product, quantity, exc) if product else None
        except ProductUnavailable:
            # 409, not 404: htmx swaps this message in, and the product may be back on sale later.
            text, status = "That product is no longer for sale.", 409
        except QuantityNotAllowed as exc:
            text = f"{exc} Nothing was added."
        except InvalidQuantity as exc:
            product = product or selectors.product_get(product_id)
            text = f"{named(product)}: {exc}" if product else str(exc)
        else:
            level, status, in_cart = messages.SUCCESS, 200, item.quantity
            text = (
                f"Added {quantity:,} × {named(item.product)} to your cart "
                f"({item.quantity:,} in cart)."
            )
            row_text = f"Added: {item.quantity:,} in cart"
    tag = messages.DEFAULT_TAGS[level]
    feedback = None
    if (on_row or on_product) and product is not None and product_id == product.pk:
        feedback = RowFeedback(
            product_id=product.pk,
            level=tag,
            text=row_text or text,
            quantity="" if in_cart else request.POST.get("quantity", "")[:12],
            in_cart=in_cart,
            offer=offer,
        )
    next_path = _safe_next(request, reverse("shop:catalogue"))
    if wants_partial(request):
        if feedback is None:
            response = render(
                request, "shop/_cart_feedback.html", {"notices": [(tag, text)]}, status=status
            )
            if on_row or on_product:  # no row or form to show it on (gone from sale): to messages
                response["HX-Retarget"] = "#messages"
                response["HX-Reswap"] = "innerHTML"
            return response
        if on_product:
            html = render(
                request,
                "shop/product_detail.html#buy-form",
                {"product": product, "feedback": feedback, "next_path": next_path},
            ).content.decode()
        else:
            html = render_row(request, product, feedback, next_path=next_path)
        return _answer_in_place(html, request, feedback.level, text, status)
    messages.add_message(request, level, text)
    if feedback is not None:
        keep_for_next_page(request, feedback)
        anchor = "buy" if on_product else row_anchor(feedback.product_id)
        return redirect(f"{next_path.split('#')[0]}#{anchor}")
    return redirect(next_path)


def _posted_product_id(form: AddToCartForm) -> int | None:
    # Read whatever else was wrong, so a refused quantity still names its product.
    field = form["product"]
    try:
        return form.fields["product"].clean(field.data)
    except ValidationError:
        return None


def _answer_in_place(html: str, request: HttpRequest, level: str, text: str, status: int) -> HttpResponse:
    """`html` (the catalogue row or the product page's buy box, saying what happened, swapped
    in for itself), then out of band the message for screen readers (#messages: the swapped
    text is not a live region) and the cart badge."""
    rest = render(request, "shop/_cart_row_feedback.html", {"notices": [(level, text)]})
    return HttpResponse(html + rest.content.decode(), status=status)


def _what_can_be_added(product: Product, quantity: int, exc: InsufficientStock) -> int | None:
    """The most that can still go in the cart within stock, the line's limit and the pack
    rules (None: none)."""
    short = exc.short_lines[0]
    in_cart = short.requested - quantity
    room = min(short.available, settings.SHOP_MAX_LINE_QUANTITY) - in_cart
    return (round_down(product, room) or None) if room > 0 else None


def _not_enough_to_add(product: Product | None, quantity: int, exc: InsufficientStock) -> str:
    short = exc.short_lines[0]
    name = named(product) if product else "this product"
    in_cart = short.requested - quantity
    already = f" ({in_cart:,} already in your cart)" if in_cart else ""
    return (
        f"Only {short.available:,} of {name} in stock{already}, "
        f"so {quantity:,} more could not be added. Nothing was added."
    )


# Where a refused cart change waits for the cart page after the redirect (without htmx): the
# errors on their lines and the quantities as typed, so a reload shows the cart, not the POST.
REFUSED_SESSION_KEY = "cart_refused"
# The line just removed, for the cart page's "Undo" after the redirect.
REMOVED_SESSION_KEY = "cart_removed"


@dataclass(frozen=True)
class CartLine:
    item: CartItem
    error: str = ""
    short_available: int | None = None
    # The allowed quantities next to a refused one, offered as buttons beside the error.
    nearest: tuple[int, ...] = ()
    # What the buyer typed into a refused line's input, shown back instead of the cart's.
    typed: str | None = None

    @property
    def product(self) -> Product:
        return self.item.product

    @property
    def shown_quantity(self) -> str | int:
        return self.item.quantity if self.typed is None else self.typed

    @property
    def fit_quantity(self) -> int:
        """For a short line: the most the stock allows under the pack rules (0: none)."""
        if self.short_available is None:
            return self.item.quantity
        return round_down(self.product, self.short_available)

    @property
    def price(self) -> Price:
        return cart_item_price(self.item)

    @property
    def line_total(self) -> Decimal:
        return self.item.line_total


def _cart_changed(
    request: HttpRequest, text: str, *, removed: CartRemoved | None = None
) -> HttpResponse:
    """After a successful cart change: the cart partial for htmx, else a message and redirect.
    A removed line comes with "Undo" on the cart page, which names it."""
    if wants_partial(request):
        if removed is not None:
            return _render_cart(request, removed=removed)
        return _render_cart(request, notices=[("success", text)])
    if removed is not None:
        request.session[REMOVED_SESSION_KEY] = {
            "product_id": removed.product_id,
            "name": removed.name,
            "quantity": removed.quantity,
        }
    else:
        messages.success(request, text)
    return redirect("shop:cart")


def _cart_refused(
    request: HttpRequest,
    *,
    status: int,
    line_errors: dict[int, str],
    line_nearest: dict[int, tuple[int, ...]] | None = None,
    notice: str,
) -> HttpResponse:
    """A cart change refused: the cart partial with the errors for htmx; without it, the
    errors and the typed quantities wait in the session for the cart page, reached by a
    redirect (post/redirect/get: a reload does not post the change again)."""
    typed = _typed_quantities(request, line_errors)
    if wants_partial(request):
        return _render_cart(
            request,
            status=status,
            line_errors=line_errors,
            line_nearest=line_nearest,
            notices=[("error", notice)],
            typed=typed,
        )
    request.session[REFUSED_SESSION_KEY] = {
        "errors": {str(pid): text for pid, text in line_errors.items()},
        "nearest": {str(pid): list(quantities) for pid, quantities in (line_nearest or {}).items()},
        "typed": {str(pid): text for pid, text in typed.items()},
    }
    messages.error(request, notice)
    return redirect("shop:cart")


def _typed_quantities(request: HttpRequest, line_errors: dict[int, str]) -> dict[int, str]:
    """The quantities as posted, to show back as typed: the cart page's inputs
    (line-<id>-quantity), or a one-line form's "quantity" for the line it refused."""
    typed = {
        int(match.group(1)): value[:20]
        for name, value in request.POST.items()
        if (match := LINE_FIELD.match(name))
    }
    if not typed and "quantity" in request.POST and len(line_errors) == 1:
        typed[next(iter(line_errors))] = request.POST["quantity"][:20]
    return typed


def _render_cart(
    request: HttpRequest,
    *,
    status: int = 200,
    line_errors: dict[int, str] | None = None,
    line_nearest: dict[int, tuple[int, ...]] | None = None,
    short: dict[int, int] | None = None,
    notices: Iterable[tuple[str, str]] = (),
    details_form: CheckoutDetailsForm | None = None,
    typed: dict[int, str] | None = None,
    removed: CartRemoved | None = None,
) -> HttpResponse:
    line_errors = line_errors or {}
    membership = membership_for(request.user)
    short = short or {}
    typed = typed or {}
    items = selectors.cart_lines_as_shown(selectors.cart_items_for(request.user))
    # A line the pack rules refuse (put in the cart before its rules changed) says so, with
    # the allowed quantities next to it, until it is changed: checkout would refuse it.
    line_nearest = line_nearest or {}
    lines = []
    for item in items:
        problem = _pack_problem(item)
        error = line_errors.get(item.product_id) or (problem.message if problem else "")
        lines.append(
            CartLine(
                item=item,
                error=error,
                # Flagged as soon as the cart is shown, not only when the order is placed.
                short_available=short.get(item.product_id, _short_of(item)),
                nearest=line_nearest.get(item.product_id) or (problem.nearest if problem else ()),
                typed=typed.get(item.product_id) if error else None,
            )
        )
    context = {
        "lines": lines,
        "total": sum((line.line_total for line in lines), Decimal("0.00")),
        # Net, VAT per rate and gross at the company's prices (shop/_totals.html).
        "totals": totals_for((line.product.vat_rate, line.line_total) for line in lines),
        "currency": items[0].product.currency if items else "GBP",
        "has_short": any(line.short_available is not None for line in lines),
        # A new key per rendering of the cart: resubmitting this form (double click, Back,
        # reload) replays the same order instead of placing a second one.
        "checkout_form": CheckoutForm(initial={"idempotency_key": uuid.uuid4()}),
        "details_form": details_form or _details_form(membership),
        "membership": membership,
        "can_order": can_order(membership),
        "notices": list(notices),
        "removed": removed,
    }
    template = "shop/_cart_response.html" if wants_partial(request) else "shop/cart.html"
    return render(request, template, context, status=status)


def _short_of(item: CartItem) -> int | None:
    """What is available of a line asking for more than that, else None."""
    available = item.product.stock if item.product.is_active else 0
    return max(available, 0) if item.quantity > available else None


def _pack_problem(item: CartItem) -> PackProblem | None:
    return pack_problem(
        item.product, item.quantity, product_id=item.product_id, name=item.product.name_with_pack
    )


def _render_quantities_not_allowed(
    request: HttpRequest, exc: QuantityNotAllowed, *, then: str = "Nothing was changed.", **extra: Any
) -> HttpResponse:
    """The cart again (422), each refused line saying why with the nearest allowed quantities
    as buttons; nothing was saved."""
    return _render_cart(
        request,
        status=422,
        line_errors={problem.product_id: problem.message for problem in exc.problems},
        line_nearest={problem.product_id: problem.nearest for problem in exc.problems},
        notices=[("error", f"{exc} {then}")],
        **extra,
    )


@login_required
@require_GET
def cart(request: HttpRequest) -> HttpResponse:
    refused = request.session.pop(REFUSED_SESSION_KEY, None) or {}
    removed = request.session.pop(REMOVED_SESSION_KEY, None)
    return _render_cart(
        request,
        line_errors={int(pid): text for pid, text in refused.get("errors", {}).items()},
        line_nearest={int(pid): tuple(q) for pid, q in refused.get("nearest", {}).items()},
        typed={int(pid): text for pid, text in refused.get("typed", {}).items()},
        removed=CartRemoved(**removed) if removed else None,
    )


def _details_form(membership: Membership | None, data: Any = None) -> CheckoutDetailsForm | None:
    if membership is None:
        return None
    today = timezone.localdate()
    return CheckoutDetailsForm(
        data,
        addresses=addresses_of(membership.company_id),
        po_number_required=membership.company.po_number_required,
        earliest=earliest_delivery_date(today),
        latest=latest_delivery_date(today),
    )


@login_required
@require_POST
@_ordering_view
def checkout_review(request: HttpRequest) -> HttpResponse:
    """The review step: everything the order will be (lines, address, date, PO number, notes,
    totals) with "Place order", which posts it all, hidden, with the cart page's key.

    Details the rules refuse re-render the cart with the errors on their fields (422).
    Quantities typed on the cart page and not saved are saved first, and the review says so:
    it shows the new totals before anything is ordered.
    """
    membership = require_ordering_role(request.user)
    form = CheckoutForm(request.POST)
    details = _details_form(membership, request.POST)
    assert details is not None
    if not form.is_valid():
        messages.error(request, "This cart page was out of date. Please check it again.")
        return redirect("shop:cart")
    notices: list[tuple[str, str]] = []
    cart = dict(CartItem.objects.filter(user=request.user).values_list("product_id", "quantity"))
    if not cart:
        messages.error(request, "Your cart is empty.")
        return redirect("shop:cart")
    if form.lines != cart:
        if form.lines.keys() != cart.keys():
            messages.error(
                request,
                "Your cart changed since this page was shown. Please check it and review again.",
            )
            return redirect("shop:cart")
        try:
            changes = services.cart_set_quantities(user=request.user, quantities=form.lines)
        except InsufficientStock as exc:
            return _render_quantities_refused(request, exc, details_form=details)
        except QuantityNotAllowed as exc:
            return _render_quantities_not_allowed(request, exc, details_form=details)
        except (InvalidQuantity, ProductUnavailable):
            messages.error(request, "Your cart changed since this page was shown.")
            return redirect("shop:cart")
        notices.append(
            (
                "warning",
                "Your new quantities are saved to the cart ("
                + "; ".join(f"{change.name} {change.quantity:,}" for change in changes)
                + "). Check the new total below before placing the order.",
            )
        )
    if details.is_valid():
        try:
            resolve_details(membership=membership, details=details.details())
        except InvalidOrder as exc:
            details.add_service_errors(exc.errors)
    if not details.is_valid():
        return _render_cart(
            request,
            status=422,
            notices=[("error", "Please check the delivery details.")],
            details_form=details,
        )
    items = selectors.cart_lines_as_shown(selectors.cart_items_for(request.user))
    refused = [problem for problem in map(_pack_problem, items) if problem is not None]
    if refused:
        # Put in the cart before the product's pack rules changed: it cannot be ordered as it is.
        return _render_quantities_not_allowed(
            request,
            QuantityNotAllowed(refused),
            then="Change these lines to review the order.",
            details_form=details,
        )
    if any(_short_of(item) is not None for item in items):
        # The review would promise an order that "Place order" then refuses.
        return _render_cart(
            request,
            status=409,
            notices=[
                (
                    "error",
                    "Some lines ask for more than is in stock now: lower them (or press "
                    "“Set short lines to available”) and review the order again.",
                )
            ],
            details_form=details,
        )
    context = {
        "items": items,
        "total": sum((item.line_total for item in items), Decimal("0.00")),
        "totals": totals_for((item.product.vat_rate, item.line_total) for item in items),
        "currency": items[0].product.currency if items else "GBP",
        "form": form,
        "key": form.cleaned_data["idempotency_key"],
        "details": details,
        "address": details.chosen_address,
        "notices": notices,
    }
    return render(request, "shop/checkout_review.html", context)


def _render_quantities_refused(
    request: HttpRequest, exc: InsufficientStock, **extra: Any
) -> HttpResponse:
    """The cart again (409), each short line saying what is available; nothing was saved."""
    errors, notice = _short_refusal(request, exc)
    return _render_cart(request, status=409, line_errors=errors, notices=[("error", notice)], **extra)


def _short_refusal(request: HttpRequest, exc: InsufficientStock) -> tuple[dict[int, str], str]:
    """Each short line's error, and the message naming the products."""
    errors = {
        line.product_id: f"Only {line.available:,} available; the quantity was not changed."
        for line in exc.short_lines
    }
    names = _cart_names(request)
    notice = "; ".join(
        f"{names.get(line.product_id, 'This product')}: only {line.available:,} available"
        for line in exc.short_lines
    )
    return errors, f"{notice}. The quantity was not changed."


def _cart_names(request: HttpRequest) -> dict[int, str]:
    """The cart's products' names with their packs, by product id."""
    return {
        product_id: f"{name} ({unit})" if unit else name
        for product_id, name, unit in CartItem.objects.filter(user=request.user).values_list(
            "product_id", "product__name", "product__unit"
        )
    }


def _quantities_posted(
    request: HttpRequest, product_id: int
) -> tuple[dict[int, int], dict[int, str]]:
    """The quantities posted by the cart page (every line's input), or by an older page's
    one-line form ("quantity"). Returns (quantities, errors by product id)."""
    lines_form = CartLinesForm(request.POST)
    if lines_form.fields:
        if not lines_form.is_valid():
            return {}, lines_form.line_errors()
        return lines_form.lines, {}
    form = CartQuantityForm(request.POST)
    if not form.is_valid():
        return {}, {product_id: _first_error(form)}
    return {product_id: form.cleaned_data["quantity"]}, {}


@login_required
@require_POST
@_ordering_view
def cart_update(request: HttpRequest, product_id: int) -> HttpResponse:
    """Save the quantities on the cart page: the line whose "Update" was pressed (or whose
    input changed, with htmx) and any other line typed over and not saved yet."""
    quantities, errors = _quantities_posted(request, product_id)
    if errors:
        _refuse_viewer(request)
        names = _cart_names(request)
        notice = " ".join(
            f"{names.get(pid, 'This product')}: {error}" for pid, error in errors.items()
        )
        return _cart_refused(
            request, status=422, line_errors=errors, notice=f"{notice} Nothing was changed."
        )
    try:
        changes = services.cart_set_quantities(user=request.user, quantities=quantities)
    except InsufficientStock as exc:
        errors, notice = _short_refusal(request, exc)
        return _cart_refused(request, status=409, line_errors=errors, notice=notice)
    except QuantityNotAllowed as exc:
        return _cart_refused(
            request,
            status=422,
            line_errors={problem.product_id: problem.message for problem in exc.problems},
            line_nearest={problem.product_id: problem.nearest for problem in exc.problems},
            notice=f"{exc} Nothing was changed.",
        )
    except InvalidQuantity as exc:
        return _cart_refused(
            request, status=422, line_errors={product_id: str(exc)}, notice=str(exc)
        )
    except ProductUnavailable:
        raise Http404("That product is not in your cart.") from None
    text = "; ".join(f"{c.name}: quantity set to {c.quantity:,}." for c in changes)
    return _cart_changed(request, text or "Your cart is up to date.")


@login_required
@require_POST
@_ordering_view
def cart_remove(request: HttpRequest, product_id: int) -> HttpResponse:
    removed = services.cart_remove(user=request.user, product_id=product_id)
    if removed is None:
        raise Http404("That product is not in your cart.")
    return _cart_changed(request, "", removed=removed)


@login_required
@require_POST
@_ordering_view
def cart_undo_remove(request: HttpRequest) -> HttpResponse:
    """"Undo" after a removal: the line back with the quantity it had, if stock and the pack
    rules still allow it (added to what the cart holds of it by then)."""
    form = AddToCartForm(request.POST)
    if not form.is_valid():
        _refuse_viewer(request)
        messages.error(request, "That line could not be put back. Nothing was changed.")
        return redirect("shop:cart")
    product_id, quantity = form.cleaned_data["product"], form.cleaned_data["quantity"]
    try:
        item = services.cart_add(user=request.user, product_id=product_id, quantity=quantity)
    except InsufficientStock as exc:
        text = _not_enough_to_add(selectors.product_get(product_id), quantity, exc)
    except ProductUnavailable:
        text = "That product is no longer for sale, so it could not be put back."
    except (QuantityNotAllowed, InvalidQuantity) as exc:
        text = f"{exc} Nothing was put back."
    else:
        return _cart_changed(
            request, f"Put back: {quantity:,} × {item.product.name_with_pack}."
        )
    if wants_partial(request):
        return _render_cart(request, status=409, notices=[("error", text)])
    messages.error(request, text)
    return redirect("shop:cart")


@login_required
@require_POST
@_ordering_view
def cart_fit(request: HttpRequest) -> HttpResponse:
    changes = services.cart_fit_to_stock(user=request.user)
    if changes:
        text = "Set to what is available: " + "; ".join(
            f"{change.name} {change.requested:,} → {change.quantity:,}"
            + (f" ({change.pack_rule})" if change.pack_rule else "")
            + (" (removed)" if change.quantity == 0 else "")
            for change in changes
        )
    else:
        text = "Every line is already within stock."
    return _cart_changed(request, text)


@login_required
@require_POST
@_ordering_view
def checkout(request: HttpRequest) -> HttpResponse:
    """Order exactly what the page shows: the quantities in its inputs are posted with it.

    Quantities typed and not saved yet are not ordered as they are: they are saved to the cart
    and the buyer is asked to check the new total and place the order again (the page's totals
    were for the old quantities). Post/redirect/get in every case but a short line, which
    re-renders the cart with the short lines marked.
    """
    membership = require_ordering_role(request.user)
    form = CheckoutForm(request.POST)
    if not form.is_valid():
        line_errors = form.line_errors()
        if line_errors and "idempotency_key" not in form.errors:
            messages.error(
                request, f"{next(iter(line_errors.values()))} Nothing was ordered."
            )
        else:
            messages.error(
                request,
                "This cart page was out of date. Please check it and place the order again.",
            )
        return redirect("shop:cart")
    key = str(form.cleaned_data["idempotency_key"])
    details = _details_form(membership, request.POST)
    assert details is not None
    if not details.is_valid():
        messages.error(
            request,
            "Nothing was ordered: "
            + " ".join(str(e) for errors in details.errors.values() for e in errors),
        )
        return redirect("shop:cart")
    try:
        placed = services.order_place_from_cart(
            user=request.user,
            idempotency_key=key,
            shown_lines=form.lines,
            details=details.details(),
        )
    except InsufficientStock as exc:
        return _render_cart(
            request,
            status=409,
            short={line.product_id: line.available for line in exc.short_lines},
            notices=[
                (
                    "error",
                    "Some lines are no longer in stock in the quantity you asked for. "
                    "Nothing was ordered and your cart is unchanged.",
                )
            ],
        )
    except CartNotAsShown as exc:
        return _cart_not_as_shown(request, exc)
    except CartAlreadyOrdered as exc:
        messages.info(
            request,
            f"This cart was already ordered as {exc.order.reference} (from another tab or "
            "window). Nothing more was ordered.",
        )
        return redirect(exc.order.get_absolute_url())
    except InvalidOrder as exc:
        messages.error(request, " ".join(msg for msgs in exc.errors.values() for msg in msgs))
        return redirect("shop:cart")
    except IdempotencyKeyReused:
        messages.error(
            request,
            "Your cart changed since this page was shown. Please check it and place the order again.",
        )
        return redirect("shop:cart")
    return redirect(f"{placed.order.get_absolute_url()}?placed=1")


def _cart_not_as_shown(request: HttpRequest, exc: CartNotAsShown) -> HttpResponse:
    if not exc.only_quantities_differ:
        messages.error(
            request,
            "Your cart changed since this page was shown. Please check it and place the order again.",
        )
        return redirect("shop:cart")
    try:
        changes = services.cart_set_quantities(user=request.user, quantities=exc.shown)
    except InsufficientStock as exc_short:
        names = _cart_names(request)
        messages.error(
            request,
            "Nothing was ordered: "
            + "; ".join(
                f"only {line.available:,} of {names.get(line.product_id, line.product_id)} available"
                for line in exc_short.short_lines
            )
            + ". Your cart keeps its saved quantities.",
        )
        return redirect("shop:cart")
    except QuantityNotAllowed as exc_rules:
        messages.error(request, f"Nothing was ordered: {exc_rules} Your cart keeps its saved quantities.")
        return redirect("shop:cart")
    except (InvalidQuantity, ProductUnavailable):
        messages.error(
            request,
            "Your cart changed since this page was shown. Please check it and place the order again.",
        )
        return redirect("shop:cart")
    messages.warning(
        request,
        "Nothing was ordered yet: you changed quantities without updating the cart. They are "
        "saved now ("
        + "; ".join(f"{change.name} {change.quantity:,}" for change in changes)
        + "). Check the new total and place the order.",
    )
    return redirect("shop:cart")

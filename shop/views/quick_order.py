"""Quick order: paste lines of SKU and quantity (or upload a CSV), check them, add the good
ones to the cart. Plain POST forms: "Check lines" re-renders with every line's outcome; "Add
good lines to cart" adds them and redirects back here (a reload adds nothing twice), the lines
still to fix in the box and what was added listed above it."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from companies.exceptions import Forbidden
from shop.forms import QuickOrderForm
from shop.services.quick_order import (
    BLANK,
    HEADER,
    MAX_LINES,
    QuickOrderCheck,
    QuickOrderResult,
    quick_order_add,
    quick_order_check,
)

# The outcome of the last "Add to cart", shown once by the page it redirects to.
SESSION_KEY = "shop:quick-order-added"


def _render(
    request: HttpRequest,
    *,
    form: QuickOrderForm,
    check: QuickOrderCheck | None = None,
    added: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    # The box as tall as what it holds, within reason (12 rows empty, 3 lines to fix: 6).
    text = form["lines"].value() or ""
    form.fields["lines"].widget.attrs["rows"] = min(20, max(6, text.count("\n") + 3)) if text else 12
    context = {"form": form, "check": check, "added": added, "max_lines": MAX_LINES}
    return render(request, "shop/quick_order.html", context, status=status)


def _summary(result: QuickOrderResult) -> dict[str, Any]:
    """What was added, for the page after the redirect (kept in the session: plain values)."""
    lines = result.added_lines
    return {
        "lines": [
            {
                "number": line.number,
                "also": line.merged_from,  # later lines for the same product, added together
                "sku": line.product.sku if line.product else "",
                "name": line.product.name if line.product else "",
                "unit": line.product.unit if line.product else "",
                "quantity": line.quantity,
            }
            for line in lines
            if line.merged_into is None
        ],
        "line_count": len(lines),
        "product_count": len(result.added),
        "unit_count": sum(outcome.added for outcome in result.added),
        "header": [line.number for line in result.check.skipped if line.parsed.kind == HEADER],
        "blank": [line.number for line in result.check.skipped if line.parsed.kind == BLANK],
        "left": len(result.check.bad),
    }


def _added_message(summary: dict[str, Any]) -> str:
    lines, products = summary["line_count"], summary["product_count"]
    text = f"Added {lines} line{'s' if lines != 1 else ''} to your cart"
    if products != lines:
        text += f" ({products} product{'s' if products != 1 else ''}: lines naming the same SKU were added together)"
    text += "."
    if summary["left"]:
        left = summary["left"]
        text += f" {left} line{'s need' if left != 1 else ' needs'} fixing: still in the box below."
    return text


@login_required
@require_http_methods(["GET", "POST"])
def quick_order(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        added = request.session.pop(SESSION_KEY, None)
        left = (added or {}).get("text", "")
        check = quick_order_check(user=request.user, text=left) if left.strip() else None
        return _render(request, form=QuickOrderForm(initial={"lines": left}), check=check, added=added)

    form = QuickOrderForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, form=form, status=422)
    text = form.cleaned_data["text"]
    shown = QuickOrderForm(initial={"lines": text})  # a CSV file's rows land in the box
    if request.POST.get("action") != "add":
        check = quick_order_check(user=request.user, text=text)
        return _render(request, form=shown, check=check, status=422 if check.error else 200)

    try:
        result = quick_order_add(user=request.user, text=text)
    except Forbidden as exc:
        raise PermissionDenied(str(exc)) from None
    if not result.added:
        if not result.check.error:
            messages.error(request, "Nothing was added: no line is ready yet. Fix the lines below.")
        return _render(request, form=shown, check=result.check, status=422)
    summary = _summary(result)
    summary["text"] = result.leftover_text
    request.session[SESSION_KEY] = summary
    messages.success(request, _added_message(summary))
    return redirect("shop:quick_order")

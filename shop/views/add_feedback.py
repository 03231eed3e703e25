"""What an "Add to cart" on a catalogue row says on that row.

With htmx the add answers with the row itself, re-rendered with its feedback. Without
JavaScript the add redirects back to the catalogue, landing on the row (`#product-<id>`), and
the feedback waits in the session for that page: the catalogue's results are cached and shared
(shop/catalogue_cache.py), so the one row that has something to say is rendered afresh and put
in place of its cached copy.
"""

from dataclasses import asdict, dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from shop import selectors
from shop.models import Product

SESSION_KEY = "shop_row_feedback"
ROW_TEMPLATE = "shop/tables/product_table.html#product-row"


def named(product: Product) -> str:
    """The product as a message names it: with its pack, as two products may share a name
    ("Strong white bread flour (16 kg sack)", "... (25 kg sack)")."""
    return f"{product.name} ({product.unit})" if product.unit else product.name


@dataclass(frozen=True)
class RowFeedback:
    product_id: int
    level: str  # "success" or "error"
    text: str  # what the row says
    quantity: str = ""  # what the buyer typed, kept in the input after a refusal
    in_cart: int | None = None  # how many of the product the cart holds after a success
    offer: int | None = None  # "Add N instead": the most that can still be added

    @property
    def is_error(self) -> bool:
        return self.level != "success"


def row_anchor(product_id: int) -> str:
    return f"product-{product_id}"


def keep_for_next_page(request: HttpRequest, feedback: RowFeedback) -> None:
    request.session[SESSION_KEY] = asdict(feedback)


def take_from_session(request: HttpRequest) -> RowFeedback | None:
    stored = request.session.pop(SESSION_KEY, None)
    if not isinstance(stored, dict):
        return None
    try:
        return RowFeedback(**stored)
    except TypeError:  # stored by an older version of this class
        return None


def render_row(
    request: HttpRequest, product: Product, feedback: RowFeedback | None, *, next_path: str
) -> SafeString:
    """The catalogue row of `product` (read with the viewer's prices: selectors.product_get)."""
    return mark_safe(
        render_to_string(
            ROW_TEMPLATE,
            {
                "product": product,
                "feedback": feedback,
                "can_order": True,
                "next_path": next_path,
                "cart_add_url": reverse("shop:cart_add"),
            },
            request=request,
        )
    )


def with_row_feedback(
    request: HttpRequest, results: SafeString, feedback: RowFeedback, *, next_path: str
) -> SafeString:
    """`results` (the cached catalogue results) with the feedback's row rendered afresh in
    place of its copy; unchanged when the row is not on this page."""
    start = results.find(f'<tr data-product-id="{feedback.product_id}" ')
    if start < 0:
        return results
    end = results.find("</tr>", start)
    product = selectors.product_get(feedback.product_id, user=request.user)
    if end < 0 or product is None:
        return results
    row = render_row(request, product, feedback, next_path=next_path)
    return mark_safe(results[:start] + row + results[end + len("</tr>") :])

"""The catalogue and a product's page."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from companies.selectors import membership_for
from shop import selectors
from shop.forms import CatalogueFilterForm
from shop.catalogue_cache import catalogue_results
from shop.services.checkout import can_order
from shop.services.pricing import product_price
from shop.tables import ProductTable, table_configure
from shop.views.add_feedback import take_from_session, with_row_feedback
from shop.views.common import url_without_empty_parameters, wants_partial


@login_required
@require_GET
@vary_on_headers("HX-Request")
def catalogue(request: HttpRequest) -> HttpResponse:
    partial = wants_partial(request)
    if not partial and (clean_url := url_without_empty_parameters(request)):
        return redirect(clean_url)
    form = CatalogueFilterForm(request.GET, categories=selectors.category_choices())
    form.is_valid()  # an unknown category or an over-long query drops just that filter
    filters = form.cleaned_data
    search = {
        "q": filters.get("q") or "",
        "category_slug": filters.get("category") or "",
        "in_stock": bool(filters.get("in_stock")),
        "free_from": filters.get("free_from") or [],
        "dietary": filters.get("dietary") or [],
    }
    facets = selectors.product_facets(**search)  # cached: may lag by up to 30 s
    # A search lists the best matches first until a column is sorted; tables2 leaves the
    # selector's order alone when the table has none.
    table = ProductTable(
        selectors.product_search(
            **search,
            ordering=selectors.RELEVANCE,
            user=request.user,
            known_count=facets.total,
        ),
        order_by=() if search["q"] else None,
        sort_matches=selectors.sorts_matches(facets.total, q=search["q"], dietary=search["dietary"]),
    )
    query = table_configure(
        request,
        table,
        filters={
            "q": search["q"],
            "category": search["category_slug"],
            "in_stock": "on" if search["in_stock"] else "",
            "free_from": search["free_from"],
            "dietary": search["dietary"],
        },
        count=facets.total,
    )
    table.sort_choices = _sort_choices(query.get(table.prefixed_order_by_field, ""), q=search["q"])
    table.results_anchor = RESULTS_ANCHOR
    suggestion, close_matches = "", []
    if search["q"] and not facets.total:
        suggestion = selectors.search_suggestion(**search)
        close_matches = selectors.product_close_matches(**{**search, "q": suggestion or search["q"]})
    results = catalogue_results(
        table,
        query,
        q=search["q"],
        csrf_token=get_token(request),
        can_order=can_order(membership_for(request.user)),
        suggestion=suggestion,
        close_matches=close_matches,
    )
    feedback = take_from_session(request) if not partial else None
    if feedback is not None:
        page_query = query.copy()
        page_query["page"] = str(table.page.number)
        next_path = f"{request.path}?{page_query.urlencode()}"
        results = with_row_feedback(request, results, feedback, next_path=next_path)
    facet_context = {"form": form, "facets": facets, "search": search}
    if partial:
        # The facet counts beside the filters follow the search: swapped out of band.
        facet_html = render_to_string(
            "shop/catalogue.html#facets", {**facet_context, "oob": True}, request=request
        )
        return HttpResponse(results + facet_html)
    return render(request, "shop/catalogue.html", {**facet_context, "results": results})


RESULTS_ANCHOR = "catalogue-results"
# The sort control beside the result count (every width: on a phone the column headers are
# hidden). Values are the table's sort parameter; "" is the default order.
SORTS = (
    ("name", "Name, A to Z"),
    ("-name", "Name, Z to A"),
    ("price", "Price, low to high"),
    ("-price", "Price, high to low"),
    ("-stock", "Most in stock"),
    ("category", "Category"),
    ("sku", "SKU"),
)


def _sort_choices(current: str, *, q: str) -> list[tuple[str, str, bool]]:
    """(value, label, selected) for the sort <select>: "" is the best matches first for a
    search, else the table's default, by name (so "name" itself is not offered twice)."""
    default = ("", "Best matches first") if q else ("", "Name, A to Z")
    options = [default, *((value, label) for value, label in SORTS if q or value != "name")]
    return [(value, label, value == current) for value, label in options]


@login_required
@require_GET
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    product = selectors.product_get(pk, user=request.user)
    if product is None:
        raise Http404("No such product.")
    feedback = take_from_session(request)  # after an add from this page without JavaScript
    return render(
        request,
        "shop/product_detail.html",
        {
            "product": product,
            "feedback": feedback if feedback and feedback.product_id == product.pk else None,
            "price": product_price(product),
            # For "Add to a list"; read only when the template shows that form (can_order).
            "lists": selectors.saved_lists_for(request.user),
        },
    )

"""The catalogue and a product's page."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from companies.selectors import membership_for
from shop import selectors
from shop.forms import CatalogueFilterForm
from shop.catalogue_cache import catalogue_results
from shop.services.checkout import can_order
from shop.services.pricing import product_price
from shop.tables import ProductTable, table_configure
from shop.views.common import wants_partial


@login_required
@require_GET
@vary_on_headers("HX-Request")
def catalogue(request: HttpRequest) -> HttpResponse:
    form = CatalogueFilterForm(request.GET, categories=selectors.category_choices())
    form.is_valid()  # an unknown category or an over-long query drops just that filter
    filters = form.cleaned_data
    search = {
        "q": filters.get("q") or "",
        "category_slug": filters.get("category") or "",
        "in_stock": bool(filters.get("in_stock")),
    }
    table = ProductTable(selectors.product_search(**search, user=request.user))
    query = table_configure(
        request,
        table,
        filters={
            "q": search["q"],
            "category": search["category_slug"],
            "in_stock": "on" if search["in_stock"] else "",
        },
        count=selectors.product_count(**search),  # cached: may lag by up to 30 s
    )
    results = catalogue_results(
        table,
        query,
        q=search["q"],
        csrf_token=get_token(request),
        can_order=can_order(membership_for(request.user)),
    )
    if wants_partial(request):
        return HttpResponse(results)
    return render(request, "shop/catalogue.html", {"form": form, "results": results})


@login_required
@require_GET
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    product = selectors.product_get(pk, user=request.user)
    if product is None:
        raise Http404("No such product.")
    return render(
        request,
        "shop/product_detail.html",
        {
            "product": product,
            "price": product_price(product),
            # For "Add to a list"; read only when the template shows that form (can_order).
            "lists": selectors.saved_lists_for(request.user),
        },
    )

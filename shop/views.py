"""HTML views. The full storefront arrives with the browser issue; these are its first pages."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from shop import selectors
from shop.models import Product


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    products = selectors.product_search(
        q=request.GET.get("q", ""), category_slug=request.GET.get("category", "")
    )[:25]
    return render(request, "shop/catalogue.html", {"products": products})


@login_required
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    product = get_object_or_404(Product.objects.select_related("category"), pk=pk, is_active=True)
    return render(request, "shop/product_detail.html", {"product": product})


@login_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.order_for(request.user, pk)
    if order is None:
        raise Http404("No such order.")
    return render(request, "shop/order_detail.html", {"order": order})

from django.http import HttpRequest, JsonResponse

from shop.api.auth import token_required
from shop.api.errors import not_found
from shop.api.pagination import paginate
from shop.api.schemas import parse_product_filters
from shop.api.serializers import serialize_product
from shop.selectors import product_count, product_search


@token_required
def product_list(request: HttpRequest) -> JsonResponse:
    filters = parse_product_filters(request.GET)
    search = {
        "q": filters.q,
        "category_slug": filters.category,
        "in_stock": filters.in_stock,
        "free_from": filters.free_from,
        "dietary": filters.dietary,
    }
    # The total is cached per filter and may lag by up to 30 s (selectors.product_count).
    count = product_count(**search)
    products = product_search(
        **search,
        ordering=filters.ordering,
        user=request.user,  # `price` is the caller's company's
        known_count=count,
    )
    return JsonResponse(paginate(request, products, serialize_product, count=count))


@token_required
def product_detail(request: HttpRequest, product_id: int) -> JsonResponse:
    product = product_search(user=request.user).filter(pk=product_id).first()
    if product is None:
        raise not_found(f"No product {product_id}.")
    return JsonResponse(serialize_product(product))

"""JSON API routes (docs/API.md), mounted at /api/v1/."""

from django.urls import path, re_path

from shop import converters  # noqa: F401  (registers <id:...>)
from shop.api import openapi
from shop.api.auth import route
from shop.api.errors import api_not_found
from shop.api.views import companies, orders, products, tokens

app_name = "api"

urlpatterns = [
    path("tokens", route(GET=tokens.token_list, POST=tokens.token_create), name="tokens"),
    path("tokens/current", route(DELETE=tokens.token_revoke_current), name="token_current"),
    path("tokens/<id:token_id>", route(DELETE=tokens.token_revoke), name="token_detail"),
    path("products", route(GET=products.product_list), name="products"),
    path("products/<id:product_id>", route(GET=products.product_detail), name="product_detail"),
    path("orders", route(GET=orders.order_list, POST=orders.order_create), name="orders"),
    path("orders/<id:order_id>", route(GET=orders.order_detail), name="order_detail"),
    path("orders/<id:order_id>/cancel", route(POST=orders.order_cancel), name="order_cancel"),
    path("company", route(GET=companies.company_detail), name="company"),
    path("addresses", route(GET=companies.address_list), name="addresses"),
    path("openapi.json", route(GET=openapi.openapi_document), name="openapi"),
    # Anything else under the API is a JSON 404, also with DEBUG on (where Django would
    # otherwise answer with its HTML debug page instead of calling handler404).
    re_path(r"^.*$", api_not_found),
]

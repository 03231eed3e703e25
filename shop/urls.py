from django.urls import path

from shop import views
# Registers the API's "id" converter (1 to 18 digits). A longer id is a 404 here too, instead
# of an integer overflow in the database driver (SQLite raises OverflowError: a 500).
from shop.api import urls as _api_urls  # noqa: F401

app_name = "shop"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("products/<id:pk>/", views.product_detail, name="product_detail"),
    path("cart/", views.cart, name="cart"),
    path("cart/add/", views.cart_add, name="cart_add"),
    path("cart/<id:product_id>/quantity/", views.cart_update, name="cart_update"),
    path("cart/<id:product_id>/remove/", views.cart_remove, name="cart_remove"),
    path("cart/fit/", views.cart_fit, name="cart_fit"),
    path("cart/checkout/", views.checkout, name="checkout"),
    path("orders/", views.orders, name="orders"),
    path("orders/<id:pk>/", views.order_detail, name="order_detail"),
    path("orders/<id:pk>/again/", views.order_again, name="order_again"),
    path("orders/<id:pk>/cancel/", views.order_cancel, name="order_cancel"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<id:pk>/revoke/", views.token_revoke, name="token_revoke"),
]

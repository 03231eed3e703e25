from django.urls import path

from shop import views

app_name = "shop"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("products/<int:pk>/", views.product_detail, name="product_detail"),
    path("cart/", views.cart, name="cart"),
    path("cart/add/", views.cart_add, name="cart_add"),
    path("cart/<int:product_id>/quantity/", views.cart_update, name="cart_update"),
    path("cart/<int:product_id>/remove/", views.cart_remove, name="cart_remove"),
    path("cart/fit/", views.cart_fit, name="cart_fit"),
    path("cart/checkout/", views.checkout, name="checkout"),
    path("orders/", views.orders, name="orders"),
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("orders/<int:pk>/again/", views.order_again, name="order_again"),
    path("orders/<int:pk>/cancel/", views.order_cancel, name="order_cancel"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]

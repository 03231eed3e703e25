from django.urls import path

from shop import converters  # noqa: F401  (registers <id:...>)
from shop.views import cart, catalogue, documents, orders, spend, tokens

app_name = "shop"

urlpatterns = [
    path("", catalogue.catalogue, name="catalogue"),
    path("products/<id:pk>/", catalogue.product_detail, name="product_detail"),
    path("cart/", cart.cart, name="cart"),
    path("cart/add/", cart.cart_add, name="cart_add"),
    path("cart/<id:product_id>/quantity/", cart.cart_update, name="cart_update"),
    path("cart/<id:product_id>/remove/", cart.cart_remove, name="cart_remove"),
    path("cart/fit/", cart.cart_fit, name="cart_fit"),
    path("cart/review/", cart.checkout_review, name="checkout_review"),
    path("cart/checkout/", cart.checkout, name="checkout"),
    path("orders/", orders.orders, name="orders"),
    path("orders/<id:pk>/", orders.order_detail, name="order_detail"),
    path("orders/<id:pk>/again/", orders.order_again, name="order_again"),
    path("orders/<id:pk>/cancel/", orders.order_cancel, name="order_cancel"),
    path("orders/<id:pk>/confirmation.pdf", documents.order_confirmation_pdf, name="order_confirmation_pdf"),
    path("orders/<id:pk>/invoice.pdf", documents.order_invoice_pdf, name="order_invoice_pdf"),
    path("spend/", spend.spend, name="spend"),
    path("tokens/", tokens.tokens, name="tokens"),
    path("tokens/<id:pk>/revoke/", tokens.token_revoke, name="token_revoke"),
]

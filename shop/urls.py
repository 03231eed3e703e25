from django.urls import path

from shop import converters  # noqa: F401  (registers <id:...>)
from shop.views import cart, catalogue, documents, orders, quick_order, saved_lists, spend, tokens

app_name = "shop"

urlpatterns = [
    path("", catalogue.catalogue, name="catalogue"),
    path("products/<id:pk>/", catalogue.product_detail, name="product_detail"),
    path("cart/", cart.cart, name="cart"),
    path("cart/add/", cart.cart_add, name="cart_add"),
    path("cart/<id:product_id>/quantity/", cart.cart_update, name="cart_update"),
    path("cart/<id:product_id>/remove/", cart.cart_remove, name="cart_remove"),
    path("cart/fit/", cart.cart_fit, name="cart_fit"),
    path("cart/undo-remove/", cart.cart_undo_remove, name="cart_undo_remove"),
    path("cart/review/", cart.checkout_review, name="checkout_review"),
    path("cart/checkout/", cart.checkout, name="checkout"),
    path("orders/", orders.orders, name="orders"),
    path("orders/<id:pk>/", orders.order_detail, name="order_detail"),
    path("orders/<id:pk>/again/", orders.order_again, name="order_again"),
    path("orders/<id:pk>/cancel/", orders.order_cancel, name="order_cancel"),
    path("orders/<id:pk>/confirmation.pdf", documents.order_confirmation_pdf, name="order_confirmation_pdf"),
    path("orders/<id:pk>/invoice.pdf", documents.order_invoice_pdf, name="order_invoice_pdf"),
    path("spend/", spend.spend, name="spend"),
    path("quick-order/", quick_order.quick_order, name="quick_order"),
    path("lists/", saved_lists.saved_lists, name="saved_lists"),
    path("lists/add/", saved_lists.saved_list_add_product, name="saved_list_add_product"),
    path("lists/from-cart/", saved_lists.saved_list_from_cart, name="saved_list_from_cart"),
    path("lists/<id:pk>/", saved_lists.saved_list, name="saved_list"),
    path("lists/<id:pk>/items/", saved_lists.saved_list_items, name="saved_list_items"),
    path("lists/<id:pk>/items/add/", saved_lists.saved_list_add, name="saved_list_add"),
    path(
        "lists/<id:pk>/items/<id:product_id>/remove/",
        saved_lists.saved_list_remove,
        name="saved_list_remove",
    ),
    path("lists/<id:pk>/rename/", saved_lists.saved_list_rename, name="saved_list_rename"),
    path("lists/<id:pk>/delete/", saved_lists.saved_list_delete, name="saved_list_delete"),
    path("lists/<id:pk>/to-cart/", saved_lists.saved_list_to_cart, name="saved_list_to_cart"),
    path("orders/<id:pk>/save-list/", orders.order_save_list, name="order_save_list"),
    path("tokens/", tokens.tokens, name="tokens"),
    path("tokens/<id:pk>/revoke/", tokens.token_revoke, name="token_revoke"),
]

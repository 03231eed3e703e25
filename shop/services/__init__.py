"""Every write of the shop goes through here. Views and the API call these, never the ORM."""

from shop.services.cart import (
    CartChange,
    LineAdded,
    cart_add,
    cart_add_lines,
    cart_add_order,
    cart_fit_to_stock,
    cart_remove,
    cart_set_quantities,
    cart_set_quantity,
    cart_take,
)
from shop.services.inventory import (
    product_add,
    product_create,
    product_set_price_breaks,
    products_bulk_add,
    stock_adjust,
    stock_set,
)
from shop.services.orders import (
    OrderLines,
    PlacedOrder,
    normalise_order_lines,
    order_cancel,
    order_place,
    order_place_from_cart,
)
from shop.services.order_status import order_advance, order_cancel_by_staff
from shop.services.tokens import IssuedToken, token_authenticate, token_create, token_revoke

__all__ = [
    "CartChange",
    "IssuedToken",
    "PlacedOrder",
    "LineAdded",
    "cart_add",
    "cart_add_lines",
    "cart_add_order",
    "cart_fit_to_stock",
    "cart_remove",
    "cart_set_quantities",
    "cart_set_quantity",
    "cart_take",
    "normalise_order_lines",
    "OrderLines",
    "order_advance",
    "order_cancel",
    "order_cancel_by_staff",
    "order_place",
    "order_place_from_cart",
    "product_add",
    "products_bulk_add",
    "product_create",
    "product_set_price_breaks",
    "stock_adjust",
    "stock_set",
    "token_authenticate",
    "token_create",
    "token_revoke",
]

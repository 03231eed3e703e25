"""What the cart page's checkout form posts: its key and the quantity input of every line."""

from typing import Any

from shop.forms import line_field_name
from shop.models import CartItem


def checkout_data(user: Any, key: str, **typed: int) -> dict[str, str]:
    """The checkout form of a cart page showing `user`'s cart as saved now.

    `typed` maps "p<product id>" to a quantity typed into that line's input and not saved.
    """
    lines = dict(CartItem.objects.filter(user=user).values_list("product_id", "quantity"))
    for name, quantity in typed.items():
        lines[int(name.removeprefix("p"))] = quantity
    return {
        "idempotency_key": key,
        **{line_field_name(pid): str(quantity) for pid, quantity in lines.items()},
    }

"""What the checkout posts: the review page's form (its key, the quantity of every line and
the delivery details), or the cart page's form it comes from (the same fields)."""

from typing import Any

from django.utils import timezone

from companies.selectors import addresses_of, membership_for
from shop.forms import line_field_name
from shop.models import CartItem
from shop.services.delivery import earliest_delivery_date


def delivery_data(user: Any, **details: str) -> dict[str, str]:
    """Valid delivery details for `user`'s company: its default address (if any), the earliest
    delivery date, no PO number, no notes; `details` overrides fields."""
    membership = membership_for(user)
    default = addresses_of(membership.company_id).filter(is_default=True).first()
    data = {
        "delivery_date": earliest_delivery_date(timezone.localdate()).isoformat(),
        "po_number": "",
        "notes": "",
    }
    if default is not None:
        data["delivery_address"] = str(default.pk)
    data.update(details)
    return data


def checkout_data(user: Any, key: str, *, details: dict[str, str] | None = None, **typed: int) -> dict[str, str]:
    """The checkout form of a page showing `user`'s cart as saved now, with valid delivery
    details (overridden by `details`).

    `typed` maps "p<product id>" to a quantity typed into that line's input and not saved.
    """
    lines = dict(CartItem.objects.filter(user=user).values_list("product_id", "quantity"))
    for name, quantity in typed.items():
        lines[int(name.removeprefix("p"))] = quantity
    return {
        "idempotency_key": key,
        **{line_field_name(pid): str(quantity) for pid, quantity in lines.items()},
        **delivery_data(user, **(details or {})),
    }

"""Template flags computed in one place for every page."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from companies.selectors import membership_for
from shop.services.checkout import can_order


def ordering(request: HttpRequest) -> dict[str, Any]:
    """`can_order`: whether the signed-in user's role may use the cart and order (a viewer may
    not; the services refuse them too). Read lazily: pages that show no order button never
    query the membership."""

    def read() -> bool:
        membership = getattr(request, "membership", None) or membership_for(
            getattr(request, "user", None)
        )
        return can_order(membership)

    return {"can_order": SimpleLazyObject(read)}

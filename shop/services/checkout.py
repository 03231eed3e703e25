"""The trade checkout's rules, shared by the cart page and the API: who may order (a role
read on every call) and the order's details (PO number, delivery date and address, notes)."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from companies.exceptions import Forbidden
from companies.models import Address, Membership, Role
from companies.selectors import address_for, default_address_of, membership_for
from shop.exceptions import InvalidOrder
from shop.services.delivery import delivery_date_errors

ORDERING_ROLES = (Role.ADMIN, Role.BUYER)
MAX_PO_NUMBER_LENGTH = 35
MAX_NOTES_LENGTH = 1000


def require_ordering_role(user: Any) -> Membership:
    """The user's membership (with its company) if their role may order, cart or cancel;
    else companies.exceptions.Forbidden. Read on every call (an API request reads it once, with
    its token: shop.sql.token_lookup): a changed role applies from the next request."""
    # companies.services.require_role's rule, without importing companies.services (which
    # imports shop.services: a cycle).
    membership = membership_for(user)
    if membership is None:
        raise Forbidden("You do not belong to a company.")
    if membership.role not in ORDERING_ROLES:
        raise Forbidden(
            f"Your role ({membership.get_role_display()}) does not allow ordering."
        )
    return membership


def can_order(membership: Membership | None) -> bool:
    return membership is not None and membership.role in ORDERING_ROLES


@dataclass(frozen=True)
class OrderDetails:
    """What the buyer asked for besides the lines. `delivery_address_id` None: the company's
    default address (none if it has no address)."""

    po_number: str = ""
    delivery_date: date | None = None
    delivery_address_id: int | None = None
    notes: str = ""

    def fingerprint_part(self) -> list[Any] | None:
        """The details as part of the idempotency fingerprint; None when all are defaults, so
        the fingerprint of an order without details is the one it always was."""
        if self == OrderDetails():
            return None
        return [
            self.po_number,
            self.delivery_date.isoformat() if self.delivery_date else None,
            self.delivery_address_id,
            self.notes,
        ]


@dataclass(frozen=True)
class ResolvedDetails:
    po_number: str
    delivery_date: date | None
    address: Address | None
    notes: str

    def order_fields(self) -> dict[str, Any]:
        """The Order fields these details fill, the address copied as it is now."""
        address = self.address
        return {
            "po_number": self.po_number,
            "delivery_date": self.delivery_date,
            "notes": self.notes,
            "delivery_address": address,
            "delivery_label": address.label if address else "",
            "delivery_lines": address.lines if address else "",
            "delivery_postcode": address.postcode if address else "",
            "delivery_country": address.country if address else "",
        }


def resolve_details(
    *, membership: Membership, details: OrderDetails, today: date | None = None
) -> ResolvedDetails:
    """Check the details against the company's rules; raise InvalidOrder keyed by field
    (po_number, delivery_date, delivery_address, notes) with every problem found."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    po_number = details.po_number.strip()
    if len(po_number) > MAX_PO_NUMBER_LENGTH:
        errors["po_number"] = [f"At most {MAX_PO_NUMBER_LENGTH} characters."]
    elif not po_number and membership.company.po_number_required:
        errors["po_number"] = ["Your company requires a PO number on every order."]
    notes = details.notes.strip()
    if len(notes) > MAX_NOTES_LENGTH:
        errors["notes"] = [f"At most {MAX_NOTES_LENGTH:,} characters."]
    if details.delivery_date is not None:
        if date_errors := delivery_date_errors(details.delivery_date, today):
            errors["delivery_date"] = date_errors
    if details.delivery_address_id is None:
        address = default_address_of(membership)
    else:
        address = address_for(membership.company_id, details.delivery_address_id)
        if address is None:
            errors["delivery_address"] = ["Not one of your company's delivery addresses."]
    if errors:
        raise InvalidOrder(errors)
    return ResolvedDetails(
        po_number=po_number, delivery_date=details.delivery_date, address=address, notes=notes
    )

"""GET /api/v1/company and GET /api/v1/addresses: the caller's company, read by any role."""

from typing import Any

from django.http import HttpRequest, JsonResponse

from companies.exceptions import Forbidden
from companies.models import Address, Membership, Role
from companies.selectors import addresses_of
from companies.services import require_role
from shop.api.auth import token_required
from shop.api.errors import ApiError
from shop.api.pagination import paginate


def membership_or_403(request: HttpRequest, *roles: str) -> Membership:
    """The token user's membership with one of `roles` (any role when none), else a 403.

    Read on every call, so a token acts with its user's current role.
    """
    try:
        return require_role(user=request.user, roles=roles or tuple(Role.values))
    except Forbidden as exc:
        raise ApiError(403, "forbidden", str(exc)) from None


def serialize_company(membership: Membership) -> dict[str, Any]:
    company = membership.company
    return {
        "id": company.pk,
        "name": company.name,
        "vat_number": company.vat_number,
        "role": membership.role,
        "po_number_required": company.po_number_required,
    }


def serialize_address(address: Address) -> dict[str, Any]:
    return {
        "id": address.pk,
        "label": address.label,
        "lines": address.line_list,
        "postcode": address.postcode,
        "country": address.country,
        "is_default": address.is_default,
    }


@token_required
def company_detail(request: HttpRequest) -> JsonResponse:
    return JsonResponse(serialize_company(membership_or_403(request)))


@token_required
def address_list(request: HttpRequest) -> JsonResponse:
    membership = membership_or_403(request)
    return JsonResponse(paginate(request, addresses_of(membership.company_id), serialize_address))

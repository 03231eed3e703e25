"""Reads, always scoped to the caller's company: another company's rows do not exist for you."""

import hashlib
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from companies.models import Address, Invitation, Membership


def membership_for(user: Any) -> Membership | None:
    """The user's membership with its company, or None (anonymous, or a user with no company)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    # The API's token lookup reads the membership with the token, in the same request
    # (shop.sql.token_lookup): a role changed since the request began applies from the next.
    if (read := getattr(user, "membership_read", None)) is not None:
        return read[0]
    return Membership.objects.select_related("company").filter(user_id=user.pk).first()


def members_of(company_id: int) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(company_id=company_id)
        .select_related("user")
        .order_by("user__email", "id")
    )


def addresses_of(company_id: int) -> QuerySet[Address]:
    return Address.objects.filter(company_id=company_id).order_by("-is_default", "label", "id")


def default_address_of(membership: Membership) -> Address | None:
    """The membership's company's default delivery address, or None (it has none)."""
    if (read := getattr(membership, "default_address_read", None)) is not None:
        return read[0]  # read with the membership (shop.sql.token_lookup)
    return addresses_of(membership.company_id).filter(is_default=True).first()


def address_for(company_id: int, address_id: int) -> Address | None:
    return Address.objects.filter(company_id=company_id, pk=address_id).first()


def invitations_of(company_id: int) -> QuerySet[Invitation]:
    """Pending invitations (not used, revoked or expired), newest first."""
    return Invitation.objects.filter(
        company_id=company_id,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).order_by("-created_at", "-id")


def hash_invitation_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def invitation_for_key(key: str) -> Invitation | None:
    """The usable invitation behind a link's key, or None (unknown, used, revoked or expired)."""
    invitation = (
        Invitation.objects.select_related("company").filter(key_hash=hash_invitation_key(key)).first()
    )
    if invitation is None or not invitation.is_usable:
        return None
    return invitation

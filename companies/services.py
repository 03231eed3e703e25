"""Every write to companies, members, addresses and invitations, with its role check.

Role changes, removals and address defaults lock the company's row first, so concurrent
changes to one company queue behind each other and each sees the others' result: two admins
demoting each other at the same moment cannot leave the company without an admin.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from companies.exceptions import (
    AddressNotFound,
    AlreadyMember,
    Forbidden,
    InvitationInvalid,
    InvitationNotFound,
    LastAdmin,
    MemberNotFound,
)
from companies.models import Address, Company, Invitation, Membership, Role
from companies.selectors import hash_invitation_key, membership_for
from shop.services.mail import mail_enqueue

INVITATION_DAYS = 7


@dataclass(frozen=True)
class AddressInput:
    label: str
    lines: str
    postcode: str
    country: str = "GB"


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    key: str  # the secret in the link; only its hash is stored
    url: str


# --- Role checks ------------------------------------------------------------------------------


def require_role(*, user: Any, roles: tuple[str, ...] | list[str]) -> Membership:
    """The user's membership if their role is one of `roles`; else Forbidden."""
    membership = membership_for(user)
    if membership is None:
        raise Forbidden("You do not belong to a company.")
    if membership.role not in roles:
        raise Forbidden(f"Your role ({membership.get_role_display()}) does not allow this.")
    return membership


def _lock_company_as_admin(actor: Any) -> Membership:
    """Inside a transaction: lock the actor's company row and re-check they are still its admin.

    The role is read again after the lock: another admin may have demoted the actor while
    this request waited for it.
    """
    membership = require_role(user=actor, roles=[Role.ADMIN])
    Company.objects.select_for_update().filter(pk=membership.company_id).get()
    fresh = Membership.objects.select_related("company").filter(pk=membership.pk).first()
    if fresh is None or fresh.role != Role.ADMIN:
        raise Forbidden("You are no longer an admin of this company.")
    return fresh


# --- Companies --------------------------------------------------------------------------------


def company_create(
    *, name: str, admin: Any, vat_number: str = "", address: AddressInput | None = None
) -> Company:
    """A new company with `admin` as its first admin (and its default address, if given)."""
    with transaction.atomic():
        company = Company.objects.create(name=name.strip(), vat_number=vat_number.strip())
        Membership.objects.create(user=admin, company=company, role=Role.ADMIN)
        if address is not None:
            _address_insert(company=company, data=address, is_default=True)
    return company


def company_update(
    *, actor: Any, name: str, vat_number: str, po_number_required: bool
) -> Company:
    with transaction.atomic():
        company = _lock_company_as_admin(actor).company
        company.name = name.strip()
        company.vat_number = vat_number.strip()
        company.po_number_required = po_number_required
        company.save(update_fields=["name", "vat_number", "po_number_required"])
    return company


# --- Members ----------------------------------------------------------------------------------


def _member_in(company_id: int, member_id: int) -> Membership:
    member = Membership.objects.filter(company_id=company_id, pk=member_id).first()
    if member is None:
        raise MemberNotFound(f"No member {member_id} in your company.")
    return member


def _admins_left_without(company_id: int, member: Membership) -> int:
    return (
        Membership.objects.filter(company_id=company_id, role=Role.ADMIN).exclude(pk=member.pk).count()
    )


def member_add(*, company: Company, user: Any, role: str) -> Membership:
    """Puts a user with no company into `company` (staff tools and sample data; people join
    through invitations)."""
    if role not in Role.values:
        raise ValueError(f"Unknown role {role!r}")
    if Membership.objects.filter(user=user).exists():
        raise AlreadyMember(f"{user.email} already belongs to a company.")
    return Membership.objects.create(user=user, company=company, role=role)


def member_set_role(*, actor: Any, member_id: int, role: str) -> Membership:
    if role not in Role.values:
        raise ValueError(f"Unknown role {role!r}")
    with transaction.atomic():
        company_id = _lock_company_as_admin(actor).company_id
        member = _member_in(company_id, member_id)
        if member.role == Role.ADMIN and role != Role.ADMIN and not _admins_left_without(company_id, member):
            raise LastAdmin()
        if member.role != role:
            member.role = role
            member.save(update_fields=["role"])
    return member


def member_remove(*, actor: Any, member_id: int) -> None:
    """Takes the user out of the company; their account stays (without a company)."""
    with transaction.atomic():
        company_id = _lock_company_as_admin(actor).company_id
        member = _member_in(company_id, member_id)
        if member.role == Role.ADMIN and not _admins_left_without(company_id, member):
            raise LastAdmin()
        member.delete()


# --- Addresses --------------------------------------------------------------------------------


def _address_insert(*, company: Company, data: AddressInput, is_default: bool) -> Address:
    if is_default:
        Address.objects.filter(company=company, is_default=True).update(is_default=False)
    return Address.objects.create(
        company=company,
        label=data.label.strip(),
        lines=data.lines.strip(),
        postcode=data.postcode.strip().upper(),
        country=(data.country or "GB").strip().upper(),
        is_default=is_default,
    )


def address_create(*, actor: Any, data: AddressInput, is_default: bool = False) -> Address:
    """A new address; the company's first address is its default whatever `is_default` says."""
    with transaction.atomic():
        company = _lock_company_as_admin(actor).company
        first = not Address.objects.filter(company=company).exists()
        return _address_insert(company=company, data=data, is_default=is_default or first)


def _address_in(company_id: int, address_id: int) -> Address:
    address = Address.objects.filter(company_id=company_id, pk=address_id).first()
    if address is None:
        raise AddressNotFound(f"No address {address_id} in your company.")
    return address


def address_update(*, actor: Any, address_id: int, data: AddressInput) -> Address:
    with transaction.atomic():
        company_id = _lock_company_as_admin(actor).company_id
        address = _address_in(company_id, address_id)
        address.label = data.label.strip()
        address.lines = data.lines.strip()
        address.postcode = data.postcode.strip().upper()
        address.country = (data.country or "GB").strip().upper()
        address.save(update_fields=["label", "lines", "postcode", "country"])
    return address


def address_set_default(*, actor: Any, address_id: int) -> Address:
    with transaction.atomic():
        company_id = _lock_company_as_admin(actor).company_id
        address = _address_in(company_id, address_id)
        # Unset first: the partial unique index allows one default at any moment.
        Address.objects.filter(company_id=company_id, is_default=True).exclude(pk=address.pk).update(
            is_default=False
        )
        if not address.is_default:
            address.is_default = True
            address.save(update_fields=["is_default"])
    return address


def address_delete(*, actor: Any, address_id: int) -> None:
    """Deletes an address; deleting the default makes the next address (by label) the default."""
    with transaction.atomic():
        company_id = _lock_company_as_admin(actor).company_id
        address = _address_in(company_id, address_id)
        was_default = address.is_default
        address.delete()
        if was_default:
            successor = Address.objects.filter(company_id=company_id).order_by("label", "id").first()
            if successor is not None:
                successor.is_default = True
                successor.save(update_fields=["is_default"])


# --- Invitations ------------------------------------------------------------------------------


def _email_has_account(email: str) -> bool:
    return get_user_model().objects.filter(email__iexact=email).exists()


def invitation_create(*, actor: Any, email: str, role: str, base_url: str) -> IssuedInvitation:
    """Invites `email` into the actor's company with `role` and mails the link after commit.

    An earlier pending invitation of the same email to the same company is revoked, so only
    the newest link works.
    """
    if role not in Role.values:
        raise ValueError(f"Unknown role {role!r}")
    email = email.strip()
    if _email_has_account(email):
        raise AlreadyMember(
            f"{email} already has an account. A user belongs to one company only: "
            "ask them to contact us to move it."
        )
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        membership = _lock_company_as_admin(actor)
        Invitation.objects.filter(
            company_id=membership.company_id,
            email__iexact=email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        ).update(revoked_at=now)
        invitation = Invitation.objects.create(
            company=membership.company,
            email=email,
            role=role,
            key_hash=hash_invitation_key(key),
            invited_by=actor,
            created_at=now,
            expires_at=now + timedelta(days=INVITATION_DAYS),
        )
        url = base_url.rstrip("/") + reverse("companies:join", args=[key])
        transaction.on_commit(lambda: invitation_send_mail(invitation=invitation, url=url))
    return IssuedInvitation(invitation=invitation, key=key, url=url)


def invitation_send_mail(*, invitation: Invitation, url: str) -> None:
    """The one place an invitation is mailed: queued, so a dead mail server never fails it."""
    inviter = invitation.invited_by.email if invitation.invited_by else "A colleague"
    mail_enqueue(
        message=EmailMessage(
            subject=f"Join {invitation.company.name} on Millstone Ingredients",
            body=(
                f"{inviter} invites you to order for {invitation.company.name} "
                f"as {invitation.get_role_display().lower()}.\n\n"
                f"Create your account here:\n{url}\n\n"
                f"The link works once and expires on {invitation.expires_at:%d %B %Y}.\n"
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[invitation.email],
        )
    )


def invitation_revoke(*, actor: Any, invitation_id: int) -> None:
    with transaction.atomic():
        company_id = _lock_company_as_admin(actor).company_id
        revoked = Invitation.objects.filter(
            company_id=company_id,
            pk=invitation_id,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        ).update(revoked_at=timezone.now())
    if not revoked:
        raise InvitationNotFound(f"No pending invitation {invitation_id} in your company.")


def invitation_accept(*, key: str, user: Any) -> Membership:
    """Joins `user` to the invitation's company with its role; the link then stops working.

    The invitation row is locked, so two signups racing on one link cannot both use it.
    """
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .filter(key_hash=hash_invitation_key(key))
            .first()
        )
        if invitation is None or not invitation.is_usable:
            raise InvitationInvalid("This invitation is unknown, expired, revoked or already used.")
        if (user.email or "").casefold() != invitation.email.casefold():
            raise InvitationInvalid("This invitation is for another email address.")
        if Membership.objects.filter(user=user).exists():
            raise AlreadyMember("You already belong to a company.")
        membership = Membership.objects.create(
            user=user, company_id=invitation.company_id, role=invitation.role
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership

"""companies.services: role checks, the last-admin rule, addresses and invitations."""

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from companies import services
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
from companies.services import AddressInput
from tests.factories import make_user

pytestmark = pytest.mark.django_db

BASE = "https://shop.test/"


def address(label: str = "Bakery", postcode: str = "yo1 7hh") -> AddressInput:
    return AddressInput(label=label, lines="1 Mill Lane\nYork", postcode=postcode, country="gb")


def default_labels(company: Company) -> list[str]:
    return list(Address.objects.filter(company=company, is_default=True).values_list("label", flat=True))


# --- Companies and role checks ------------------------------------------------------------------


def test_company_create_makes_the_user_its_admin_with_a_default_address(db: None) -> None:
    user = make_user("founder@mill.test")
    Membership.objects.filter(user=user).delete()

    company = services.company_create(
        name=" Mill Bakery ", vat_number="GB999", admin=user, address=address()
    )

    assert company.name == "Mill Bakery"
    assert Membership.objects.get(user=user).role == Role.ADMIN
    stored = Address.objects.get(company=company)
    assert (stored.is_default, stored.postcode, stored.country) == (True, "YO1 7HH", "GB")


def test_require_role_refuses_other_roles_and_users_without_a_company(viewer: Any) -> None:
    assert services.require_role(user=viewer, roles=[Role.VIEWER]).role == Role.VIEWER
    with pytest.raises(Forbidden):
        services.require_role(user=viewer, roles=[Role.ADMIN, Role.BUYER])

    Membership.objects.filter(user=viewer).delete()
    with pytest.raises(Forbidden):
        services.require_role(user=viewer, roles=list(Role.values))


def test_company_update_is_for_admins_only(company: Company, admin: Any, buyer_member: Any) -> None:
    services.company_update(actor=admin, name="Rye & Co", vat_number="GB1", po_number_required=True)
    with pytest.raises(Forbidden):
        services.company_update(actor=buyer_member, name="Mine now", vat_number="", po_number_required=False)

    company.refresh_from_db()
    assert (company.name, company.vat_number, company.po_number_required) == ("Rye & Co", "GB1", True)


# --- Members ------------------------------------------------------------------------------------


def test_an_admin_changes_a_members_role(admin: Any, buyer_member: Any) -> None:
    member = services.member_set_role(actor=admin, member_id=buyer_member.membership.pk, role=Role.VIEWER)

    assert member.role == Role.VIEWER
    assert Membership.objects.get(user=buyer_member).role == Role.VIEWER


def test_the_only_admin_cannot_demote_or_remove_themselves(admin: Any, buyer_member: Any) -> None:
    with pytest.raises(LastAdmin):
        services.member_set_role(actor=admin, member_id=admin.membership.pk, role=Role.BUYER)
    with pytest.raises(LastAdmin):
        services.member_remove(actor=admin, member_id=admin.membership.pk)

    assert Membership.objects.get(user=admin).role == Role.ADMIN


def test_with_a_second_admin_the_first_may_step_down(admin: Any, buyer_member: Any) -> None:
    services.member_set_role(actor=admin, member_id=buyer_member.membership.pk, role=Role.ADMIN)

    services.member_set_role(actor=admin, member_id=admin.membership.pk, role=Role.BUYER)

    assert Membership.objects.get(user=admin).role == Role.BUYER
    assert Membership.objects.get(user=buyer_member).role == Role.ADMIN


def test_a_demoted_admin_can_no_longer_change_roles(admin: Any, buyer_member: Any, viewer: Any) -> None:
    services.member_set_role(actor=admin, member_id=buyer_member.membership.pk, role=Role.ADMIN)
    services.member_set_role(actor=buyer_member, member_id=admin.membership.pk, role=Role.VIEWER)

    with pytest.raises(Forbidden):
        services.member_set_role(actor=admin, member_id=viewer.membership.pk, role=Role.ADMIN)


def test_buyers_and_viewers_cannot_change_members(buyer_member: Any, viewer: Any, admin: Any) -> None:
    for actor in (buyer_member, viewer):
        with pytest.raises(Forbidden):
            services.member_set_role(actor=actor, member_id=actor.membership.pk, role=Role.ADMIN)
        with pytest.raises(Forbidden):
            services.member_remove(actor=actor, member_id=admin.membership.pk)

    assert Membership.objects.get(user=buyer_member).role == Role.BUYER
    assert Membership.objects.filter(user=admin).exists()


def test_an_admin_removes_a_member_and_keeps_their_account(admin: Any, viewer: Any) -> None:
    services.member_remove(actor=admin, member_id=viewer.membership.pk)

    assert not Membership.objects.filter(user=viewer).exists()
    viewer.refresh_from_db()
    assert viewer.is_active


def test_another_companys_member_does_not_exist_for_an_admin(admin: Any, other_admin: Any) -> None:
    with pytest.raises(MemberNotFound):
        services.member_set_role(actor=admin, member_id=other_admin.membership.pk, role=Role.VIEWER)
    with pytest.raises(MemberNotFound):
        services.member_remove(actor=admin, member_id=other_admin.membership.pk)

    assert Membership.objects.get(user=other_admin).role == Role.ADMIN


# --- Addresses ----------------------------------------------------------------------------------


def test_the_first_address_becomes_the_default(company: Company, admin: Any) -> None:
    first = services.address_create(actor=admin, data=address("Bakery"))
    second = services.address_create(actor=admin, data=address("Warehouse"))

    assert (first.is_default, second.is_default) == (True, False)


def test_a_new_default_address_replaces_the_old_default(company: Company, admin: Any) -> None:
    services.address_create(actor=admin, data=address("Bakery"))
    services.address_create(actor=admin, data=address("Warehouse"), is_default=True)

    assert default_labels(company) == ["Warehouse"]


def test_set_default_moves_the_default(company: Company, admin: Any) -> None:
    services.address_create(actor=admin, data=address("Bakery"))
    warehouse = services.address_create(actor=admin, data=address("Warehouse"))

    services.address_set_default(actor=admin, address_id=warehouse.pk)

    assert default_labels(company) == ["Warehouse"]


def test_deleting_the_default_makes_the_next_address_default(company: Company, admin: Any) -> None:
    bakery = services.address_create(actor=admin, data=address("Bakery"))
    services.address_create(actor=admin, data=address("Warehouse"))

    services.address_delete(actor=admin, address_id=bakery.pk)

    assert default_labels(company) == ["Warehouse"]


def test_address_update_changes_the_fields(admin: Any) -> None:
    bakery = services.address_create(actor=admin, data=address("Bakery"))

    services.address_update(actor=admin, address_id=bakery.pk, data=address("Shop", postcode="ls1 1aa"))

    bakery.refresh_from_db()
    assert (bakery.label, bakery.postcode) == ("Shop", "LS1 1AA")


def test_another_companys_address_does_not_exist_for_an_admin(admin: Any, other_admin: Any) -> None:
    theirs = services.address_create(actor=other_admin, data=address("Brewhouse"))

    for action in (
        lambda: services.address_update(actor=admin, address_id=theirs.pk, data=address("Mine")),
        lambda: services.address_set_default(actor=admin, address_id=theirs.pk),
        lambda: services.address_delete(actor=admin, address_id=theirs.pk),
    ):
        with pytest.raises(AddressNotFound):
            action()

    theirs.refresh_from_db()
    assert theirs.label == "Brewhouse"


def test_buyers_cannot_manage_addresses(buyer_member: Any) -> None:
    with pytest.raises(Forbidden):
        services.address_create(actor=buyer_member, data=address())
    assert not Address.objects.exists()


# --- Invitations --------------------------------------------------------------------------------


def test_an_invitation_is_mailed_with_a_link_whose_key_is_stored_only_as_a_hash(
    company: Company, admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        issued = services.invitation_create(actor=admin, email="new@ryeandco.test", role=Role.BUYER, base_url=BASE)

    assert issued.url == f"https://shop.test/company/join/{issued.key}/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new@ryeandco.test"]
    assert issued.url in mail.outbox[0].body
    assert company.name in mail.outbox[0].subject
    stored = Invitation.objects.get()
    assert issued.key not in stored.key_hash
    assert stored.expires_at > timezone.now() + timedelta(days=6)


def test_no_mail_goes_out_when_the_invitation_is_rolled_back(admin: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.invitation_create(actor=admin, email="new@ryeandco.test", role=Role.BUYER, base_url=BASE)

    assert len(callbacks) == 1
    assert mail.outbox == []


def test_inviting_an_email_with_an_account_is_refused(admin: Any, other_admin: Any) -> None:
    with pytest.raises(AlreadyMember):
        services.invitation_create(actor=admin, email=other_admin.email.upper(), role=Role.BUYER, base_url=BASE)
    assert not Invitation.objects.exists()


def test_only_admins_invite(buyer_member: Any) -> None:
    with pytest.raises(Forbidden):
        services.invitation_create(actor=buyer_member, email="x@ryeandco.test", role=Role.ADMIN, base_url=BASE)
    assert not Invitation.objects.exists()


def test_inviting_again_revokes_the_earlier_link(admin: Any) -> None:
    first = services.invitation_create(actor=admin, email="new@ryeandco.test", role=Role.BUYER, base_url=BASE)
    services.invitation_create(actor=admin, email="NEW@ryeandco.test", role=Role.VIEWER, base_url=BASE)

    user = make_user("new@ryeandco.test", company=None)
    Membership.objects.filter(user=user).delete()
    with pytest.raises(InvitationInvalid):
        services.invitation_accept(key=first.key, user=user)


def invited_user(email: str) -> Any:
    """A freshly signed-up user before the invitation gives them their company."""
    user = make_user(email)
    Membership.objects.filter(user=user).delete()
    return user


def test_accepting_joins_the_company_with_the_role_once(company: Company, admin: Any) -> None:
    issued = services.invitation_create(actor=admin, email="new@ryeandco.test", role=Role.VIEWER, base_url=BASE)
    user = invited_user("new@ryeandco.test")

    membership = services.invitation_accept(key=issued.key, user=user)

    assert (membership.company_id, membership.role) == (company.pk, Role.VIEWER)
    assert Invitation.objects.get().accepted_by == user
    Membership.objects.filter(user=user).delete()
    with pytest.raises(InvitationInvalid):
        services.invitation_accept(key=issued.key, user=user)


@pytest.mark.parametrize("state", ["expired", "revoked"])
def test_an_expired_or_revoked_invitation_cannot_be_accepted(admin: Any, state: str) -> None:
    issued = services.invitation_create(actor=admin, email="new@ryeandco.test", role=Role.BUYER, base_url=BASE)
    if state == "expired":
        Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    else:
        services.invitation_revoke(actor=admin, invitation_id=issued.invitation.pk)
    user = invited_user("new@ryeandco.test")

    with pytest.raises(InvitationInvalid):
        services.invitation_accept(key=issued.key, user=user)
    assert not Membership.objects.filter(user=user).exists()


def test_an_invitation_is_only_for_its_own_email(admin: Any) -> None:
    issued = services.invitation_create(actor=admin, email="new@ryeandco.test", role=Role.ADMIN, base_url=BASE)
    stranger = invited_user("stranger@elsewhere.test")

    with pytest.raises(InvitationInvalid):
        services.invitation_accept(key=issued.key, user=stranger)
    assert not Membership.objects.filter(user=stranger).exists()


def test_another_companys_invitation_cannot_be_revoked(admin: Any, other_admin: Any) -> None:
    theirs = services.invitation_create(actor=other_admin, email="x@hopyard.test", role=Role.BUYER, base_url=BASE)

    with pytest.raises(InvitationNotFound):
        services.invitation_revoke(actor=admin, invitation_id=theirs.invitation.pk)
    assert Invitation.objects.get().revoked_at is None

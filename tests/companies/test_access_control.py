"""Company A's things do not exist for company B, and admin-only pages refuse other roles.

Every test asserts on the response and then on the database, so a page that answered 404
or 403 but still acted would be caught.
"""

from typing import Any

import pytest
from django.urls import reverse

from companies import services
from companies.models import Address, Company, Invitation, Membership, Role
from companies.services import AddressInput
from tests.views.conftest import ShopClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def theirs(other_company: Company, other_admin: Any) -> dict[str, Any]:
    """Company B's address, member and pending invitation."""
    address = services.address_create(
        actor=other_admin, data=AddressInput(label="Brewhouse", lines="9 Hop Lane", postcode="HX1 1AA")
    )
    invitation = services.invitation_create(
        actor=other_admin, email="brewer@hopyard.test", role=Role.BUYER, base_url="http://testserver/"
    ).invitation
    return {"address": address, "member": other_admin.membership, "invitation": invitation}


def snapshot(company: Company) -> tuple[Any, ...]:
    company.refresh_from_db()
    return (
        company.name,
        company.vat_number,
        company.po_number_required,
        sorted(Membership.objects.filter(company=company).values_list("user_id", "role")),
        sorted(Address.objects.filter(company=company).values_list("label", "postcode", "is_default")),
        sorted(Invitation.objects.filter(company=company).values_list("email", "revoked_at")),
    )


def test_company_b_is_invisible_on_company_as_pages(
    admin_client: ShopClient, theirs: dict[str, Any], other_company: Company
) -> None:
    for name in ("companies:overview", "companies:members", "companies:addresses"):
        html = admin_client.get(reverse(name)).content.decode()
        assert other_company.name not in html
        assert "Brewhouse" not in html
        assert theirs["member"].user.email not in html
        assert "brewer@hopyard.test" not in html


def test_company_bs_member_removal_page_is_a_404(admin_client: ShopClient, theirs: dict[str, Any]) -> None:
    response = admin_client.get(reverse("companies:member_remove", args=[theirs["member"].pk]))

    assert response.status_code == 404


def test_company_bs_address_edit_page_is_a_404(admin_client: ShopClient, theirs: dict[str, Any]) -> None:
    response = admin_client.get(reverse("companies:address_edit", args=[theirs["address"].pk]))

    assert response.status_code == 404
    assert "Brewhouse" not in response.content.decode()


@pytest.mark.parametrize(
    "url_name, thing, data",
    [
        ("companies:address_edit", "address", {"label": "Mine", "lines": "x", "postcode": "X", "country": "GB"}),
        ("companies:address_delete", "address", {}),
        ("companies:address_default", "address", {}),
        ("companies:member_role", "member", {"role": "viewer"}),
        ("companies:member_remove", "member", {}),
        ("companies:invitation_revoke", "invitation", {}),
    ],
)
def test_company_a_cannot_change_company_bs_things(
    admin_client: ShopClient,
    theirs: dict[str, Any],
    other_company: Company,
    url_name: str,
    thing: str,
    data: dict[str, str],
) -> None:
    before = snapshot(other_company)

    response = admin_client.form_post(reverse(url_name, args=[theirs[thing].pk]), data)

    assert response.status_code == 404
    assert snapshot(other_company) == before


ADMIN_ONLY_GETS = ["companies:settings", "companies:addresses"]
ADMIN_ONLY_POSTS = [
    ("companies:settings", None, {"name": "Taken over", "vat_number": "", "po_number_required": "on"}),
    ("companies:addresses", None, {"label": "Mine", "lines": "x", "postcode": "X", "country": "GB"}),
    ("companies:address_edit", "address", {"label": "Mine", "lines": "x", "postcode": "X", "country": "GB"}),
    ("companies:address_delete", "address", {}),
    ("companies:address_default", "address", {}),
    ("companies:member_role", "self", {"role": "admin"}),
    ("companies:member_remove", "admin", {}),
    ("companies:invitation_create", None, {"email": "friend@elsewhere.test", "role": "admin"}),
    ("companies:invitation_revoke", "invitation", {}),
]


@pytest.fixture(params=["buyer", "viewer"])
def non_admin(request: pytest.FixtureRequest, company: Company) -> Any:
    return request.getfixturevalue("buyer_member" if request.param == "buyer" else "viewer")


@pytest.fixture
def ours(company: Company, admin: Any, non_admin: Any) -> dict[str, Any]:
    address = services.address_create(
        actor=admin, data=AddressInput(label="Bakery", lines="1 Mill Lane", postcode="YO1 7HH")
    )
    address_b = services.address_create(
        actor=admin, data=AddressInput(label="Store", lines="2 Mill Lane", postcode="YO1 7HJ")
    )
    invitation = services.invitation_create(
        actor=admin, email="pending@ryeandco.test", role=Role.BUYER, base_url="http://testserver/"
    ).invitation
    return {"address": address_b, "invitation": invitation, "admin": admin.membership, "self": non_admin.membership}


@pytest.mark.parametrize("url_name", ADMIN_ONLY_GETS)
def test_buyers_and_viewers_cannot_open_admin_pages(non_admin: Any, url_name: str) -> None:
    client = ShopClient()
    client.force_login(non_admin)

    assert client.get(reverse(url_name)).status_code == 403


def test_buyers_and_viewers_cannot_open_a_members_removal_page(non_admin: Any, admin: Any) -> None:
    client = ShopClient()
    client.force_login(non_admin)

    assert client.get(reverse("companies:member_remove", args=[admin.membership.pk])).status_code == 403


@pytest.mark.parametrize("url_name, thing, data", ADMIN_ONLY_POSTS)
def test_buyers_and_viewers_cannot_post_to_admin_pages(
    non_admin: Any, ours: dict[str, Any], company: Company, url_name: str, thing: str | None, data: dict[str, str]
) -> None:
    client = ShopClient()
    client.force_login(non_admin)
    before = snapshot(company)

    args = [ours[thing].pk] if thing else []
    response = client.form_post(reverse(url_name, args=args), data)

    assert response.status_code == 403
    assert snapshot(company) == before

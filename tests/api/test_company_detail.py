"""GET /api/v1/company"""

from typing import Any

import pytest
from django.test import Client

from companies import services as company_services
from companies.models import Membership, Role
from shop import services
from tests.api.helpers import assert_error
from tests.factories import make_member

URL = "/api/v1/company"

pytestmark = pytest.mark.django_db


def test_it_returns_the_callers_company_and_role(api_client: Client, buyer: Any, auth: dict[str, str]) -> None:
    company = buyer.membership.company
    company.vat_number = "GB123456789"
    company.po_number_required = True
    company.save()

    response = api_client.get(URL, headers=auth)

    assert response.status_code == 200
    assert response.json() == {
        "id": company.pk,
        "name": company.name,
        "vat_number": "GB123456789",
        "role": "admin",
        "po_number_required": True,
    }


def test_a_token_acts_with_its_users_current_role(api_client: Client, buyer: Any) -> None:
    colleague = make_member("colleague@bakery.test", buyer.membership.company, Role.BUYER)
    headers = {"Authorization": f"Bearer {services.token_create(user=colleague).secret}"}
    assert api_client.get(URL, headers=headers).json()["role"] == "buyer"

    company_services.member_set_role(actor=buyer, member_id=colleague.membership.pk, role=Role.VIEWER)

    assert api_client.get(URL, headers=headers).json()["role"] == "viewer"


def test_each_caller_sees_only_their_own_company(
    api_client: Client, auth: dict[str, str], other_auth: dict[str, str], buyer: Any, other_buyer: Any
) -> None:
    mine = api_client.get(URL, headers=auth).json()
    theirs = api_client.get(URL, headers=other_auth).json()

    assert mine["id"] == buyer.membership.company_id
    assert theirs["id"] == other_buyer.membership.company_id
    assert mine["id"] != theirs["id"]


def test_a_user_without_a_company_is_forbidden(api_client: Client, buyer: Any, auth: dict[str, str]) -> None:
    Membership.objects.filter(user=buyer).delete()

    assert_error(api_client.get(URL, headers=auth), 403, "forbidden")


def test_it_rejects_missing_wrong_expired_or_revoked_credentials(
    api_client: Client, bad_auth: dict[str, str]
) -> None:
    assert_error(api_client.get(URL, headers=bad_auth), 401, "not_authenticated")


def test_it_rejects_other_methods(api_client: Client, auth: dict[str, str]) -> None:
    response = api_client.post(URL, {}, content_type="application/json", headers=auth)

    assert_error(response, 405, "method_not_allowed")

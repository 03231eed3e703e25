"""Staff manage companies in the Django admin."""

from typing import Any

import pytest
from django.urls import reverse

from companies import services
from companies.models import Company
from companies.services import AddressInput
from tests.views.conftest import ShopClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(staff: Any) -> ShopClient:
    client = ShopClient()
    client.force_login(staff)
    return client


def test_staff_find_a_company_by_name_or_member_email(
    staff_client: ShopClient, company: Company, other_company: Company, viewer: Any
) -> None:
    url = reverse("admin:companies_company_changelist")

    by_email = staff_client.get(url, {"q": viewer.email}).content.decode()
    by_name = staff_client.get(url, {"q": "Hop Yard"}).content.decode()

    assert "Rye &amp; Co Bakery" in by_email and "Hop Yard" not in by_email
    assert "Hop Yard" in by_name


def test_the_company_page_shows_members_addresses_and_contract_prices_inline(
    staff_client: ShopClient, company: Company, admin: Any, viewer: Any
) -> None:
    services.address_create(actor=admin, data=AddressInput(label="Bakery", lines="1 Mill Lane", postcode="YO1"))

    html = staff_client.get(reverse("admin:companies_company_change", args=[company.pk])).content.decode()

    assert "memberships-TOTAL_FORMS" in html
    assert "addresses-TOTAL_FORMS" in html
    assert "contract_prices-TOTAL_FORMS" in html
    assert "Bakery" in html


def test_staff_cannot_add_an_invitation_without_a_link_to_send(staff_client: ShopClient) -> None:
    assert staff_client.get(reverse("admin:companies_invitation_add")).status_code == 403

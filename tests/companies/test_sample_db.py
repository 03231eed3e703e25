"""`manage.py sample_db`: the demo companies, safe to run again."""

import io

import pytest
from django.core.management import call_command

from companies.models import Address, Company, Membership, Role
from companies.services import company_create
from shop.management.commands.sample_db import DEMO_BUYER, ensure_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_it_makes_three_companies_with_an_admin_a_buyer_and_a_viewer_each_and_is_idempotent() -> None:
    call_command("sample_db", stdout=io.StringIO())
    first = (Company.objects.count(), Membership.objects.count(), Address.objects.count())
    call_command("sample_db", stdout=io.StringIO())

    assert (Company.objects.count(), Membership.objects.count(), Address.objects.count()) == first
    for name in ("Rye & Barley Bakery", "Hopfield Brewing Co", "Fire & Vine Sauces"):
        company = Company.objects.get(name=name)
        roles = sorted(company.memberships.values_list("role", flat=True))
        assert roles == sorted([Role.ADMIN, Role.BUYER, Role.VIEWER])
        assert company.addresses.filter(is_default=True).count() == 1
    demo = Membership.objects.select_related("company").get(user__email=DEMO_BUYER[0])
    assert demo.company.name == "Millstone Demo Bakery"
    assert demo.company.addresses.exists()


def test_it_names_a_demo_company_the_upgrade_named_after_the_email() -> None:
    buyer, _ = ensure_user(*DEMO_BUYER)
    company_create(name=DEMO_BUYER[0], admin=buyer)

    call_command("sample_db", stdout=io.StringIO())

    assert Membership.objects.get(user=buyer).company.name == "Millstone Demo Bakery"

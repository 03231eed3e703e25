"""Database constraints that back up the services."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from companies.models import Address, Company, ContractPrice, Membership

pytestmark = pytest.mark.django_db


def test_a_company_has_at_most_one_default_address(company: Company) -> None:
    Address.objects.create(company=company, label="A", lines="1 Road", postcode="X1", is_default=True)
    Address.objects.create(company=company, label="B", lines="2 Road", postcode="X2", is_default=False)

    with pytest.raises(IntegrityError), transaction.atomic():
        Address.objects.create(company=company, label="C", lines="3 Road", postcode="X3", is_default=True)
    assert Address.objects.filter(company=company, is_default=True).count() == 1


def test_each_company_may_have_its_own_default(company: Company, other_company: Company) -> None:
    Address.objects.create(company=company, label="A", lines="1", postcode="X1", is_default=True)
    Address.objects.create(company=other_company, label="A", lines="1", postcode="X1", is_default=True)

    assert Address.objects.filter(is_default=True).count() == 2


def test_the_address_country_defaults_to_gb_and_lines_split_per_row(company: Company) -> None:
    address = Address.objects.create(company=company, label="A", lines="1 Mill Lane\n\n York ", postcode="Y")

    assert address.country == "GB"
    assert address.line_list == ["1 Mill Lane", "York"]


def test_a_contract_price_is_unique_per_company_and_product_and_not_negative(
    company: Company, make_product
) -> None:
    flour = make_product()
    ContractPrice.objects.create(company=company, product=flour, price=Decimal("10.00"))

    with pytest.raises(IntegrityError), transaction.atomic():
        ContractPrice.objects.create(company=company, product=flour, price=Decimal("9.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        ContractPrice.objects.create(company=company, product=make_product(), price=Decimal("-0.01"))
    assert ContractPrice.objects.count() == 1


def test_a_user_has_one_membership(company: Company, other_company: Company, admin) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=admin, company=other_company)


def test_a_role_outside_the_choices_is_refused(company: Company, admin) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(user=admin).update(role="owner")

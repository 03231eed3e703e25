"""The upgrade: every existing user gets a company of their own, as its admin."""

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model

from companies.models import Membership, Role
from shop import services
from shop.models import ApiToken, CartItem, Order
from tests.factories import make_user

pytestmark = pytest.mark.django_db

migration = importlib.import_module("companies.migrations.0002_company_for_every_existing_user")


def legacy_user(email: str, **fields: Any) -> Any:
    """A user as they were before companies existed."""
    user = get_user_model().objects.create_user(username=email, email=email, password="x", **fields)
    Membership.objects.filter(user=user).delete()
    return user


def test_each_existing_user_becomes_admin_of_a_company_of_their_own(make_product) -> None:
    # The baker's order, cart and token are made while ordering needs a company (it does
    # now), then the membership goes, as before companies existed.
    baker = make_user("anna@rye-bakery.co.uk")
    flour = make_product(stock=10)
    order = services.order_place(user=baker, lines=[(flour.pk, 2)]).order
    services.cart_add(user=baker, product_id=flour.pk, quantity=1)
    token = services.token_create(user=baker, name="erp").token
    Membership.objects.filter(user=baker).delete()
    colleague = legacy_user("ben@rye-bakery.co.uk")
    staff = legacy_user("ops@shop.test", is_staff=True)
    hobbyist = legacy_user("jo.smith@gmail.com")

    migration.forwards(apps, None)

    memberships = {m.user_id: m for m in Membership.objects.select_related("company")}
    for user in (baker, colleague, staff, hobbyist):
        assert memberships[user.pk].role == Role.ADMIN
    assert memberships[baker.pk].company.name == "rye-bakery.co.uk"
    assert memberships[baker.pk].company_id != memberships[colleague.pk].company_id
    assert memberships[hobbyist.pk].company.name == "jo.smith@gmail.com"
    # Orders, cart and tokens stay where they were.
    assert Order.objects.get(pk=order.pk).user_id == baker.pk
    assert CartItem.objects.filter(user=baker).count() == 1
    assert ApiToken.objects.get(pk=token.pk).user_id == baker.pk


def test_users_who_already_have_a_company_are_left_alone() -> None:
    member = make_user("kept@mill.test")
    company_id = member.membership.company_id

    migration.forwards(apps, None)
    migration.forwards(apps, None)

    assert Membership.objects.get(user=member).company_id == company_id
    assert Membership.objects.count() == 1


def test_company_names_fall_back_to_the_username_without_an_email() -> None:
    assert migration.company_name_for("", "legacy-login") == "legacy-login"

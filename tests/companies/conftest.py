from typing import Any

import pytest

from companies.models import Company, Role
from tests.factories import make_company, make_member
from tests.views.conftest import ShopClient


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def company(db: None) -> Company:
    return make_company("Rye & Co Bakery", admin_email="owner@ryeandco.test", vat_number="GB123456789")[0]


@pytest.fixture
def admin(company: Company) -> Any:
    return company.memberships.get(role=Role.ADMIN).user


@pytest.fixture
def buyer_member(company: Company) -> Any:
    return make_member("orders@ryeandco.test", company, Role.BUYER)


@pytest.fixture
def viewer(company: Company) -> Any:
    return make_member("books@ryeandco.test", company, Role.VIEWER)


@pytest.fixture
def other_company(db: None) -> Company:
    return make_company("Hop Yard Brewery", admin_email="boss@hopyard.test")[0]


@pytest.fixture
def other_admin(other_company: Company) -> Any:
    return other_company.memberships.get(role=Role.ADMIN).user


def client_for(user: Any) -> ShopClient:
    client = ShopClient()
    client.force_login(user)
    return client


@pytest.fixture
def admin_client(admin: Any) -> ShopClient:
    return client_for(admin)


@pytest.fixture
def buyer_member_client(buyer_member: Any) -> ShopClient:
    return client_for(buyer_member)


@pytest.fixture
def viewer_client(viewer: Any) -> ShopClient:
    return client_for(viewer)


@pytest.fixture
def other_admin_client(other_admin: Any) -> ShopClient:
    return client_for(other_admin)


@pytest.fixture
def anon_client(db: None) -> ShopClient:
    return ShopClient()

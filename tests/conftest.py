from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import connection

from shop import services
from shop.models import Category, Product

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _empty_cache(request: pytest.FixtureRequest, django_db_blocker: Any) -> Iterator[None]:
    # Rate-limit counts and product totals live in the cache, which outlives a test's rollback
    # (in memory on SQLite; committed rows after a transactional test on PostgreSQL): every
    # test starts from none. Only database tests: others have no test database to clear.
    uses_db = "django_db_setup" in request.fixturenames or bool(
        request.node.get_closest_marker("django_db")
    )
    if uses_db:
        with django_db_blocker.unblock():
            for each in caches.all():
                each.clear()
    yield
    if uses_db:
        with django_db_blocker.unblock():
            for each in caches.all():
                each.clear()


def make_user(email: str, *, staff: bool = False) -> Any:
    user = get_user_model().objects.create_user(
        username=email, email=email, password=PASSWORD, is_staff=staff, is_superuser=staff
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def buyer(db: None) -> Any:
    return make_user("buyer@bakery.test")


@pytest.fixture
def other_buyer(db: None) -> Any:
    return make_user("other@brewery.test")


@pytest.fixture
def staff(db: None) -> Any:
    return make_user("staff@shop.test", staff=True)


@pytest.fixture
def category(db: None) -> Category:
    return Category.objects.create(slug="flours", name="Flours")


@pytest.fixture
def make_product(category: Category) -> Callable[..., Product]:
    counter = {"n": 0}

    def _make(stock: int = 10, price: str = "12.50", **fields: Any) -> Product:
        counter["n"] += 1
        n = counter["n"]
        return services.product_create(
            sku=fields.pop("sku", f"SKU-{n:04d}"),
            name=fields.pop("name", f"Product {n}"),
            category=fields.pop("category", category),
            unit=fields.pop("unit", "25 kg sack"),
            price=Decimal(price),
            initial_stock=stock,
            **fields,
        )

    return _make


@pytest.fixture
def postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: real row locks and concurrent connections")

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import caches
from django.db import connection

from shop.models import Category, Product
from tests.factories import PASSWORD, make_user, product_maker

__all__ = ["PASSWORD", "make_user"]  # imported from here by several test modules

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
    return product_maker(category, sku_prefix="SKU")


@pytest.fixture
def postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: real row locks and concurrent connections")

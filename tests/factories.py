"""Test data made through the services, shared by the pytest suite and the e2e journeys.

Plain functions, not fixtures: tests/ wraps them in `db` fixtures, e2e/ in `transactional_db`
ones (its live server runs in another thread and must see committed rows).
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from shop import services
from shop.models import Category, Product

PASSWORD = "correct-horse-battery-staple"


def make_user(email: str, *, staff: bool = False, password: str = PASSWORD) -> Any:
    user = get_user_model().objects.create_user(
        username=email, email=email, password=password, is_staff=staff, is_superuser=staff
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def product_maker(category: Category, *, sku_prefix: str) -> Callable[..., Product]:
    """A function making numbered products (SKU `<prefix>-0001`, ...) with an initial stock."""
    counter = {"n": 0}

    def make(stock: int = 10, price: str = "12.50", **fields: Any) -> Product:
        counter["n"] += 1
        n = counter["n"]
        return services.product_create(
            sku=fields.pop("sku", f"{sku_prefix}-{n:04d}"),
            name=fields.pop("name", f"Product {n}"),
            category=fields.pop("category", category),
            unit=fields.pop("unit", "25 kg sack"),
            price=Decimal(price),
            initial_stock=stock,
            **fields,
        )

    return make

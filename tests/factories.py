"""Test data made through the services, shared by the pytest suite and the e2e journeys.

Plain functions, not fixtures: tests/ wraps them in `db` fixtures, e2e/ in `transactional_db`
ones (its live server runs in another thread and must see committed rows).
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from companies import services as company_services
from companies.models import Company, Membership, Role
from shop import services
from shop.models import Category, Product

PASSWORD = "correct-horse-battery-staple"


def make_user(
    email: str,
    *,
    staff: bool = False,
    password: str = PASSWORD,
    company: Company | None = None,
    role: str = Role.ADMIN,
) -> Any:
    """A user in `company` with `role`; without a company, the admin of a new one of their own
    (named after the email's domain), as every signup and the upgrade migration give them."""
    user = get_user_model().objects.create_user(
        username=email, email=email, password=password, is_staff=staff, is_superuser=staff
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if company is None:
        company_services.company_create(name=email.rsplit("@", 1)[-1], admin=user)
    else:
        Membership.objects.create(user=user, company=company, role=role)
    return user


def make_company(name: str, *, admin_email: str, **fields: Any) -> tuple[Company, Any]:
    """A company with its first admin; `fields` are the company's own (vat_number, ...)."""
    admin = make_user(admin_email)
    company = admin.membership.company
    company.name = name
    for field, value in fields.items():
        setattr(company, field, value)
    company.save()
    return company, admin


def make_member(email: str, company: Company, role: str = Role.BUYER) -> Any:
    return make_user(email, company=company, role=role)


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

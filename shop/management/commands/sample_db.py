"""Fill the database with a realistic ingredients catalogue (with measures, pack rules and price
breaks), a demo buyer, a staff user, three sample companies (each with an admin, a buyer and a
viewer) and a few past orders. Safe to run again: it adds only what is missing."""

import random
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from companies import services as company_services
from companies.models import Company
from companies.selectors import membership_for
from shop import services
from shop.allergens import ALLERGENS, DIETARY
from shop.models import Category, Invoice, Order, OrderStatusChange, PriceBreak, Product, SavedList
from shop.services.checkout import OrderDetails
from shop.services import saved_lists
from shop.services.order_mail import order_mail_suppressed
from shop.services.packs import first_quantity
from companies.models import ContractPrice
from shop.sample_data import (
    CATEGORIES,
    COMPANIES,
    CONTRACT_PRICES,
    DEMO_COMPANY,
    PACK_RULES,
    PRICE_BREAKS,
    PRODUCT_LABELS,
    PRODUCTS,
    SAMPLE_ROLES,
    SAVED_LISTS,
    VAT_RATES,
    SampleAddress,
    measure_of,
)

DEMO_BUYER = ("buyer@example.com", "demo-buyer-pass")
STAFF_USER = ("staff@example.com", "demo-staff-pass")
STAFF_COMPANY = "Millstone Ingredients (staff)"
GENERATED_SKU_PREFIX = "GEN-"
Status = Order.Status


def ensure_user(email: str, password: str, *, staff: bool = False) -> tuple[Any, bool]:
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User.objects.create_user(
            username=email, email=email, password=password, is_staff=staff, is_superuser=staff
        )
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user, created


def ensure_own_company(user: Any, name: str, vat_number: str = "", po_number_required: bool = False) -> Company:
    """The company `user` is admin of: made if missing, and named if it still carries the name
    the upgrade migration gave it (the email's domain or address)."""
    membership = membership_for(user)
    if membership is None:
        company = company_services.company_create(name=name, vat_number=vat_number, admin=user)
    else:
        company = membership.company
    email = user.email or ""
    if company.name != name and company.name in {email, email.rpartition("@")[2], user.username}:
        company.name, company.vat_number, company.po_number_required = name, vat_number, po_number_required
        company.save(update_fields=["name", "vat_number", "po_number_required"])
    elif membership is None and po_number_required:
        company.po_number_required = True
        company.save(update_fields=["po_number_required"])
    return company


def ensure_addresses(company: Company, admin: Any, addresses: list[SampleAddress]) -> None:
    if company.addresses.exists():
        return
    for label, lines, postcode, is_default in addresses:
        company_services.address_create(
            actor=admin,
            data=company_services.AddressInput(label=label, lines=lines, postcode=postcode),
            is_default=is_default,
        )


class Command(BaseCommand):
    help = "Create sample categories, products, users and orders (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--products",
            type=int,
            default=0,
            help="Also make sure N generated products exist (for load tests).",
        )
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, products: int, seed: int, **options: Any) -> None:
        rng = random.Random(seed)
        categories = self._categories()
        added = self._catalogue(categories)
        self._trade_units()
        buyer, _ = ensure_user(*DEMO_BUYER)
        demo_name, demo_vat, demo_addresses = DEMO_COMPANY
        ensure_addresses(ensure_own_company(buyer, demo_name, demo_vat), buyer, demo_addresses)
        staff, _ = ensure_user(*STAFF_USER, staff=True)
        ensure_own_company(staff, STAFF_COMPANY)
        logins = self._companies()
        self._vat_rates()
        self._labels()
        self._contract_prices()
        self._saved_lists(buyer)
        with order_mail_suppressed():
            orders = self._past_orders(buyer)
            orders += self._company_histories(staff, rng)
        generated = self._generated(products, list(categories.values()), rng) if products else 0
        self.stdout.write(
            f"Catalogue: {Category.objects.count()} categories, {Product.objects.count()} products "
            f"({added} added now, {generated} generated now); demo orders added: {orders}."
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo buyer: {DEMO_BUYER[0]} / {DEMO_BUYER[1]}\n"
                f"Staff (admin at /admin/): {STAFF_USER[0]} / {STAFF_USER[1]}\n"
                + "\n".join(f"{company}, {role}: {email} / {password}" for company, role, email, password in logins)
            )
        )

    def _companies(self) -> list[tuple[str, str, str, str]]:
        """The sample companies with an admin, a buyer and a viewer each; returns their logins."""
        logins = []
        for name, vat_number, po_required, domain, addresses in COMPANIES:
            with transaction.atomic():
                admin, _ = ensure_user(f"admin@{domain}", "demo-admin-pass")
                company = ensure_own_company(admin, name, vat_number, po_required)
                ensure_addresses(company, admin, addresses)
                for role in SAMPLE_ROLES:
                    email, password = f"{role}@{domain}", f"demo-{role}-pass"
                    user, _ = ensure_user(email, password)
                    if membership_for(user) is None:
                        company_services.member_add(company=company, user=user, role=role)
                    logins.append((name, role, email, password))
        return logins

    def _vat_rates(self) -> None:
        """The standard-rated products' VAT, also on a database made before VAT rates existed
        (those still at the default 0%)."""
        for sku, rate in VAT_RATES.items():
            Product.objects.filter(sku=sku, vat_rate=0).update(vat_rate=Decimal(rate))

    def _labels(self) -> None:
        """Allergens, dietary marks and origin, also on a database made before they existed
        (products still declaring nothing)."""
        for sku, (allergens, dietary, origin) in PRODUCT_LABELS.items():
            Product.objects.filter(sku=sku, allergens=0, dietary=0, origin="").update(
                allergens=ALLERGENS.mask(allergens), dietary=DIETARY.mask(dietary), origin=origin
            )

    def _contract_prices(self) -> None:
        by_sku = dict(Product.objects.values_list("sku", "pk"))
        for name, prices in CONTRACT_PRICES.items():
            company = Company.objects.filter(name=name).first()
            if company is None:
                continue
            for sku, price in prices:
                ContractPrice.objects.get_or_create(
                    company=company, product_id=by_sku[sku], defaults={"price": Decimal(price)}
                )

    def _saved_lists(self, demo_buyer: Any) -> None:
        """Each company's lists, made by its buyer through the service; a list already there
        (by name) is left as it is."""
        by_sku = dict(Product.objects.values_list("sku", "pk"))
        buyers = {DEMO_COMPANY[0]: demo_buyer}
        for name, _vat, _po, domain, _addresses in COMPANIES:
            buyers[name] = get_user_model().objects.filter(email=f"buyer@{domain}").first()
        for company_name, lists in SAVED_LISTS.items():
            buyer = buyers.get(company_name)
            membership = membership_for(buyer) if buyer else None
            if membership is None:
                continue
            for list_name, items in lists:
                if SavedList.objects.filter(company=membership.company, name__iexact=list_name).exists():
                    continue
                saved_lists.saved_list_create(
                    user=buyer, name=list_name, items=[(by_sku[sku], qty) for sku, qty in items]
                )

    def _trade_units(self) -> None:
        """Each sample product's measure, pack rules and price breaks, also on a database made
        before they existed: a measure where none is set, rules where both are still 1, breaks
        where the product has none (a staff edit since is kept)."""
        units = {sku: unit for rows in PRODUCTS.values() for sku, _name, unit, *_rest in rows}
        for product in Product.objects.filter(sku__in=units, measure_amount__isnull=True):
            if (measure := measure_of(units[product.sku])) is not None:
                Product.objects.filter(pk=product.pk).update(
                    measure_amount=measure[0], measure_unit=measure[1]
                )
        for sku, (minimum, multiple) in PACK_RULES.items():
            Product.objects.filter(sku=sku, min_order_quantity=1, order_multiple=1).update(
                min_order_quantity=minimum, order_multiple=multiple
            )
        priced = set(PriceBreak.objects.values_list("product__sku", flat=True))
        for product in Product.objects.filter(sku__in=PRICE_BREAKS).exclude(sku__in=priced):
            services.product_set_price_breaks(
                product_id=product.pk, price_breaks=PRICE_BREAKS[product.sku]
            )

    def _categories(self) -> dict[str, Category]:
        result = {}
        for slug, (name, description) in CATEGORIES.items():
            result[slug], _ = Category.objects.get_or_create(
                slug=slug, defaults={"name": name, "description": description}
            )
        return result

    def _catalogue(self, categories: dict[str, Category]) -> int:
        existing = set(Product.objects.values_list("sku", flat=True))
        added = 0
        for slug, rows in PRODUCTS.items():
            for sku, name, unit, price, stock, description in rows:
                if sku in existing:
                    continue
                services.product_create(
                    sku=sku,
                    name=name,
                    category=categories[slug],
                    unit=unit,
                    price=Decimal(price),
                    initial_stock=stock,
                    description=description,
                )
                added += 1
        return added

    def _past_orders(self, buyer: Any) -> int:
        if Order.objects.filter(user=buyer).exists():
            return 0
        by_sku = dict(Product.objects.values_list("sku", "pk"))
        baskets = [
            [("FLR-STRW-25", 4), ("LEV-YST-FRS-1", 6), ("SLT-FINE-25", 1)],
            [("FLR-RYE-DK-25", 2), ("SPC-CAR-GRN-500", 1)],
            [("SUG-CAST-25", 2), ("DRY-BUT-UNS-10", 3), ("CHC-DRK-70-5", 1)],
        ]
        placed = []
        with transaction.atomic():
            for basket in baskets:
                lines = [(by_sku[sku], qty) for sku, qty in basket]
                placed.append(services.order_place(user=buyer, lines=lines).order)
        services.order_cancel(user=buyer, order_id=placed[1].pk)
        return len(placed)

    def _company_histories(self, staff: Any, rng: random.Random) -> int:
        """A year of orders for each sample company, placed by its buyer, in every status: the
        older ones delivered, a few cancelled, the latest confirmed, dispatched or just placed.
        Each goes through the services (stock, ledger, status history by the staff user);
        only its timestamps are moved back afterwards, so the history and spend read as a year."""
        now = timezone.now()
        stocked = {
            product.pk: product
            for product in Product.objects.filter(is_active=True, stock__gte=40)
            .exclude(sku__startswith=GENERATED_SKU_PREFIX)
            .order_by("sku")
        }
        # (days ago, final status), oldest first: every status, spread over twelve months.
        history = [
            (350, Status.DELIVERED), (300, Status.DELIVERED), (250, Status.CANCELLED), (200, Status.DELIVERED),
            (150, Status.DELIVERED), (100, Status.DELIVERED), (60, Status.CANCELLED), (30, Status.DELIVERED),
            (9, Status.DISPATCHED), (4, Status.CONFIRMED), (1, Status.PLACED),
        ]
        steps = [Status.CONFIRMED, Status.DISPATCHED, Status.DELIVERED]
        placed: list[tuple[datetime, Order, str]] = []
        for name, _vat, _po_required, domain, _addresses in COMPANIES:
            company = Company.objects.filter(name=name).first()
            buyer = get_user_model().objects.filter(email=f"buyer@{domain}").first()
            if company is None or buyer is None or Order.objects.filter(company=company).exists():
                continue
            for n, (days_ago, final) in enumerate(history, start=1):
                # One to three times the smallest quantity each product's pack rules allow.
                lines = [
                    (pk, rng.randint(1, 3) * first_quantity(stocked[pk]))
                    for pk in rng.sample(sorted(stocked), rng.randint(1, 4))
                ]
                details = OrderDetails(po_number=f"{domain.split('.')[0][:3].upper()}-{2026_000 + n}")
                order = services.order_place(user=buyer, lines=lines, details=details).order
                placed_at = now - timedelta(days=days_ago, hours=rng.randint(0, 6))
                placed.append((placed_at, order, final))
        # Moved along oldest first across the companies, so the invoices issued on dispatch
        # are numbered in the order of their (back-dated) dispatch dates.
        for placed_at, order, final in sorted(placed, key=lambda each: (each[0], each[1].pk)):
            if final == Status.CANCELLED:
                services.order_cancel(user=order.user, order_id=order.pk)
            elif final != Status.PLACED:
                for step in steps[: steps.index(final) + 1]:
                    services.order_advance(order_id=order.pk, to_status=step, by=staff)
            Order.objects.filter(pk=order.pk).update(
                created_at=placed_at,
                cancelled_at=placed_at + timedelta(days=1) if final == Status.CANCELLED else None,
            )
            for k, change in enumerate(order.status_changes.order_by("at", "pk"), start=1):
                OrderStatusChange.objects.filter(pk=change.pk).update(at=placed_at + timedelta(days=k))
                if change.status == Status.DISPATCHED:
                    Invoice.objects.filter(order=order).update(issued_at=placed_at + timedelta(days=k))
        return len(placed)

    def _generated(self, wanted: int, categories: list[Category], rng: random.Random) -> int:
        have = Product.objects.filter(sku__startswith=GENERATED_SKU_PREFIX).count()
        if have >= wanted:
            return 0
        words = ["Organic", "Fine", "Coarse", "Roasted", "Heritage", "Premium", "Milled", "Dried"]
        things = ["barley", "millet", "quinoa", "buckwheat", "chickpea flour", "rice flour",
                  "maize", "teff", "sorghum", "tapioca", "amaranth", "carob", "fennel", "anise"]
        units = ["1 kg bag", "5 kg bag", "10 kg sack", "25 kg sack", "20 l drum"]
        new = [
            Product(
                sku=f"{GENERATED_SKU_PREFIX}{n:07d}",
                name=f"{rng.choice(words)} {rng.choice(things)} {n}",
                description=f"Generated product {n} for load testing.",
                category=rng.choice(categories),
                unit=rng.choice(units),
                price=Decimal(rng.randint(150, 15000)) / 100,
                stock=rng.randint(0, 500),
            )
            for n in range(have + 1, wanted + 1)
        ]
        # Labels from a generator of their own: the products' other fields stay as they were
        # generated before labels existed, for the benchmarks' sake.
        labels = random.Random(rng.random())
        for product in new:
            product.allergens, product.dietary, product.origin = _generated_labels(
                product.name, labels
            )
        return services.products_bulk_add(products=new)


GLUTEN_GRAINS = ("barley",)
TRACE_ALLERGENS = ["sesame", "mustard", "soya", "celery", "peanuts", "tree_nuts", "milk", "sulphites"]
ORIGINS = ["England", "France", "Germany", "India", "Italy", "Peru", "Poland", "Spain", "Turkey", "USA"]


def _generated_labels(name: str, rng: random.Random) -> tuple[int, int, str]:
    """Plausible (allergens, dietary, origin) for a generated product: barley declares gluten,
    some products one other allergen (processed alongside it); "Organic" names are organic,
    most are vegan, some halal or kosher."""
    allergens = ["cereals_gluten"] if any(grain in name for grain in GLUTEN_GRAINS) else []
    if rng.random() < 0.25:
        allergens.append(rng.choice(TRACE_ALLERGENS))
    dietary = ["organic"] if name.startswith("Organic") else []
    if "milk" not in allergens:
        dietary += ["vegetarian", "vegan"] if rng.random() < 0.9 else ["vegetarian"]
    elif rng.random() < 0.9:
        dietary.append("vegetarian")
    if rng.random() < 0.3:
        dietary.append("halal")
    if rng.random() < 0.2:
        dietary.append("kosher")
    return ALLERGENS.mask(set(allergens)), DIETARY.mask(dietary), rng.choice(ORIGINS)

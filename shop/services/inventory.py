"""Products and staff stock changes: every change leaves a ledger row."""

from collections.abc import Iterable
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from shop.exceptions import ProductUnavailable, StockWouldGoNegative
from shop.models import Category, PriceBreak, Product, StockMovement
from shop.services.stock import apply_stock_changes, movements_for


def product_create(
    *,
    sku: str,
    name: str,
    category: Category,
    unit: str,
    price: Decimal,
    initial_stock: int = 0,
    description: str = "",
    currency: str = "GBP",
    is_active: bool = True,
    user: AbstractBaseUser | None = None,
    vat_rate: Decimal = Decimal("0.00"),
    measure_amount: Decimal | None = None,
    measure_unit: str = "",
    min_order_quantity: int = 1,
    order_multiple: int = 1,
    price_breaks: Iterable[tuple[int, Decimal | str]] = (),
) -> Product:
    """Create a product with its initial stock recorded as the ledger's first row, and its
    price breaks ((min_quantity, unit_price) pairs: the list price is the 1+ tier)."""
    product = Product(
        sku=sku,
        name=name,
        category=category,
        unit=unit,
        price=price,
        currency=currency,
        description=description,
        is_active=is_active,
        vat_rate=vat_rate,
        measure_amount=measure_amount,
        measure_unit=measure_unit,
        min_order_quantity=min_order_quantity,
        order_multiple=order_multiple,
    )
    with transaction.atomic():
        product_add(product=product, initial_stock=initial_stock, user=user)
        product_set_price_breaks(product_id=product.pk, price_breaks=price_breaks)
    return product


def product_set_price_breaks(
    *, product_id: int, price_breaks: Iterable[tuple[int, Decimal | str]]
) -> list[PriceBreak]:
    """Replace a product's price breaks with (min_quantity, unit_price) pairs."""
    tiers = [
        PriceBreak(product_id=product_id, min_quantity=quantity, unit_price=Decimal(price))
        for quantity, price in price_breaks
    ]
    with transaction.atomic():
        PriceBreak.objects.filter(product_id=product_id).delete()
        return PriceBreak.objects.bulk_create(tiers)


def product_add(
    *, product: Product, initial_stock: int = 0, user: AbstractBaseUser | None = None
) -> Product:
    """Save a new (unsaved) product with its initial stock as the ledger's first row."""
    if initial_stock < 0:
        raise StockWouldGoNegative(0, initial_stock, 0)
    if product.pk is not None:
        raise ValueError("product_add is for new products; change stock with stock_adjust.")
    with transaction.atomic():
        product.stock = initial_stock
        product.save()
        StockMovement.objects.create(
            product=product,
            quantity=initial_stock,
            reason=StockMovement.Reason.INITIAL,
            user=user,
        )
    return product


def stock_adjust(
    *,
    product_id: int,
    change: int,
    reason: str = StockMovement.Reason.RESTOCK,
    user: AbstractBaseUser | None = None,
    note: str = "",
) -> int:
    """Add a signed change to a product's stock (restock or correction). Returns the new stock."""
    if reason not in (StockMovement.Reason.RESTOCK, StockMovement.Reason.CORRECTION):
        raise ValueError(f"Staff stock changes are restocks or corrections, not {reason!r}.")
    if change == 0:
        return Product.objects.values_list("stock", flat=True).get(pk=product_id)
    with transaction.atomic():
        StockMovement.objects.bulk_create(
            movements_for(
                {product_id: change},
                reason=reason,
                user_id=user.pk if user else None,
                note=note,
            )
        )
        applied = apply_stock_changes({product_id: change})
        if product_id not in applied:
            available = Product.objects.filter(pk=product_id).values_list("stock", flat=True).first()
            if available is None:
                raise ProductUnavailable(product_id)
            raise StockWouldGoNegative(product_id, change, available)
    return applied[product_id]


def stock_set(
    *, product_id: int, new_stock: int, user: AbstractBaseUser | None = None, note: str = ""
) -> int:
    """Set stock to a counted figure, recorded as a correction of the difference."""
    if new_stock < 0:
        raise StockWouldGoNegative(product_id, new_stock, 0)
    with transaction.atomic():
        current = (
            Product.objects.select_for_update(no_key=True)
            .values_list("stock", flat=True)
            .filter(pk=product_id)
            .first()
        )
        if current is None:
            raise ProductUnavailable(product_id)
        return stock_adjust(
            product_id=product_id,
            change=new_stock - current,
            reason=StockMovement.Reason.CORRECTION,
            user=user,
            note=note,
        )


def products_bulk_add(*, products: list[Product], batch_size: int = 2000) -> int:
    """Insert many new products (stock already set on each) with their initial ledger rows.

    For generated load-test catalogues; two bulk inserts per batch instead of two per product.
    """
    created = 0
    for start in range(0, len(products), batch_size):
        batch = products[start : start + batch_size]
        if any(p.stock < 0 for p in batch):
            raise StockWouldGoNegative(0, min(p.stock for p in batch), 0)
        with transaction.atomic():
            saved = Product.objects.bulk_create(batch)
            StockMovement.objects.bulk_create(
                StockMovement(product=p, quantity=p.stock, reason=StockMovement.Reason.INITIAL)
                for p in saved
            )
        created += len(saved)
    return created

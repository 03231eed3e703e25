from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from shop.allergens import ALLERGENS, DIETARY
from shop.exceptions import StockWriteRefused


class Category(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


# Written only by shop.services.stock, whose UPDATE adds the change to the current row and bumps
# stock_version. Any other write would put back a figure read earlier: orders placed meanwhile
# would be sold twice and the ledger would no longer balance.
STOCK_FIELDS = frozenset({"stock", "stock_version"})


def refuse_stock_fields(fields: Iterable[str]) -> None:
    """Raise StockWriteRefused when a write names the stock columns."""
    named = STOCK_FIELDS.intersection(fields)
    if named:
        raise StockWriteRefused(sorted(named))


class ProductQuerySet(models.QuerySet):
    """Bulk writes cannot name the stock columns (async variants call these)."""

    def update(self, **kwargs: Any) -> int:
        refuse_stock_fields(kwargs)
        return super().update(**kwargs)

    def bulk_update(self, objs: Iterable["Product"], fields: Iterable[str], **kwargs: Any) -> int:
        fields = list(fields)
        refuse_stock_fields(fields)
        return super().bulk_update(objs, fields, **kwargs)

    def bulk_create(self, objs: Iterable["Product"], *args: Any, **kwargs: Any) -> list["Product"]:
        # update_conflicts rewrites existing rows: new rows may carry their initial stock,
        # existing ones may not have it replaced.
        refuse_stock_fields(kwargs.get("update_fields") or ())
        return super().bulk_create(objs, *args, **kwargs)


class ProductManager(models.Manager.from_queryset(ProductQuerySet)):  # type: ignore[misc]
    # Data migrations get the same guard on their historical models' managers.
    use_in_migrations = True


class MeasureUnit(models.TextChoices):
    KG = "kg", "kg"
    L = "l", "l"
    EACH = "each", "each"


class Product(models.Model):
    MeasureUnit = MeasureUnit

    sku = models.CharField("SKU", max_length=40, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    unit = models.CharField(max_length=60, help_text='Pack size as sold, e.g. "25 kg sack".')
    price = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3, default="GBP")
    # Changed only through shop.services.stock: every change writes a StockMovement row.
    # save() leaves it out, bulk writes refuse it, and a database trigger refuses any UPDATE
    # that changes it without bumping stock_version by one as the stock service does.
    stock = models.IntegerField(default=0)
    stock_version = models.BigIntegerField(default=0, db_default=0, editable=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    vat_rate = models.DecimalField(
        "VAT rate (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="UK VAT in percent: 0 for most food, 20 for confectionery, soft drinks, "
        "cleaning and packaging.",
    )
    # What one pack holds ("25 kg sack" is 25 kg): the price per kg, l or each is worked out
    # from it. Both or neither.
    measure_amount = models.DecimalField(
        max_digits=10,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.001"))],
        help_text="What one pack holds, e.g. 25 for a 25 kg sack.",
    )
    measure_unit = models.CharField(max_length=4, choices=MeasureUnit, blank=True, default="")
    # The pack rules (shop.services.packs): a quantity is allowed when it is at least the
    # minimum and a whole multiple of the multiple.
    min_order_quantity = models.PositiveIntegerField(
        "minimum order quantity",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(settings.SHOP_MAX_LINE_QUANTITY)],
        help_text="The fewest packs one order line may hold.",
    )
    order_multiple = models.PositiveIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(settings.SHOP_MAX_LINE_QUANTITY)],
        help_text="Sold only in whole multiples of this many packs, e.g. 8 for a pallet layer.",
    )
    # Bitmasks of shop.allergens.ALLERGENS and DIETARY (why bitmasks: that module's docstring).
    allergens = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(ALLERGENS.all_bits)],
        help_text="The declarable allergens the product contains.",
    )
    dietary = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(DIETARY.all_bits)],
        help_text="Dietary marks the product carries.",
    )
    origin = models.CharField(
        max_length=60, blank=True, default="", help_text='Country or region, e.g. "England".'
    )
    # Kept by the database on PostgreSQL (a trigger of migration 0012: name, SKU, category
    # name, unit, description and origin, weighted); always NULL on SQLite, whose search
    # is shop.search's word match.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ProductManager()

    class Meta:
        ordering = ["name"]
        base_manager_name = "objects"
        constraints = [
            models.CheckConstraint(condition=Q(stock__gte=0), name="product_stock_not_negative"),
            models.CheckConstraint(condition=Q(price__gte=0), name="product_price_not_negative"),
            models.CheckConstraint(
                condition=Q(vat_rate__gte=0, vat_rate__lte=100), name="product_vat_rate_percent"
            ),
            models.CheckConstraint(
                condition=Q(min_order_quantity__gte=1), name="product_min_order_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(order_multiple__gte=1), name="product_order_multiple_positive"
            ),
            models.CheckConstraint(
                condition=Q(measure_amount__isnull=True, measure_unit="")
                # isnull=False too: a NULL amount makes "> 0" unknown, which a CHECK lets by.
                | Q(
                    measure_amount__isnull=False,
                    measure_amount__gt=0,
                    measure_unit__in=MeasureUnit.values,
                ),
                name="product_measure_amount_and_unit",
            ),
        ]
        indexes = [
            models.Index(fields=["is_active", "name"], name="product_active_name"),
            models.Index(fields=["is_active", "price"], name="product_active_price"),
            models.Index(fields=["is_active", "stock"], name="product_active_stock"),
            models.Index(fields=["category", "is_active", "name"], name="product_category_name"),
            # The facet counts' one grouped read (selectors.product_facets) as an index-only
            # scan: 18 ms instead of 48 ms over 100,000 products.
            models.Index(
                fields=["is_active", "category", "allergens", "dietary", "stock"],
                name="product_facets",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.sku})"

    def get_absolute_url(self) -> str:
        return reverse("shop:product_detail", args=[self.pk])

    @property
    def name_with_pack(self) -> str:
        """The name with the pack ("Strong white bread flour (16 kg sack)"): two products may
        share a name and differ only in their pack, so messages and lines always say both."""
        return f"{self.name} ({self.unit})" if self.unit else self.name

    def save(self, **kwargs: Any) -> None:
        """Save a new product with its stock, or an existing one's other fields only.

        An existing row's stock is never written back from this instance: the figure it holds
        was read earlier and orders may have taken stock since (the admin's form, a shell, a
        data migration). Naming stock in update_fields is refused.
        """
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            refuse_stock_fields(update_fields)
        elif not self._state.adding:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in STOCK_FIELDS
            ]
        super().save(**kwargs)

    def clean(self) -> None:
        from shop.services.packs import first_quantity  # shop.services imports this module

        errors: dict[str, str] = {}
        if (self.measure_amount is None) != (not self.measure_unit):
            field = "measure_unit" if self.measure_amount is not None else "measure_amount"
            errors[field] = "Give both the amount and the unit of the measure, or neither."
        if (
            self.min_order_quantity
            and self.order_multiple
            and first_quantity(self) > settings.SHOP_MAX_LINE_QUANTITY
        ):
            errors["min_order_quantity"] = (
                f"With this minimum and multiple the smallest order would be "
                f"{first_quantity(self):,}, over the line limit of "
                f"{settings.SHOP_MAX_LINE_QUANTITY:,}."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def first_order_quantity(self) -> int:
        """The smallest quantity the pack rules allow (shop.services.packs)."""
        from shop.services.packs import first_quantity

        return first_quantity(self)

    @property
    def in_stock(self) -> bool:
        return self.stock > 0

    @property
    def allergen_codes(self) -> list[str]:
        return ALLERGENS.codes_in(self.allergens)

    @property
    def dietary_codes(self) -> list[str]:
        return DIETARY.codes_in(self.dietary)

    @property
    def allergen_labels(self) -> list[str]:
        return ALLERGENS.labels_in(self.allergens)

    @property
    def allergen_long_labels(self) -> list[str]:
        return ALLERGENS.full_labels_in(self.allergens)

    @property
    def dietary_labels(self) -> list[str]:
        return DIETARY.labels_in(self.dietary)

    @property
    def dietary_labels_compact(self) -> list[str]:
        """For a catalogue row: "Vegan" says "Vegetarian" already."""
        codes = self.dietary_codes
        implied = {"vegetarian"} if "vegan" in codes else set()
        return [DIETARY.labels[code] for code in codes if code not in implied]

    @property
    def is_low_stock(self) -> bool:
        return 0 < self.stock <= settings.SHOP_LOW_STOCK_THRESHOLD


class PriceBreak(models.Model):
    """A volume tier on a product's list price: from `min_quantity` packs on one order line, each
    costs `unit_price`. The list price itself is the 1+ tier. A company's contract price holds
    at every quantity instead (shop.services.pricing)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="price_breaks")
    min_quantity = models.PositiveIntegerField(
        "from quantity", validators=[MinValueValidator(2)], help_text="2 or more packs."
    )
    unit_price = models.DecimalField(
        "unit price", max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        ordering = ["product", "min_quantity"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "min_quantity"], name="price_break_one_per_quantity"
            ),
            models.CheckConstraint(condition=Q(min_quantity__gt=1), name="price_break_above_one"),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="price_break_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}: {self.min_quantity}+ at {self.unit_price}"


class SearchWord(models.Model):
    """A word of the catalogue's product texts (names, categories, units, descriptions), for
    the search's "did you mean" (selectors.search_suggestion): a trigram index over a few
    thousand words answers in a millisecond where one over every product name would not.

    Filled by the database on PostgreSQL (migration 0012's trigger, as products are added or
    renamed). Words of withdrawn products stay: a suggestion is only offered when it finds
    products. Unused on SQLite, whose suggestions come from the product texts themselves.
    """

    word = models.CharField(max_length=40, primary_key=True)
    # In a product's name or a category's name (else only in units and descriptions): between
    # two equally close spellings, "flowr" means "flour" rather than "floor" (of "floor-malted").
    in_names = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.word


class CartItem(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cart_items"
    )
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField()
    added_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "product"], name="cart_one_line_per_product"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="cart_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_id} for {self.user_id}"

    @property
    def unit_price(self) -> Decimal:
        """What one pack of this line costs the company at this quantity: its contract price
        when the read annotated one, else the list price's tier for the quantity (read the
        product's price_breaks with the cart: shop.selectors.cart_items_for)."""
        from shop.services.pricing import cart_item_price  # shop.services imports this module

        return cart_item_price(self).amount

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity


class Order(models.Model):
    class Status(models.TextChoices):
        PLACED = "placed", "Placed"
        CONFIRMED = "confirmed", "Confirmed"
        DISPATCHED = "dispatched", "Dispatched"
        DELIVERED = "delivered", "Delivered"
        CANCELLED = "cancelled", "Cancelled"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders"
    )
    status = models.CharField(max_length=16, choices=Status, default=Status.PLACED)
    currency = models.CharField(max_length=3, default="GBP")
    total = models.DecimalField(max_digits=12, decimal_places=2)
    line_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=255, null=True, blank=True)
    # sha256 of the normalised request lines: a replay with another body is refused.
    request_fingerprint = models.CharField(max_length=64, blank=True)
    # The order belongs to the company; `user` is who placed it ("placed by").
    company = models.ForeignKey(
        "companies.Company", on_delete=models.PROTECT, related_name="orders"
    )
    po_number = models.CharField("PO number", max_length=35, blank=True, default="")
    delivery_date = models.DateField(null=True, blank=True)
    notes = models.TextField(max_length=1000, blank=True, default="")
    # The delivery address as it was when ordered; the link is kept while the address exists.
    delivery_address = models.ForeignKey(
        "companies.Address", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    delivery_label = models.CharField(max_length=100, blank=True, default="")
    delivery_lines = models.TextField(blank=True, default="")
    delivery_postcode = models.CharField(max_length=16, blank=True, default="")
    delivery_country = models.CharField(max_length=2, blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="order_idempotency_key_per_user",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="order_user_created"),
            models.Index(fields=["company", "-created_at"], name="order_company_created"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def has_delivery_address(self) -> bool:
        return bool(self.delivery_label or self.delivery_lines or self.delivery_postcode)

    @property
    def delivery_line_list(self) -> list[str]:
        return [line.strip() for line in self.delivery_lines.splitlines() if line.strip()]

    @property
    def reference(self) -> str:
        return f"ORD-{self.pk:06d}" if self.pk else "ORD-new"

    @property
    def is_cancellable(self) -> bool:
        return self.status in ORDER_CANCELLABLE_STATUSES

    @property
    def next_status(self) -> "Order.Status | None":
        """The step that should come next (None once delivered or cancelled)."""
        return ORDER_NEXT_STATUS.get(self.status)

    def status_history(self, changes: Iterable["OrderStatusChange"] | None = None) -> list["StatusStep"]:
        """Every status the order has had, oldest first, `placed` included.

        The `placed` step is the order's own created_at and user (written with the order in
        its one INSERT); later changes are OrderStatusChange rows (prefetch `status_changes`),
        or `changes` when the caller knows them (none for an order just written).
        """
        placed = StatusStep(status=self.Status.PLACED, at=self.created_at, by=self.user_id, by_staff=False)
        changes = [
            StatusStep(status=change.status, at=change.at, by=change.by_id, by_staff=change.by_staff)
            for change in (self.status_changes.all() if changes is None else changes)
        ]
        return [placed, *changes]

    def get_absolute_url(self) -> str:
        return reverse("shop:order_detail", args=[self.pk])


# The life cycle: each status and the one that may follow it; cancelled ends it, and only an
# order not yet dispatched can be cancelled.
ORDER_NEXT_STATUS = {
    Order.Status.PLACED: Order.Status.CONFIRMED,
    Order.Status.CONFIRMED: Order.Status.DISPATCHED,
    Order.Status.DISPATCHED: Order.Status.DELIVERED,
}
ORDER_CANCELLABLE_STATUSES = frozenset({Order.Status.PLACED, Order.Status.CONFIRMED})


@dataclass(frozen=True)
class StatusStep:
    status: str
    at: datetime
    by: int | None  # the user's id
    by_staff: bool

    @property
    def label(self) -> str:
        return Order.Status(self.status).label


def line_as_shown(name: str, unit: str, tiebreak: int | None) -> tuple[str, str, int]:
    """Where a line goes on a page: by name, then pack. One order for the cart, the review,
    the order page, its documents and its mails, so a buyer finds each line where the cart
    showed it (an order's lines are written by product id, for the stock locks)."""
    return (name.casefold(), unit.casefold(), tiebreak or 0)


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    # Copied at order time: later price or name changes do not rewrite history.
    sku = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=60)
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    quantity = models.PositiveIntegerField()
    line_total = models.DecimalField(max_digits=12, decimal_places=2)
    # Copied at order time, like unit_price: a later change of the product's rate does not
    # rewrite the order's VAT.
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0.00"))

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="order_line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.sku}"

    @property
    def name_with_pack(self) -> str:
        """As Product.name_with_pack, from the name and pack copied at order time."""
        return f"{self.name} ({self.unit})" if self.unit else self.name

    @property
    def as_shown(self) -> tuple[str, str, int]:
        return line_as_shown(self.name, self.unit, self.product_id)


class StockMovement(models.Model):
    class Reason(models.TextChoices):
        INITIAL = "initial", "Initial stock"
        RESTOCK = "restock", "Restock"
        ORDER = "order", "Order"
        CANCELLATION = "cancellation", "Cancellation"
        CORRECTION = "correction", "Correction"

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="movements")
    quantity = models.IntegerField(help_text="Signed: negative takes stock out.")
    reason = models.CharField(max_length=16, choices=Reason)
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.PROTECT, related_name="movements"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The buyer or staff member behind the change.",
    )
    note = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["product", "created_at"], name="movement_product_created")]

    def __str__(self) -> str:
        return f"{self.quantity:+d} {self.product_id} ({self.reason})"


class ApiToken(models.Model):
    """A personal API key. Only a short lookup prefix and a hash of the secret are stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class OrderStatusChange(models.Model):
    """One change of an order's status after it was placed: who made it and when."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(max_length=16, choices=Order.Status)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Whether `by` acted as the shop (staff in the admin) rather than as the buyer: kept on
    # the row so the timeline stays right if the user's staff flag changes later.
    by_staff = models.BooleanField(default=False)
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["order", "at"], name="order_status_change_order_at")]

    def __str__(self) -> str:
        return f"{self.order_id} -> {self.status}"


class InvoiceSequence(models.Model):
    """The last invoice number issued: one row (id 1), locked by each dispatch that issues one.

    A counter row rather than a database SEQUENCE: a sequence's value is spent even when the
    transaction that drew it rolls back, which would leave a gap in the invoice numbers; this
    row's increment rolls back with the dispatch (shop.services.invoices).
    """

    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="invoice_sequence_single_row"),
        ]

    def __str__(self) -> str:
        return f"last invoice number {self.last_number}"


class Invoice(models.Model):
    """The invoice of a dispatched order, issued once, in the dispatch's transaction.

    What it says about the buyer (name, VAT number, invoice address) is copied when it is
    issued, like an order line's price: a later rename or move does not change an issued
    invoice. The lines and amounts are the order's, which never change after it is placed.
    """

    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="invoice")
    # 1, 2, 3, ... without gaps (InvoiceSequence); shown as INV-000001.
    number = models.PositiveIntegerField(unique=True, editable=False)
    issued_at = models.DateTimeField(default=timezone.now)
    company_name = models.CharField(max_length=200)
    vat_number = models.CharField("VAT number", max_length=20, blank=True, default="")
    # The company's default address when issued (the delivery address if it had none).
    address_label = models.CharField(max_length=100, blank=True, default="")
    address_lines = models.TextField(blank=True, default="")
    address_postcode = models.CharField(max_length=16, blank=True, default="")
    address_country = models.CharField(max_length=2, blank=True, default="")
    # The seller as settings.SHOP_SELLER said when issued: changing it leaves this invoice be.
    seller_name = models.CharField(max_length=200, blank=True, default="")
    seller_address = models.TextField(blank=True, default="")
    seller_vat_number = models.CharField(max_length=30, blank=True, default="")
    seller_email = models.CharField(max_length=254, blank=True, default="")

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.CheckConstraint(condition=Q(number__gte=1), name="invoice_number_positive"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return invoice_reference(self.number)

    @property
    def address_line_list(self) -> list[str]:
        return [line.strip() for line in self.address_lines.splitlines() if line.strip()]

    @property
    def seller(self) -> dict[str, Any]:
        """The seller as issued, in settings.SHOP_SELLER's shape."""
        return {
            "name": self.seller_name,
            "address": [line for line in self.seller_address.splitlines() if line.strip()],
            "vat_number": self.seller_vat_number,
            "email": self.seller_email,
        }


def invoice_reference(number: int) -> str:
    return f"INV-{number:06d}"


class SavedList(models.Model):
    """A company's named list of products and quantities ("Thursday bakery order"), put into
    the cart in one go. Every member sees the company's lists; buyers and admins change them."""

    company = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="saved_lists"
    )
    name = models.CharField(max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            # "Thursday order" and "thursday order" are one list to a buyer choosing from a menu.
            models.UniqueConstraint(
                Lower("name"), "company", name="saved_list_name_unique_per_company"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("shop:saved_list", args=[self.pk])


class SavedListItem(models.Model):
    saved_list = models.ForeignKey(SavedList, on_delete=models.CASCADE, related_name="items")
    # A product taken off the catalogue leaves the lists with it.
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField()
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["saved_list", "product"], name="saved_list_one_line_per_product"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="saved_list_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_id} on list {self.saved_list_id}"

    @property
    def unit_price(self) -> Decimal:
        """As a cart line of this quantity would pay (read the items through
        shop.selectors.saved_list_items: contract price and price breaks)."""
        from shop.services.pricing import cart_item_price  # shop.services imports this module

        return cart_item_price(self).amount  # type: ignore[arg-type]  # an item like a cart line

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity

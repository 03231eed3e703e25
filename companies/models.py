"""Companies, their members and roles, delivery addresses, contract prices and invitations.

Every buyer belongs to exactly one company (Membership is one per user); what a member may do
is decided by the membership's role, checked on the server (companies.permissions).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    BUYER = "buyer", "Buyer"
    VIEWER = "viewer", "Viewer"


class Company(models.Model):
    name = models.CharField(max_length=200)
    vat_number = models.CharField("VAT number", max_length=20, blank=True)
    po_number_required = models.BooleanField(
        "PO number required",
        default=False,
        help_text="Every order must carry a purchase-order number.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "companies"

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.BUYER)
    joined_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["joined_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=Role.values), name="membership_role_valid"
            ),
        ]
        indexes = [models.Index(fields=["company", "role"], name="membership_company_role")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()} of {self.company})"


class Address(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="addresses")
    label = models.CharField(max_length=100, help_text="e.g. “Bakery” or “Warehouse”.")
    lines = models.TextField(help_text="One line per row: street, town.")
    postcode = models.CharField(max_length=16)
    country = models.CharField(max_length=2, default="GB", help_text="ISO 3166 code, e.g. GB.")
    is_default = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_default", "label", "id"]
        verbose_name_plural = "addresses"
        constraints = [
            # At most one default per company; the service keeps exactly one when any exist.
            models.UniqueConstraint(
                fields=["company"], condition=Q(is_default=True), name="one_default_address_per_company"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}, {self.postcode}"

    @property
    def line_list(self) -> list[str]:
        return [line.strip() for line in self.lines.splitlines() if line.strip()]


class ContractPrice(models.Model):
    """A company's own price for a product, at every quantity (applied by shop.services.pricing)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="contract_prices")
    product = models.ForeignKey("shop.Product", on_delete=models.CASCADE, related_name="contract_prices")
    price = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["company", "product"]
        constraints = [
            models.UniqueConstraint(fields=["company", "product"], name="one_contract_price_per_product"),
            models.CheckConstraint(condition=Q(price__gte=0), name="contract_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.company}: {self.product} at {self.price}"


class Invitation(models.Model):
    """An admin's invitation to join their company. The link's secret is stored only as a hash."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.BUYER)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="invitation_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.company}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "Accepted"
        if self.revoked_at:
            return "Revoked"
        if self.expires_at <= timezone.now():
            return "Expired"
        return "Pending"

    @property
    def is_usable(self) -> bool:
        return self.status == "Pending"

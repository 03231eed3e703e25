from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest

from shop import services
from shop.exceptions import StockWouldGoNegative
from companies.models import ContractPrice
from shop.models import ApiToken, Category, Order, OrderLine, Product, StockMovement


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


class ProductAdminForm(forms.ModelForm):
    """Stock is not a plain field: new products get an initial stock, existing ones a change."""

    initial_stock = forms.IntegerField(
        min_value=0, required=False, initial=0, help_text="Stock on hand when the product is added."
    )
    stock_change = forms.IntegerField(
        required=False,
        help_text="Signed change to apply now, e.g. 50 for a delivery or -3 for a damaged sack.",
    )
    stock_change_reason = forms.ChoiceField(
        choices=[
            (StockMovement.Reason.RESTOCK, "Restock"),
            (StockMovement.Reason.CORRECTION, "Correction"),
        ],
        required=False,
    )
    stock_note = forms.CharField(max_length=255, required=False)

    class Meta:
        model = Product
        exclude = ["stock"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        change = cleaned.get("stock_change")
        if self.instance.pk and change and self.instance.stock + change < 0:
            self.add_error(
                "stock_change",
                f"Stock is {self.instance.stock}; a change of {change:+d} would make it negative.",
            )
        return cleaned


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    form = ProductAdminForm
    list_display = [
        "sku", "name", "category", "unit", "price", "vat_rate", "currency", "stock", "is_active",
    ]
    list_filter = ["is_active", "category", "vat_rate"]
    search_fields = ["sku", "name"]
    list_select_related = ["category"]
    readonly_fields = ["stock", "created_at", "updated_at"]

    def get_fieldsets(self, request: HttpRequest, obj: Product | None = None) -> list:
        details = (
            None,
            {
                "fields": [
                    "sku", "name", "category", "description", "unit", "price", "vat_rate",
                    "currency", "is_active",
                ]
            },
        )
        if obj is None:
            return [details, ("Stock", {"fields": ["initial_stock"]})]
        return [
            details,
            ("Stock", {"fields": ["stock", "stock_change", "stock_change_reason", "stock_note"]}),
            ("Record", {"fields": ["created_at", "updated_at"]}),
        ]

    def save_model(self, request: HttpRequest, obj: Product, form: ProductAdminForm, change: bool) -> None:
        if not change:
            services.product_add(
                product=obj, initial_stock=form.cleaned_data.get("initial_stock") or 0, user=request.user
            )
            return
        obj.save()
        amount = form.cleaned_data.get("stock_change")
        if amount:
            try:
                new_stock = services.stock_adjust(
                    product_id=obj.pk,
                    change=amount,
                    reason=form.cleaned_data.get("stock_change_reason") or StockMovement.Reason.RESTOCK,
                    user=request.user,
                    note=form.cleaned_data.get("stock_note", ""),
                )
            except StockWouldGoNegative as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                obj.stock = new_stock
                self.message_user(request, f"Stock of {obj.sku} is now {new_stock}.")


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    fields = ["sku", "name", "unit", "unit_price", "quantity", "line_total", "vat_rate"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["reference", "user", "status", "line_count", "total", "currency", "created_at"]
    list_filter = ["status"]
    search_fields = ["user__email", "=id"]
    list_select_related = ["user"]
    inlines = [OrderLineInline]
    readonly_fields = [
        "user", "status", "currency", "total", "line_count", "created_at", "cancelled_at",
        "idempotency_key", "request_fingerprint",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        return False


@admin.register(StockMovement)
class StockMovementAdmin(admin.ModelAdmin):
    list_display = ["created_at", "product", "quantity", "reason", "order", "user", "note"]
    list_filter = ["reason"]
    search_fields = ["product__sku", "product__name"]
    list_select_related = ["product", "order", "user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: StockMovement | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: StockMovement | None = None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "prefix", "secret_hash", "created_at", "last_used_at"]
    list_select_related = ["user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ContractPrice)
class ContractPriceAdmin(admin.ModelAdmin):
    """Every company's contract prices in one list (each company's are also inline on it).
    A company pays its contract price for the product at every quantity (shop.services.pricing)."""

    list_display = ["company", "product", "price", "list_price"]
    list_select_related = ["company", "product"]
    search_fields = ["company__name", "product__sku", "product__name"]
    list_filter = ["company"]
    autocomplete_fields = ["company", "product"]

    @admin.display(description="List price", ordering="product__price")
    def list_price(self, obj: ContractPrice) -> Any:
        return obj.product.price

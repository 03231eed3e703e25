from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponseRedirect

from shop import services
from shop.allergens import ALLERGENS, DIETARY, CodeList
from companies.models import ContractPrice
from shop.exceptions import NotCancellable, OrderNotFound, StockWouldGoNegative, TransitionRefused
from shop.models import (
    ApiToken,
    Category,
    Order,
    OrderLine,
    OrderStatusChange,
    PriceBreak,
    Product,
    StockMovement,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


class CodeMaskField(forms.TypedMultipleChoiceField):
    """A product's bitmask (Product.allergens, Product.dietary) as a checkbox per code."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, codes: CodeList, **kwargs: Any) -> None:
        kwargs.pop("max_value", None)  # the model field's; the choices bound it here
        kwargs.pop("min_value", None)
        kwargs.pop("step_size", None)
        super().__init__(choices=codes.choices, required=False, **kwargs)
        self.codes = codes

    def prepare_value(self, value: Any) -> Any:
        return self.codes.codes_in(value) if isinstance(value, int) else value

    def clean(self, value: Any) -> int:  # type: ignore[override]
        return self.codes.mask(super().clean(value))

    def has_changed(self, initial: Any, data: Any) -> bool:
        return self.prepare_value(initial or 0) != [code for code in self.codes.codes if code in (data or [])]


class ProductAdminForm(forms.ModelForm):
    """Stock is not a plain field: new products get an initial stock, existing ones a change.
    Allergens and dietary marks are checkboxes."""

    allergens = CodeMaskField(
        ALLERGENS, label="Allergens", help_text="The declarable allergens the product contains."
    )
    dietary = CodeMaskField(DIETARY, label="Dietary marks")

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


class PriceBreakFormSet(forms.BaseInlineFormSet):
    """A ladder that goes down: each tier cheaper than the list price and than the tier below
    it, so a larger line never pays more per pack."""

    def clean(self) -> None:
        super().clean()
        tiers = sorted(
            (form.cleaned_data["min_quantity"], form.cleaned_data["unit_price"])
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("min_quantity") is not None
            and form.cleaned_data.get("unit_price") is not None
        )
        previous = self.instance.price  # as posted with it; None when the price was invalid
        for quantity, price in tiers:
            if previous is not None and price >= previous:
                raise forms.ValidationError(
                    f"The {quantity}+ price ({price}) must be below the list price and every "
                    "smaller quantity's price: larger lines pay less per pack."
                )
            previous = price


class PriceBreakInline(admin.TabularInline):
    """Volume tiers on the list price (the list price is the 1+ tier). A company's contract
    price holds at every quantity instead (shop.services.pricing)."""

    model = PriceBreak
    formset = PriceBreakFormSet
    extra = 0
    fields = ["min_quantity", "unit_price"]
    ordering = ["min_quantity"]
    verbose_name = "price break"
    verbose_name_plural = "Price breaks (the list price is the 1+ tier)"


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    form = ProductAdminForm
    inlines = [PriceBreakInline]
    list_display = [
        "sku", "name", "category", "unit", "price", "vat_rate", "currency", "stock",
        "min_order_quantity", "order_multiple", "is_active",
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
        pack = (
            "Pack and order rules",
            {
                "fields": [
                    ("measure_amount", "measure_unit"), "min_order_quantity", "order_multiple",
                ],
                "description": "The unit above is the pack's name; the measure is what one pack "
                "holds (a 25 kg sack: 25 kg), for the price per kg, l or each. An order line "
                "must hold at least the minimum, in whole multiples of the multiple.",
            },
        )
        labels = ("Allergens, dietary marks, origin", {"fields": ["allergens", "dietary", "origin"]})
        if obj is None:
            return [details, pack, labels, ("Stock", {"fields": ["initial_stock"]})]
        return [
            details,
            pack,
            labels,
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


class OrderStatusChangeInline(admin.TabularInline):
    """The order's status history after it was placed (read-only: changes go through the
    actions, which call shop.services.order_status)."""

    model = OrderStatusChange
    extra = 0
    can_delete = False
    fields = ["at", "status", "by", "by_staff", "note"]
    readonly_fields = fields
    verbose_name = "status change"
    verbose_name_plural = "Status history (after placing)"

    def has_add_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        return False


def _order_status_action(to_status: str, description: str) -> Any:
    """An admin action moving each selected order to `to_status` through the service: the
    orders that can move do; each refused one is reported with why."""

    @admin.action(description=description, permissions=["change"])
    def action(modeladmin: "OrderAdmin", request: HttpRequest, queryset: Any) -> None:
        modeladmin.apply_to_orders(request, queryset, to_status)

    action.__name__ = f"mark_{to_status}"
    return action


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = [
        "reference", "company", "user", "status", "invoice_number", "po_number", "line_count",
        "total", "currency", "created_at",
    ]
    list_filter = ["status", ("company", admin.RelatedOnlyFieldListFilter)]
    # Also an order's reference (ORD-000012) or its invoice's (INV-000007): get_search_results.
    search_fields = ["user__email", "company__name", "po_number", "=id"]
    list_select_related = ["user", "invoice", "company"]
    inlines = [OrderLineInline, OrderStatusChangeInline]
    actions = [
        _order_status_action(Order.Status.CONFIRMED, "Mark confirmed"),
        _order_status_action(Order.Status.DISPATCHED, "Mark dispatched"),
        _order_status_action(Order.Status.DELIVERED, "Mark delivered"),
        _order_status_action(Order.Status.CANCELLED, "Cancel (puts stock back)"),
    ]
    # The change page's buttons post one of these names (templates/admin/shop/order/
    # change_form.html); each goes through the same service as the actions.
    status_buttons = {
        "_mark_confirmed": Order.Status.CONFIRMED,
        "_mark_dispatched": Order.Status.DISPATCHED,
        "_mark_delivered": Order.Status.DELIVERED,
        "_mark_cancelled": Order.Status.CANCELLED,
    }

    def get_readonly_fields(self, request: HttpRequest, obj: Order | None = None) -> list[str]:
        # Every field, new ones included: an order changes only through the services, and a
        # save writing the row back could put back a status read before a concurrent change.
        fields = [field.name for field in Order._meta.concrete_fields if not field.primary_key]
        fields.insert(fields.index("status") + 1, "invoice_number")
        return fields

    def get_search_results(
        self, request: HttpRequest, queryset: Any, search_term: str
    ) -> tuple[Any, bool]:
        """A reference as printed on the pages and PDFs finds its order."""
        term = search_term.strip().upper()
        for prefix, field in (("ORD-", "pk"), ("INV-", "invoice__number")):
            if term.startswith(prefix) and term[len(prefix):].isdigit():
                return queryset.filter(**{field: int(term[len(prefix):])}), False
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description="Invoice", ordering="invoice__number")
    def invoice_number(self, obj: Order) -> str:
        """The invoice issued when the order was dispatched ("-" before)."""
        invoice = getattr(obj, "invoice", None)
        return invoice.reference if invoice is not None else "-"

    def apply_to_orders(self, request: HttpRequest, queryset: Any, to_status: str) -> None:
        done = []
        for order_id in sorted(queryset.values_list("pk", flat=True)):
            reference = Order(pk=order_id).reference
            try:
                if to_status == Order.Status.CANCELLED:
                    services.order_cancel_by_staff(order_id=order_id, by=request.user)
                else:
                    services.order_advance(order_id=order_id, to_status=to_status, by=request.user)
            except (NotCancellable, TransitionRefused, OrderNotFound) as exc:
                status = getattr(exc, "status", "gone")
                self.message_user(
                    request,
                    f"{reference} is {status}: it cannot be "
                    f"{'cancelled' if to_status == Order.Status.CANCELLED else f'marked {to_status}'}.",
                    messages.ERROR,
                )
            else:
                done.append(reference)
        if done:
            verb = "cancelled" if to_status == Order.Status.CANCELLED else f"marked {to_status}"
            self.message_user(request, f"{len(done)} order(s) {verb}: {', '.join(done)}.")

    def save_model(self, request: HttpRequest, obj: Order, form: Any, change: bool) -> None:
        # Every field is read-only: saving the row back would write the status as this page
        # read it over a change made since (a buyer's cancel). Status moves only by the buttons.
        pass

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> Any:
        # A status button is handled before the form: nothing on the page is editable, so
        # there is nothing to validate or save, only the service to call.
        if request.method == "POST" and object_id is not None and self.has_change_permission(request):
            for button, to_status in self.status_buttons.items():
                if button in request.POST:
                    order = self.get_object(request, object_id)
                    if order is not None:
                        self.apply_to_orders(request, Order.objects.filter(pk=order.pk), to_status)
                        return HttpResponseRedirect(request.path)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request: HttpRequest, context: dict[str, Any], *args: Any, obj: Order | None = None, **kwargs: Any) -> Any:
        if obj is not None:
            context["order_next_status"] = obj.next_status
            context["order_is_cancellable"] = obj.is_cancellable
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

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

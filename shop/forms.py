"""HTML forms: they check input shape only; the services decide what is allowed."""

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator

from companies.models import Address
from shop.models import Order
from shop.selectors import MAX_SEARCH_LENGTH, OrderFilters
from shop.allergens import ALLERGENS, DIETARY, CodeList
from shop.services.checkout import MAX_NOTES_LENGTH, MAX_PO_NUMBER_LENGTH, OrderDetails
from shop.services.tokens import DEFAULT_EXPIRY_DAYS, MAX_EXPIRY_DAYS, MIN_EXPIRY_DAYS

QUANTITY_MESSAGE = f"Enter a whole number from 1 to {settings.SHOP_MAX_LINE_QUANTITY:,}."


def quantity_field(label: str = "Quantity") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=1,
        max_value=settings.SHOP_MAX_LINE_QUANTITY,
        error_messages={
            "required": QUANTITY_MESSAGE,
            "invalid": QUANTITY_MESSAGE,
            "min_value": QUANTITY_MESSAGE,
            "max_value": QUANTITY_MESSAGE,
        },
    )


class CodesField(forms.MultipleChoiceField):
    """Codes of a shop.allergens list, from checkboxes (`?free_from=a&free_from=b`) or a
    shared link (`?free_from=a,b`). Unknown codes are dropped, not the whole filter: a stale
    link asking to be free from peanuts and something retired must still leave out peanuts."""

    def __init__(self, codes: CodeList, **kwargs: Any) -> None:
        super().__init__(choices=codes.choices, required=False, **kwargs)
        self.codes = codes

    def to_python(self, value: Any) -> list[str]:
        values = super().to_python(value)
        split = [part.strip() for item in values for part in item.split(",")]
        return [code for code in self.codes.codes if code in split]  # list order, each once


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label="Search products", required=False, max_length=100)
    category = forms.ChoiceField(label="Category", required=False)
    in_stock = forms.BooleanField(label="In stock only", required=False)
    free_from = CodesField(ALLERGENS, label="Free from")
    dietary = CodesField(DIETARY, label="Dietary")

    def __init__(self, *args: object, categories: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "All categories"), *categories]


class AddToCartForm(forms.Form):
    product = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    quantity = quantity_field()


class CartQuantityForm(forms.Form):
    quantity = quantity_field()


LINE_FIELD = re.compile(r"^line-(\d{1,18})-quantity$")


def line_field_name(product_id: int) -> str:
    return f"line-{product_id}-quantity"


class CartLinesForm(forms.Form):
    """The quantity of every cart line as the cart page posts it (`line-<product id>-quantity`),
    typed by the buyer or as shown: the page's quantity inputs belong to the checkout form, so
    "Update" and "Place order" both send what the buyer sees."""

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        for name in sorted(data or ()):
            if LINE_FIELD.match(name):
                self.fields[name] = quantity_field()

    @property
    def lines(self) -> dict[int, int]:
        """{product_id: quantity}; call after is_valid()."""
        return {
            int(LINE_FIELD.match(name).group(1)): value  # type: ignore[union-attr]
            for name, value in self.cleaned_data.items()
            if LINE_FIELD.match(name)
        }

    def line_errors(self) -> dict[int, str]:
        return {
            int(match.group(1)): str(errors[0])
            for name, errors in self.errors.items()
            if (match := LINE_FIELD.match(name))
        }


class CheckoutForm(CartLinesForm):
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)


class CheckoutDetailsForm(forms.Form):
    """The trade checkout's details on the cart page and the review step. Shape only: the
    rules (working days, the 90-day bound, the company's PO rule, its addresses) are
    shop.services.checkout's, whose errors the views put on these fields."""

    delivery_address = forms.TypedChoiceField(label="Delivery address", coerce=int)
    delivery_date = forms.DateField(
        label="Requested delivery date",
        # ISO: a date input ignores any other format (the locale would render 01/12/2026).
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    po_number = forms.CharField(
        label="PO number", max_length=MAX_PO_NUMBER_LENGTH, required=False, strip=True
    )
    notes = forms.CharField(
        label="Notes for delivery",
        max_length=MAX_NOTES_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        data: Any = None,
        *,
        addresses: Iterable[Address],
        po_number_required: bool,
        earliest: date,
        latest: date,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        self.addresses = {address.pk: address for address in addresses}
        address_field = self.fields["delivery_address"]
        address_field.choices = [(pk, str(a)) for pk, a in self.addresses.items()]
        if not self.addresses:
            # Nothing to choose: the order goes without an address (the page says so).
            del self.fields["delivery_address"]
        elif "delivery_address" not in self.initial:
            default = next((a for a in self.addresses.values() if a.is_default), None)
            self.initial["delivery_address"] = (default or next(iter(self.addresses.values()))).pk
        self.earliest, self.latest = earliest, latest
        self.fields["po_number"].required = po_number_required
        if "delivery_date" not in self.initial:
            self.initial["delivery_date"] = earliest
        self.fields["delivery_date"].widget.attrs.update(
            {"min": earliest.isoformat(), "max": latest.isoformat()}
        )

    def details(self) -> OrderDetails:
        """The cleaned details for the order services; call after is_valid()."""
        data = self.cleaned_data
        return OrderDetails(
            po_number=data.get("po_number", ""),
            delivery_date=data.get("delivery_date"),
            delivery_address_id=data.get("delivery_address"),
            notes=data.get("notes", ""),
        )

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for field, messages in errors.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)

    @property
    def chosen_address(self) -> Address | None:
        return self.addresses.get(self.cleaned_data.get("delivery_address"))


class TokenCreateForm(forms.Form):
    name = forms.CharField(label="Token name", max_length=100)
    expires_in_days = forms.IntegerField(
        label="Expires in (days)",
        min_value=MIN_EXPIRY_DAYS,
        max_value=MAX_EXPIRY_DAYS,
        initial=DEFAULT_EXPIRY_DAYS,
    )


DATE_MESSAGE = "Enter it as YYYY-MM-DD."


def _filter_date(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        # ISO only, as a date input sends it and the API reads it: 03/04/2026 is ambiguous.
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": DATE_MESSAGE},
    )


class OrderFilterForm(forms.Form):
    """The order history's filters, read from the query string under the API's names
    (GET /api/v1/orders): every one optional. The page filters by the fields that are valid
    and shows the others' errors beside them."""

    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *Order.Status.choices],
        error_messages={"invalid_choice": "Choose a status from the list."},
    )
    created_after = _filter_date("Placed from")
    created_before = _filter_date("Placed until")
    q = forms.CharField(
        label="Reference or PO number",
        required=False,
        max_length=MAX_SEARCH_LENGTH,
        validators=[
            RegexValidator(r"[\x00-\x1f\x7f]", inverse_match=True, message="Remove the control characters.")
        ],
        error_messages={"max_length": f"At most {MAX_SEARCH_LENGTH} characters."},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        after, before = data.get("created_after"), data.get("created_before")
        if after and before and before < after:
            self.add_error("created_before", "Choose a date on or after the “Placed from” date.")
        return data

    def filters(self) -> OrderFilters:
        """The valid filters (call after is_valid(): a field with an error is left out)."""
        data = getattr(self, "cleaned_data", {})
        return OrderFilters(
            status=data.get("status") or "",
            created_after=data.get("created_after"),
            created_before=data.get("created_before"),
            q=data.get("q") or "",
        )

    def query(self) -> dict[str, str]:
        """The valid filters as the page's links carry them (ISO dates, empty ones left out)."""
        filters = self.filters()
        return {
            name: value
            for name, value in (
                ("status", filters.status),
                ("created_after", filters.created_after.isoformat() if filters.created_after else ""),
                ("created_before", filters.created_before.isoformat() if filters.created_before else ""),
                ("q", filters.q),
            )
            if value
        }


# --- quick order, saved lists, order again ---------------------------------------------------

QUICK_ORDER_MAX_FILE_BYTES = 100 * 1024


class QuickOrderForm(forms.Form):
    """The quick-order box, or a CSV file in its place (not both). `text` (cleaned) is what is
    checked: the file's content when one is chosen, else the box's."""

    lines = forms.CharField(
        label="Lines to order",
        required=False,
        strip=False,
        widget=forms.Textarea(
            attrs={"rows": 12, "spellcheck": "false", "autocomplete": "off", "class": "quick-lines"}
        ),
    )
    csv_file = forms.FileField(label="Or upload a CSV file", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["csv_file"].widget.attrs["accept"] = ".csv,.txt,.tsv,text/csv,text/plain"

    def clean_csv_file(self) -> str | None:
        upload = self.cleaned_data.get("csv_file")
        if upload is None:
            return None
        if upload.size > QUICK_ORDER_MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"That file is {upload.size // 1024:,} KB: quick order reads CSV files up to "
                f"{QUICK_ORDER_MAX_FILE_BYTES // 1024} KB (200 lines)."
            )
        raw = upload.read()
        if raw.startswith(b"PK\x03\x04") or b"\x00" in raw[:1024]:
            raise forms.ValidationError(
                "That is not a CSV file. Save the spreadsheet as CSV (comma or semicolon "
                "separated) and upload that, or paste the rows into the box."
            )
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                continue
        return raw.decode("latin-1")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("csv_file") and (data.get("lines") or "").strip():
            # Reading one would silently drop the other (and a file's header row would not
            # describe the typed lines): say so and keep what was typed.
            self.add_error(
                "csv_file",
                "You typed lines and chose a file: quick order reads one or the other. Your "
                "typed lines are kept in the box; send them without the file, or clear the box "
                "and choose the file again.",
            )
            return data
        text = data.get("csv_file") or data.get("lines") or ""
        if not self.errors and not text.strip():
            raise forms.ValidationError("Paste your lines into the box, or choose a CSV file.")
        data["text"] = text.replace("\r\n", "\n").replace("\r", "\n")
        return data


class SavedListNameForm(forms.Form):
    name = forms.CharField(label="List name", max_length=100)


class SavedListAddForm(forms.Form):
    """Add a product to a list: by id (a product page) or by SKU (the list's own page)."""

    product = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)
    sku = forms.CharField(label="SKU", max_length=40, required=False)
    quantity = quantity_field()


class AddToListForm(forms.Form):
    """A product page's "Add to list": one of the company's lists, or a new one by name."""

    product = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    saved_list = forms.TypedChoiceField(label="List", coerce=int, required=False)
    new_name = forms.CharField(label="Or a new list", max_length=100, required=False)
    quantity = quantity_field()

    def __init__(self, *args: Any, lists: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["saved_list"].choices = [("", "New list…"), *((s.pk, s.name) for s in lists)]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("saved_list") and not (data.get("new_name") or "").strip():
            self.add_error("new_name", "Choose a list, or name a new one.")
        return data


ITEM_FIELD = re.compile(r"^item-(\d{1,18})-quantity$")


class SavedListQuantitiesForm(forms.Form):
    """Every item's quantity as the list page posts it (`item-<product id>-quantity`)."""

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        for name in sorted(data or ()):
            if ITEM_FIELD.match(name):
                self.fields[name] = quantity_field()

    @property
    def quantities(self) -> dict[int, int]:
        return {
            int(match.group(1)): value
            for name, value in self.cleaned_data.items()
            if (match := ITEM_FIELD.match(name))
        }

    def item_errors(self) -> dict[int, str]:
        return {
            int(match.group(1)): str(errors[0])
            for name, errors in self.errors.items()
            if (match := ITEM_FIELD.match(name))
        }


class OrderAgainForm(forms.Form):
    """The order page's "order again": a checkbox per line (`line`, the order line's id) and a
    quantity per line (`qty-<line id>`); only the checked lines' quantities are read."""

    def __init__(self, data: Any = None, *, line_ids: Iterable[int], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.line_ids = list(line_ids)
        self.fields["line"] = forms.TypedMultipleChoiceField(
            choices=[(pk, pk) for pk in self.line_ids], coerce=int, required=False
        )
        checked = set(data.getlist("line")) if data is not None else set()
        for pk in self.line_ids:
            if str(pk) in checked:
                self.fields[f"qty-{pk}"] = quantity_field()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("line") and "line" not in self.errors:
            raise forms.ValidationError("Choose at least one line to add to your cart.")
        return data

    @property
    def quantities(self) -> dict[int, int]:
        """{order line id: quantity} of the checked lines; call after is_valid()."""
        return {pk: self.cleaned_data[f"qty-{pk}"] for pk in self.cleaned_data["line"]}

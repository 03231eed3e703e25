"""HTML forms: they check input shape only; the services decide what is allowed."""

from django import forms
from django.conf import settings

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


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label="Search products", required=False, max_length=100)
    category = forms.ChoiceField(label="Category", required=False)
    in_stock = forms.BooleanField(label="In stock only", required=False)

    def __init__(self, *args: object, categories: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "All categories"), *categories]


class AddToCartForm(forms.Form):
    product = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    quantity = quantity_field()


class CartQuantityForm(forms.Form):
    quantity = quantity_field()


class CheckoutForm(forms.Form):
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)


class TokenCreateForm(forms.Form):
    name = forms.CharField(label="Token name", max_length=100)
    expires_in_days = forms.IntegerField(
        label="Expires in (days)",
        min_value=MIN_EXPIRY_DAYS,
        max_value=MAX_EXPIRY_DAYS,
        initial=DEFAULT_EXPIRY_DAYS,
    )

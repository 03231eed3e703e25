from typing import Any

from shop.accounts import SignupForm
from django import forms
from django.db import transaction
from django.http import HttpRequest

from companies import services
from companies.models import Address, Company, Invitation, Role

COUNTRY_HELP = "Two-letter code, e.g. GB."


class AddressForm(forms.ModelForm):
    class Meta:
        model = Address
        fields = ["label", "lines", "postcode", "country"]
        labels = {"lines": "Address"}
        widgets = {"lines": forms.Textarea(attrs={"rows": 3})}

    def clean_country(self) -> str:
        country = self.cleaned_data["country"].strip().upper()
        if len(country) != 2 or not country.isalpha():
            raise forms.ValidationError("Use a two-letter country code, e.g. GB.")
        return country

    def to_input(self) -> services.AddressInput:
        data = self.cleaned_data
        return services.AddressInput(
            label=data["label"], lines=data["lines"], postcode=data["postcode"], country=data["country"]
        )


class CompanySettingsForm(forms.ModelForm):
    class Meta:
        model = Company
        fields = ["name", "vat_number", "po_number_required"]
        labels = {"name": "Company name"}


class InvitationForm(forms.Form):
    email = forms.EmailField(max_length=254)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.BUYER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class CompanySignupForm(SignupForm):
    """allauth's signup plus the company the new user opens, as its admin.

    The user and the company are saved in one transaction: no user without a company.
    """

    field_order = ["email", "password1", "password2", "company_name", "vat_number", "address_lines", "postcode", "country"]

    company_name = forms.CharField(
        label="Company name",
        max_length=200,
        help_text="Your business. You become its admin and can invite colleagues.",
    )
    vat_number = forms.CharField(label="VAT number (optional)", max_length=20, required=False)
    address_lines = forms.CharField(
        label="Delivery address",
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
        help_text="Street and town, one per line.",
    )
    postcode = forms.CharField(
        max_length=16, widget=forms.TextInput(attrs={"autocomplete": "postal-code"})
    )
    country = forms.CharField(max_length=2, initial="GB", help_text=COUNTRY_HELP)

    def clean_country(self) -> str:
        country = self.cleaned_data["country"].strip().upper()
        if len(country) != 2 or not country.isalpha():
            raise forms.ValidationError("Use a two-letter country code, e.g. GB.")
        return country

    def save(self, request: HttpRequest) -> Any:
        with transaction.atomic():
            return super().save(request)

    def signup(self, request: HttpRequest, user: Any) -> None:
        data = self.cleaned_data
        services.company_create(
            name=data["company_name"],
            vat_number=data["vat_number"],
            admin=user,
            address=services.AddressInput(
                label="Main", lines=data["address_lines"], postcode=data["postcode"], country=data["country"]
            ),
        )


class InvitedSignupForm(SignupForm):
    """Signup through an invitation link: the email is the invited one, the company is given."""

    def __init__(self, *args: Any, invitation: Invitation, invitation_key: str, **kwargs: Any) -> None:
        self.invitation = invitation
        self.invitation_key = invitation_key
        super().__init__(*args, **kwargs)
        self.fields["email"].initial = invitation.email
        self.fields["email"].disabled = True

    def save(self, request: HttpRequest) -> Any:
        with transaction.atomic():
            return super().save(request)

    def signup(self, request: HttpRequest, user: Any) -> None:
        services.invitation_accept(key=self.invitation_key, user=user)

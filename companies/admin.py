from django.contrib import admin
from django.http import HttpRequest

from companies.models import Address, Company, ContractPrice, Invitation, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "role", "joined_at"]
    readonly_fields = ["joined_at"]
    raw_id_fields = ["user"]


class AddressInline(admin.StackedInline):
    model = Address
    extra = 0
    fields = [("label", "is_default"), "lines", ("postcode", "country")]


class ContractPriceInline(admin.TabularInline):
    model = ContractPrice
    extra = 0
    fields = ["product", "price"]
    autocomplete_fields = ["product"]


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "vat_number", "po_number_required", "created_at"]
    list_filter = ["po_number_required"]
    search_fields = ["name", "vat_number", "memberships__user__email"]
    readonly_fields = ["created_at"]
    inlines = [MembershipInline, AddressInline, ContractPriceInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "company", "role", "joined_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "company__name"]
    list_select_related = ["user", "company"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["company"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "company", "role", "created_at", "expires_at", "status"]
    search_fields = ["email", "company__name"]
    list_select_related = ["company"]
    readonly_fields = ["key_hash", "created_at", "accepted_at", "accepted_by", "invited_by"]
    autocomplete_fields = ["company"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # An invitation's link exists only in the mail the members page sends; one made here
        # would have no key to send.
        return False

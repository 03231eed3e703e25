"""Company pages: overview and settings, members and invitations, addresses, and the
invitation signup. One shape: check input, call the service, redirect (or re-render with
errors). The members table answers HTMX with its partial; without JavaScript the same forms
post and redirect."""

from typing import Any

from allauth.account.adapter import get_adapter
from allauth.account.views import SignupView
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from companies import selectors, services
from companies.decorators import company_role_required
from companies.exceptions import (
    AddressNotFound,
    AlreadyMember,
    CompanyError,
    InvitationNotFound,
    LastAdmin,
    MemberNotFound,
)
from companies.forms import (
    AddressForm,
    CompanySettingsForm,
    InvitationForm,
    InvitedSignupForm,
    RoleForm,
)
from companies.models import Role
from shop.views.common import wants_partial


# --- Overview and settings --------------------------------------------------------------------


@company_role_required()
@require_http_methods(["GET"])
def overview(request: HttpRequest) -> HttpResponse:
    membership = request.membership
    context = {
        "membership": membership,
        "company": membership.company,
        "is_admin": membership.role == Role.ADMIN,
        "member_count": selectors.members_of(membership.company_id).count(),
        "default_address": selectors.addresses_of(membership.company_id).filter(is_default=True).first(),
    }
    return render(request, "companies/overview.html", context)


@company_role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def company_settings(request: HttpRequest) -> HttpResponse:
    company = request.membership.company
    if request.method == "GET":
        form = CompanySettingsForm(instance=company)
        return render(request, "companies/settings.html", {"form": form, "company": company})
    form = CompanySettingsForm(request.POST, instance=company)
    if not form.is_valid():
        return render(request, "companies/settings.html", {"form": form, "company": company}, status=422)
    services.company_update(
        actor=request.user,
        name=form.cleaned_data["name"],
        vat_number=form.cleaned_data["vat_number"],
        po_number_required=form.cleaned_data["po_number_required"],
    )
    messages.success(request, "Company settings saved.")
    return redirect("companies:overview")


# --- Members and invitations ------------------------------------------------------------------


def _members_context(request: HttpRequest, invite_form: InvitationForm | None = None) -> dict[str, Any]:
    membership = request.membership
    is_admin = membership.role == Role.ADMIN
    return {
        "membership": membership,
        "company": membership.company,
        "is_admin": is_admin,
        "members": selectors.members_of(membership.company_id),
        "roles": Role.choices,
        "invitations": selectors.invitations_of(membership.company_id) if is_admin else [],
        "invite_form": invite_form or InvitationForm(),
    }


def _render_members(request: HttpRequest, status: int = 200, **extra: Any) -> HttpResponse:
    template = "companies/members.html#members" if wants_partial(request) else "companies/members.html"
    return render(request, template, _members_context(request, **extra), status=status)


@company_role_required()
@require_http_methods(["GET"])
@vary_on_headers("HX-Request")
def members(request: HttpRequest) -> HttpResponse:
    return _render_members(request)


def _after_member_change(request: HttpRequest) -> HttpResponse:
    if wants_partial(request):
        return _render_members(request)
    return redirect("companies:members")


@company_role_required(Role.ADMIN)
@require_POST
def member_role(request: HttpRequest, pk: int) -> HttpResponse:
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose admin, buyer or viewer.")
        return _after_member_change(request)
    try:
        member = services.member_set_role(actor=request.user, member_id=pk, role=form.cleaned_data["role"])
    except MemberNotFound:
        raise Http404("No such member.") from None
    except LastAdmin as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{member.user.email} is now {member.get_role_display().lower()}.")
    return _after_member_change(request)


@company_role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the confirmation, naming the member (a removal cannot be taken back: they would
    need a new invitation); POST: remove them."""
    member = selectors.members_of(request.membership.company_id).filter(pk=pk).first()
    if member is None:
        raise Http404("No such member.")
    if request.method == "GET":
        # The service refuses to remove a company's last admin: say so instead of a button
        # that can only be refused.
        last_admin = member.role == Role.ADMIN and not (
            selectors.members_of(request.membership.company_id)
            .filter(role=Role.ADMIN).exclude(pk=member.pk).exists()
        )
        return render(
            request,
            "companies/member_remove.html",
            {"member": member, "company": request.membership.company,
             "is_self": member.user_id == request.user.pk, "last_admin": last_admin},
        )
    try:
        services.member_remove(actor=request.user, member_id=pk)
    except MemberNotFound:
        raise Http404("No such member.") from None
    except LastAdmin as exc:
        messages.error(request, str(exc))
        return _after_member_change(request)
    messages.success(request, f"{member.user.email} was removed from {request.membership.company.name}.")
    if member.user_id == request.user.pk:
        return redirect("shop:catalogue")
    return _after_member_change(request)


@company_role_required(Role.ADMIN)
@require_POST
def invitation_create(request: HttpRequest) -> HttpResponse:
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            issued = services.invitation_create(
                actor=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                base_url=request.build_absolute_uri("/"),
            )
        except AlreadyMember as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(request, f"Invitation sent to {issued.invitation.email}.")
            return redirect("companies:members")
    return render(request, "companies/members.html", _members_context(request, invite_form=form), status=422)


@company_role_required(Role.ADMIN)
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.invitation_revoke(actor=request.user, invitation_id=pk)
    except InvitationNotFound:
        raise Http404("No such pending invitation.") from None
    messages.success(request, "Invitation revoked: its link no longer works.")
    return redirect("companies:members")


class InvitationSignupView(SignupView):
    """allauth's signup view (rate limit, password rules, login afterwards) for an invitation."""

    template_name = "companies/join.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.invitation_key = kwargs["key"]
        self.invitation = selectors.invitation_for_key(self.invitation_key)
        if self.invitation is None:
            return render(request, "companies/join_invalid.html", status=404)
        User = get_user_model()
        if User.objects.filter(email__iexact=self.invitation.email).exists():
            return render(
                request, "companies/join_existing.html", {"invitation": self.invitation}, status=409
            )
        # The link came by mail to this address, so the address is proven: allauth's own hook
        # for "verified beyond allauth" (an accepted invitation) spares a second code.
        get_adapter(request).stash_verified_email(request, self.invitation.email)
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self) -> type[InvitedSignupForm]:
        return InvitedSignupForm

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.update(invitation=self.invitation, invitation_key=self.invitation_key)
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["invitation"] = self.invitation
        return context

    def form_valid(self, form: InvitedSignupForm) -> HttpResponse:
        try:
            return super().form_valid(form)
        except CompanyError as exc:
            # Used, revoked or raced by another signup between the page and the post.
            form.add_error(None, str(exc))
            return self.form_invalid(form)


join = InvitationSignupView.as_view()


# --- Addresses --------------------------------------------------------------------------------


def _render_addresses(request: HttpRequest, form: AddressForm, status: int = 200) -> HttpResponse:
    company_id = request.membership.company_id
    context = {
        "company": request.membership.company,
        "addresses": selectors.addresses_of(company_id),
        "form": form,
    }
    return render(request, "companies/addresses.html", context, status=status)


@company_role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def addresses(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _render_addresses(request, AddressForm())
    form = AddressForm(request.POST)
    if not form.is_valid():
        return _render_addresses(request, form, status=422)
    address = services.address_create(
        actor=request.user, data=form.to_input(), is_default=request.POST.get("is_default") == "on"
    )
    messages.success(request, f"Address “{address.label}” added.")
    return redirect("companies:addresses")


@company_role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def address_edit(request: HttpRequest, pk: int) -> HttpResponse:
    address = selectors.address_for(request.membership.company_id, pk)
    if address is None:
        raise Http404("No such address.")
    if request.method == "GET":
        form = AddressForm(instance=address)
        return render(request, "companies/address_edit.html", {"form": form, "address": address})
    form = AddressForm(request.POST, instance=address)
    if not form.is_valid():
        return render(
            request, "companies/address_edit.html", {"form": form, "address": address}, status=422
        )
    services.address_update(actor=request.user, address_id=pk, data=form.to_input())
    messages.success(request, "Address saved.")
    return redirect("companies:addresses")


@company_role_required(Role.ADMIN)
@require_POST
def address_delete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.address_delete(actor=request.user, address_id=pk)
    except AddressNotFound:
        raise Http404("No such address.") from None
    messages.success(request, "Address deleted.")
    return redirect("companies:addresses")


@company_role_required(Role.ADMIN)
@require_POST
def address_default(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        address = services.address_set_default(actor=request.user, address_id=pk)
    except AddressNotFound:
        raise Http404("No such address.") from None
    messages.success(request, f"“{address.label}” is now the default delivery address.")
    return redirect("companies:addresses")



"""How the shop plugs into allauth: one login for buyers and staff, one account per address,
mail through the task queue."""

from typing import Any
from urllib.parse import urlencode

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ResetPasswordKeyForm as AllauthResetPasswordKeyForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from shop.services.mail import mail_enqueue


def admin_login(request: HttpRequest) -> HttpResponseRedirect:
    """Send the admin's login to allauth's, so staff get the same failure limits as buyers.

    Django's own admin login form counts nothing: it would be a second door without a lock.
    """
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("admin:index")
    if request.user.is_authenticated:
        if request.user.is_staff:
            return HttpResponseRedirect(next_url)
        # Signed in but not staff: allauth would send them straight back here (a loop).
        raise PermissionDenied
    return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")


def email_taken(email: str, *, by_other_than: AbstractBaseUser | None = None) -> bool:
    """Whether another account holds `email`, in any case (the lower(email) indexes' rule)."""
    email = email.lower()
    users = get_user_model().objects.alias(email_lower=Lower("email")).filter(email_lower=email)
    addresses = EmailAddress.objects.alias(email_lower=Lower("email")).filter(email_lower=email)
    if by_other_than is not None and by_other_than.pk is not None:
        users = users.exclude(pk=by_other_than.pk)
        addresses = addresses.exclude(user_id=by_other_than.pk)
    return users.exists() or addresses.exists()


class LoginForm(AllauthLoginForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "remember" in self.fields:  # absent when ACCOUNT_SESSION_REMEMBER is set
            self.fields["remember"].label = "Remember me"


class ResetPasswordKeyForm(AllauthResetPasswordKeyForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in (("password1", "New password"), ("password2", "New password (again)")):
            self.fields[name].label = label
            self.fields[name].widget.attrs["placeholder"] = label


class SignupForm(AllauthSignupForm):
    def validate_unique_email(self, value: str) -> str:
        # allauth looks addresses up exactly, in lower case; an older account stored as
        # "Staff@shop.test" would slip through and hit the unique index. Treat it as taken:
        # with enumeration prevention, that answers like any signup and mails the owner.
        email = super().validate_unique_email(value)
        if not self.account_already_exists and email_taken(email):
            self.account_already_exists = True
        return email


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # As allauth's own, but queued: an unreachable mail server must not fail the request.
        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {"request": request, "email": email, "current_site": get_current_site(request), **context},
        )
        mail_enqueue(message=message)

    def send_confirmation_mail(self, request: HttpRequest, emailconfirmation: Any, signup: bool) -> None:
        address = emailconfirmation.email_address
        if address.user_id and email_taken(address.email, by_other_than=address.user):
            # Someone asks to add an address that another account holds. They see the usual
            # "enter the code" page (nothing tells them it is taken) but get no code; the
            # address's owner is told instead, so no address can move between accounts.
            self.send_mail(
                "account/email/email_taken",
                address.email,
                {"password_reset_url": request.build_absolute_uri(reverse("account_reset_password"))},
            )
            return
        super().send_confirmation_mail(request, emailconfirmation, signup)

    def confirm_email(self, request: HttpRequest, email_address: EmailAddress) -> bool:
        # The address may have been taken by another account since the code was sent.
        if email_taken(email_address.email, by_other_than=email_address.user):
            return self._refuse_confirmation(request, email_address)
        try:
            with transaction.atomic():
                return super().confirm_email(request, email_address)
        except IntegrityError:  # taken in the meantime: the lower(email) index said no
            return self._refuse_confirmation(request, email_address)

    def _refuse_confirmation(self, request: HttpRequest, email_address: EmailAddress) -> bool:
        self.add_message(
            request,
            messages.ERROR,
            "account/messages/email_confirmation_failed.txt",
            {"email": email_address.email},
        )
        return False

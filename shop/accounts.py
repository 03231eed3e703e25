"""How the shop plugs into allauth: one login for buyers and staff, with allauth's limits."""

from typing import Any
from urllib.parse import urlencode

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from shop.services.mail import mail_enqueue


def admin_login(request: HttpRequest) -> HttpResponseRedirect:
    """Send the admin's login to allauth's, so staff get the same failure limits as buyers.

    Django's own admin login form counts nothing: it would be a second door without a lock.
    """
    if request.user.is_authenticated:
        # Signed in but not staff: allauth would send them straight back here (a loop).
        raise PermissionDenied
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("admin:index")
    return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")


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

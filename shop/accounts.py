"""How the shop plugs into allauth: one login for buyers and staff, with allauth's limits."""

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


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

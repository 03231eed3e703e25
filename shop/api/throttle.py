"""Password checks for token creation, rate-limited by allauth exactly like the login form.

Going through allauth's adapter means the API and the browser login share one failure count
per email address and per client address ("login_failed" in ACCOUNT_RATE_LIMITS): guessing a
password through the API does not get a second quota. The counts live in Django's default
cache, which must be shared by every app process for the limits to hold (see
CACHE_IN_DATABASE in config/settings.py).
"""

import math
import time

from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import get_adapter
from allauth.account.utils import has_verified_email
from allauth.core.internal import ratelimit as allauth_ratelimit
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from shop.api.errors import ApiError, not_authenticated

ACTION = "login_failed"
ALLAUTH_APP = "allauth.account"


def authenticate_for_token(request: HttpRequest, *, email: str, password: str) -> AbstractBaseUser:
    adapter = get_adapter(request)
    try:
        user = adapter.authenticate(request, email=email, password=password)
    except ValidationError as exc:
        if exc.code != "too_many_login_attempts":
            raise
        raise ApiError(
            429,
            "rate_limited",
            "Too many failed attempts. Try again later.",
            headers={"Retry-After": str(retry_after_seconds(request, email=email))},
        ) from None
    # allauth hands back an inactive user with the right password (to show its "inactive"
    # page); for the API that is just a failed login, with the same message as a wrong one.
    if user is None or not user.is_active:
        raise not_authenticated("Wrong email or password.")
    # The browser login asks for the emailed code first; the API must not be a way around it
    # (an account signed up with someone else's address would otherwise get tokens).
    if (
        allauth_settings.EMAIL_VERIFICATION == allauth_settings.EmailVerificationMethod.MANDATORY
        and not has_verified_email(user)
    ):
        raise not_authenticated(
            "Verify your email address first: log in on the website and enter the code we send."
        )
    return user


def retry_after_seconds(request: HttpRequest, *, email: str) -> int:
    """Seconds until every limit on this email and address lets one more attempt through."""
    # allauth keys the per-email count by site and lower-cased email; reuse its own key.
    key = get_adapter(request)._get_login_attempts_cache_key(request, email=email)
    now = time.time()
    wait = 1.0
    for rate in allauth_ratelimit.get_rates(app=ALLAUTH_APP, action=ACTION):
        cache_key = allauth_ratelimit.get_cache_key(
            request, app=ALLAUTH_APP, action=ACTION, rate=rate, key=key
        )
        history = [ts for ts in cache.get(cache_key, []) if ts > now - rate.duration]
        if len(history) >= rate.amount:
            # Newest first: the attempt that must expire is the amount-th newest.
            wait = max(wait, history[rate.amount - 1] + rate.duration - now)
    return math.ceil(wait)

"""The login lockout lives in the default cache: nothing else written there may evict it."""

from typing import Any

from django.core.cache import cache
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.views.conftest import ShopClient

# More entries than Django's default cache bound (300): with it, the cache culled the oldest
# (LocMemCache) or the alphabetically first (DatabaseCache) keys, the lockout's among them, and
# anyone able to create keys (signups and resets for made-up addresses) could lift a lockout.
FLOOD = 1_000


def test_a_flood_of_other_keys_does_not_lift_a_login_lockout(
    anon_client: ShopClient, buyer: Any
) -> None:
    for _ in range(5):
        anon_client.form_post(reverse("account_login"), {"login": buyer.email, "password": "nope"})
    cache.set_many({f"flood:{i}": 1 for i in range(FLOOD)}, timeout=300)

    response = anon_client.form_post(
        reverse("account_login"), {"login": buyer.email, "password": PASSWORD}
    )

    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in anon_client.session

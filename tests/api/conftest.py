from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from shop import services
from shop.models import ApiToken, Product


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # The default hasher costs ~0.3 s per hash by design; these tests hash hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def api_client() -> Client:
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def token(buyer: Any) -> str:
    return services.token_create(user=buyer, name="tests").secret


@pytest.fixture
def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def other_auth(other_buyer: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {services.token_create(user=other_buyer).secret}"}


BAD_CREDENTIALS = [
    "missing",
    "garbage",
    "wrong_secret",
    "expired",
    "revoked",
    "basic_scheme",
    "session_cookie",
    "inactive_user",
]


@pytest.fixture(params=BAD_CREDENTIALS)
def bad_auth(request: pytest.FixtureRequest, buyer: Any, api_client: Client) -> dict[str, str]:
    """Headers that must not authenticate (a logged-in browser session included)."""
    kind = request.param
    if kind == "missing":
        return {}
    if kind == "garbage":
        return {"Authorization": "Bearer not-a-token\x00"}
    issued = services.token_create(user=buyer)
    if kind == "wrong_secret":
        return {"Authorization": f"Bearer {issued.secret[:-4]}AAAA"}
    if kind == "expired":
        ApiToken.objects.filter(pk=issued.token.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
    elif kind == "revoked":
        services.token_revoke(user=buyer, token_id=issued.token.pk)
    elif kind == "basic_scheme":
        return {"Authorization": f"Basic {issued.secret}"}
    elif kind == "session_cookie":
        api_client.force_login(buyer)
        return {}
    elif kind == "inactive_user":
        buyer.is_active = False
        buyer.save(update_fields=["is_active"])
    return {"Authorization": f"Bearer {issued.secret}"}


@pytest.fixture
def place_order(buyer: Any) -> Callable[..., Any]:
    def _place(*lines: tuple[Product, int], user: Any = None) -> Any:
        return services.order_place(
            user=user or buyer, lines=[(product.pk, qty) for product, qty in lines]
        ).order

    return _place

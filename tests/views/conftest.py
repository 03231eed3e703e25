"""A CSRF-enforcing browser-like client for the HTML views."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import make_user


class ShopClient(Client):
    """Client(enforce_csrf_checks=True) that posts the csrftoken cookie back, as a form would."""

    def __init__(self, **defaults: Any) -> None:
        super().__init__(enforce_csrf_checks=True, **defaults)

    def csrf_token(self) -> str:
        # The token a real page hands out: the catalogue when logged in, else the login page.
        for page in (reverse("shop:catalogue"), reverse("account_login")):
            if "csrftoken" in self.cookies:
                break
            self.get(page)
        return self.cookies["csrftoken"].value

    def form_post(self, path: str, data: dict[str, Any] | None = None, **extra: Any) -> Any:
        return self.post(path, {**(data or {}), "csrfmiddlewaretoken": self.csrf_token()}, **extra)

    def htmx_post(self, path: str, data: dict[str, Any] | None = None, **extra: Any) -> Any:
        # htmx sends the token in the X-CSRFToken header (hx-headers on <body>), not in the body.
        return self.post(
            path, data or {}, HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=self.csrf_token(), **extra
        )


@pytest.fixture
def anon_client() -> ShopClient:
    return ShopClient()


@pytest.fixture
def buyer_client(buyer: Any) -> ShopClient:
    client = ShopClient()
    client.force_login(buyer)
    return client


@pytest.fixture
def other_client(other_buyer: Any) -> ShopClient:
    client = ShopClient()
    client.force_login(other_buyer)
    return client


__all__ = ["ShopClient", "make_user"]

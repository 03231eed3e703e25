"""shop.auth_backends: Django's and allauth's backends with a hand-written per-request user read."""

from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shop.auth_backends import AuthenticationBackend, ModelBackend
from tests.factories import make_user

CATALOGUE = reverse("shop:catalogue")


def test_the_shop_uses_these_backends() -> None:
    assert settings.AUTHENTICATION_BACKENDS == [
        "shop.auth_backends.ModelBackend",
        "shop.auth_backends.AuthenticationBackend",
    ]


def test_get_user_returns_what_the_orm_would_in_one_query(buyer: Any) -> None:
    with CaptureQueriesContext(connection) as context:
        user = AuthenticationBackend().get_user(buyer.pk)

    expected = get_user_model().objects.get(pk=buyer.pk)
    for field in expected._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(expected, field.attname), field.name
    assert user is not None and not user._state.adding
    assert len(context.captured_queries) == 1


def test_an_unknown_or_inactive_user_is_nobody(buyer: Any) -> None:
    assert ModelBackend().get_user(buyer.pk + 1000) is None
    buyer.is_active = False
    buyer.save()
    assert ModelBackend().get_user(buyer.pk) is None
    assert AuthenticationBackend().get_user(buyer.pk) is None


def test_a_password_change_still_signs_out_other_sessions(client: Client, buyer: Any) -> None:
    client.force_login(buyer)
    assert client.get(CATALOGUE).status_code == 200

    buyer.set_password("a-brand-new-passphrase")
    buyer.save()

    assert client.get(CATALOGUE).status_code == 302


def test_an_email_login_is_recorded_with_the_shops_allauth_backend(client: Client, db: None) -> None:
    make_user("login@example.com", password="correct-horse-battery")

    response = client.post(
        reverse("account_login"),
        {"login": "login@example.com", "password": "correct-horse-battery"},
    )

    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == "shop.auth_backends.AuthenticationBackend"
    assert client.get(CATALOGUE).status_code == 200

"""POST /api/v1/tokens"""

import json
from datetime import timedelta
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from shop.models import ApiToken
from tests.api.helpers import assert_error
from tests.conftest import PASSWORD

URL = "/api/v1/tokens"


def post(client: Client, body: Any, **extra: Any) -> Any:
    return client.post(URL, body, content_type="application/json", **extra)


def test_it_creates_a_token_shown_once_and_stored_as_a_hash(api_client: Client, buyer: Any) -> None:
    response = post(
        api_client, {"email": buyer.email, "password": PASSWORD, "name": "ERP", "expires_in_days": 7}
    )

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "name", "token", "created_at", "expires_at"}
    assert body["name"] == "ERP"
    assert body["token"].startswith("shop_")
    stored = ApiToken.objects.get(pk=body["id"])
    assert stored.user == buyer
    assert body["token"] not in (stored.secret_hash, stored.prefix)
    assert body["token"] not in str(ApiToken.objects.values().get(pk=body["id"]))
    assert timedelta(days=7) - timedelta(minutes=1) < stored.expires_at - timezone.now() <= timedelta(days=7)
    # ...and the new token works.
    me = api_client.get("/api/v1/tokens", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200


def test_it_defaults_to_thirty_days_and_a_generic_name(api_client: Client, buyer: Any) -> None:
    response = post(api_client, {"email": buyer.email, "password": PASSWORD})

    assert response.status_code == 201
    stored = ApiToken.objects.get(pk=response.json()["id"])
    assert stored.name == "API token"
    assert timedelta(days=29, hours=23) < stored.expires_at - timezone.now() <= timedelta(days=30)


def test_it_matches_the_email_case_insensitively(api_client: Client, buyer: Any) -> None:
    response = post(api_client, {"email": buyer.email.upper(), "password": PASSWORD})

    assert response.status_code == 201


@pytest.mark.parametrize("which", ["email", "password"])
def test_it_gives_the_same_401_for_a_wrong_email_or_a_wrong_password(
    api_client: Client, buyer: Any, which: str
) -> None:
    body = {"email": buyer.email, "password": PASSWORD, which: "wrong-value@x.test"}

    error = assert_error(post(api_client, body), 401, "not_authenticated")

    assert error["message"] == "Wrong email or password."
    assert not ApiToken.objects.exists()


def test_it_refuses_an_inactive_user_with_the_right_password(api_client: Client, buyer: Any) -> None:
    buyer.is_active = False
    buyer.save()

    error = assert_error(post(api_client, {"email": buyer.email, "password": PASSWORD}), 401, "not_authenticated")

    assert error["message"] == "Wrong email or password."
    assert not ApiToken.objects.exists()


def test_it_refuses_an_account_whose_email_is_not_verified(api_client: Client, db: None) -> None:
    # Signed up with an address it does not own: the browser asks for the mailed code; so must this.
    user = get_user_model().objects.create_user(username="u", email="squatter@bakery.test", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)

    response = post(api_client, {"email": user.email, "password": PASSWORD})

    assert_error(response, 401, "not_authenticated")
    assert "Verify your email address" in response.json()["error"]["message"]
    assert not ApiToken.objects.filter(user=user).exists()


def test_it_rate_limits_repeated_failures_for_one_email(api_client: Client, buyer: Any) -> None:
    for _ in range(5):
        assert_error(post(api_client, {"email": buyer.email, "password": "nope"}), 401, "not_authenticated")

    response = post(api_client, {"email": buyer.email, "password": PASSWORD})

    assert_error(response, 429, "rate_limited")
    assert 1 <= int(response["Retry-After"]) <= 300
    assert not ApiToken.objects.exists()


def test_it_rate_limits_repeated_failures_from_one_address(api_client: Client, buyer: Any) -> None:
    for n in range(10):
        response = post(api_client, {"email": f"guess{n}@x.test", "password": "nope"})
        assert_error(response, 401, "not_authenticated")

    response = post(api_client, {"email": buyer.email, "password": PASSWORD})

    assert_error(response, 429, "rate_limited")
    assert 1 <= int(response["Retry-After"]) <= 60
    # Another address is not held back by this one's failures.
    other = post(api_client, {"email": buyer.email, "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 201


def test_successful_logins_do_not_count_towards_the_limit(api_client: Client, buyer: Any) -> None:
    for _ in range(12):
        assert post(api_client, {"email": buyer.email, "password": PASSWORD}).status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"password": PASSWORD}, "email"),
        ({"email": "", "password": PASSWORD}, "email"),
        ({"email": 5, "password": PASSWORD}, "email"),
        ({"email": "a\x00b@x.test", "password": PASSWORD}, "email"),
        ({"email": "buyer@bakery.test"}, "password"),
        ({"email": "buyer@bakery.test", "password": ["x"]}, "password"),
        ({"email": "buyer@bakery.test", "password": PASSWORD, "name": "x" * 101}, "name"),
        ({"email": "buyer@bakery.test", "password": PASSWORD, "name": 3}, "name"),
        ({"email": "buyer@bakery.test", "password": PASSWORD, "expires_in_days": 0}, "expires_in_days"),
        ({"email": "buyer@bakery.test", "password": PASSWORD, "expires_in_days": 366}, "expires_in_days"),
        ({"email": "buyer@bakery.test", "password": PASSWORD, "expires_in_days": 1.5}, "expires_in_days"),
        ({"email": "buyer@bakery.test", "password": PASSWORD, "expires_in_days": "7"}, "expires_in_days"),
        ({"email": "buyer@bakery.test", "password": PASSWORD, "expires_in_days": True}, "expires_in_days"),
    ],
)
def test_it_rejects_invalid_fields(api_client: Client, buyer: Any, body: dict[str, Any], field: str) -> None:
    error = assert_error(post(api_client, body), 400, "invalid")

    assert field in error["details"]
    assert not ApiToken.objects.exists()


def test_it_accepts_the_longest_expiry(api_client: Client, buyer: Any) -> None:
    body = {"email": buyer.email, "password": PASSWORD, "expires_in_days": 365}

    assert post(api_client, body).status_code == 201


@pytest.mark.parametrize("raw", ["{", "[]", "null", '"text"', "3", '{"a": NaN}', "[" * 100_000, '{"email": "\\ud800@x.test"}'])
def test_it_rejects_a_body_that_is_not_a_json_object(api_client: Client, raw: str) -> None:
    assert_error(post(api_client, raw), 400, "invalid_json")


@pytest.mark.parametrize("field", ["email", "password", "name"])
def test_it_rejects_text_that_is_not_valid_unicode(api_client: Client, buyer: Any, field: str) -> None:
    body = {"email": buyer.email, "password": PASSWORD}
    raw = json.dumps(body | {field: "lone \ud800 surrogate"})

    assert_error(post(api_client, raw), 400, "invalid_json")
    assert not ApiToken.objects.exists()


def test_it_rejects_an_empty_json_body(api_client: Client) -> None:
    response = api_client.generic("POST", URL, b"", CONTENT_TYPE="application/json")

    assert_error(response, 400, "invalid_json")


def test_it_rejects_a_body_that_is_not_json(api_client: Client, buyer: Any) -> None:
    response = api_client.post(URL, {"email": buyer.email, "password": PASSWORD})

    assert_error(response, 415, "unsupported_media_type")


def test_it_rejects_a_body_over_the_size_limit(api_client: Client, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = post(api_client, {"email": "a@b.test", "password": "x" * 2000})

    assert_error(response, 413, "too_large")


def test_it_rejects_other_methods(api_client: Client) -> None:
    response = api_client.put(URL, {}, content_type="application/json")

    assert_error(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET, HEAD, POST"

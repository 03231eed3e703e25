"""GET /api/v1/tokens"""

from datetime import timedelta
from typing import Any

from django.test import Client

from shop import services
from shop.models import ApiToken
from tests.api.helpers import assert_error

URL = "/api/v1/tokens"


def test_it_lists_the_callers_live_tokens_without_secrets(
    api_client: Client, buyer: Any, other_buyer: Any, auth: dict[str, str]
) -> None:
    second = services.token_create(user=buyer, name="second")
    revoked = services.token_create(user=buyer, name="revoked")
    services.token_revoke(user=buyer, token_id=revoked.token.pk)
    services.token_create(user=other_buyer, name="not yours")

    response = api_client.get(URL, headers=auth)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [t["name"] for t in body["results"]] == ["second", "tests"]
    assert set(body["results"][0]) == {"id", "name", "created_at", "expires_at", "last_used_at"}
    assert body["results"][0]["id"] == second.token.pk
    assert second.secret not in response.content.decode()
    # The token used for this very call shows it was just used.
    assert body["results"][1]["last_used_at"] is not None


def test_it_accepts_the_token_scheme_too(api_client: Client, token: str) -> None:
    response = api_client.get(URL, headers={"Authorization": f"Token {token}"})

    assert response.status_code == 200


def test_it_paginates(api_client: Client, buyer: Any, auth: dict[str, str]) -> None:
    for n in range(4):
        services.token_create(user=buyer, name=f"t{n}")

    first = api_client.get(URL, {"page_size": 2}, headers=auth).json()
    last = api_client.get(URL, {"page_size": 2, "page": 3}, headers=auth).json()

    assert first["count"] == 5
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/tokens?page_size=2&page=2"
    assert last["next"] is None
    assert last["previous"] == "http://testserver/api/v1/tokens?page_size=2&page=2"
    assert len(last["results"]) == 1


def test_it_rejects_missing_wrong_expired_or_revoked_credentials(
    api_client: Client, bad_auth: dict[str, str]
) -> None:
    assert_error(api_client.get(URL, headers=bad_auth), 401, "not_authenticated")


def test_it_rejects_a_page_past_the_end(api_client: Client, auth: dict[str, str]) -> None:
    assert_error(api_client.get(URL, {"page": 2}, headers=auth), 404, "not_found")


def test_last_use_is_written_at_most_once_a_minute(
    api_client: Client, buyer: Any, token: str, auth: dict[str, str], django_assert_num_queries: Any
) -> None:
    api_client.get(URL, headers=auth)
    stored = ApiToken.objects.get(user=buyer)
    first_use = stored.last_used_at

    # token lookup, count, page: no UPDATE within the minute
    with django_assert_num_queries(3):
        api_client.get(URL, headers=auth)
    assert ApiToken.objects.get(pk=stored.pk).last_used_at == first_use

    ApiToken.objects.filter(pk=stored.pk).update(last_used_at=first_use - timedelta(seconds=61))
    api_client.get(URL, headers=auth)
    assert ApiToken.objects.get(pk=stored.pk).last_used_at > first_use - timedelta(seconds=1)

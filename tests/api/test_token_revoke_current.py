"""DELETE /api/v1/tokens/current"""

from typing import Any

from django.test import Client

from shop import services
from shop.models import ApiToken
from tests.api.helpers import assert_error

URL = "/api/v1/tokens/current"


def test_it_revokes_the_token_used_for_the_call_at_once(
    api_client: Client, buyer: Any, token: str, auth: dict[str, str]
) -> None:
    other = services.token_create(user=buyer, name="kept")

    response = api_client.delete(URL, headers=auth)

    assert response.status_code == 204
    assert response.content == b""
    assert_error(api_client.get("/api/v1/tokens", headers=auth), 401, "not_authenticated")
    assert ApiToken.objects.get(pk=other.token.pk).revoked_at is None
    kept = {"Authorization": f"Bearer {other.secret}"}
    assert api_client.get("/api/v1/tokens", headers=kept).status_code == 200


def test_it_rejects_missing_wrong_expired_or_revoked_credentials(
    api_client: Client, bad_auth: dict[str, str]
) -> None:
    assert_error(api_client.delete(URL, headers=bad_auth), 401, "not_authenticated")


def test_it_rejects_other_methods(api_client: Client, auth: dict[str, str]) -> None:
    response = api_client.post(URL, {}, content_type="application/json", headers=auth)

    assert_error(response, 405, "method_not_allowed")
    assert response["Allow"] == "DELETE"

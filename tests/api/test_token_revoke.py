"""DELETE /api/v1/tokens/{id}"""

from typing import Any

from django.test import Client

from shop import services
from shop.models import ApiToken
from tests.api.helpers import assert_error


def test_it_revokes_one_of_the_callers_tokens(
    api_client: Client, buyer: Any, auth: dict[str, str]
) -> None:
    other = services.token_create(user=buyer, name="laptop")

    response = api_client.delete(f"/api/v1/tokens/{other.token.pk}", headers=auth)

    assert response.status_code == 204
    assert ApiToken.objects.get(pk=other.token.pk).revoked_at is not None
    gone = {"Authorization": f"Bearer {other.secret}"}
    assert_error(api_client.get("/api/v1/tokens", headers=gone), 401, "not_authenticated")


def test_it_hides_another_users_token(
    api_client: Client, other_buyer: Any, auth: dict[str, str]
) -> None:
    theirs = services.token_create(user=other_buyer)

    response = api_client.delete(f"/api/v1/tokens/{theirs.token.pk}", headers=auth)

    assert_error(response, 404, "not_found")
    assert ApiToken.objects.get(pk=theirs.token.pk).revoked_at is None


def test_it_answers_404_for_an_unknown_or_already_revoked_token(
    api_client: Client, buyer: Any, auth: dict[str, str]
) -> None:
    old = services.token_create(user=buyer)
    services.token_revoke(user=buyer, token_id=old.token.pk)

    assert_error(api_client.delete(f"/api/v1/tokens/{old.token.pk}", headers=auth), 404, "not_found")
    assert_error(api_client.delete("/api/v1/tokens/999999", headers=auth), 404, "not_found")
    assert_error(api_client.delete("/api/v1/tokens/" + "9" * 30, headers=auth), 404, "not_found")


def test_it_rejects_missing_wrong_expired_or_revoked_credentials(
    api_client: Client, buyer: Any, bad_auth: dict[str, str]
) -> None:
    target = services.token_create(user=buyer)

    response = api_client.delete(f"/api/v1/tokens/{target.token.pk}", headers=bad_auth)

    assert_error(response, 401, "not_authenticated")
    assert ApiToken.objects.get(pk=target.token.pk).revoked_at is None


def test_it_rejects_other_methods(api_client: Client, buyer: Any, auth: dict[str, str]) -> None:
    target = services.token_create(user=buyer)

    response = api_client.get(f"/api/v1/tokens/{target.token.pk}", headers=auth)

    assert_error(response, 405, "method_not_allowed")
    assert response["Allow"] == "DELETE"

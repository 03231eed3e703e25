import re
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from shop import services
from shop.models import ApiToken
from tests.views.conftest import ShopClient

TOKENS = reverse("shop:tokens")


def test_the_page_has_the_form_and_lists_my_tokens(
    buyer_client: ShopClient, buyer: Any, other_buyer: Any
) -> None:
    services.token_create(user=buyer, name="ERP")
    services.token_create(user=other_buyer, name="Someone else's")
    html = buyer_client.get(TOKENS).content.decode()
    assert 'id="token-form"' in html and ">Create token</button>" in html
    assert 'value="30"' in html  # default expiry
    assert "ERP" in html and "Someone else" not in html
    assert "token-secret" not in html


def test_creating_a_token_shows_the_secret_once(buyer_client: ShopClient, buyer: Any) -> None:
    response = buyer_client.form_post(TOKENS, {"name": "Bakery ERP", "expires_in_days": "7"})
    html = response.content.decode()
    assert response.status_code == 201
    secret = re.search(r'id="token-secret"[^>]*value="([^"]+)"', html).group(1)
    token = services.token_authenticate(secret)
    assert token is not None and token.user == buyer and token.name == "Bakery ERP"
    assert abs(token.expires_at - (timezone.now() + timedelta(days=7))) < timedelta(minutes=1)
    # "Copy" needs JavaScript: hidden until shop.js shows it; the readonly input selects.
    assert 'data-copy-target="#token-secret" hidden>Copy</button>' in html
    assert re.search(r'id="token-secret"[^>]*readonly', html)
    assert secret not in buyer_client.get(TOKENS).content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"name": "x", "expires_in_days": "0"},
        {"name": "x", "expires_in_days": "366"},
        {"name": "x", "expires_in_days": "abc"},
        {"name": "", "expires_in_days": "30"},
    ],
)
def test_bad_input_creates_nothing(buyer_client: ShopClient, buyer: Any, data: dict[str, str]) -> None:
    response = buyer_client.form_post(TOKENS, data)
    assert response.status_code == 422
    assert 'class="field-error"' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoke(buyer_client: ShopClient, buyer: Any) -> None:
    issued = services.token_create(user=buyer, name="ERP")
    response = buyer_client.form_post(reverse("shop:token_revoke", args=[issued.token.pk]))
    assert response["Location"] == TOKENS
    assert services.token_authenticate(issued.secret) is None
    html = buyer_client.get(TOKENS).content.decode()
    assert "Revoked" in html and "Token “ERP” revoked." in html


def test_revoke_asks_first_naming_the_token(buyer_client: ShopClient, buyer: Any) -> None:
    issued = services.token_create(user=buyer, name="Bakery ERP")
    url = reverse("shop:token_revoke", args=[issued.token.pk])
    assert f'href="{url}" aria-label="Revoke Bakery ERP">Revoke…</a>' in buyer_client.get(TOKENS).content.decode()
    response = buyer_client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Revoke token “Bakery ERP”?" in html and f"shop_{issued.token.prefix}_" in html
    assert ">Revoke token</button>" in html and ">Keep token</a>" in html
    assert services.token_authenticate(issued.secret) is not None  # asking revokes nothing


def test_the_confirmation_of_a_revoked_token_goes_back_to_the_list(
    buyer_client: ShopClient, buyer: Any
) -> None:
    issued = services.token_create(user=buyer, name="ERP")
    services.token_revoke(user=buyer, token_id=issued.token.pk)
    response = buyer_client.get(reverse("shop:token_revoke", args=[issued.token.pk]), follow=True)
    assert "Token “ERP” is revoked already." in response.content.decode()


def test_the_page_links_the_api_documentation_and_says_what_to_do_when_empty(
    buyer_client: ShopClient, buyer: Any
) -> None:
    html = buyer_client.get(TOKENS).content.decode()
    assert f'id="api-docs-link" href="{reverse("api_reference")}">API documentation</a>' in html
    assert 'id="empty-state"' in html and "No tokens yet." in html


def test_revoking_another_buyers_token_is_404(other_client: ShopClient, buyer: Any) -> None:
    issued = services.token_create(user=buyer, name="ERP")
    assert other_client.form_post(reverse("shop:token_revoke", args=[issued.token.pk])).status_code == 404
    assert other_client.get(reverse("shop:token_revoke", args=[issued.token.pk])).status_code == 404
    assert services.token_authenticate(issued.secret) is not None


def test_statuses_and_last_used(buyer_client: ShopClient, buyer: Any) -> None:
    used = services.token_create(user=buyer, name="used")
    services.token_authenticate(used.secret)
    old = services.token_create(user=buyer, name="old", expires_in_days=1)
    ApiToken.objects.filter(pk=old.token.pk).update(expires_at=timezone.now() - timedelta(days=1))
    html = buyer_client.get(TOKENS).content.decode()
    assert ">Active</span>" in html and ">Expired</span>" in html
    assert html.count(">Never</td>") == 1
    assert html.count(">Revoke…</a>") == 1

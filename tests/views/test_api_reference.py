"""docs/API.md: the API reference, kept in step with the API and reachable from the tokens page."""

import re
from pathlib import Path
from typing import Any

from django.test import Client
from django.urls import reverse

from tests.views.conftest import ShopClient

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = (ROOT / "docs" / "API.md").read_text()


def test_every_endpoint_of_the_openapi_document_is_in_the_reference(client: Client) -> None:
    document = client.get(reverse("api:openapi")).json()
    endpoints = {
        f"{method.upper()} {re.sub(r'\{\w+\}', '{id}', path)}"
        for path, operations in document["paths"].items()
        for method in operations
    }
    assert len(endpoints) >= 10  # the document really was read

    missing = sorted(e for e in endpoints if e not in REFERENCE)

    assert missing == []


def test_every_error_code_of_the_api_is_in_the_reference() -> None:
    from shop.api.openapi import ERROR_CODES

    assert [code for code in ERROR_CODES if f"`{code}`" not in REFERENCE] == []


def test_the_shop_serves_the_reference(client: Client) -> None:
    response = client.get(reverse("api_reference"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == REFERENCE


def test_the_tokens_page_links_to_the_reference(buyer_client: ShopClient, buyer: Any) -> None:
    html = buyer_client.get(reverse("shop:tokens")).content.decode()

    assert f'href="{reverse("api_reference")}"' in html
    assert f'href="{reverse("api:openapi")}"' in html


def test_the_readme_links_to_the_reference() -> None:
    assert "(docs/API.md)" in (ROOT / "README.md").read_text()

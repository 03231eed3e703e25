"""shop/converters.py: the <id:...> path converter of the shop's, the API's and companies' URLs."""

from typing import Any

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from shop import services

LONGEST = "9" * 18  # 999,999,999,999,999,999: fits a 64-bit column
TOO_LONG = "9" * 19  # 9,999,999,999,999,999,999: would overflow it

ID_PATHS = ["/products/{}/", "/api/v1/products/{}", "/company/members/{}/role/"]


@pytest.mark.parametrize("pattern", ID_PATHS)
def test_an_id_of_up_to_18_digits_reaches_the_view_as_an_int(pattern: str) -> None:
    match = resolve(pattern.format(LONGEST))

    assert list(match.kwargs.values()) == [int(LONGEST)]


@pytest.mark.parametrize("pattern", ["/products/{}/", "/company/members/{}/role/"])
def test_a_19_digit_id_does_not_resolve(pattern: str) -> None:
    with pytest.raises(Resolver404):
        resolve(pattern.format(TOO_LONG))


def test_a_19_digit_id_reaches_no_api_endpoint() -> None:
    # Under /api/v1/ a catch-all answers every unknown path with the JSON 404.
    assert resolve(f"/api/v1/products/{TOO_LONG}").url_name is None


def test_a_19_digit_id_is_a_404_on_an_html_page(client: Client, buyer: Any) -> None:
    client.force_login(buyer)

    assert client.get(f"/products/{TOO_LONG}/").status_code == 404


def test_a_19_digit_id_is_the_json_404_on_the_api(client: Client, buyer: Any) -> None:
    secret = services.token_create(user=buyer).secret

    response = client.get(
        f"/api/v1/products/{TOO_LONG}", headers={"Authorization": f"Bearer {secret}"}
    )

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"

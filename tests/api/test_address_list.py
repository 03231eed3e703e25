"""GET /api/v1/addresses"""

from typing import Any

import pytest
from django.test import Client

from companies import services as company_services
from companies.models import Membership, Role
from companies.services import AddressInput
from shop import services
from tests.api.helpers import assert_error
from tests.factories import make_member

URL = "/api/v1/addresses"

pytestmark = pytest.mark.django_db


def add(actor: Any, label: str, *, is_default: bool = False) -> Any:
    return company_services.address_create(
        actor=actor,
        data=AddressInput(label=label, lines="1 Mill Lane\nYork", postcode="YO1 7HH"),
        is_default=is_default,
    )


def test_it_lists_the_companys_addresses_default_first(
    api_client: Client, buyer: Any, other_buyer: Any, auth: dict[str, str]
) -> None:
    bakery = add(buyer, "Bakery")
    add(buyer, "Warehouse", is_default=True)
    add(other_buyer, "Brewhouse")

    response = api_client.get(URL, headers=auth)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [a["label"] for a in body["results"]] == ["Warehouse", "Bakery"]
    assert body["results"][1] == {
        "id": bakery.pk,
        "label": "Bakery",
        "lines": ["1 Mill Lane", "York"],
        "postcode": "YO1 7HH",
        "country": "GB",
        "is_default": False,
    }


def test_every_role_reads_the_companys_addresses(api_client: Client, buyer: Any) -> None:
    add(buyer, "Bakery")
    viewer = make_member("books@bakery.test", buyer.membership.company, Role.VIEWER)
    headers = {"Authorization": f"Bearer {services.token_create(user=viewer).secret}"}

    body = api_client.get(URL, headers=headers).json()

    assert [a["label"] for a in body["results"]] == ["Bakery"]


def test_another_companys_addresses_never_show(
    api_client: Client, buyer: Any, other_buyer: Any, other_auth: dict[str, str]
) -> None:
    add(buyer, "Bakery")

    body = api_client.get(URL, headers=other_auth).json()

    assert body == {"count": 0, "next": None, "previous": None, "results": []}


def test_it_paginates(api_client: Client, buyer: Any, auth: dict[str, str]) -> None:
    for n in range(3):
        add(buyer, f"Depot {n}")

    first = api_client.get(URL, {"page_size": 2}, headers=auth).json()
    last = api_client.get(URL, {"page_size": 2, "page": 2}, headers=auth).json()

    assert first["count"] == 3
    assert first["next"] == "http://testserver/api/v1/addresses?page_size=2&page=2"
    assert last["previous"] == "http://testserver/api/v1/addresses?page_size=2&page=1"
    assert len(last["results"]) == 1


@pytest.mark.parametrize("query", [{"page": "0"}, {"page_size": "101"}, {"page": "x"}])
def test_it_rejects_a_bad_page(api_client: Client, auth: dict[str, str], query: dict[str, str]) -> None:
    assert_error(api_client.get(URL, query, headers=auth), 400, "invalid")


def test_it_rejects_a_page_past_the_end(api_client: Client, auth: dict[str, str]) -> None:
    assert_error(api_client.get(URL, {"page": 2}, headers=auth), 404, "not_found")


def test_a_user_without_a_company_is_forbidden(api_client: Client, buyer: Any, auth: dict[str, str]) -> None:
    Membership.objects.filter(user=buyer).delete()

    assert_error(api_client.get(URL, headers=auth), 403, "forbidden")


def test_it_rejects_missing_wrong_expired_or_revoked_credentials(
    api_client: Client, bad_auth: dict[str, str]
) -> None:
    assert_error(api_client.get(URL, headers=bad_auth), 401, "not_authenticated")

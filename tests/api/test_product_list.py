"""GET /api/v1/products"""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from companies.models import ContractPrice
from shop.models import Category, Product
from tests.api.helpers import assert_error

URL = "/api/v1/products"


def names(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [p["name"] for p in response.json()["results"]]


def test_it_lists_active_products_by_name(
    api_client: Client, auth: dict[str, str], make_product: Callable[..., Product]
) -> None:
    make_product(name="Rye flour", price="18.00", stock=4, description="Dark rye")
    make_product(name="Amber malt", stock=0)
    make_product(name="Old stock", is_active=False)

    response = api_client.get(URL, headers=auth)

    body = response.json()
    assert body["count"] == 2
    assert body["next"] is None and body["previous"] is None
    rye = body["results"][1]
    assert rye == {
        "id": rye["id"],
        "sku": rye["sku"],
        "name": "Rye flour",
        "description": "Dark rye",
        "category": {"slug": "flours", "name": "Flours"},
        "unit": "25 kg sack",
        "price": "18.00",
        "currency": "GBP",
        "stock": 4,
        "in_stock": True,
        "list_price": "18.00",
        "vat_rate": "0.00",
        "measure": None,
        "price_per_measure_unit": None,
        "min_order_quantity": 1,
        "order_multiple": 1,
        "price_breaks": [],
    }
    assert body["results"][0]["name"] == "Amber malt"
    assert body["results"][0]["in_stock"] is False


def test_it_searches_name_sku_and_description_ignoring_case(
    api_client: Client, auth: dict[str, str], make_product: Callable[..., Product]
) -> None:
    make_product(name="Rye flour")
    make_product(name="Hops", sku="HOP-CASCADE")
    make_product(name="Yeast", description="For RYE breads")
    make_product(name="Salt")

    assert names(api_client.get(URL, {"q": "rye"}, headers=auth)) == ["Rye flour", "Yeast"]
    assert names(api_client.get(URL, {"q": "cascade"}, headers=auth)) == ["Hops"]


def test_it_filters_by_category_and_stock(
    api_client: Client, auth: dict[str, str], make_product: Callable[..., Product]
) -> None:
    hops = Category.objects.create(slug="hops", name="Hops")
    make_product(name="Cascade", category=hops, stock=3)
    make_product(name="Saaz", category=hops, stock=0)
    make_product(name="Spelt", stock=9)

    assert names(api_client.get(URL, {"category": "hops"}, headers=auth)) == ["Cascade", "Saaz"]
    assert names(api_client.get(URL, {"in_stock": "true"}, headers=auth)) == ["Cascade", "Spelt"]
    assert names(api_client.get(URL, {"category": "hops", "in_stock": "true"}, headers=auth)) == ["Cascade"]
    assert names(api_client.get(URL, {"category": "nothing"}, headers=auth)) == []


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("name", ["A", "B", "C"]),
        ("-name", ["C", "B", "A"]),
        ("price", ["B", "C", "A"]),
        ("-price", ["A", "C", "B"]),
        ("stock", ["C", "A", "B"]),
        ("-stock", ["B", "A", "C"]),
    ],
)
def test_it_orders_as_asked(
    api_client: Client,
    auth: dict[str, str],
    make_product: Callable[..., Product],
    ordering: str,
    expected: list[str],
) -> None:
    make_product(name="A", price="30.00", stock=5)
    make_product(name="B", price="10.00", stock=9)
    make_product(name="C", price="20.00", stock=1)

    assert names(api_client.get(URL, {"ordering": ordering}, headers=auth)) == expected


def test_it_paginates_keeping_the_filters(
    api_client: Client, auth: dict[str, str], make_product: Callable[..., Product]
) -> None:
    for n in range(25):
        make_product(name=f"Flour {n:02d}")

    first = api_client.get(URL, {"q": "flour"}, headers=auth).json()
    second = api_client.get(first["next"], headers=auth).json()

    assert first["count"] == 25 and len(first["results"]) == 20
    assert first["next"] == "http://testserver/api/v1/products?q=flour&page=2"
    assert [p["name"] for p in second["results"]] == [f"Flour {n}" for n in range(20, 25)]
    assert second["next"] is None
    assert second["previous"] == "http://testserver/api/v1/products?q=flour&page=1"
    assert len(api_client.get(URL, {"page_size": 100}, headers=auth).json()["results"]) == 25


def test_an_empty_catalogue_is_one_empty_page(api_client: Client, auth: dict[str, str]) -> None:
    response = api_client.get(URL, headers=auth)

    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_it_answers_404_past_the_last_page(
    api_client: Client, auth: dict[str, str], make_product: Callable[..., Product]
) -> None:
    make_product()

    assert_error(api_client.get(URL, {"page": 2}, headers=auth), 404, "not_found")


def test_the_count_is_cached_per_filter_and_the_results_stay_live(
    api_client: Client, auth: dict[str, str], make_product: Callable[..., Product]
) -> None:
    make_product(name="Rye flour")
    assert api_client.get(URL, headers=auth).json()["count"] == 1
    make_product(name="Spelt flour")

    with CaptureQueriesContext(connection) as context:
        body = api_client.get(URL, {"ordering": "-name"}, headers=auth).json()

    # Up to SHOP_PRODUCT_COUNT_CACHE_SECONDS old, shared by every ordering; rows read live.
    assert body["count"] == 1
    assert [p["name"] for p in body["results"]] == ["Spelt flour", "Rye flour"]
    assert not [q for q in context.captured_queries if 'COUNT(*) AS "__count" FROM "shop_product"' in q["sql"]]
    assert api_client.get(URL, {"q": "spelt"}, headers=auth).json()["count"] == 1
    assert_error(api_client.get(URL, {"page": 2}, headers=auth), 404, "not_found")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "abc"}, "page"),
        ({"page": "1.5"}, "page"),
        ({"page": ""}, "page"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "101"}, "page_size"),
        ({"page_size": "x"}, "page_size"),
        ({"ordering": "sku"}, "ordering"),
        ({"in_stock": "maybe"}, "in_stock"),
        ({"q": "x" * 101}, "q"),
        ({"q": "nul\x00byte"}, "q"),
        ({"category": "a\x00"}, "category"),
    ],
)
def test_it_rejects_bad_query_values(
    api_client: Client, auth: dict[str, str], params: dict[str, str], field: str
) -> None:
    error = assert_error(api_client.get(URL, params, headers=auth), 400, "invalid")

    assert field in error["details"]


def test_it_rejects_missing_wrong_expired_or_revoked_credentials(
    api_client: Client, bad_auth: dict[str, str]
) -> None:
    assert_error(api_client.get(URL, headers=bad_auth), 401, "not_authenticated")


def test_it_rejects_other_methods(api_client: Client, auth: dict[str, str]) -> None:
    response = api_client.post(URL, {}, content_type="application/json", headers=auth)

    assert_error(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET, HEAD"


def test_it_reads_a_page_in_a_fixed_number_of_queries(
    api_client: Client,
    auth: dict[str, str],
    make_product: Callable[..., Product],
    django_assert_max_num_queries: Any,
) -> None:
    for _ in range(30):
        make_product()
    api_client.get(URL, headers=auth)

    # token, the cached count (a cache read), products with their categories joined
    with django_assert_max_num_queries(3):
        assert len(api_client.get(URL, headers=auth).json()["results"]) == 20


def test_options_names_the_allowed_methods(api_client: Client) -> None:
    response = api_client.options(URL)

    assert response.status_code == 204
    assert response["Allow"] == "GET, HEAD, OPTIONS"


def test_price_is_the_callers_contract_price_and_list_price_the_public_one(
    api_client: Client,
    auth: dict[str, str],
    other_auth: dict[str, str],
    buyer: Any,
    make_product: Callable[..., Product],
) -> None:
    rye = make_product(name="Rye flour", price="13.00")
    make_product(name="Spelt", price="9.00", vat_rate=Decimal("20.00"))
    ContractPrice.objects.create(company=buyer.membership.company, product=rye, price=Decimal("11.00"))

    mine = api_client.get(URL, headers=auth).json()["results"]
    theirs = api_client.get(URL, headers=other_auth).json()["results"]

    prices = [(p["name"], p["price"], p["list_price"], p["vat_rate"]) for p in mine]
    assert prices == [("Rye flour", "11.00", "13.00", "0.00"), ("Spelt", "9.00", "9.00", "20.00")]
    # another company's contract price never applies
    assert [(p["price"], p["list_price"]) for p in theirs] == [("13.00", "13.00"), ("9.00", "9.00")]

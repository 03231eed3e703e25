"""The catalogue's page size and every other parameter are bounded: nothing in a URL can make
a page bigger than the API's largest, or grow the cache with pages nobody else would see."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import caches
from django.urls import reverse

from shop.api.pagination import MAX_PAGE_SIZE
from shop.models import Product
from tests.views.conftest import ShopClient

URL = reverse("shop:catalogue")


def product_ids(response: Any) -> list[int]:
    assert response.status_code == 200
    return [int(pk) for pk in re.findall(r'<tr data-product-id="(\d+)"', response.content.decode())]


def cached_results() -> int:
    return len(caches["catalogue"]._cache)  # LocMemCache's own dict


@pytest.fixture
def products(make_product: Callable[..., Product]) -> list[Product]:
    return [make_product(name=f"Flour {i:03}") for i in range(MAX_PAGE_SIZE + 1)]


@pytest.mark.parametrize(
    "per_page", ["-1", "0", "9223372036854775808", "100000", str(MAX_PAGE_SIZE + 1), "ten", "2.5"]
)
def test_a_page_size_outside_1_to_the_apis_maximum_gives_the_default_page(
    buyer_client: ShopClient, products: list[Product], per_page: str
) -> None:
    response = buyer_client.get(URL, {"per_page": per_page})

    assert product_ids(response) == [product.pk for product in products[:25]]
    assert "per_page" not in response.content.decode()


def test_a_page_size_within_bounds_is_used_and_kept_in_the_links(
    buyer_client: ShopClient, products: list[Product]
) -> None:
    assert len(product_ids(buyer_client.get(URL, {"per_page": str(MAX_PAGE_SIZE)}))) == MAX_PAGE_SIZE

    response = buyer_client.get(URL, {"per_page": "5", "page": "2"})

    assert product_ids(response) == [product.pk for product in products[5:10]]
    assert 'href="?per_page=5&amp;page=3#catalogue-results"' in response.content.decode()


@pytest.mark.parametrize("number", ["-1", "0", "abc", "9223372036854775808", "1" * 40])
def test_a_malformed_page_number_shows_the_first_page(
    buyer_client: ShopClient, products: list[Product], number: str
) -> None:
    assert product_ids(buyer_client.get(URL, {"page": number})) == [p.pk for p in products[:25]]


def test_a_page_past_the_end_shows_the_last_page(
    buyer_client: ShopClient, products: list[Product]
) -> None:
    assert product_ids(buyer_client.get(URL, {"page": "99999"})) == [
        p.pk for p in products[100:]
    ]


def test_urls_that_show_the_same_results_share_one_cache_entry(
    buyer_client: ShopClient, products: list[Product]
) -> None:
    pages = [
        {},
        {"utm_source": "mail", "x": "1"},  # unknown parameters
        {"sort": "name"},  # the default sort, asked for
        {"sort": "bogus"},
        {"sort": "name,price"},
        {"per_page": "100000"},
        {"per_page": "25"},
        {"page": "1"},
        {"page": "-3"},
        {"q": "", "category": "nope", "in_stock": ""},
    ]
    for params in pages:
        html = buyer_client.get(URL, params).content.decode()
        assert "utm_source" not in html and "bogus" not in html  # nor in any link

    assert cached_results() == 1
    buyer_client.get(URL, {"page": "5"})
    buyer_client.get(URL, {"page": "999"})
    assert cached_results() == 2  # page 5 is the last page


def test_the_results_cache_is_bounded_whatever_is_searched(
    buyer_client: ShopClient, make_product: Callable[..., Product], settings: Any
) -> None:
    settings.CACHES = {
        **settings.CACHES,
        "catalogue": {**settings.CACHES["catalogue"], "OPTIONS": {"MAX_ENTRIES": 4}},
    }
    make_product(name="Rye flour")

    for i in range(12):
        assert buyer_client.get(URL, {"q": f"search {i}"}).status_code == 200

    assert 0 < cached_results() <= 4


def test_every_cache_the_shop_fills_from_request_parameters_has_a_bound() -> None:
    from django.conf import settings

    for alias in ("catalogue", "product_counts"):
        assert settings.CACHES[alias]["BACKEND"].endswith("LocMemCache")
        assert 0 < settings.CACHES[alias]["OPTIONS"]["MAX_ENTRIES"] <= 5000

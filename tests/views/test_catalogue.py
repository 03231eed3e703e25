import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shop import services
from shop.models import Category, Product
from tests.views.conftest import ShopClient

URL = reverse("shop:catalogue")


def product_ids(response: Any) -> list[int]:
    # From the HTML, not response.context: a page served from the page cache renders no template.
    return [int(pk) for pk in re.findall(r'<tr data-product-id="(\d+)"', response.content.decode())]


def test_it_renders_the_full_page_with_the_product_table(
    buyer_client: ShopClient, make_product: Callable[..., Product]
) -> None:
    rye = make_product(name="Dark rye flour", sku="FLR-RYE")
    response = buyer_client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html and 'id="product-table"' in html
    assert f'data-product-id="{rye.pk}"' in html
    assert f'href="{rye.get_absolute_url()}"' in html
    assert 'id="cart-badge"' in html and 'hx-headers=' in html
    assert response["Vary"].count("HX-Request") == 1


def test_htmx_search_returns_just_the_results_partial(
    buyer_client: ShopClient, make_product: Callable[..., Product]
) -> None:
    rye = make_product(name="Dark rye flour")
    make_product(name="Cascade hops")
    response = buyer_client.get(URL, {"q": "rye flour"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and html.lstrip().startswith('<section id="catalogue-results"')
    assert product_ids(response) == [rye.pk]
    assert "Vary" in response and "HX-Request" in response["Vary"]


def test_a_history_restore_request_gets_the_full_page(buyer_client: ShopClient, db: None) -> None:
    response = buyer_client.get(
        URL, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in response.content.decode()


def test_it_filters_by_category_and_stock(
    buyer_client: ShopClient, make_product: Callable[..., Product]
) -> None:
    hops = Category.objects.create(slug="hops", name="Hops")
    flour = make_product(name="Flour", stock=5)
    make_product(name="Empty flour", stock=0)
    make_product(name="Citra", category=hops)
    assert sorted(product_ids(buyer_client.get(URL, {"category": "flours", "in_stock": "on"}))) == [flour.pk]


def test_an_unknown_category_is_ignored_not_an_error(
    buyer_client: ShopClient, make_product: Callable[..., Product]
) -> None:
    make_product()
    response = buyer_client.get(URL, {"category": "nope", "q": "Product"})
    assert response.status_code == 200
    assert len(product_ids(response)) == 1


def test_it_sorts_by_price_both_ways(
    buyer_client: ShopClient, make_product: Callable[..., Product]
) -> None:
    cheap = make_product(price="1.00")
    dear = make_product(price="99.00")
    assert product_ids(buyer_client.get(URL, {"sort": "price"})) == [cheap.pk, dear.pk]
    assert product_ids(buyer_client.get(URL, {"sort": "-price"})) == [dear.pk, cheap.pk]


def test_it_paginates_25_per_page_keeping_the_filters(
    buyer_client: ShopClient, make_product: Callable[..., Product]
) -> None:
    for _ in range(30):
        make_product()
    first = buyer_client.get(URL, {"q": "Product"})
    second = buyer_client.get(URL, {"q": "Product", "page": "2"})
    assert len(product_ids(first)) == 25 and len(product_ids(second)) == 5
    assert "q=Product" in first.content.decode().split('rel="next"')[0].rsplit("<a", 1)[1]


def test_stock_badges_mark_low_and_out(
    buyer_client: ShopClient, make_product: Callable[..., Product]
) -> None:
    out = make_product(stock=0)
    make_product(stock=3)
    make_product(stock=500)
    html = buyer_client.get(URL).content.decode()
    assert "Out of stock" in html and "Low · 3" in html and "In stock · 500" in html
    # No quantity to edit beside a button that cannot be pressed: the row says why instead.
    assert html.count("Add to cart</button>") == 2
    out_row = re.search(rf'<tr data-product-id="{out.pk}".*?</tr>', html, re.S).group(0)
    assert 'name="quantity"' not in out_row and '<span class="meta">Out of stock</span>' in out_row


def test_inactive_products_are_not_listed(
    buyer_client: ShopClient, make_product: Callable[..., Product]
) -> None:
    make_product(is_active=False)
    assert product_ids(buyer_client.get(URL)) == []


def test_the_product_total_is_cached_per_filter_while_the_rows_stay_live(
    buyer_client: ShopClient, make_product: Callable[..., Product]
) -> None:
    make_product(name="Rye flour")
    assert "1 product<" in buyer_client.get(URL).content.decode()
    spelt = make_product(name="Spelt flour")

    with CaptureQueriesContext(connection) as context:
        response = buyer_client.get(URL, {"sort": "-name"})

    # The total is up to SHOP_PRODUCT_COUNT_CACHE_SECONDS old; the rows are read live.
    assert "1 product<" in response.content.decode()
    assert spelt.pk in product_ids(response)
    assert not [q for q in context.captured_queries if 'COUNT(*) AS "__count" FROM "shop_product"' in q["sql"]]
    assert "1 product matching" in buyer_client.get(URL, {"q": "spelt"}).content.decode()


@pytest.mark.parametrize("rows", [3, 60])
def test_the_query_count_does_not_grow_with_rows(
    buyer_client: ShopClient,
    buyer: Any,
    make_product: Callable[..., Product],
    django_assert_max_num_queries: Any,
    rows: int,
) -> None:
    products = [make_product() for _ in range(rows)]
    services.cart_add(user=buyer, product_id=products[0].pk, quantity=1)
    # A first look at a filter reads the cache, counts and stores the total: with the database
    # cache (PostgreSQL) that is 1 + 5 statements (entry count, savepoint, lookup, insert, release).
    with django_assert_max_num_queries(8 + 6):
        response = buyer_client.get(URL)
    assert len(product_ids(response)) == min(rows, 25)
    with django_assert_max_num_queries(8 + 6):
        assert buyer_client.get(URL, {"q": "Product"}, HTTP_HX_REQUEST="true").status_code == 200
    # Every later look reads the total from the cache (one statement) instead of counting it.
    with django_assert_max_num_queries(8):
        assert len(product_ids(buyer_client.get(URL))) == min(rows, 25)

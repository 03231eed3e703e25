"""The catalogue page cache (shop/fragments.py): shared by buyers, never stale, never leaky."""

import re
from collections.abc import Callable
from typing import Any

from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shop import services
from shop.fragments import HOLES
from shop.models import CartItem, Category, Product
from tests.views.conftest import ShopClient

URL = reverse("shop:catalogue")


def cached_pages() -> int:
    # LocMemCache's own dict: how many rendered pages it holds (besides the rows queries).
    return sum(":shop:page:" in key for key in caches["pages"]._cache)


def product_ids_on(response: Any) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr data-product-id="(\d+)"', response.content.decode())]


def form_tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))


def test_a_second_buyer_gets_the_cached_page_with_their_own_email_badge_and_token(
    buyer_client: ShopClient,
    other_client: ShopClient,
    buyer: Any,
    other_buyer: Any,
    make_product: Callable[..., Product],
) -> None:
    flour = make_product(name="Rye flour", stock=50)
    services.cart_add(user=other_buyer, product_id=flour.pk, quantity=3)

    first = buyer_client.get(URL).content.decode()
    second_response = other_client.get(URL)
    second = second_response.content.decode()

    assert cached_pages() == 1
    assert second_response.context is None  # served without rendering a template
    assert buyer.email in first and buyer.email not in second
    assert other_buyer.email in second
    assert 'data-units="0"' in first and 'data-units="3"' in second
    assert form_tokens(first).isdisjoint(form_tokens(second))
    for hole in (HOLES.csrf_token, HOLES.email, HOLES.cart_badge):
        assert hole not in first and hole not in second


def test_the_token_in_a_cached_page_is_accepted_by_add_to_cart(
    buyer_client: ShopClient,
    other_client: ShopClient,
    other_buyer: Any,
    make_product: Callable[..., Product],
) -> None:
    flour = make_product(name="Rye flour", stock=50)
    buyer_client.get(URL)
    html = other_client.get(URL).content.decode()  # from the cache
    token = form_tokens(html).pop()

    response = other_client.post(
        reverse("shop:cart_add"),
        {"csrfmiddlewaretoken": token, "product": flour.pk, "quantity": 2, "next": URL},
    )

    assert response.status_code == 302
    assert CartItem.objects.get(user=other_buyer, product=flour).quantity == 2


def test_a_stock_change_shows_at_once(
    buyer_client: ShopClient, buyer: Any, make_product: Callable[..., Product]
) -> None:
    flour = make_product(name="Rye flour", stock=50)
    assert "In stock · 50" in buyer_client.get(URL).content.decode()

    services.order_place(user=buyer, lines=[(flour.pk, 8)])

    assert "In stock · 42" in buyer_client.get(URL).content.decode()


def test_a_change_made_behind_the_services_back_shows_at_once(
    buyer_client: ShopClient, make_product: Callable[..., Product], category: Category
) -> None:
    """Every stored field is in the fingerprint, not just the ones the services touch."""
    make_product(name="Rye flour", stock=50)
    assert "Rye flour" in buyer_client.get(URL).content.decode()

    Product.objects.update(name="Dark rye flour")  # no updated_at, no ledger: raw
    assert "Dark rye flour" in buyer_client.get(URL).content.decode()
    Category.objects.filter(pk=category.pk).update(name="Milled grains")
    assert "Milled grains" in buyer_client.get(URL).content.decode()


def test_the_full_page_and_the_htmx_partial_are_cached_apart(
    buyer_client: ShopClient, make_product: Callable[..., Product]
) -> None:
    make_product(name="Rye flour")
    full = buyer_client.get(URL).content.decode()
    partial = buyer_client.get(URL, HTTP_HX_REQUEST="true").content.decode()
    again = buyer_client.get(URL).content.decode()

    assert "<html" in full and "<html" in again
    assert "<html" not in partial and 'id="catalogue-results"' in partial
    assert cached_pages() == 2


def test_a_page_with_a_message_is_neither_cached_nor_shown_to_others(
    buyer_client: ShopClient, other_client: ShopClient, make_product: Callable[..., Product]
) -> None:
    flour = make_product(name="Rye flour", stock=50)
    buyer_client.form_post(
        reverse("shop:cart_add"), {"product": flour.pk, "quantity": 1, "next": URL}
    )

    with_message = buyer_client.get(URL).content.decode()
    assert "Added 1 × Rye flour to your cart." in with_message
    others = other_client.get(URL).content.decode()

    assert "Added 1" not in others
    assert "Added 1" not in buyer_client.get(URL).content.decode()  # shown once


def test_a_url_seen_before_runs_its_stored_rows_query_without_the_orm_or_a_render(
    buyer_client: ShopClient, make_product: Callable[..., Product]
) -> None:
    make_product(name="Rye flour", stock=50)
    buyer_client.get(URL, {"sort": "-price"})

    with CaptureQueriesContext(connection) as context:
        response = buyer_client.get(URL, {"sort": "-price"})

    assert response.context is None and "Rye flour" in response.content.decode()
    product_reads = [q["sql"] for q in context.captured_queries if "shop_product" in q["sql"]]
    assert len(product_reads) == 1  # the stored rows query: no count, no second read


def test_a_new_total_is_shown_even_when_the_rows_on_the_page_stay_the_same(
    buyer_client: ShopClient, make_product: Callable[..., Product], settings: Any
) -> None:
    """The stored rows query was compiled for one total: another total compiles it again."""
    settings.SHOP_PRODUCT_COUNT_CACHE_SECONDS = 0  # exact totals, so the new product counts
    for i in range(26):
        make_product(name=f"Flour {i:02}")
    assert "26 products" in buyer_client.get(URL).content.decode()

    make_product(name="Zest")  # sorts after the first page: its rows do not change

    assert "27 products" in buyer_client.get(URL).content.decode()


def test_a_page_number_past_the_end_follows_the_total(
    buyer_client: ShopClient, make_product: Callable[..., Product], settings: Any
) -> None:
    """Page 3 of 2 pages is the last page; once there are 3 pages it is page 3 itself."""
    settings.SHOP_PRODUCT_COUNT_CACHE_SECONDS = 0
    products = [make_product(name=f"Flour {i:02}") for i in range(26)]
    assert product_ids_on(buyer_client.get(URL, {"page": 3})) == [products[25].pk]

    more = [make_product(name=f"Flour {i:02}") for i in range(26, 51)]

    assert product_ids_on(buyer_client.get(URL, {"page": 3})) == [more[-1].pk]


def test_zero_seconds_turns_the_cache_off(
    buyer_client: ShopClient, make_product: Callable[..., Product], settings: Any
) -> None:
    settings.SHOP_PAGE_CACHE_SECONDS = 0
    make_product(name="Rye flour")

    first = buyer_client.get(URL)
    second = buyer_client.get(URL)

    assert cached_pages() == 0
    assert first.context is not None and second.context is not None
    assert "Rye flour" in second.content.decode()

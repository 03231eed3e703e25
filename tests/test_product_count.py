"""selectors.product_count: the product-list total, cached per filter for a few seconds."""

import time
from collections.abc import Callable
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shop.models import Category, Product
from shop.selectors import product_count


def product_queries(context: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in context.captured_queries if "shop_product" in q["sql"]]


def test_a_second_count_of_the_same_filter_comes_from_the_cache(
    make_product: Callable[..., Product],
) -> None:
    make_product()
    make_product()
    assert product_count() == 2

    with CaptureQueriesContext(connection) as context:
        assert product_count() == 2

    assert product_queries(context) == []


def test_the_cached_total_lags_a_new_product_until_it_expires(
    make_product: Callable[..., Product], settings: Any
) -> None:
    settings.SHOP_PRODUCT_COUNT_CACHE_SECONDS = 1
    make_product()
    assert product_count() == 1
    make_product()

    assert product_count() == 1  # the documented staleness
    time.sleep(1.1)
    assert product_count() == 2


def test_each_filter_has_its_own_total(
    make_product: Callable[..., Product], category: Category
) -> None:
    hops = Category.objects.create(slug="hops", name="Hops")
    make_product(name="Rye flour", stock=0)
    make_product(name="Wheat flour")
    make_product(name="Citra", category=hops)

    assert product_count() == 3
    assert product_count(category_slug="hops") == 1
    assert product_count(category_slug="flours") == 2
    assert product_count(in_stock=True) == 2
    assert product_count(q="flour") == 2
    assert product_count(q="flour", in_stock=True) == 1
    assert product_count(q="citra") == 1


def test_a_search_is_keyed_as_product_search_reads_it(make_product: Callable[..., Product]) -> None:
    make_product(name="Rye flour")
    assert product_count(q="rye") == 1

    with CaptureQueriesContext(connection) as context:
        assert product_count(q="  rye ") == 1  # product_search strips the query too

    assert product_queries(context) == []


def test_zero_seconds_counts_every_time(
    make_product: Callable[..., Product], settings: Any
) -> None:
    settings.SHOP_PRODUCT_COUNT_CACHE_SECONDS = 0
    make_product()
    assert product_count() == 1
    make_product()

    with CaptureQueriesContext(connection) as context:
        assert product_count() == 2

    assert len(product_queries(context)) == 1 and "shop_cache" not in str(context.captured_queries)


def test_totals_stay_out_of_the_default_cache_where_rate_limit_counts_live(
    make_product: Callable[..., Product],
) -> None:
    """The database cache culls a third of its keys when full: a burst of distinct searches
    must not be able to push allauth's login-failure counts out of it."""
    make_product()
    default_cache = caches["default"]
    default_cache.set("sentinel", 1)

    with CaptureQueriesContext(connection) as context:
        for term in ("rye", "malt", "hops"):
            product_count(q=term)

    assert not [q for q in context.captured_queries if "shop_cache" in q["sql"]]
    assert default_cache.get("sentinel") == 1
    if isinstance(default_cache, LocMemCache):  # SQLite runs: look at its keys directly
        assert not [key for key in default_cache._cache if "product-count" in key]

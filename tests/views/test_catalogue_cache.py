"""The catalogue's cached results (shop/catalogue_cache.py): the same for everyone who sees them,
never stale, never holding anything of the viewer's but their own CSRF token; the layout
around them is rendered per request."""

import re
from decimal import Decimal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shop import services
from companies.models import ContractPrice
from shop.models import CartItem, Category, Product
from tests.views.conftest import ShopClient

URL = reverse("shop:catalogue")
TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")([^"]+)')
STAFF_LINE = '{% if user.is_staff %}<a id="admin-link" href="/admin/">Admin</a>{% endif %}'

VIEWS = {
    "full page": ({}, {}),
    "htmx partial": ({}, {"HTTP_HX_REQUEST": "true"}),
    "search": ({"q": "flour"}, {}),
    "category": ({"category": "hops"}, {}),
    "sort": ({"sort": "-price"}, {"HTTP_HX_REQUEST": "true"}),
    "page 2": ({"page": "2", "in_stock": "on"}, {}),
}


def cached_results() -> int:
    return len(caches["catalogue"]._cache)  # LocMemCache's own dict


def product_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr data-product-id="(\d+)"', html)]


def without_tokens(html: str) -> str:
    # A CSRF token is masked afresh for every rendering: compare pages without them.
    return TOKEN.sub(r"\1TOKEN", html)


def client_for(user: Any) -> ShopClient:
    client = ShopClient()
    client.force_login(user)
    return client


@pytest.fixture
def catalogue(make_product: Callable[..., Product]) -> list[Product]:
    hops = Category.objects.create(slug="hops", name="Hops")
    products = [make_product(name=f"Flour {i:02}", price=f"{i + 1}.50", stock=i) for i in range(30)]
    products += [make_product(name=f"Citra {i}", category=hops, stock=40) for i in range(3)]
    return products


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("viewer", ["buyer", "staff"])
def test_each_view_is_the_same_cached_and_uncached_for_buyers_and_staff(
    view: str, viewer: str, buyer: Any, staff: Any, catalogue: list[Product], settings: Any
) -> None:
    """Another user's request fills the cache; this user's page from it must be the page
    rendered for them alone."""
    params, headers = VIEWS[view]
    me, someone_else = (buyer, staff) if viewer == "buyer" else (staff, buyer)
    services.cart_add(user=me, product_id=catalogue[-1].pk, quantity=2)
    client = client_for(me)

    settings.SHOP_PAGE_CACHE_SECONDS = 0
    uncached = client.get(URL, params, **headers).content.decode()
    assert cached_results() == 0

    settings.SHOP_PAGE_CACHE_SECONDS = 300
    client_for(someone_else).get(URL, params, **headers)
    assert cached_results() == 1
    cached = client.get(URL, params, **headers).content.decode()

    assert cached_results() == 1  # served from what the other user's request stored
    assert product_ids(cached) and without_tokens(cached) == without_tokens(uncached)
    if "HTTP_HX_REQUEST" not in headers:
        assert me.email in cached and someone_else.email not in cached
        assert 'data-units="2"' in cached


def test_the_tokens_in_cached_results_are_the_viewers_own(
    buyer_client: ShopClient,
    other_client: ShopClient,
    other_buyer: Any,
    make_product: Callable[..., Product],
) -> None:
    flour = make_product(name="Rye flour", stock=50)
    first = buyer_client.get(URL).content.decode()
    html = other_client.get(URL).content.decode()  # the results from the cache
    tokens = {match[1] for match in TOKEN.findall(html)}
    assert cached_results() == 1 and not tokens & {match[1] for match in TOKEN.findall(first)}

    response = other_client.post(
        reverse("shop:cart_add"),
        {"csrfmiddlewaretoken": tokens.pop(), "product": flour.pk, "quantity": 2, "next": URL},
    )

    assert response.status_code == 302
    assert CartItem.objects.get(user=other_buyer, product=flour).quantity == 2


@pytest.fixture
def base_with_a_staff_line(tmp_path: Path, settings: Any) -> None:
    """base.html with a staff-only link, as someone might add one: served from a template
    directory searched before the project's."""
    source = (Path(django_settings.BASE_DIR) / "templates" / "base.html").read_text()
    assert "</nav>" in source
    (tmp_path / "base.html").write_text(source.replace("</nav>", STAFF_LINE + "</nav>", 1))
    templates = [dict(engine) for engine in settings.TEMPLATES]
    templates[0]["DIRS"] = [tmp_path, *templates[0]["DIRS"]]
    settings.TEMPLATES = templates


def test_a_staff_only_line_in_base_html_never_reaches_a_buyer(
    base_with_a_staff_line: None,
    buyer_client: ShopClient,
    staff: Any,
    make_product: Callable[..., Product],
) -> None:
    make_product(name="Rye flour")
    staff_client = client_for(staff)

    for params in ({}, {"q": "rye"}, {"sort": "-price", "page": "1"}):
        assert 'id="admin-link"' in staff_client.get(URL, params).content.decode()
        buyer_page = buyer_client.get(URL, params).content.decode()
        assert "Rye flour" in buyer_page and 'id="admin-link"' not in buyer_page
        assert 'id="admin-link"' in staff_client.get(URL, params).content.decode()


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
    """Every stored field of the rows is in the key, not just the ones the services touch."""
    make_product(name="Rye flour", stock=50, price="10.00")
    assert "Rye flour" in buyer_client.get(URL).content.decode()

    Product.objects.update(name="Dark rye flour")  # raw: no service, no ledger
    assert "Dark rye flour" in buyer_client.get(URL).content.decode()
    Product.objects.update(price="12.00")
    assert "£12.00" in buyer_client.get(URL).content.decode()
    Category.objects.filter(pk=category.pk).update(name="Milled grains")
    assert "Milled grains" in buyer_client.get(URL).content.decode()


def test_a_new_total_is_shown_even_when_the_rows_on_the_page_stay_the_same(
    buyer_client: ShopClient, make_product: Callable[..., Product], settings: Any
) -> None:
    settings.SHOP_PRODUCT_COUNT_CACHE_SECONDS = 0  # exact totals, so the new product counts
    for i in range(26):
        make_product(name=f"Flour {i:02}")
    assert "26 products" in buyer_client.get(URL).content.decode()

    make_product(name="Zest")  # sorts after the first page: its rows do not change

    assert "27 products" in buyer_client.get(URL).content.decode()


def contract(user: Any, product: Product, price: str) -> ContractPrice:
    return ContractPrice.objects.create(
        company=user.membership.company, product=product, price=Decimal(price)
    )


def price_cell(html: str, product: Product) -> list[str]:
    row = re.search(rf'<tr data-product-id="{product.pk}".*?</tr>', html, re.S)
    assert row is not None
    cell = re.search(r'<td class="num" data-label="Price">(.*?)</td>', row.group(0), re.S)
    assert cell is not None
    return re.sub(r"<[^>]+>", " ", cell.group(1)).split()


def test_companies_with_contract_prices_never_see_each_others_cached_rows(
    buyer_client: ShopClient,
    other_client: ShopClient,
    buyer: Any,
    other_buyer: Any,
    make_product: Callable[..., Product],
) -> None:
    rye = make_product(name="Rye flour", price="13.00")
    contract(buyer, rye, "11.00")
    contract(other_buyer, rye, "12.00")

    mine = buyer_client.get(URL).content.decode()
    theirs = other_client.get(URL).content.decode()
    mine_again = buyer_client.get(URL).content.decode()

    assert price_cell(mine, rye) == price_cell(mine_again, rye) == ["£11.00", "list", "£13.00"]
    assert price_cell(theirs, rye) == ["£12.00", "list", "£13.00"]
    assert cached_results() == 2


def test_a_company_with_a_contract_price_and_one_without_never_share_results(
    buyer_client: ShopClient,
    other_client: ShopClient,
    buyer: Any,
    make_product: Callable[..., Product],
) -> None:
    rye = make_product(name="Rye flour", price="13.00")
    other_client.get(URL)  # a list-price company fills the cache first
    contract(buyer, rye, "11.00")

    assert price_cell(buyer_client.get(URL).content.decode(), rye)[0] == "£11.00"
    assert price_cell(other_client.get(URL).content.decode(), rye) == ["£13.00"]
    assert cached_results() == 2


def test_companies_without_contract_prices_share_one_entry(
    buyer_client: ShopClient,
    other_client: ShopClient,
    buyer: Any,
    make_product: Callable[..., Product],
) -> None:
    rye = make_product(name="Rye flour", price="13.00")
    contract(buyer, make_product(name="Spelt", price="9.00", is_active=False), "8.00")

    buyer_client.get(URL)  # a contract price, but on no product shown here
    other_client.get(URL)

    assert price_cell(other_client.get(URL).content.decode(), rye) == ["£13.00"]
    assert cached_results() == 1


def test_a_contract_price_changed_in_the_admin_shows_at_once(
    buyer_client: ShopClient, buyer: Any, make_product: Callable[..., Product]
) -> None:
    rye = make_product(name="Rye flour", price="13.00")
    price = contract(buyer, rye, "11.00")
    buyer_client.get(URL)

    ContractPrice.objects.filter(pk=price.pk).update(price=Decimal("10.50"))

    assert price_cell(buyer_client.get(URL).content.decode(), rye)[0] == "£10.50"


def test_the_full_page_and_the_htmx_partial_share_the_results(
    buyer_client: ShopClient, make_product: Callable[..., Product]
) -> None:
    make_product(name="Rye flour")
    full = buyer_client.get(URL).content.decode()
    partial = buyer_client.get(URL, HTTP_HX_REQUEST="true").content.decode()

    assert "<html" in full and "<html" not in partial
    # The partial is the results, then the filters' facet counts swapped out of band.
    results, facets = partial.split('<aside id="catalogue-facets"')
    assert without_tokens(results).strip() in without_tokens(full)
    assert 'hx-swap-oob="true"' in facets and 'hx-swap-oob' not in full
    assert cached_results() == 1


def test_a_page_with_a_message_shows_it_to_its_buyer_only(
    buyer_client: ShopClient, other_client: ShopClient, make_product: Callable[..., Product]
) -> None:
    flour = make_product(name="Rye flour", stock=50)
    buyer_client.form_post(
        reverse("shop:cart_add"), {"product": flour.pk, "quantity": 1, "next": URL}
    )

    assert "Added 1 × Rye flour (25 kg sack) to your cart" in buyer_client.get(URL).content.decode()
    assert "Added 1" not in other_client.get(URL).content.decode()
    assert "Added 1" not in buyer_client.get(URL).content.decode()  # shown once


def test_zero_seconds_turns_the_cache_off(
    buyer_client: ShopClient, make_product: Callable[..., Product], settings: Any
) -> None:
    settings.SHOP_PAGE_CACHE_SECONDS = 0
    make_product(name="Rye flour")

    assert "Rye flour" in buyer_client.get(URL).content.decode()
    assert "Rye flour" in buyer_client.get(URL).content.decode()
    assert cached_results() == 0


def test_a_page_number_past_the_end_follows_the_total(
    buyer_client: ShopClient, make_product: Callable[..., Product], settings: Any
) -> None:
    """Page 3 of 2 pages is the last page; once there are 3 pages it is page 3 itself."""
    settings.SHOP_PRODUCT_COUNT_CACHE_SECONDS = 0
    products = [make_product(name=f"Flour {i:02}") for i in range(26)]
    assert product_ids(buyer_client.get(URL, {"page": 3}).content.decode()) == [products[25].pk]

    more = [make_product(name=f"Flour {i:02}") for i in range(26, 51)]

    assert product_ids(buyer_client.get(URL, {"page": 3}).content.decode()) == [more[-1].pk]


def test_a_cached_page_reads_its_rows_once_and_live(
    buyer_client: ShopClient, make_product: Callable[..., Product]
) -> None:
    make_product(name="Rye flour", stock=50)
    buyer_client.get(URL, {"sort": "-price"})

    with CaptureQueriesContext(connection) as context:
        response = buyer_client.get(URL, {"sort": "-price"}, HTTP_HX_REQUEST="true")

    assert "Rye flour" in response.content.decode() and cached_results() == 1
    product_reads = [q["sql"] for q in context.captured_queries if "shop_product" in q["sql"]]
    assert len(product_reads) == 1  # the page's rows: no count, no second read

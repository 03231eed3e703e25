"""The catalogue's search: free-from and dietary filters in the URL, facet counts beside the
filters, did you mean, the empty state's ways out, and the products' labels."""

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from shop.models import Category, Product
from tests.views.conftest import ShopClient

URL = reverse("shop:catalogue")


def product_ids(response: Any) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr data-product-id="(\d+)"', response.content.decode())]


def facet_count(html: str, input_id: str) -> int:
    """The count beside a filter's checkbox, as shown."""
    match = re.search(
        rf'id="{input_id}".*?<span class="facet-count">([\d,]+)<', html, flags=re.DOTALL
    )
    assert match, input_id
    return int(match.group(1).replace(",", ""))


def links(html: str, text: str) -> list[dict[str, list[str]]]:
    """The query parameters of every link whose text is `text`."""
    hrefs = re.findall(rf'<a href="([^"]*)"[^>]*>{re.escape(text)}</a>', html)
    return [parse_qs(urlsplit(href.replace("&amp;", "&")).query) for href in hrefs]


@pytest.fixture
def seeds(make_product: Callable[..., Product]) -> dict[str, Product]:
    grains = Category.objects.create(slug="malts-grains", name="Malts & grains")
    return {
        "sesame": make_product(
            name="White sesame seeds", category=grains, allergens=["sesame"], dietary=["vegan"]
        ),
        "sunflower": make_product(
            name="Sunflower seeds", category=grains, dietary=["vegan", "organic"], origin="Bulgaria"
        ),
        "peanut": make_product(name="Peanut and seed mix", allergens=["peanuts"], dietary=["vegan"]),
        "rye": make_product(name="Dark rye flour", allergens=["cereals_gluten"]),
    }


def test_free_from_and_dietary_filter_the_results_from_the_url(
    buyer_client: ShopClient, seeds: dict[str, Product]
) -> None:
    response = buyer_client.get(URL, {"q": "seeds", "free_from": ["sesame", "peanuts"]})
    assert product_ids(response) == [seeds["sunflower"].pk]

    response = buyer_client.get(URL, {"dietary": "vegan,organic"})  # a shared link's form
    assert product_ids(response) == [seeds["sunflower"].pk]

    html = response.content.decode()
    assert 'id="dietary-organic" form="catalogue-filters" checked' in html
    assert 'id="dietary-vegan" form="catalogue-filters" checked' in html
    assert 'id="dietary-halal" form="catalogue-filters" hx-get' not in html  # unticked
    assert re.search(r'id="dietary-halal" form="catalogue-filters"\s+hx-get', html)


def test_an_unknown_code_in_the_url_drops_only_itself(
    buyer_client: ShopClient, seeds: dict[str, Product]
) -> None:
    response = buyer_client.get(URL, {"q": "seeds", "free_from": ["sesame", "gluten-ish"]})

    assert response.status_code == 200
    assert seeds["sesame"].pk not in product_ids(response)
    assert seeds["sunflower"].pk in product_ids(response)


def test_the_filters_are_kept_in_the_paging_and_sort_links(
    buyer_client: ShopClient, make_product: Callable[..., Product]
) -> None:
    for n in range(30):
        make_product(name=f"Seed mix {n:02}", dietary=["vegan"])

    html = buyer_client.get(URL, {"q": "seed", "free_from": "sesame", "dietary": "vegan"}).content.decode()

    for query in links(html, "Next") + links(html, "2"):
        assert query["free_from"] == ["sesame"] and query["dietary"] == ["vegan"] and query["q"] == ["seed"]
    sort_hrefs = re.findall(r'class="sort-link" href="([^"]+)"', html)
    assert sort_hrefs and all("free_from=sesame" in href and "dietary=vegan" in href for href in sort_hrefs)


def test_facet_counts_show_what_each_choice_would_list(
    buyer_client: ShopClient, seeds: dict[str, Product]
) -> None:
    html = buyer_client.get(URL, {"q": "seeds"}).content.decode()

    # The three seed products ("seed mix" too: a word form); free from sesame would leave two.
    assert facet_count(html, "free-from-sesame") == 2
    assert facet_count(html, "free-from-milk") == 3
    assert facet_count(html, "dietary-organic") == 1
    assert facet_count(html, "dietary-vegan") == 3
    assert re.search(r'<option value="malts-grains"[^>]*>Malts &amp; grains \(2\)</option>', html)
    assert re.search(r'<option value="flours"[^>]*>Flours \(1\)</option>', html)


def test_an_htmx_request_swaps_the_facets_out_of_band_with_their_new_counts(
    buyer_client: ShopClient, seeds: dict[str, Product]
) -> None:
    response = buyer_client.get(URL, {"free_from": "sesame"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()

    assert html.lstrip().startswith('<section id="catalogue-results"')
    assert '<aside id="catalogue-facets" class="facets" aria-label="Filters" hx-swap-oob="true">' in html
    assert 'id="free-from-sesame" form="catalogue-filters" checked' in html
    assert facet_count(html, "dietary-vegan") == 2  # the peanut mix and sunflower seeds


def test_a_search_is_listed_best_first_until_a_column_is_sorted(
    buyer_client: ShopClient, make_product: Callable[..., Product]
) -> None:
    named = make_product(name="Zesty rye crackers")
    described = make_product(name="Aaa bread improver", description="For rye loaves")

    response = buyer_client.get(URL, {"q": "rye"})
    assert product_ids(response) == [named.pk, described.pk]
    assert "best matches first" in response.content.decode()

    response = buyer_client.get(URL, {"q": "rye", "sort": "name"})
    assert product_ids(response) == [described.pk, named.pk]
    assert "best matches first" not in response.content.decode()


def test_a_typo_gets_a_did_you_mean_link_keeping_the_filters(
    buyer_client: ShopClient, seeds: dict[str, Product]
) -> None:
    html = buyer_client.get(URL, {"q": "sesme seeds", "dietary": "vegan"}).content.decode()

    assert "Did you mean" in html
    (query,) = links(html, "sesame seeds")
    assert query == {"q": ["sesame seeds"], "dietary": ["vegan"]}
    assert buyer_client.get(URL, query).status_code == 200
    assert product_ids(buyer_client.get(URL, query)) == [seeds["sesame"].pk]


def test_an_empty_result_offers_ways_out(buyer_client: ShopClient, seeds: dict[str, Product]) -> None:
    html = buyer_client.get(URL, {"q": "rye seeds", "free_from": "cereals_gluten"}).content.decode()

    assert "No products match “rye seeds” with these filters." in html
    assert links(html, "Clear the search") == [{"free_from": ["cereals_gluten"]}]
    assert links(html, "Search without these filters") == [{"q": ["rye seeds"]}]
    # Close matches: products with any of the words, within the filters.
    close = html.split('class="close-matches"')[1]
    assert "Sunflower seeds" in close and "White sesame seeds" in close and "Dark rye flour" not in close
    assert 'id="product-table"' not in html


def test_filters_that_match_nothing_can_be_cleared(buyer_client: ShopClient, seeds: dict[str, Product]) -> None:
    html = buyer_client.get(URL, {"free_from": "sesame", "dietary": "kosher"}).content.decode()

    assert "No products match these filters." in html
    assert links(html, "Clear the filters") == [{}]
    assert "Clear the search" not in html


def test_rows_and_the_product_page_show_allergens_dietary_marks_and_origin(
    buyer_client: ShopClient, seeds: dict[str, Product]
) -> None:
    html = buyer_client.get(URL, {"q": "seeds"}).content.decode()
    sesame_row = html.split(f'data-product-id="{seeds["sesame"].pk}"')[1].split("</tr>")[0]
    assert '<span class="label label-allergen">Contains: Sesame</span>' in sesame_row
    assert '<span class="label label-diet">Vegan</span>' in sesame_row

    page = buyer_client.get(seeds["sunflower"].get_absolute_url()).content.decode()
    assert "None of the 14 declarable allergens" in page
    assert re.search(r'id="product-dietary">.*Organic.*Vegan', page)
    assert 'id="product-origin">Bulgaria<' in page
    rye = buyer_client.get(seeds["rye"].get_absolute_url()).content.decode()
    assert "Contains: Cereals containing gluten" in rye


def test_the_catalogue_search_still_needs_a_login(anon_client: ShopClient, seeds: dict[str, Product]) -> None:
    response = anon_client.get(URL, {"q": "seeds", "free_from": "sesame"})

    assert response.status_code == 302 and reverse("account_login") in response["Location"]

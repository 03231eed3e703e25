"""selectors.product_search, product_facets, search_suggestion and product_close_matches:
what a buyer's search finds, on PostgreSQL (full-text search) and on SQLite (word match)."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shop import selectors
from shop.models import Category, Product
from shop.selectors import (
    RELEVANCE,
    product_close_matches,
    product_facets,
    product_search,
    search_suggestion,
)

pytestmark = pytest.mark.django_db


def names(queryset: Any) -> list[str]:
    return [product.name for product in queryset]


@pytest.fixture
def catalogue(make_product: Callable[..., Product], category: Category) -> dict[str, Product]:
    malts = Category.objects.create(slug="malts-grains", name="Malts & grains")
    sugars = Category.objects.create(slug="sugars", name="Sugars & syrups")
    vinegars = Category.objects.create(slug="salt-vinegar", name="Salt & vinegar")
    return {
        "rye": make_product(
            name="Dark rye flour", sku="FLR-RYE-DK-25", unit="25 kg sack",
            description="Wholemeal rye for sourdough.", allergens=["cereals_gluten"],
            dietary=["vegan", "vegetarian", "organic"], origin="Germany",
        ),
        "plain": make_product(
            name="Plain soft flour", sku="FLR-PLN-16", unit="16 kg sack",
            description="Low protein, for cakes.", allergens=["cereals_gluten"],
            dietary=["vegan", "vegetarian"],
        ),
        "pilsner": make_product(
            name="Pilsner", sku="MLT-PILS-25", unit="25 kg sack", category=malts,
            description="3.5 EBC, for lagers.", allergens=["cereals_gluten"], dietary=["vegan"],
        ),
        "sesame": make_product(
            name="White sesame seeds", sku="GRN-SES-10", unit="10 kg sack", category=malts,
            description="Hulled.", allergens=["sesame"], dietary=["vegan", "halal"],
        ),
        "sunflower": make_product(
            name="Sunflower seeds", sku="GRN-SUNF-10", unit="10 kg sack", category=malts,
            description="Hulled, for seeded loaves.", dietary=["vegan", "organic"],
        ),
        "peanut": make_product(
            name="Smooth peanut butter", sku="NUT-PNT-BTR-5", unit="5 kg tub", category=sugars,
            description="Roasted peanuts.", allergens=["peanuts"], dietary=["vegan"],
        ),
        "sugar": make_product(
            name="Granulated sugar", sku="SUG-GRAN-25", unit="25 kg sack", category=sugars,
            description="Cane sugar, general purpose.", dietary=["vegan", "halal", "kosher"],
        ),
        "vinegar": make_product(
            name="Cider vinegar", sku="VIN-CDR-20", unit="20 l drum", category=vinegars,
            description="5% acidity.", allergens=["sulphites"], dietary=["vegan"],
        ),
    }


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("rye flour", ["Dark rye flour"]),
        ("flour rye", ["Dark rye flour"]),  # words in any order
        ("FLOUR", ["Dark rye flour", "Plain soft flour"]),
        ("flours", ["Dark rye flour", "Plain soft flour"]),  # a word form
        ("malts", ["Pilsner", "Sunflower seeds", "White sesame seeds"]),  # the category's name
        ("25 kg", ["Dark rye flour", "Granulated sugar", "Pilsner"]),  # the measure
        ("25kg", ["Dark rye flour", "Granulated sugar", "Pilsner"]),
        ("sourdough", ["Dark rye flour"]),  # the description
        ("FLR-RYE-DK-25", ["Dark rye flour"]),  # a SKU
        ("rye-dk", ["Dark rye flour"]),  # part of a SKU
        ("salt and vinegar", ["Cider vinegar"]),  # a common word does not have to match
        ("germany", ["Dark rye flour"]),  # the origin
        ("zzz", []),
    ],
)
def test_a_search_finds_what_the_buyer_means(catalogue: dict[str, Product], q: str, expected: list[str]) -> None:
    assert sorted(names(product_search(q=q))) == expected


def test_the_relevance_sort_puts_name_matches_before_description_matches(
    catalogue: dict[str, Product], make_product: Callable[..., Product]
) -> None:
    make_product(name="Aaa bread improver", description="Makes a better rye loaf")

    assert names(product_search(q="rye", ordering=RELEVANCE)) == ["Dark rye flour", "Aaa bread improver"]
    assert names(product_search(q="rye", ordering="name")) == ["Aaa bread improver", "Dark rye flour"]


def test_a_broad_search_is_listed_by_name_instead_of_ranked(
    catalogue: dict[str, Product], make_product: Callable[..., Product], monkeypatch: Any
) -> None:
    make_product(name="Aaa bread improver", description="Makes a better rye loaf")
    monkeypatch.setattr(selectors, "RANKED_MATCHES_MAX", 1)

    assert names(product_search(q="rye", ordering=RELEVANCE)) == ["Aaa bread improver", "Dark rye flour"]


def test_free_from_leaves_out_every_product_with_any_of_the_allergens(catalogue: dict[str, Product]) -> None:
    found = names(product_search(q="seeds", free_from=["sesame"]))
    assert found == ["Sunflower seeds"]

    found = set(names(product_search(free_from=["peanuts", "sesame", "cereals_gluten"])))
    assert found == {"Sunflower seeds", "Granulated sugar", "Cider vinegar"}


def test_dietary_keeps_only_products_with_every_mark(catalogue: dict[str, Product]) -> None:
    assert names(product_search(dietary=["organic"])) == ["Dark rye flour", "Sunflower seeds"]
    assert names(product_search(dietary=["vegan", "halal"])) == ["Granulated sugar", "White sesame seeds"]
    assert names(product_search(dietary=["organic", "halal"])) == []


@pytest.mark.parametrize("ordering", ["name", "-name", "price", "-price", "stock", "-stock"])
def test_a_dietary_listing_keeps_its_order_in_every_sort(
    catalogue: dict[str, Product], ordering: str
) -> None:
    """Listed through each mark's own index on PostgreSQL: in the sort's order, id breaking ties."""
    field = ordering.lstrip("-")

    listed = list(product_search(dietary=["vegan"], ordering=ordering))

    assert listed == sorted(listed, key=lambda p: (getattr(p, field), p.pk), reverse=ordering.startswith("-"))
    assert {p.pk for p in listed} == {
        p.pk for p in Product.objects.filter(is_active=True) if p.dietary & selectors.DIETARY.bit("vegan")
    }
    assert len(listed) == 8


def test_the_filters_combine_with_search_category_and_stock(
    catalogue: dict[str, Product], make_product: Callable[..., Product]
) -> None:
    make_product(name="Organic sunflower seeds", stock=0, dietary=["organic"])
    found = product_search(
        q="seeds", category_slug="malts-grains", in_stock=True, free_from=["sesame"], dietary=["organic"]
    )

    assert names(found) == ["Sunflower seeds"]
    assert selectors.product_count(
        q="seeds", category_slug="malts-grains", in_stock=True, free_from=["sesame"], dietary=["organic"]
    ) == 1


def test_an_unknown_code_is_an_error_not_an_empty_filter(catalogue: dict[str, Product]) -> None:
    with pytest.raises(ValueError, match="gluten"):
        product_search(free_from=["gluten"])
    with pytest.raises(ValueError, match="paleo"):
        selectors.product_count(dietary=["paleo"])


def test_facets_count_each_choice_with_the_other_filters(catalogue: dict[str, Product]) -> None:
    facets = product_facets(q="seeds", category_slug="malts-grains", dietary=["vegan"])

    assert facets.total == 2
    # Categories whatever the category filter; the other filters applied.
    assert facets.categories == {"malts-grains": 2}
    # "Free from sesame" too would list 1; nothing has milk, so 2.
    assert facets.free_from["sesame"] == 1 and facets.free_from["milk"] == 2
    # Vegan is chosen (2); organic as well would list 1, halal 1, kosher none.
    assert facets.dietary == {"organic": 1, "vegan": 2, "vegetarian": 0, "halal": 1, "kosher": 0}


def test_facets_without_a_search_count_the_whole_catalogue(catalogue: dict[str, Product]) -> None:
    facets = product_facets(free_from=["cereals_gluten"])

    assert facets.total == 5
    assert facets.categories == {"malts-grains": 2, "sugars": 2, "salt-vinegar": 1}
    assert facets.free_from["peanuts"] == 4
    assert facets.dietary["vegan"] == 5


def test_facets_are_one_query_per_search_and_ticking_a_filter_costs_none(catalogue: dict[str, Product]) -> None:
    with CaptureQueriesContext(connection) as first:
        product_facets(q="seeds")
    with CaptureQueriesContext(connection) as again:
        product_facets(q="seeds", free_from=["sesame"], dietary=["organic"], category_slug="malts-grains")

    assert len([q for q in first.captured_queries if "shop_product" in q["sql"]]) == 1
    assert not [q for q in again.captured_queries if "shop_product" in q["sql"]]


@pytest.mark.parametrize(("typed", "meant"), [("suger", "sugar"), ("sesme seeds", "sesame seeds"), ("piusner", "pilsner")])
def test_a_typo_gets_a_suggestion_that_finds_products(catalogue: dict[str, Product], typed: str, meant: str) -> None:
    assert search_suggestion(typed) == meant


def test_no_suggestion_when_the_words_are_known_or_the_suggestion_finds_nothing(
    catalogue: dict[str, Product],
) -> None:
    assert search_suggestion("flour") == ""
    assert search_suggestion("xqzvw") == ""
    # "sugar" with the sesame filter finds nothing: no point suggesting it.
    assert search_suggestion("suger", dietary=["organic"]) == ""


def test_close_matches_have_any_of_the_words_and_keep_the_filters(catalogue: dict[str, Product]) -> None:
    assert set(names(product_close_matches("rye seeds zzz"))) == {
        "Dark rye flour", "Sunflower seeds", "White sesame seeds",
    }
    assert names(product_close_matches("rye seeds", free_from=["sesame", "cereals_gluten"])) == ["Sunflower seeds"]
    assert product_close_matches("") == []


def test_inactive_products_are_never_found(catalogue: dict[str, Product], make_product: Callable[..., Product]) -> None:
    make_product(name="Old rye flour", is_active=False)

    assert names(product_search(q="rye")) == ["Dark rye flour"]
    assert product_facets(q="rye").total == 1

"""Journey 2: search the catalogue by typing, filter by category, sort by price, page through."""

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from playwright.sync_api import BrowserContext, Page, expect

from shop.models import Product
from ui import column_texts, expect_same_page, mark_page, money, sign_in

PAGE_SIZE = 25
RYE_FLOURS = {"FLR-RYE-LT-25", "FLR-RYE-DK-25"}


def skus_shown(page: Page) -> list[str]:
    return page.locator("#product-table tbody tr[data-sku]").evaluate_all(
        "rows => rows.map(row => row.dataset.sku)"
    )


def prices_shown(page: Page) -> list[Decimal]:
    return [money(text) for text in column_texts(page, "#product-table", "Price")]


def test_typing_a_search_updates_the_results_and_the_url_without_a_reload(
    buyer_page: Page, sample_catalogue: None
) -> None:
    page = buyer_page
    total = Product.objects.filter(is_active=True).count()
    page.goto("/")
    expect(page.locator("#result-count")).to_have_text(re.compile(rf"^{total} products"))
    mark_page(page)

    page.get_by_label("Search products").press_sequentially("rye flour", delay=25)

    expect(page).to_have_url(re.compile(r"[?&]q=rye(\+|%20)flour"))
    expect(page.locator("#result-count")).to_have_text(re.compile(r"^2 products"))
    assert set(skus_shown(page)) == RYE_FLOURS
    expect_same_page(page)

    # The back button returns to the unfiltered catalogue. A stalled keystroke on a busy machine
    # can outlast the debounce and push "?q=rye" on the way, hence more than one step back.
    for _ in range(3):
        page.go_back()
        page.wait_for_load_state()
        if "q=" not in page.url:
            break
    expect(page).not_to_have_url(re.compile(r"q=rye"))
    expect(page.locator("#result-count")).to_have_text(re.compile(rf"^{total} products"))

    # The pushed URL can be shared: opened afresh it is the full page with the same results.
    page.goto("/?q=rye+flour")
    expect(page.get_by_label("Search products")).to_have_value("rye flour")
    expect(page.locator("#result-count")).to_have_text(re.compile(r"^2 products"))
    assert set(skus_shown(page)) == RYE_FLOURS


def test_filtering_by_category_sorting_by_price_and_paging_through(
    buyer_page: Page, sample_catalogue: None
) -> None:
    page = buyer_page
    page.goto("/")

    page.get_by_label("Category").select_option("hops")  # labelled with its count, "Hops (5)"
    expect(page).to_have_url(re.compile(r"[?&]category=hops"))
    hops = Product.objects.filter(is_active=True, category__slug="hops")
    expect(page.locator("#result-count")).to_have_text(re.compile(rf"^{hops.count()} products"))
    assert set(skus_shown(page)) == set(hops.values_list("sku", flat=True))
    assert set(column_texts(page, "#product-table", "Category")) == {"Hops"}

    table_head = page.locator("#product-table thead")
    table_head.get_by_role("link", name="Price").click()
    expect(page).to_have_url(re.compile(r"[?&]sort=price"))
    expect(page).to_have_url(re.compile(r"[?&]category=hops"))
    prices = prices_shown(page)
    assert prices == sorted(prices) and len(prices) == hops.count()

    table_head.get_by_role("link", name="Price").click()
    expect(page).to_have_url(re.compile(r"[?&]sort=-price"))
    expect(page.locator("#product-table tbody tr").first).to_have_attribute(
        "data-sku", hops.order_by("-price", "name").first().sku
    )
    prices = prices_shown(page)
    assert prices == sorted(prices, reverse=True)

    # All categories, cheapest first, page by page: the sort survives paging.
    page.get_by_label("Category").select_option("")
    expect(page).not_to_have_url(re.compile(r"category=hops"))
    total = Product.objects.filter(is_active=True).count()
    expect(page.locator("#result-count")).to_have_text(re.compile(rf"^{total} products"))
    table_head.get_by_role("link", name="Price").click()
    expect(page).to_have_url(re.compile(r"[?&]sort=price"))
    first_page_skus = skus_shown(page)
    first_page_prices = prices_shown(page)
    assert len(first_page_skus) == PAGE_SIZE

    pagination = page.locator('nav[aria-label="Pagination"]')
    pagination.get_by_role("link", name="Next").click()
    expect(page).to_have_url(re.compile(r"[?&]page=2"))
    expect(page).to_have_url(re.compile(r"[?&]sort=price"))
    expect(page.locator("#product-table tbody tr")).to_have_count(PAGE_SIZE)
    second_page_skus = skus_shown(page)
    assert not set(first_page_skus) & set(second_page_skus)
    assert min(prices_shown(page)) >= max(first_page_prices)

    last_page = -(-total // PAGE_SIZE)
    pagination.get_by_role("link", name=f"Page {last_page}", exact=True).click()
    expect(page).to_have_url(re.compile(rf"[?&]page={last_page}"))
    expect(pagination.locator(".page-info")).to_have_text(f"Page {last_page} of {last_page}")
    rows = page.locator("#product-table tbody tr")
    expect(rows).to_have_count(total - PAGE_SIZE * (last_page - 1))

    pagination.get_by_role("link", name="Previous").click()
    expect(page).to_have_url(re.compile(rf"[?&]page={last_page - 1}"))
    expect(page.locator("#product-table tbody tr")).to_have_count(PAGE_SIZE)


def test_a_search_free_from_peanuts_and_sesame_with_counts_and_labels(
    buyer_page: Page, sample_catalogue: None
) -> None:
    page = buyer_page
    page.goto("/")
    mark_page(page)
    page.get_by_label("Search products").press_sequentially("seeds", delay=25)
    expect(page).to_have_url(re.compile(r"[?&]q=seeds"))
    seeds = set(skus_shown(page))
    assert "GRN-SES-10" in seeds and "GRN-SUNF-10" in seeds
    row = page.locator('#product-table tr[data-sku="GRN-SES-10"]')
    expect(row.locator(".label-allergen")).to_have_text("Contains: Sesame")

    filters = page.get_by_role("complementary", name="Filters")
    sesame = filters.get_by_role("checkbox", name=re.compile(r"^Sesame"))
    # Beside each choice, how many products it would list: all the seeds but the sesame.
    expect(filters.locator('label[for="free-from-sesame"] .facet-count')).to_have_text(
        re.compile(rf"^{len(seeds) - 1}")
    )
    sesame.check()
    expect(page).to_have_url(re.compile(r"[?&]free_from=sesame"))
    filters.get_by_role("checkbox", name=re.compile(r"^Peanuts")).check()
    expect(page).to_have_url(re.compile(r"free_from=sesame.*free_from=peanuts|free_from=peanuts.*free_from=sesame"))
    expect(page.locator("#result-count")).to_have_text(re.compile(rf"^{len(seeds) - 1} product"))
    assert "GRN-SES-10" not in skus_shown(page)
    expect_same_page(page)  # no reload: the results and the filters' counts were swapped in
    # The swapped-in filters keep what was ticked, with focus on the last box ticked.
    expect(filters.get_by_role("checkbox", name=re.compile(r"^Sesame"))).to_be_checked()
    expect(filters.get_by_role("checkbox", name=re.compile(r"^Peanuts"))).to_be_focused()

    # The URL can be shared: opened afresh, the same filters and results.
    page.goto(page.url)
    expect(page.get_by_role("checkbox", name=re.compile(r"^Sesame"))).to_be_checked()
    assert "GRN-SES-10" not in skus_shown(page) and "GRN-SUNF-10" in skus_shown(page)


def test_a_typo_is_met_with_did_you_mean_and_close_matches(buyer_page: Page, sample_catalogue: None) -> None:
    page = buyer_page
    page.goto("/?q=suger")

    expect(page.locator("#empty-state")).to_contain_text("No products match “suger”")
    expect(page.locator(".close-matches")).to_contain_text("Granulated sugar")
    page.get_by_role("link", name="sugar", exact=True).click()

    expect(page).to_have_url(re.compile(r"[?&]q=sugar"))
    expect(page.get_by_label("Search products")).to_have_value("sugar")
    assert "SUG-GRAN-25" in skus_shown(page)


def test_a_page_link_at_the_foot_brings_the_results_into_view_with_focus_on_them(
    buyer_page: Page, make_product: Callable[..., Product]
) -> None:
    page = buyer_page
    for i in range(PAGE_SIZE + 3):
        make_product(name=f"Flour {i:02}")
    page.goto("/")
    pagination = page.locator('nav[aria-label="Pagination"]')
    pagination.get_by_role("link", name="Next").click()

    expect(page).to_have_url(re.compile(r"[?&]page=2"))
    expect(page.locator("#product-table tbody tr")).to_have_count(3)
    results = page.locator("#catalogue-results")
    expect(results).to_be_focused()
    top = results.evaluate("el => el.getBoundingClientRect().top")
    assert 0 <= top < page.viewport_size["height"] / 2, f"results' top at {top}px"


def test_on_a_phone_the_sort_select_orders_the_cards(
    new_context: Callable[..., BrowserContext], buyer: Any, live_server: Any,
    make_product: Callable[..., Product],
) -> None:
    context = new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    sign_in(context, buyer, live_server.url)
    page = context.new_page()
    make_product(sku="FLR-A", name="Almond flour", price="30.00")
    make_product(sku="FLR-B", name="Buckwheat flour", price="12.00")
    make_product(sku="FLR-C", name="Chestnut flour", price="21.00")
    page.goto("/")
    expect(page.locator("#product-table thead")).to_be_hidden()  # cards: no sortable headers

    page.get_by_label("Sort by").select_option(label="Price, high to low")
    expect(page).to_have_url(re.compile(r"/\?sort=-price$"))  # and no empty parameters
    expect(page.locator("#product-table tbody tr").first).to_have_attribute("data-sku", "FLR-A")
    assert skus_shown(page) == ["FLR-A", "FLR-C", "FLR-B"]

    # A new search keeps the sort.
    page.get_by_label("Search products").fill("flour")
    expect(page).to_have_url(re.compile(r"q=flour"))
    expect(page).to_have_url(re.compile(r"sort=-price"))
    expect(page.get_by_label("Sort by")).to_have_value("-price")
    assert skus_shown(page) == ["FLR-A", "FLR-C", "FLR-B"]
    # A card is compact: name and pack first, well under the 280 px each used to take.
    height = page.locator("#product-table tbody tr").first.evaluate("el => el.getBoundingClientRect().height")
    assert height <= 200, f"a card is {height}px tall"

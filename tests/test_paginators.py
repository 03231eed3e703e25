"""KnownCountPaginator: a Paginator told its total (the cached product count)."""

import pytest
from django.core.paginator import EmptyPage, Paginator

from shop.paginators import KnownCountPaginator

ITEMS = list(range(53))


class Uncountable(list[int]):
    def count(self) -> int:  # type: ignore[override]
        raise AssertionError("counted although the total was given")


@pytest.mark.parametrize("per_page,orphans", [(25, 0), (10, 3), (53, 0), (60, 0)])
def test_with_the_exact_total_every_page_matches_paginator(per_page: int, orphans: int) -> None:
    plain = Paginator(ITEMS, per_page, orphans=orphans)
    known = KnownCountPaginator(Uncountable(ITEMS), per_page, orphans=orphans, count=len(ITEMS))

    assert known.count == plain.count and known.num_pages == plain.num_pages
    for number in plain.page_range:
        assert list(known.page(number)) == list(plain.page(number))


def test_without_a_total_it_counts() -> None:
    assert KnownCountPaginator(ITEMS, 25).count == 53


def test_a_page_past_the_given_total_is_empty_page() -> None:
    with pytest.raises(EmptyPage):
        KnownCountPaginator(Uncountable(ITEMS), 25, count=50).page(3)


def test_a_stale_low_total_still_shows_a_full_page_of_live_rows() -> None:
    paginator = KnownCountPaginator(Uncountable(ITEMS), 25, count=0)

    assert paginator.count == 0 and list(paginator.page(1)) == ITEMS[:25]

"""A Paginator that can be told its total instead of counting it."""

from typing import Any

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property


class KnownCountPaginator(Paginator):
    """Takes the total from the caller (a cached count) when given one; counts otherwise.

    A page's rows are still sliced `per_page` from the live query instead of being cut at the
    total, so a total that is a few seconds old only shifts the page count and the "N products"
    text; it never hides a product from the page being shown. With an exact total the slice is
    the one Paginator takes.
    """

    def __init__(
        self, object_list: Any, per_page: int, *args: Any, count: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(object_list, per_page, *args, **kwargs)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        if self.known_count is None:
            return super().count
        return self.known_count

    def page(self, number: Any) -> Page:
        if self.known_count is None:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if number == self.num_pages:
            top += self.orphans  # the last page takes the orphans, as in Paginator.page
        return self._get_page(self.object_list[bottom:top], number, self)

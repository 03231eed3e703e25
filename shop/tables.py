"""django-tables2 tables for the catalogue and the order history."""

import csv
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

import django_tables2 as tables
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, QueryDict, StreamingHttpResponse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django_tables2.rows import BoundRow
from django_tables2.utils import OrderBy

from shop.api.pagination import MAX_PAGE_SIZE
from shop.models import Order, OrderLine, Product
from shop.money import money_display, money_json
from shop.paginators import KnownCountPaginator
from shop.selectors import product_order

DEFAULT_PER_PAGE = 25
CSV_CHUNK = 500
_POSITIVE = re.compile(r"[0-9]{1,9}")


class ProductTable(tables.Table):
    sku = tables.Column(verbose_name="SKU", order_by=("sku",))
    name = tables.Column(linkify=True, order_by=("name", "id"))
    category = tables.Column(
        accessor="category__name", verbose_name="Category", order_by=("category__name", "name", "id")
    )
    unit = tables.Column(order_by=("unit", "id"))
    price = tables.Column(order_by=("price", "id"), attrs={"td": {"class": "num"}, "th": {"class": "num"}})
    # The cells of these two are written by shop/tables/product_table.html.
    stock = tables.Column(order_by=("stock", "id"), verbose_name="Stock")
    add = tables.Column(
        empty_values=(), verbose_name="Add to cart", orderable=False, attrs={"td": {"class": "add-cell"}}
    )

    class Meta:
        model = Product
        fields = ("sku", "name", "category", "unit", "price", "stock", "add")
        template_name = "shop/tables/product_table.html"
        attrs = {"id": "product-table", "class": "data-table"}
        order_by = ("name",)
        empty_text = "No products match your search."

    def __init__(self, *args: Any, sort_matches: bool = False, **kwargs: Any) -> None:
        """`sort_matches`: a listing of few matching products, which PostgreSQL should sort
        rather than find by walking an index (selectors.product_order)."""
        self.sort_matches = sort_matches  # before tables2 orders the data in __init__
        super().__init__(*args, **kwargs)

    def _ordered(self, column: str, queryset: QuerySet, is_descending: bool) -> tuple[QuerySet, bool]:
        fields = [str(field) for field in self.base_columns[column].order_by]
        if is_descending:
            fields = [field[1:] if field.startswith("-") else f"-{field}" for field in fields]
        return product_order(queryset, fields, sort_matches=self.sort_matches), True

    # tables2's hooks for each sortable column: the selector orders, as it knows how.
    def order_sku(self, queryset: QuerySet, is_descending: bool) -> tuple[QuerySet, bool]:
        return self._ordered("sku", queryset, is_descending)

    def order_name(self, queryset: QuerySet, is_descending: bool) -> tuple[QuerySet, bool]:
        return self._ordered("name", queryset, is_descending)

    def order_category(self, queryset: QuerySet, is_descending: bool) -> tuple[QuerySet, bool]:
        return self._ordered("category", queryset, is_descending)

    def order_unit(self, queryset: QuerySet, is_descending: bool) -> tuple[QuerySet, bool]:
        return self._ordered("unit", queryset, is_descending)

    def order_price(self, queryset: QuerySet, is_descending: bool) -> tuple[QuerySet, bool]:
        return self._ordered("price", queryset, is_descending)

    def order_stock(self, queryset: QuerySet, is_descending: bool) -> tuple[QuerySet, bool]:
        return self._ordered("stock", queryset, is_descending)

    def render_price(self, value: Decimal, record: Product) -> str:
        return money_display(value, record.currency)


class OrderTable(tables.Table):
    created_at = tables.DateTimeColumn(
        verbose_name="Date", format="j M Y, H:i", order_by=("created_at", "id")
    )
    reference = tables.Column(
        accessor="reference", verbose_name="Reference", linkify=True, order_by=("id",)
    )
    line_count = tables.Column(
        verbose_name="Lines", attrs={"td": {"class": "num"}, "th": {"class": "num"}}
    )
    # Net, as the order's total is: the VAT is on the order's page.
    total = tables.Column(
        verbose_name="Total excl. VAT",
        order_by=("total", "id"),
        attrs={"td": {"class": "num"}, "th": {"class": "num"}},
    )
    status = tables.Column(order_by=("status", "id"))
    # The company's orders: who placed each, and the buyer's PO number.
    placed_by = tables.Column(
        accessor="user__email", verbose_name="Placed by", order_by=("user__email", "id")
    )
    po_number = tables.Column(verbose_name="PO number", order_by=("po_number", "id"))
    # To the order page's "order again" form (choose lines); left out for a viewer.
    again = tables.Column(
        empty_values=(),
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
        attrs={"td": {"class": "actions"}},
    )

    class Meta:
        model = Order
        fields = ("created_at", "reference", "line_count", "total", "status")
        sequence = (
            "created_at", "reference", "line_count", "total", "status", "po_number", "placed_by", "again"
        )
        template_name = "shop/tables/table.html"
        attrs = {"id": "order-table", "class": "data-table"}
        row_attrs = {"data-order-id": lambda record: record.pk}
        order_by = ("-created_at",)
        empty_text = "Your company has not placed any orders yet."

    def render_total(self, value: Decimal, record: Order) -> str:
        return money_display(value, record.currency)

    def value_total(self, value: Decimal) -> str:
        return str(value)

    def render_status(self, value: str, record: Order) -> SafeString:
        return format_html(
            '<span class="status-badge status-{}">{}</span>', record.status, record.get_status_display()
        )

    def value_status(self, value: str, record: Order) -> str:
        return record.get_status_display()

    def render_again(self, record: Order) -> SafeString:
        # Named "Order again (order 3)", not after the reference: "ORD-000003" names the
        # reference's own link in the row.
        return format_html(
            '<a class="btn btn-secondary btn-sm" href="{}#order-again">Order again'
            '<span class="visually-hidden"> (order {})</span></a>',
            record.get_absolute_url(),
            record.pk,
        )


def _whole_number(raw: str | None, *, maximum: int | None = None) -> int | None:
    # As the API reads page and page_size: at most 9 digits, at least 1, at most `maximum`.
    if raw is None or not _POSITIVE.fullmatch(raw) or int(raw) < 1:
        return None
    if maximum is not None and int(raw) > maximum:
        return None
    return int(raw)


def _sort(request: HttpRequest, table: tables.Table) -> None:
    sort = request.GET.get(table.prefixed_order_by_field, "")
    bare = OrderBy(sort).bare
    if bare in table.columns and table.columns[bare].orderable:
        table.order_by = (sort,)


def table_configure(
    request: HttpRequest,
    table: tables.Table,
    *,
    filters: dict[str, str | list[str]] | None = None,
    per_page: int = DEFAULT_PER_PAGE,
    count: int | None = None,
) -> QueryDict:
    """Sort and paginate `table` from the request, as django-tables2's RequestConfig does but
    bounded: one sort among the table's orderable columns; `per_page` from 1 to the API's
    MAX_PAGE_SIZE (anything else, like -1 or 100000, gives the default, as an unknown
    category gives all products); a page past the end shows the last page. `filters` are the
    page's other parameters, already validated, kept in the links (a list: the parameter
    repeated, as checkboxes send it). `count` is a known (cached)
    total, see KnownCountPaginator.

    Returns the query string of what the table shows, also set as `table.query`: only these
    parameters, normalised, with the defaults left out. The sort and page links are built
    from it (shop/tables/_thead.html, _pagination.html), so an unknown parameter or a
    malformed value never reaches a link, and two URLs that show the same page share it.
    """
    default_sort = tuple(table.order_by or ())
    _sort(request, table)
    size = _whole_number(request.GET.get(table.prefixed_per_page_field), maximum=MAX_PAGE_SIZE)
    size = size or per_page
    table.paginate(paginator_class=KnownCountPaginator, per_page=size, count=count)
    number = _whole_number(request.GET.get(table.prefixed_page_field)) or 1
    table.page = table.paginator.page(min(number, table.paginator.num_pages))

    query = QueryDict(mutable=True)
    for name, value in (filters or {}).items():
        if value:
            query.setlist(name, value if isinstance(value, list) else [value])
    if tuple(table.order_by or ()) != default_sort:
        query[table.prefixed_order_by_field] = table.order_by[0]
    if size != per_page:
        query[table.prefixed_per_page_field] = str(size)
    table.query = query
    return query


class _Echo:
    """A file whose write returns what it was given, for csv.writer to hand rows back."""

    def write(self, value: str) -> str:
        return value


# A cell a spreadsheet would read as a formula (CSV injection): prefixed with ' so it is text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """`value` as a CSV cell: text that starts like a formula (a PO number "=HYPERLINK(...)",
    a product name "+44...") gets a leading ' so Excel and LibreOffice show it as text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_response(header: list[str], rows: Iterable[list[Any]], filename: str) -> StreamingHttpResponse:
    """A streamed CSV download of `header` and `rows`, every cell through csv_cell."""

    def lines() -> Iterator[str]:
        writer = csv.writer(_Echo())
        yield writer.writerow([csv_cell(cell) for cell in header])
        for row in rows:
            yield writer.writerow([csv_cell(cell) for cell in row])

    return StreamingHttpResponse(
        lines(),
        content_type="text/csv; charset=utf-8",
        # The company's orders: as private as its PDFs, kept by no cache or browser history.
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )


def table_csv_response(
    request: HttpRequest, table: tables.Table, filename: str
) -> StreamingHttpResponse:
    """Every row of `table`, sorted as the request asks, as a CSV download.

    Streamed, CSV_CHUNK records read at a time: django-tables2's TableExport builds the whole
    file in memory (through tablib), so one long order history would hold every order, and
    its rows twice over, in a worker at once. The cells are tables2's own export values
    (`value_<column>` methods), as TableExport writes them.
    """
    _sort(request, table)
    columns = [c for c in table.columns.iterall() if not c.column.exclude_from_export]

    def rows() -> Iterator[list[Any]]:
        for record in table.data.data.iterator(chunk_size=CSV_CHUNK):
            row = BoundRow(record, table=table)
            yield [force_str(row.get_cell_value(column.name), strings_only=True) for column in columns]

    return csv_response([force_str(column.header) for column in columns], rows(), filename)


ORDER_LINE_CSV_HEADER = [
    "Order",
    "Order date",
    "Status",
    "PO number",
    "SKU",
    "Product",
    "Quantity",
    "Unit price",
    "VAT rate (%)",
    "Net",
    "Currency",
    "Placed by",
    "Delivery date",
]


def order_lines_csv_response(
    request: HttpRequest, table: OrderTable, filename: str
) -> StreamingHttpResponse:
    """One row per line of every order in `table` (the history's orders, filtered, and sorted
    as the request asks; the lines of an order in their own order), as a CSV download.

    Streamed like table_csv_response: CSV_CHUNK orders at a time, each chunk's lines read in
    one more query. Dates are ISO 8601 (the order's date in the shop's time zone), amounts
    plain decimals ("1234.50"), net being the line's total before VAT.
    """
    _sort(request, table)
    orders = table.data.data.prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.order_by("id"))
    )

    def rows() -> Iterator[list[Any]]:
        for order in orders.iterator(chunk_size=CSV_CHUNK):
            placed = timezone.localtime(order.created_at).date().isoformat()
            delivery = order.delivery_date.isoformat() if order.delivery_date else ""
            for line in order.lines.all():
                yield [
                    order.reference,
                    placed,
                    order.get_status_display(),
                    order.po_number,
                    line.sku,
                    line.name,
                    line.quantity,
                    money_json(line.unit_price),
                    money_json(line.vat_rate),
                    money_json(line.line_total),
                    order.currency,
                    order.user.email,
                    delivery,
                ]

    return csv_response(ORDER_LINE_CSV_HEADER, rows(), filename)

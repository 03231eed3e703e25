"""django-tables2 tables for the catalogue and the order history."""

from decimal import Decimal

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.safestring import SafeString

from shop.models import Order, Product

CURRENCY_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}


def money(amount: Decimal, currency: str) -> str:
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{amount:,.2f}" if symbol else f"{amount:,.2f} {currency}"


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

    def render_price(self, value: Decimal, record: Product) -> str:
        return money(value, record.currency)


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
    total = tables.Column(
        order_by=("total", "id"), attrs={"td": {"class": "num"}, "th": {"class": "num"}}
    )
    status = tables.Column(order_by=("status", "id"))

    class Meta:
        model = Order
        fields = ("created_at", "reference", "line_count", "total", "status")
        template_name = "shop/tables/table.html"
        attrs = {"id": "order-table", "class": "data-table"}
        row_attrs = {"data-order-id": lambda record: record.pk}
        order_by = ("-created_at",)
        empty_text = "You have not placed any orders yet."

    def render_total(self, value: Decimal, record: Order) -> str:
        return money(value, record.currency)

    def value_total(self, value: Decimal) -> str:
        return str(value)

    def render_status(self, value: str, record: Order) -> SafeString:
        return format_html(
            '<span class="status-badge status-{}">{}</span>', record.status, record.get_status_display()
        )

    def value_status(self, value: str, record: Order) -> str:
        return record.get_status_display()

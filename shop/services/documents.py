"""The order's documents as PDF: an order confirmation for every order, an invoice once dispatched.

Drawn with fpdf2 (pure Python; its few dependencies ship wheels, so nothing is installed
from the system). The text uses the PDF core font Helvetica in its Windows-1252 encoding,
which covers English and most Western European text (£, €, accents, dashes, curly quotes);
a character outside it (a Polish Ł, Chinese, an emoji in a company's name) is printed as its
unaccented letter where there is one, else "?": a document always renders.

Reads only: the invoice's number and what it says about the buyer come from the Invoice row
issued at dispatch (shop.services.invoices); money from shop.services.pricing.order_totals.
"""

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import dateformat, timezone
from fpdf import FPDF, FontFace
from fpdf.enums import TableBordersLayout, XPos, YPos

from shop.exceptions import InvoiceNotIssued
from shop.models import Invoice, Order, OrderLine
from shop.money import money_display
from shop.services.pricing import order_totals

ENCODING = "windows-1252"  # fpdf2 declares the core fonts WinAnsiEncoding
HOME_COUNTRY = "GB"  # addresses here are printed without their country
BLANK = "–"  # an en dash: a detail the order does not have

INK = (33, 37, 41)
MUTED = (108, 117, 125)
RULE = (206, 212, 218)
SHADE = (236, 239, 242)
STRIPE = (248, 249, 250)
ACCENT = (47, 107, 69)  # the storefront's brand green (--accent in static/css/shop.css)
DANGER = (176, 42, 55)

PAGE_MARGIN = 15.0
FOOTER_HEIGHT = 14.0
LINE_COLUMNS = (  # heading, width (mm, 180 in all), alignment
    ("SKU", 33, "LEFT"),
    ("Product", 58, "LEFT"),
    ("Pack", 26, "LEFT"),
    ("Qty", 12, "RIGHT"),
    ("Unit price", 19, "RIGHT"),
    ("VAT", 11, "RIGHT"),
    ("Net", 21, "RIGHT"),
)


def pdf_text(text: Any) -> str:
    """`text` as the core font can print it: each character outside Windows-1252 replaced by
    its unaccented form (Ł stays "?", ő becomes "o") or "?"."""
    text = str(text)
    try:
        text.encode(ENCODING)
        return text
    except UnicodeEncodeError:
        pass
    safe = []
    for char in text:
        try:
            char.encode(ENCODING)
            safe.append(char)
            continue
        except UnicodeEncodeError:
            pass
        base = "".join(
            part
            for part in unicodedata.normalize("NFKD", char)
            if not unicodedata.combining(part) and _encodable(part)
        )
        safe.append(base or "?")
    return "".join(safe)


def _encodable(char: str) -> bool:
    try:
        char.encode(ENCODING)
    except UnicodeEncodeError:
        return False
    return True


def _day(value: date | datetime | None) -> str:
    if value is None:
        return BLANK
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    return dateformat.format(value, "j F Y")


def _percent(rate: Decimal) -> str:
    return f"{rate.normalize():f}%"


def _address(label: str, lines: Iterable[str], postcode: str, country: str) -> list[str]:
    rows = [label, *lines, postcode]
    if country and country != HOME_COUNTRY:
        rows.append(country)
    return [row for row in rows if row]


def _placed_by(order: Order) -> str:
    user = order.user
    name = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return f"{name} ({user.email})" if name else user.email


@dataclass(frozen=True)
class Party:
    heading: str
    name: str
    lines: list[str]


@dataclass(frozen=True)
class DocumentContent:
    title: str  # "Invoice", "Order confirmation"
    reference: str  # INV-000001, ORD-000123: the running header and the footer
    facts: list[tuple[str, str]]  # the key/value block under the title
    parties: list[Party]
    stamp: str  # "CANCELLED ..." across the top, or ""
    total_label: str
    seller: dict[str, Any]  # settings.SHOP_SELLER's shape: an invoice's own copy, as issued


class TradeDocument(FPDF):
    """An A4 page with the seller's letterhead on page 1 and a running header and page
    numbers on every page (fpdf2 calls header() and footer() on each page it starts)."""

    def __init__(self, content: DocumentContent) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.content = content
        self.core_fonts_encoding = ENCODING
        self.set_margins(PAGE_MARGIN, PAGE_MARGIN, PAGE_MARGIN)
        self.set_auto_page_break(auto=True, margin=PAGE_MARGIN + FOOTER_HEIGHT)
        seller = content.seller
        self.set_title(pdf_text(f"{content.title} {content.reference}"))
        self.set_author(pdf_text(seller["name"]))
        self.set_creator("Millstone Ingredients shop")

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font("helvetica", "", 8)
        self.set_text_color(*MUTED)
        running = f"{self.content.seller['name']} · {self.content.title} {self.content.reference}"
        self.cell(0, 5, pdf_text(f"{running} (continued)"),
                  new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(3)
        self.set_text_color(*INK)

    def footer(self) -> None:
        self.set_y(-(PAGE_MARGIN + 6))
        self.set_draw_color(*RULE)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(2)
        self.set_font("helvetica", "", 8)
        self.set_text_color(*MUTED)
        seller = self.content.seller
        left = pdf_text(f"{seller['name']} · VAT reg. no. {seller['vat_number']} · {seller['email']}")
        self.cell(self.epw * 0.7, 4, left)
        self.cell(self.epw * 0.3, 4, pdf_text(f"{self.content.reference} · page {self.page_no()} of {{nb}}"), align="R")


def _letterhead(pdf: TradeDocument) -> None:
    content = pdf.content
    seller = content.seller
    top = pdf.get_y()
    # Seller, left.
    pdf.set_fill_color(*ACCENT)
    pdf.rect(pdf.l_margin, top, 9, 9, style="F")
    pdf.set_xy(pdf.l_margin, top + 1.5)
    pdf.set_font("helvetica", "B", 13)
    pdf.set_text_color(255, 255, 255)
    pdf.cell(9, 6, "M", align="C")
    pdf.set_xy(pdf.l_margin + 12, top)
    pdf.set_text_color(*INK)
    pdf.set_font("helvetica", "B", 15)
    pdf.cell(90, 9, pdf_text(seller["name"]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    pdf.set_font("helvetica", "", 8.5)
    pdf.set_text_color(*MUTED)
    for line in [*seller["address"], f"VAT reg. no. {seller['vat_number']}", seller["email"]]:
        pdf.cell(90, 4, pdf_text(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    seller_bottom = pdf.get_y()

    # Title and facts, right.
    right = pdf.l_margin + 100
    width = pdf.epw - 100
    pdf.set_xy(right, top)
    pdf.set_text_color(*ACCENT)
    pdf.set_font("helvetica", "B", 18)
    pdf.cell(width, 9, pdf_text(content.title.upper()), align="R", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.ln(1)
    for label, value in content.facts:
        pdf.set_x(right)
        pdf.set_font("helvetica", "", 8.5)
        pdf.set_text_color(*MUTED)
        pdf.cell(width * 0.45, 4.6, pdf_text(label), align="R")
        pdf.set_font("helvetica", "B", 8.5)
        pdf.set_text_color(*INK)
        pdf.cell(width * 0.55, 4.6, pdf_text(value), align="R", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_y(max(seller_bottom, pdf.get_y()) + 4)

    if content.stamp:
        pdf.set_fill_color(*DANGER)
        pdf.set_text_color(255, 255, 255)
        pdf.set_font("helvetica", "B", 10)
        pdf.cell(0, 8, pdf_text(content.stamp), align="C", fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(4)
    pdf.set_text_color(*INK)
    pdf.set_fill_color(255, 255, 255)


def _parties(pdf: TradeDocument) -> None:
    parties = pdf.content.parties
    gap = 6
    width = (pdf.epw - gap * (len(parties) - 1)) / len(parties)
    top = pdf.get_y()
    bottom = top
    for index, party in enumerate(parties):
        x = pdf.l_margin + index * (width + gap)
        pdf.set_draw_color(*RULE)
        pdf.set_xy(x, top)
        pdf.set_font("helvetica", "B", 7.5)
        pdf.set_text_color(*MUTED)
        pdf.cell(width, 5, pdf_text(party.heading.upper()), new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.line(x, pdf.get_y(), x + width, pdf.get_y())
        pdf.ln(1.5)
        pdf.set_x(x)
        pdf.set_text_color(*INK)
        pdf.set_font("helvetica", "B", 9.5)
        pdf.multi_cell(width, 4.8, pdf_text(party.name or BLANK), new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_font("helvetica", "", 9)
        for line in party.lines:
            pdf.set_x(x)
            pdf.multi_cell(width, 4.5, pdf_text(line), new_x=XPos.LEFT, new_y=YPos.NEXT)
        bottom = max(bottom, pdf.get_y())
    pdf.set_xy(pdf.l_margin, bottom + 6)


def _notes(pdf: TradeDocument, notes: str) -> None:
    if not notes.strip():
        return
    pdf.set_font("helvetica", "B", 7.5)
    pdf.set_text_color(*MUTED)
    pdf.cell(0, 5, "NOTES", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("helvetica", "", 9)
    pdf.set_text_color(*INK)
    pdf.multi_cell(0, 4.5, pdf_text(notes.strip()), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)


def _lines_table(pdf: TradeDocument, lines: Sequence[OrderLine], currency: str) -> None:
    pdf.set_font("helvetica", "", 8.5)
    pdf.set_draw_color(*RULE)
    pdf.set_text_color(*INK)
    with pdf.table(
        col_widths=[width for _, width, _ in LINE_COLUMNS],
        cell_fill_color=STRIPE,
        cell_fill_mode="EVEN_ROWS",
        text_align=[align for _, _, align in LINE_COLUMNS],
        width=pdf.epw,
        align="LEFT",
        v_align="TOP",
        borders_layout=TableBordersLayout.HORIZONTAL_LINES,
        headings_style=FontFace(emphasis="BOLD", size_pt=8, color=MUTED, fill_color=SHADE),
        line_height=4.6,
        padding=(1.1, 1.5),
        repeat_headings=1,  # on top of every page
    ) as table:
        heading = table.row()
        for label, _, _ in LINE_COLUMNS:
            heading.cell(label)
        for line in lines:
            row = table.row()
            row.cell(pdf_text(line.sku))
            row.cell(pdf_text(line.name))
            row.cell(pdf_text(line.unit))
            row.cell(f"{line.quantity:,}")
            row.cell(pdf_text(money_display(line.unit_price, currency)))
            row.cell(_percent(line.vat_rate))
            row.cell(pdf_text(money_display(line.line_total, currency)))


def _totals(pdf: TradeDocument, lines: Sequence[OrderLine], currency: str) -> None:
    totals = order_totals(lines)
    rows = 4 + len(totals.vat_lines)
    pdf.ln(5)
    if pdf.will_page_break(rows * 5.5 + 12):
        pdf.add_page()
    top = pdf.get_y()

    # VAT per rate, left.
    pdf.set_font("helvetica", "B", 7.5)
    pdf.set_text_color(*MUTED)
    pdf.cell(80, 5, "VAT SUMMARY", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    with pdf.table(
        col_widths=(20, 30, 30),
        cell_fill_color=(255, 255, 255),
        cell_fill_mode="NONE",
        text_align=("LEFT", "RIGHT", "RIGHT"),
        width=80,
        align="LEFT",
        borders_layout=TableBordersLayout.HORIZONTAL_LINES,
        headings_style=FontFace(emphasis="BOLD", size_pt=8, color=MUTED, fill_color=SHADE),
        line_height=4.6,
        padding=(1.2, 1.5),
    ) as table:
        heading = table.row()
        for label in ("Rate", "Net", "VAT"):
            heading.cell(label)
        pdf.set_font("helvetica", "", 8.5)
        pdf.set_text_color(*INK)
        for vat_line in totals.vat_lines:
            row = table.row()
            row.cell(_percent(vat_line.rate))
            row.cell(pdf_text(money_display(vat_line.net, currency)))
            row.cell(pdf_text(money_display(vat_line.vat, currency)))
    left_bottom = pdf.get_y()

    # Totals, right.
    x = pdf.l_margin + pdf.epw - 75
    pdf.set_xy(x, top + 5)
    pdf.set_draw_color(*RULE)
    for label, amount in (("Net total", totals.net), ("VAT", totals.vat)):
        pdf.set_x(x)
        pdf.set_font("helvetica", "", 9)
        pdf.set_text_color(*MUTED)
        pdf.cell(45, 6, label)
        pdf.set_text_color(*INK)
        pdf.cell(30, 6, pdf_text(money_display(amount, currency)), align="R", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_x(x)
    pdf.set_line_width(0.4)
    pdf.set_draw_color(*INK)
    pdf.line(x, pdf.get_y() + 0.5, x + 75, pdf.get_y() + 0.5)
    pdf.set_line_width(0.2)
    pdf.ln(1.5)
    pdf.set_x(x)
    pdf.set_font("helvetica", "B", 10.5)
    pdf.cell(45, 7, pdf_text(f"{pdf.content.total_label} ({currency})"))
    pdf.cell(30, 7, pdf_text(money_display(totals.gross, currency)), align="R", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_xy(pdf.l_margin, max(left_bottom, pdf.get_y()) + 6)


def _closing(pdf: TradeDocument, text: str) -> None:
    pdf.set_font("helvetica", "", 8.5)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(0, 4.3, pdf_text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _render(content: DocumentContent, order: Order, closing: str) -> bytes:
    # As the cart and the order page list them (shop.models.line_as_shown).
    lines = sorted(order.lines.all(), key=lambda line: line.as_shown)
    pdf = TradeDocument(content)
    pdf.add_page()
    _letterhead(pdf)
    _parties(pdf)
    _notes(pdf, order.notes)
    _lines_table(pdf, lines, order.currency)
    _totals(pdf, lines, order.currency)
    _closing(pdf, closing)
    return bytes(pdf.output())


def _delivery_party(order: Order) -> Party:
    if not order.has_delivery_address:
        return Party("Deliver to", BLANK, [])
    return Party(
        "Deliver to",
        order.delivery_label,
        _address("", order.delivery_line_list, order.delivery_postcode, order.delivery_country),
    )


def _order_facts(order: Order) -> list[tuple[str, str]]:
    return [
        ("PO number", order.po_number or BLANK),
        ("Requested delivery", _day(order.delivery_date)),
        ("Placed by", _placed_by(order)),
    ]


def order_confirmation_pdf(*, order: Order) -> bytes:
    """The order confirmation of `order` as PDF bytes: what was ordered, by whom, for where and
    when, at what price and VAT. A cancelled order's says so across the top."""
    company = order.company
    customer_lines = [f"VAT no. {company.vat_number}"] if company.vat_number else []
    stamp = ""
    if order.status == Order.Status.CANCELLED:
        stamp = f"CANCELLED on {_day(order.cancelled_at)}: this order will not be delivered"
    content = DocumentContent(
        title="Order confirmation",
        reference=order.reference,
        facts=[
            ("Order reference", order.reference),
            ("Order date", _day(order.created_at)),
            ("Status", order.get_status_display()),
            *_order_facts(order),
        ],
        parties=[Party("Customer", company.name, customer_lines), _delivery_party(order)],
        stamp=stamp,
        total_label="Order total",
        seller=settings.SHOP_SELLER,
    )
    invoice: Invoice | None = getattr(order, "invoice", None)
    if stamp:
        closing = "This order was cancelled: nothing will be delivered or invoiced."
    elif invoice is not None:
        closing = f"Thank you for your order. It was dispatched and invoiced as {invoice.reference}."
    else:
        closing = (
            "Thank you for your order. Prices are as agreed when the order was placed. "
            "An invoice follows when the order is dispatched."
        )
    return _render(content, order, closing)


def invoice_pdf(*, order: Order) -> bytes:
    """The invoice of `order` as PDF bytes. Raises InvoiceNotIssued before it is dispatched.

    The buyer's name, VAT number and invoice address are those copied onto the invoice when
    it was issued, not the company's current ones.
    """
    invoice: Invoice | None = getattr(order, "invoice", None)  # None: no invoice row
    if invoice is None:
        raise InvoiceNotIssued(order.pk)
    customer_lines = _address(
        invoice.address_label, invoice.address_line_list, invoice.address_postcode, invoice.address_country
    )
    if invoice.vat_number:
        customer_lines.append(f"VAT no. {invoice.vat_number}")
    content = DocumentContent(
        title="Invoice",
        reference=invoice.reference,
        facts=[
            ("Invoice number", invoice.reference),
            ("Invoice date (tax point)", _day(invoice.issued_at)),
            ("Order reference", order.reference),
            ("Order date", _day(order.created_at)),
            *_order_facts(order),
        ],
        parties=[Party("Invoice to", invoice.company_name, customer_lines), _delivery_party(order)],
        stamp="",
        total_label="Total due",
        seller=invoice.seller,
    )
    closing = f"Please quote {invoice.reference} with your payment. Goods dispatched under order {order.reference}."
    return _render(content, order, closing)

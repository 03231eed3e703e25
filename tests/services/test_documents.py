"""shop.services.documents: the order confirmation and the invoice as PDF, read back with pypdf."""

import io
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from pypdf import PdfReader

from companies import services as company_services
from companies.services import AddressInput
from shop import services
from shop.exceptions import InvoiceNotIssued
from shop.models import Order, Product
from shop.services import documents
from shop.services.checkout import OrderDetails
from shop.services.delivery import earliest_delivery_date
from tests.factories import make_company, make_member

pytestmark = pytest.mark.django_db

S = Order.Status


def pdf_pages(data: bytes) -> list[str]:
    assert data.startswith(b"%PDF-")
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def pdf_text(data: bytes) -> str:
    return "\n".join(pdf_pages(data))


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def bakery_admin(db: None) -> Any:
    company, admin = make_company("Rye & Barley Bakery", admin_email="owner@rye.test", vat_number="GB210000001")
    company_services.address_create(
        actor=admin,
        data=AddressInput(label="Head office", lines="1 Mill Lane\nHebden Bridge", postcode="HX7 8AD"),
    )
    company_services.address_create(
        actor=admin, data=AddressInput(label="Bakehouse", lines="7 Canal Wharf\nTodmorden", postcode="OL14 5AB")
    )
    return admin


@pytest.fixture
def buyer_member(bakery_admin: Any) -> Any:
    return make_member("orders@rye.test", bakery_admin.membership.company)


@pytest.fixture
def flour(make_product: Any) -> Product:
    return make_product(stock=100, sku="FLR-STRW-25", name="Strong white flour", price="12.50")


@pytest.fixture
def chocolate(make_product: Any) -> Product:
    return make_product(
        stock=100, sku="CHC-DRK-70-5", name="Dark chocolate 70%", unit="5 kg bag", price="4.99",
        vat_rate=Decimal("20.00"),
    )


@pytest.fixture
def order(buyer_member: Any, flour: Product, chocolate: Product) -> Order:
    bakehouse = buyer_member.membership.company.addresses.get(label="Bakehouse")
    details = OrderDetails(
        po_number="PO-4471",
        delivery_date=earliest_delivery_date(timezone.localdate()),
        delivery_address_id=bakehouse.pk,
        notes="Deliver to the side door.",
    )
    placed = services.order_place(user=buyer_member, lines=[(flour.pk, 3), (chocolate.pk, 2)], details=details)
    return placed.order


def reread(order: Order) -> Order:
    return Order.objects.select_related("company", "user").get(pk=order.pk)


def dispatch(order: Order) -> Order:
    for step in (S.CONFIRMED, S.DISPATCHED):
        services.order_advance(order_id=order.pk, to_status=step, by=None)
    return reread(order)


def test_the_confirmation_says_who_ordered_what_for_where_and_when_with_vat_per_rate(order: Order) -> None:
    text = pdf_text(documents.order_confirmation_pdf(order=reread(order)))

    assert "ORDER CONFIRMATION" in text
    assert "Millstone Ingredients Ltd" in text  # the seller, from settings.SHOP_SELLER
    for expected in (
        order.reference, "PO-4471", "Rye & Barley Bakery", "VAT no. GB210000001",
        "Bakehouse", "7 Canal Wharf", "Todmorden", "OL14 5AB",
        order.delivery_date.strftime("%-d %B %Y"), "orders@rye.test", "Deliver to the side door.",
        timezone.localtime(order.created_at).strftime("%-d %B %Y"),
    ):
        assert expected in text, expected
    # Lines: SKU, name, pack, quantity, unit price, VAT rate, net.
    assert "FLR-STRW-25" in text and "Strong white flour" in text and "£12.50" in text and "£37.50" in text
    assert "CHC-DRK-70-5" in text and "Dark chocolate 70%" in text and "£4.99" in text and "£9.98" in text
    # Net 47.48; VAT 20% of 9.98 = 2.00 (1.996 rounded once per rate); gross 49.48.
    assert "Net total £47.48" in text
    assert "20% £9.98 £2.00" in text and "0% £37.50 £0.00" in text
    assert "Order total (GBP) £49.48" in text
    assert "Head office" not in text  # the invoice address is the invoice's


def test_the_invoice_carries_its_number_date_and_the_company_as_it_was_when_issued(
    order: Order, bakery_admin: Any
) -> None:
    dispatched = dispatch(order)
    company_services.company_update(
        actor=bakery_admin, name="Rye Holdings plc", vat_number="GB999999999", po_number_required=False
    )

    text = pdf_text(documents.invoice_pdf(order=reread(dispatched)))

    invoice = dispatched.invoice
    assert "INVOICE" in text and "Invoice number INV-000001" in text
    assert f"Invoice date (tax point) {timezone.localtime(invoice.issued_at).strftime('%-d %B %Y')}" in text
    assert f"Order reference {order.reference}" in text and "PO number PO-4471" in text
    # Invoiced to the company's default address as it was at dispatch; delivered to the bakehouse.
    assert "Rye & Barley Bakery" in text and "VAT no. GB210000001" in text
    assert "Rye Holdings plc" not in text and "GB999999999" not in text
    assert "Head office" in text and "1 Mill Lane" in text and "HX7 8AD" in text
    assert "7 Canal Wharf" in text
    assert "FLR-STRW-25" in text and "CHC-DRK-70-5" in text
    assert "Total due (GBP) £49.48" in text
    confirmation = pdf_text(documents.order_confirmation_pdf(order=reread(dispatched)))
    assert "invoiced as INV-000001" in confirmation


def test_the_invoice_names_the_seller_as_it_was_when_issued(order: Order, settings: Any) -> None:
    dispatched = dispatch(order)
    settings.SHOP_SELLER = {
        "name": "New Owner Ltd", "address": ["2 Dock Road"], "vat_number": "GB 111", "email": "a@b.test"
    }

    invoice_text = pdf_text(documents.invoice_pdf(order=reread(dispatched)))
    confirmation_text = pdf_text(documents.order_confirmation_pdf(order=reread(dispatched)))

    assert "Millstone Ingredients Ltd" in invoice_text and "GB 123 4567 89" in invoice_text
    assert "New Owner Ltd" not in invoice_text and "GB 111" not in invoice_text
    # The confirmation is not a tax document: it names the seller as it is now.
    assert "New Owner Ltd" in confirmation_text


def test_an_order_not_dispatched_has_no_invoice(order: Order) -> None:
    with pytest.raises(InvoiceNotIssued):
        documents.invoice_pdf(order=reread(order))


def test_a_cancelled_order_s_confirmation_says_it_is_cancelled(order: Order, buyer_member: Any) -> None:
    services.order_cancel(user=buyer_member, order_id=order.pk)

    text = pdf_text(documents.order_confirmation_pdf(order=reread(order)))

    assert "CANCELLED on" in text and "will not be delivered" in text
    assert order.reference in text and "FLR-STRW-25" in text


def test_a_hundred_line_order_runs_over_pages_each_with_the_table_heading(
    buyer_member: Any, make_product: Any
) -> None:
    products = [make_product(stock=10, sku=f"BULK-{n:03d}", name=f"Bulk item {n}") for n in range(100)]
    order = services.order_place(user=buyer_member, lines=[(p.pk, 1) for p in products]).order

    pages = pdf_pages(documents.order_confirmation_pdf(order=reread(order)))

    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert "SKU Product Pack Qty Unit price VAT Net" in page, number
        assert f"page {number} of {len(pages)}" in page
    for page in pages[1:]:
        assert f"{order.reference} (continued)" in page
    text = "\n".join(pages)
    assert all(text.count(f"BULK-{n:03d}") == 1 for n in range(100))
    assert "Order total (GBP) £1,250.00" in pages[-1]


def test_text_outside_the_core_font_is_printed_as_near_as_it_can_be(
    buyer_member: Any, make_product: Any
) -> None:
    company = buyer_member.membership.company
    company.name = "Łódź Piekarnia 🍞"
    company.save()
    product = make_product(stock=10, sku="ZŁ-01", name="Crème brûlée mix – ‘best’ Ω", unit="1 kg")
    order = services.order_place(
        user=buyer_member, lines=[(product.pk, 1)], details=OrderDetails(po_number="Zamówienie-ő", notes="Dziękuję 你好")
    ).order

    text = pdf_text(documents.order_confirmation_pdf(order=reread(order)))

    assert "?ódz Piekarnia ?" in text
    assert "Crème brûlée mix – ‘best’ ?" in text
    assert "Z?-01" in text and "Zamówienie-o" in text
    assert "Dziekuje ??" in text  # ę → e (its letter without the ogonek), Chinese → ?


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        ("£12.50 – €4 ‘quoted’ café", "£12.50 – €4 ‘quoted’ café"),  # all in Windows-1252
        ("Łódź", "?ódz"),
        ("Ørsted Æble", "Ørsted Æble"),
        ("naïve ő ű", "naïve o u"),
        ("🍞 Ω 你", "? ? ?"),
        ("", ""),
    ],
)
def test_pdf_text_keeps_windows_1252_and_replaces_the_rest(text: str, printed: str) -> None:
    assert documents.pdf_text(text) == printed


def test_an_order_without_po_date_or_address_prints_dashes(buyer: Any, flour: Product) -> None:
    order = services.order_place(user=buyer, lines=[(flour.pk, 1)]).order

    text = pdf_text(documents.order_confirmation_pdf(order=reread(order)))

    assert "PO number –" in text and "Requested delivery –" in text
    assert order.reference in text

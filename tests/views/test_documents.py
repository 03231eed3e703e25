"""The order's PDF downloads: /orders/<id>/confirmation.pdf and /orders/<id>/invoice.pdf, for
every member of the order's company (a viewer too), nobody else; the order page links them."""

import io
from typing import Any

import pytest
from django.urls import reverse
from pypdf import PdfReader

from companies.models import Role
from shop import services
from shop.models import Invoice, Order, Product
from tests.factories import make_member
from tests.views.conftest import ShopClient

pytestmark = pytest.mark.django_db

S = Order.Status


def pdf_text(response: Any) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def confirmation_url(order: Order) -> str:
    return reverse("shop:order_confirmation_pdf", args=[order.pk])


def invoice_url(order: Order) -> str:
    return reverse("shop:order_invoice_pdf", args=[order.pk])


def dispatch(order: Order) -> None:
    for step in (S.CONFIRMED, S.DISPATCHED):
        services.order_advance(order_id=order.pk, to_status=step, by=None)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def flour(make_product: Any) -> Product:
    return make_product(stock=20, sku="FLR-STRW-25", name="Strong white flour")


@pytest.fixture
def order(buyer: Any, flour: Product) -> Order:
    return services.order_place(user=buyer, lines=[(flour.pk, 2)]).order


@pytest.fixture
def viewer_client(buyer: Any) -> ShopClient:
    client = ShopClient()
    client.force_login(make_member("books@bakery.test", buyer.membership.company, Role.VIEWER))
    return client


def test_a_buyer_downloads_the_order_confirmation_as_an_attachment(
    buyer_client: ShopClient, order: Order
) -> None:
    response = buyer_client.get(confirmation_url(order))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{order.reference}-confirmation.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    text = pdf_text(response)
    assert "ORDER CONFIRMATION" in text and order.reference in text and "FLR-STRW-25" in text


def test_the_invoice_is_not_found_until_the_order_is_dispatched_then_downloads(
    buyer_client: ShopClient, order: Order
) -> None:
    assert buyer_client.get(invoice_url(order)).status_code == 404
    services.order_advance(order_id=order.pk, to_status=S.CONFIRMED, by=None)
    assert buyer_client.get(invoice_url(order)).status_code == 404

    services.order_advance(order_id=order.pk, to_status=S.DISPATCHED, by=None)
    response = buyer_client.get(invoice_url(order))

    invoice = Invoice.objects.get(order=order)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{invoice.reference}.pdf"'
    assert invoice.reference == "INV-000001"
    text = pdf_text(response)
    assert "INVOICE" in text and "INV-000001" in text and order.reference in text


def test_a_viewer_of_the_company_downloads_both(viewer_client: ShopClient, order: Order) -> None:
    dispatch(order)

    assert viewer_client.get(confirmation_url(order)).status_code == 200
    assert viewer_client.get(invoice_url(order)).status_code == 200


def test_another_company_s_order_documents_do_not_exist(other_client: ShopClient, order: Order) -> None:
    dispatch(order)

    assert other_client.get(confirmation_url(order)).status_code == 404
    assert other_client.get(invoice_url(order)).status_code == 404
    assert other_client.get(reverse("shop:order_confirmation_pdf", args=[999_999])).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(anon_client: ShopClient, order: Order) -> None:
    for url in (confirmation_url(order), invoice_url(order)):
        response = anon_client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_the_downloads_answer_get_only(buyer_client: ShopClient, order: Order) -> None:
    assert buyer_client.form_post(confirmation_url(order)).status_code == 405


def test_a_cancelled_order_s_confirmation_still_downloads_marked_cancelled(
    buyer_client: ShopClient, buyer: Any, order: Order
) -> None:
    services.order_cancel(user=buyer, order_id=order.pk)

    response = buyer_client.get(confirmation_url(order))

    assert response.status_code == 200 and "CANCELLED" in pdf_text(response)
    assert buyer_client.get(invoice_url(order)).status_code == 404
    assert not Invoice.objects.filter(order=order).exists()


def test_the_order_page_links_the_confirmation_and_once_dispatched_the_invoice(
    viewer_client: ShopClient, order: Order
) -> None:
    page = viewer_client.get(order.get_absolute_url()).content.decode()
    assert f'href="{confirmation_url(order)}"' in page and "Download confirmation (PDF)" in page
    assert invoice_url(order) not in page and 'id="order-invoice"' not in page

    dispatch(order)
    page = viewer_client.get(order.get_absolute_url()).content.decode()

    assert f'href="{invoice_url(order)}"' in page and "Download invoice INV-000001 (PDF)" in page
    assert 'id="order-invoice"' in page and "INV-000001, issued" in page

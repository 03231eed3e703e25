"""An order's documents as PDF downloads: the confirmation (every order) and the invoice (once
dispatched). Every member of the order's company may download them, a viewer included; another
company's order does not exist (404)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from shop.exceptions import InvoiceNotIssued
from shop.services import documents
from shop.views.common import company_order_or_404


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    return HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={
            "Content-Disposition": content_disposition_header(as_attachment=True, filename=filename),
            # The company's own document: no shared cache keeps a copy.
            "Cache-Control": "private, no-store",
        },
    )


@login_required
@require_GET
def order_confirmation_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    order = company_order_or_404(request, pk)
    pdf = documents.order_confirmation_pdf(order=order)
    return _pdf_response(pdf, f"{order.reference}-confirmation.pdf")


@login_required
@require_GET
def order_invoice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    order = company_order_or_404(request, pk)
    try:
        pdf = documents.invoice_pdf(order=order)
    except InvoiceNotIssued:
        raise Http404("This order has no invoice yet: it is issued when the order is dispatched.") from None
    return _pdf_response(pdf, f"{order.invoice.reference}.pdf")

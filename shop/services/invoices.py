"""Invoices: one per dispatched order, numbered 1, 2, 3, ... with no gap and no number used twice.

The number comes from InvoiceSequence's one row, locked (SELECT ... FOR UPDATE) and
incremented in the transaction that marks the order dispatched (order_advance), so:
- concurrent dispatches queue on the row for the moment between taking a number and
  committing: each gets the next number, none the same one;
- a dispatch that rolls back rolls the increment back too, and the next dispatch takes the
  number it would have had. A PostgreSQL SEQUENCE would not: nextval() is never rolled back.
The lock is taken last in the dispatch (after the order's own row lock, never before it), so
dispatches cannot deadlock on it and hold it only until their commit.
"""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from companies.models import Address, Company
from shop.models import Invoice, InvoiceSequence, Order

SEQUENCE_ID = 1


def _next_invoice_number() -> int:
    """Take the next number: lock the counter row and increment it (in the caller's transaction)."""
    sequence = InvoiceSequence.objects.select_for_update().filter(pk=SEQUENCE_ID).first()
    if sequence is None:
        # The migration creates the row; a database emptied since (a test's flush) has none.
        # It starts after the highest invoice there is. Two dispatches here at once both
        # insert: ON CONFLICT DO NOTHING makes the second wait for the first's commit and
        # insert nothing, then both lock the one row below.
        highest = Invoice.objects.aggregate(highest=Max("number"))["highest"] or 0
        InvoiceSequence.objects.bulk_create(
            [InvoiceSequence(pk=SEQUENCE_ID, last_number=highest)], ignore_conflicts=True
        )
        sequence = InvoiceSequence.objects.select_for_update().get(pk=SEQUENCE_ID)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return sequence.last_number


def invoice_issue(*, order: Order, at: datetime | None = None) -> Invoice:
    """Issue the invoice of `order` (being dispatched), with the next invoice number.

    Call it inside the dispatch's transaction (order_advance does): if that rolls back, so
    does the number. The company's name, VAT number and default address (the order's delivery
    address when it has none), and the seller's details (settings.SHOP_SELLER), are copied
    onto the invoice as they are now.
    """
    # No savepoint: a failure here is the whole dispatch's failure, rolled back with it.
    with transaction.atomic(savepoint=False):
        company = Company.objects.get(pk=order.company_id)
        address = Address.objects.filter(company_id=order.company_id, is_default=True).first()
        if address is not None:
            where = (address.label, address.lines, address.postcode, address.country)
        else:
            where = (
                order.delivery_label,
                order.delivery_lines,
                order.delivery_postcode,
                order.delivery_country,
            )
        seller = settings.SHOP_SELLER
        # Read everything first: the number's lock is held from here to the commit.
        number = _next_invoice_number()
        return Invoice.objects.create(
            order=order,
            number=number,
            issued_at=at or timezone.now(),
            company_name=company.name,
            vat_number=company.vat_number,
            address_label=where[0],
            address_lines=where[1],
            address_postcode=where[2],
            address_country=where[3],
            seller_name=seller["name"],
            seller_address="\n".join(seller["address"]),
            seller_vat_number=seller["vat_number"],
            seller_email=seller["email"],
        )

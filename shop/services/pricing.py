"""What a company pays, and the VAT on it: the one place prices and VAT are worked out.

A company with a contract price for a product (companies.ContractPrice, set by staff in the
admin) pays it at every quantity; everyone else pays the list price, Product.price. A contract
price is looked up by the buyer's own company only: another company's contract price never
applies.

Reads only (hence the selectors' style: no writes here). The lookups come in two forms so the
pages keep their query counts: `unit_prices_for` reads a set of products' prices in one query,
and `with_contract_price` annotates a product query the page runs anyway (the catalogue's
page of rows, the product page, the API's lists) with the contract price for a user's company,
joined through the user's membership, so no extra query reads the company first.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from django.db.models import F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from companies.models import ContractPrice
from shop.models import CartItem, Product

PENNY = Decimal("0.01")
HUNDRED = Decimal("100")


@dataclass(frozen=True)
class Price:
    """A product's price for one company."""

    amount: Decimal  # what the company pays: its contract price, else the list price
    list_price: Decimal
    is_contract: bool


def price_of(list_price: Decimal, contract_price: Decimal | None) -> Price:
    if contract_price is None:
        return Price(amount=list_price, list_price=list_price, is_contract=False)
    # quantize: SQLite hands an annotated decimal back unscaled (Decimal("11.0500000000000")).
    return Price(amount=contract_price.quantize(PENNY), list_price=list_price, is_contract=True)


def _contract_for_company(company_id: int | None, product_ref: str) -> Subquery:
    # company_id None (no company) matches no row: everyone without a company pays list prices.
    return Subquery(
        ContractPrice.objects.filter(company_id=company_id, product_id=OuterRef(product_ref))
        .values("price")[:1]
    )


def _contract_for_user(user: Any, product_ref: str) -> Subquery:
    """The contract price of the user's own company (Membership is one per user)."""
    user_id = user.pk if getattr(user, "is_authenticated", False) else None
    return Subquery(
        ContractPrice.objects.filter(
            company__memberships__user_id=user_id, product_id=OuterRef(product_ref)
        ).values("price")[:1]
    )


def unit_prices_for(*, company_id: int | None, product_ids: Iterable[int]) -> dict[int, Price]:
    """{product_id: Price} for the company, in one query. Unknown ids are left out."""
    rows = (
        Product.objects.filter(pk__in=list(product_ids))
        .annotate(contract_price=_contract_for_company(company_id, "pk"))
        .values_list("pk", "price", "contract_price")
    )
    return {pk: price_of(price, contract) for pk, price, contract in rows}


def with_contract_price(products: QuerySet[Product], *, user: Any) -> QuerySet[Product]:
    """The products, each with `contract_price` (the user's company's, or None)."""
    return products.annotate(contract_price=_contract_for_user(user, "pk"))


def product_price(product: Product) -> Price:
    """The price of a product read through with_contract_price."""
    return price_of(product.price, getattr(product, "contract_price", None))


def cart_items_with_prices(items: QuerySet[CartItem], *, user: Any) -> QuerySet[CartItem]:
    """Cart items, each with `contract_price` for the user's company (CartItem.unit_price)."""
    return items.annotate(contract_price=_contract_for_user(user, "product_id"))


def effective_price_expression(user: Any) -> Coalesce:
    """What the user's company pays, as an SQL expression (contract price, else list price)."""
    return Coalesce(_contract_for_user(user, "pk"), F("price"))


# --- VAT ------------------------------------------------------------------------------------


class VatLine(NamedTuple):
    rate: Decimal  # percent, e.g. Decimal("20.00")
    net: Decimal
    vat: Decimal


@dataclass(frozen=True)
class Totals:
    """An order's or a cart's money: net, VAT per rate, gross."""

    net: Decimal
    vat_lines: list[VatLine]
    vat: Decimal
    gross: Decimal


def vat_of(net: Decimal, rate: Decimal) -> Decimal:
    """VAT at `rate` percent on `net`, rounded to the penny, half up."""
    return (net * rate / HUNDRED).quantize(PENNY, rounding=ROUND_HALF_UP)


def vat_breakdown(lines: Iterable[tuple[Decimal, Decimal]]) -> list[VatLine]:
    """(rate, net, vat) per VAT rate, lowest rate first, from (vat_rate, line_total) pairs.

    Rounding rule, as on a UK VAT invoice: the net amounts of the lines at one rate are added
    up first, and the VAT on that sum is rounded once, to the penny, half up (0.005 -> 0.01).
    Rounding each line and adding the pennies could differ by a penny per line.
    """
    nets: dict[Decimal, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for rate, net in lines:
        nets[Decimal(rate).quantize(PENNY)] += net
    return [VatLine(rate, net, vat_of(net, rate)) for rate, net in sorted(nets.items())]


def totals_for(lines: Iterable[tuple[Decimal, Decimal]]) -> Totals:
    """Net, VAT per rate and gross of (vat_rate, line_total) pairs."""
    vat_lines = vat_breakdown(lines)
    net = sum((line.net for line in vat_lines), Decimal("0.00"))
    vat = sum((line.vat for line in vat_lines), Decimal("0.00"))
    return Totals(net=net, vat_lines=vat_lines, vat=vat, gross=net + vat)


def order_totals(lines: Iterable[Any]) -> Totals:
    """Totals of order lines (anything with vat_rate and line_total), at their stored rates."""
    return totals_for((line.vat_rate, line.line_total) for line in lines)

"""What a company pays, and the VAT on it: the one place prices and VAT are worked out.

A company with a contract price for a product (companies.ContractPrice, set by staff in the
admin) pays it at every quantity; everyone else pays the list price, Product.price, or the
price break (shop.models.PriceBreak) its line's quantity reaches: the highest tier whose
minimum quantity is at most the line's. The list price is the 1+ tier. A contract price is
looked up by the buyer's own company only: another company's contract price never applies.

Reads only (hence the selectors' style: no writes here). So the pages keep their query
counts, `with_contract_price` annotates a product query the page runs anyway (the catalogue's
page of rows, the product page, the API's lists) with the contract price for a user's company,
joined through the user's membership, so no extra query reads the company first.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple, Protocol

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from companies.models import ContractPrice
from shop.models import CartItem, PriceBreak, Product
from shop.services.packs import first_quantity

PENNY = Decimal("0.01")
HUNDRED = Decimal("100")


class Tier(NamedTuple):
    """One step of a price ladder: from `min_quantity` packs, `unit_price` each."""

    min_quantity: int
    unit_price: Decimal


class HasTier(Protocol):
    @property
    def min_quantity(self) -> int: ...

    @property
    def unit_price(self) -> Decimal: ...


def tiers_of(breaks: Iterable[HasTier]) -> tuple[Tier, ...]:
    """Price breaks (PriceBreak rows, Tiers, anything with the two fields) as Tiers, ascending."""
    return tuple(
        sorted(
            # quantize: SQLite may hand a decimal back unscaled.
            (Tier(int(b.min_quantity), Decimal(b.unit_price).quantize(PENNY)) for b in breaks),
            key=lambda tier: tier.min_quantity,
        )
    )


def tier_price(list_price: Decimal, tiers: Sequence[Tier], quantity: int) -> Decimal:
    """The list price's unit price for a line of `quantity`: the highest tier whose minimum is
    at most the quantity (`tiers` ascending), else the list price."""
    price = list_price
    for tier in tiers:
        if tier.min_quantity > quantity:
            break
        price = tier.unit_price
    return price


@dataclass(frozen=True)
class Price:
    """A product's price for one company, at one line quantity."""

    amount: Decimal  # a pack's price at `quantity`: the contract price, else the list tier's
    list_price: Decimal  # the public 1+ price
    is_contract: bool
    # The list price's volume tiers, ascending; none with a contract price, which holds at
    # every quantity.
    tiers: tuple[Tier, ...] = ()
    quantity: int = 1

    @property
    def lowest(self) -> Decimal:
        """The lowest price any quantity reaches ("from £16.10")."""
        return min([self.amount, *(tier.unit_price for tier in self.tiers)])

    @property
    def tier_reached(self) -> int:
        """The minimum quantity of the tier `quantity` pays (1: the list price)."""
        reached = [tier.min_quantity for tier in self.tiers if tier.min_quantity <= self.quantity]
        return reached[-1] if reached and not self.is_contract else 1

    @property
    def has_lower_tiers(self) -> bool:
        """Whether a larger line would pay less than this one."""
        return self.lowest < self.amount

    def ladder(self) -> list[Tier]:
        """The tiers from this price's quantity up: what a line of this quantity pays, then
        every tier above it (the product page's table; empty for a contract price)."""
        if self.is_contract:
            return []
        above = [tier for tier in self.tiers if tier.min_quantity > self.quantity]
        return [Tier(self.quantity, self.amount), *above]


def price_of(
    list_price: Decimal,
    contract_price: Decimal | None,
    tiers: Sequence[Tier] = (),
    quantity: int = 1,
) -> Price:
    """What a line of `quantity` pays per pack: the contract price at every quantity, else the
    list price's tier for the quantity."""
    if contract_price is None:
        return Price(
            amount=tier_price(list_price, tiers, quantity),
            list_price=list_price,
            is_contract=False,
            tiers=tuple(tiers),
            quantity=quantity,
        )
    # quantize: SQLite hands an annotated decimal back unscaled (Decimal("11.0500000000000")).
    return Price(
        amount=contract_price.quantize(PENNY),
        list_price=list_price,
        is_contract=True,
        quantity=quantity,
    )


def price_per_measure(amount: Decimal, measure_amount: Decimal | None) -> Decimal | None:
    """A pack's price per kg, l or each of its measure, to the penny (half up); None without
    a measure."""
    if not measure_amount:
        return None
    return (amount / measure_amount).quantize(PENNY, rounding=ROUND_HALF_UP)


def _contract_for_user(user: Any, product_ref: str) -> Subquery:
    """The contract price of the user's own company (Membership is one per user)."""
    user_id = user.pk if getattr(user, "is_authenticated", False) else None
    return Subquery(
        ContractPrice.objects.filter(
            company__memberships__user_id=user_id, product_id=OuterRef(product_ref)
        ).values("price")[:1]
    )


def with_contract_price(products: QuerySet[Product], *, user: Any) -> QuerySet[Product]:
    """The products, each with `contract_price` (the user's company's, or None)."""
    return products.annotate(contract_price=_contract_for_user(user, "pk"))


def _breaks_queryset() -> QuerySet[PriceBreak]:
    return PriceBreak.objects.order_by("product_id", "min_quantity")


def with_price_breaks(products: QuerySet[Product]) -> QuerySet[Product]:
    """The products with their price breaks: one more query for the whole page, not one per
    product."""
    return products.prefetch_related(Prefetch("price_breaks", queryset=_breaks_queryset()))


def product_price(product: Product, quantity: int | None = None) -> Price:
    """The price of a product read through with_contract_price (and with_price_breaks, else
    one query for its breaks) for a line of `quantity`: by default the smallest quantity its
    pack rules allow, the price the catalogue and the API show."""
    return price_of(
        product.price,
        getattr(product, "contract_price", None),
        tiers_of(product.price_breaks.all()),
        first_quantity(product) if quantity is None else quantity,
    )


def cart_items_with_prices(items: QuerySet[CartItem], *, user: Any) -> QuerySet[CartItem]:
    """Cart items, each with `contract_price` for the user's company and its product's price
    breaks (CartItem.unit_price): one more query for the cart, not one per line."""
    breaks = Prefetch("product__price_breaks", queryset=_breaks_queryset())
    return items.annotate(contract_price=_contract_for_user(user, "product_id")).prefetch_related(
        breaks
    )


def cart_item_price(item: CartItem) -> Price:
    """What a cart line pays per pack at its quantity (read through cart_items_with_prices;
    without it, the list price's tier)."""
    return price_of(
        item.product.price,
        getattr(item, "contract_price", None),
        tiers_of(item.product.price_breaks.all()),
        item.quantity,
    )


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

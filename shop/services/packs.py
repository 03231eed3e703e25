"""The pack rules: which quantities of a product may be ordered. The one place they live.

A product is sold from `min_order_quantity` packs up, in whole multiples of `order_multiple`
(malt by the pallet layer of 8 sacks; both default 1). A quantity is allowed when it is at
least the minimum and a multiple of the multiple; the smallest allowed quantity is the minimum
rounded up to the multiple. Every place a quantity enters (the cart, checkout, the API's
orders, order again, and what comes later: quick order, saved lists) asks here, so a refused
quantity reads the same everywhere and names the nearest allowed ones.

Pure functions of anything carrying the two numbers (a Product, the order service's
ProductRow, a PackRule): no queries, nothing to set up.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings

from shop.exceptions import PackProblem, QuantityNotAllowed


class HasPackRules(Protocol):
    @property
    def min_order_quantity(self) -> int: ...

    @property
    def order_multiple(self) -> int: ...


@dataclass(frozen=True)
class PackRule:
    """The rules on their own, for callers that hold no product."""

    min_order_quantity: int = 1
    order_multiple: int = 1


def _max() -> int:
    return settings.SHOP_MAX_LINE_QUANTITY


def first_quantity(rules: HasPackRules) -> int:
    """The smallest allowed quantity: the minimum rounded up to the multiple."""
    multiple = rules.order_multiple
    return -(-rules.min_order_quantity // multiple) * multiple


def is_allowed(rules: HasPackRules, quantity: int) -> bool:
    return quantity >= first_quantity(rules) and quantity % rules.order_multiple == 0


def round_down(rules: HasPackRules, quantity: int) -> int:
    """The largest allowed quantity not above `quantity`; 0 when none is (the line cannot be
    kept at all: below the minimum, or under one multiple)."""
    rounded = quantity - quantity % rules.order_multiple
    return rounded if rounded >= first_quantity(rules) else 0


def round_up(rules: HasPackRules, quantity: int) -> int:
    """The smallest allowed quantity not below `quantity`."""
    multiple = rules.order_multiple
    return max(first_quantity(rules), -(-quantity // multiple) * multiple)


def nearest_allowed(rules: HasPackRules, quantity: int, *, maximum: int | None = None) -> tuple[int, ...]:
    """The allowed quantities next to `quantity`: itself when allowed, else the one below (if
    any) and the one above (if within `maximum`, the line limit by default), ascending."""
    if is_allowed(rules, quantity):
        return (quantity,)
    limit = _max() if maximum is None else maximum
    below, above = round_down(rules, quantity), round_up(rules, quantity)
    return tuple(q for q in (below, above) if 0 < q <= limit)


def rule_text(rules: HasPackRules) -> str:
    """The rules in words ("sold in multiples of 8", "minimum order 10"); "" when any
    quantity goes."""
    minimum, multiple = rules.min_order_quantity, rules.order_multiple
    if multiple > 1 and minimum <= multiple:
        return f"sold in multiples of {multiple:,}"
    if multiple > 1:
        return f"minimum order {minimum:,}, in multiples of {multiple:,}"
    if minimum > 1:
        return f"minimum order {minimum:,}"
    return ""


def quantity_problem(
    rules: HasPackRules, quantity: int, *, maximum: int | None = None
) -> str | None:
    """None when the pack rules allow `quantity`, else what is wrong, naming the nearest
    allowed quantities: "sold in multiples of 8: 8 or 16", "minimum order 10: 10".

    Only the pack rules: the caller has checked that `quantity` is a whole number within the
    line limit, and stock is the stock service's business.
    """
    if is_allowed(rules, quantity):
        return None
    nearest = nearest_allowed(rules, quantity, maximum=maximum)
    if not nearest:
        return f"{rule_text(rules)}: none is allowed up to {(_max() if maximum is None else maximum):,}"
    return f"{rule_text(rules)}: {' or '.join(f'{q:,}' for q in nearest)}"


def pack_problem(
    rules: HasPackRules, quantity: int, *, product_id: int, name: str
) -> PackProblem | None:
    """quantity_problem as a PackProblem naming the product, or None when allowed."""
    problem = quantity_problem(rules, quantity)
    if problem is None:
        return None
    return PackProblem(
        product_id=product_id,
        name=name,
        quantity=quantity,
        problem=problem,
        nearest=nearest_allowed(rules, quantity),
    )


def require_allowed(lines: Iterable[tuple[Any, int]]) -> None:
    """Raise QuantityNotAllowed listing every (product, quantity) the pack rules refuse, each
    named with its pack."""
    found = (
        pack_problem(product, quantity, product_id=product.id, name=product.name_with_pack)
        for product, quantity in lines
    )
    problems = [problem for problem in found if problem is not None]
    if problems:
        raise QuantityNotAllowed(problems)

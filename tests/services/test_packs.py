"""shop/services/packs.py: which quantities a product's pack rules allow, and what a refused
quantity is told. Pure functions: no database."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shop.exceptions import QuantityNotAllowed
from shop.services.packs import (
    PackRule,
    first_quantity,
    is_allowed,
    nearest_allowed,
    pack_problem,
    quantity_problem,
    require_allowed,
    round_down,
    round_up,
    rule_text,
)

MAX = 10_000
rules = st.builds(
    PackRule,
    min_order_quantity=st.integers(min_value=1, max_value=60),
    order_multiple=st.integers(min_value=1, max_value=24),
)
quantities = st.integers(min_value=1, max_value=MAX)


@pytest.mark.parametrize(
    ("rule", "quantity", "problem"),
    [
        (PackRule(1, 8), 12, "sold in multiples of 8: 8 or 16"),
        (PackRule(1, 8), 3, "sold in multiples of 8: 8"),
        (PackRule(8, 8), 20, "sold in multiples of 8: 16 or 24"),
        (PackRule(10, 1), 4, "minimum order 10: 10"),
        (PackRule(10, 4), 11, "minimum order 10, in multiples of 4: 12"),
        (PackRule(10, 4), 13, "minimum order 10, in multiples of 4: 12 or 16"),
        (PackRule(1, 8), 9_999, "sold in multiples of 8: 9,992 or 10,000"),
        (PackRule(1, 3), 10_000, "sold in multiples of 3: 9,999"),
    ],
)
def test_a_refused_quantity_is_told_the_rule_and_the_nearest_allowed_quantities(
    rule: PackRule, quantity: int, problem: str
) -> None:
    assert quantity_problem(rule, quantity) == problem


@pytest.mark.parametrize(
    ("rule", "quantity"),
    [(PackRule(), 1), (PackRule(), 7), (PackRule(1, 8), 8), (PackRule(1, 8), 64),
     (PackRule(10, 1), 10), (PackRule(10, 4), 12), (PackRule(20, 20), 40)],
)
def test_an_allowed_quantity_has_no_problem(rule: PackRule, quantity: int) -> None:
    assert quantity_problem(rule, quantity) is None
    assert is_allowed(rule, quantity)


def test_without_rules_every_quantity_goes_and_the_rule_has_no_words() -> None:
    assert rule_text(PackRule()) == ""
    assert first_quantity(PackRule()) == 1
    assert all(is_allowed(PackRule(), q) for q in range(1, 50))


def test_a_rule_whose_smallest_quantity_is_over_the_limit_says_none_is_allowed() -> None:
    rule = PackRule(min_order_quantity=9_999, order_multiple=7_000)

    assert quantity_problem(rule, 9_999) == (
        "minimum order 9,999, in multiples of 7,000: none is allowed up to 10,000"
    )


def test_the_smallest_allowed_quantity_is_the_minimum_rounded_up_to_the_multiple() -> None:
    assert first_quantity(PackRule(1, 8)) == 8
    assert first_quantity(PackRule(10, 4)) == 12
    assert first_quantity(PackRule(10, 1)) == 10
    assert first_quantity(PackRule(16, 8)) == 16


def test_rounding_down_drops_a_line_no_allowed_quantity_fits() -> None:
    assert round_down(PackRule(1, 8), 23) == 16
    assert round_down(PackRule(1, 8), 7) == 0
    assert round_down(PackRule(10, 1), 9) == 0
    assert round_down(PackRule(10, 4), 15) == 12


def test_pack_problem_names_the_product_and_carries_the_nearest_quantities() -> None:
    problem = pack_problem(PackRule(1, 8), 12, product_id=7, name="Pilsner malt")

    assert problem is not None
    assert problem.nearest == (8, 16)
    assert problem.named == "Pilsner malt: sold in multiples of 8: 8 or 16."
    assert problem.message == "Sold in multiples of 8: 8 or 16."
    assert pack_problem(PackRule(1, 8), 16, product_id=7, name="Pilsner malt") is None


class _Product:
    def __init__(self, id: int, name: str, minimum: int, multiple: int) -> None:
        self.id, self.name = id, name
        self.name_with_pack = name
        self.min_order_quantity, self.order_multiple = minimum, multiple


def test_require_allowed_lists_every_refused_line_by_product() -> None:
    malt, salt, yeast = _Product(3, "Malt", 1, 8), _Product(1, "Salt", 1, 1), _Product(2, "Yeast", 5, 1)

    with pytest.raises(QuantityNotAllowed) as refused:
        require_allowed([(malt, 12), (salt, 3), (yeast, 2)])

    assert [(p.product_id, p.quantity, p.nearest) for p in refused.value.problems] == [
        (2, 2, (5,)),
        (3, 12, (8, 16)),
    ]
    assert str(refused.value) == "Yeast: minimum order 5: 5. Malt: sold in multiples of 8: 8 or 16."
    require_allowed([(malt, 16), (salt, 3)])  # nothing refused: no exception


# --- Properties ---------------------------------------------------------------------------------


@given(rules, quantities)
def test_allowed_means_at_least_the_minimum_and_a_whole_multiple(rule: PackRule, quantity: int) -> None:
    assert is_allowed(rule, quantity) == (
        quantity >= rule.min_order_quantity and quantity % rule.order_multiple == 0
    )
    assert (quantity_problem(rule, quantity) is None) == is_allowed(rule, quantity)


@given(rules)
def test_the_first_quantity_is_the_smallest_allowed(rule: PackRule) -> None:
    first = first_quantity(rule)

    assert is_allowed(rule, first)
    assert not any(is_allowed(rule, q) for q in range(1, first))


@given(rules, quantities)
def test_rounding_down_gives_the_largest_allowed_quantity_not_above(rule: PackRule, quantity: int) -> None:
    down = round_down(rule, quantity)

    if down:
        assert is_allowed(rule, down) and down <= quantity
        assert not any(is_allowed(rule, q) for q in range(down + 1, quantity + 1))
    else:
        assert not any(is_allowed(rule, q) for q in range(1, quantity + 1))


@given(rules, quantities)
def test_rounding_up_gives_the_smallest_allowed_quantity_not_below(rule: PackRule, quantity: int) -> None:
    up = round_up(rule, quantity)

    assert is_allowed(rule, up) and up >= quantity
    assert not any(is_allowed(rule, q) for q in range(quantity, up))


@given(rules, quantities)
def test_the_nearest_quantities_are_allowed_within_the_limit_and_named_in_the_problem(
    rule: PackRule, quantity: int
) -> None:
    nearest = nearest_allowed(rule, quantity)
    problem = quantity_problem(rule, quantity)

    assert all(is_allowed(rule, q) and 1 <= q <= MAX for q in nearest)
    assert list(nearest) == sorted(set(nearest))
    if problem is not None:
        assert nearest, "a refused quantity within the limit always has a neighbour here"
        assert problem.startswith(rule_text(rule) + ": ")
        assert problem.endswith(" or ".join(f"{q:,}" for q in nearest))
        # One below and one above at most, each the closest on its side.
        below = [q for q in nearest if q < quantity]
        above = [q for q in nearest if q > quantity]
        assert below == ([round_down(rule, quantity)] if round_down(rule, quantity) else [])
        assert above == ([round_up(rule, quantity)] if round_up(rule, quantity) <= MAX else [])

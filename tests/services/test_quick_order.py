"""Quick order against the catalogue: each line's product and price or what is wrong, the good
lines added in one cart write, the same queries for 1 line or 150, no line ever dropped."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from companies.exceptions import Forbidden
from companies.models import ContractPrice, Role
from shop import selectors, services
from shop.models import CartItem, Product
from shop.services.quick_order import (
    ADDED,
    BAD,
    MAX_LINES,
    OK,
    SKIPPED,
    quick_order_add,
    quick_order_check,
)
from tests.factories import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def flour(make_product: Callable[..., Product]) -> Product:
    return make_product(sku="FLR-STRW-25", name="Strong white flour", stock=50, price="21.40")


@pytest.fixture
def malt(make_product: Callable[..., Product]) -> Product:
    return make_product(
        sku="MLT-PALE-25", name="Pale ale malt", stock=100, price="38.90", order_multiple=8
    )


@pytest.fixture
def pizza(make_product: Callable[..., Product]) -> Product:
    return make_product(sku="FLR-00-25", name="Tipo 00 flour", stock=8, price="29.50")


def cart_of(user: Any) -> dict[str, int]:
    return dict(CartItem.objects.filter(user=user).values_list("product__sku", "quantity"))


def statuses(check: Any) -> dict[int, str]:
    return {line.number: line.status for line in check.lines}


def test_a_good_line_shows_its_product_unit_price_and_line_total(buyer: Any, flour: Product) -> None:
    (line,) = quick_order_check(user=buyer, text="FLR-STRW-25 4").lines

    assert line.status == OK and line.product == flour
    assert line.unit_price == Decimal("21.40") and line.line_total == Decimal("85.60")


def test_the_sku_is_found_whatever_its_case(buyer: Any, flour: Product) -> None:
    (line,) = quick_order_check(user=buyer, text="flr-strw-25 4").lines

    assert line.status == OK and line.product == flour


def test_a_sku_stored_in_lower_case_is_found_in_upper_case(buyer: Any, make_product: Any) -> None:
    salt = make_product(sku="slt-fine-25", stock=50)

    (line,) = quick_order_check(user=buyer, text="SLT-FINE-25 2").lines

    assert line.status == OK and line.product == salt


def test_the_price_is_the_companys_contract_price(buyer: Any, flour: Product) -> None:
    ContractPrice.objects.create(company=buyer.membership.company, product=flour, price="19.90")

    (line,) = quick_order_check(user=buyer, text="FLR-STRW-25 2").lines

    assert line.unit_price == Decimal("19.90") and line.line_total == Decimal("39.80")


def test_the_price_follows_the_lines_price_break(buyer: Any, make_product: Any) -> None:
    make_product(sku="FLR-RYE-25", stock=100, price="18.40", price_breaks=[(10, "17.20")])

    check = quick_order_check(user=buyer, text="FLR-RYE-25 4\nFLR-RYE-25 6")

    assert [line.unit_price for line in check.lines] == [Decimal("17.20")] * 2
    assert check.total == Decimal("172.00")


def test_the_price_is_the_tier_of_the_cart_line_it_makes(buyer: Any, make_product: Any) -> None:
    """The cart charges its line (what it holds plus what is pasted) at that line's tier: the
    page shows that price, not the pasted quantity's own."""
    rye = make_product(sku="FLR-RYE-25", stock=100, price="18.40", price_breaks=[(10, "17.20")])
    services.cart_add(user=buyer, product_id=rye.pk, quantity=6)

    (line,) = quick_order_check(user=buyer, text="FLR-RYE-25 4").lines
    quick_order_add(user=buyer, text="FLR-RYE-25 4")

    (item,) = selectors.cart_items_for(buyer)
    assert line.priced_at == 10 and line.unit_price == Decimal("17.20") == item.unit_price
    assert line.line_total == Decimal("68.80")


def test_an_unknown_sku_is_bad_and_suggests_a_close_match(
    buyer: Any, flour: Product, make_product: Any
) -> None:
    # As alike by trigrams as FLR-STRW-25; the swapped digits make the 25 closer.
    make_product(sku="FLR-STRW-16", name="Strong white flour, small sack")

    (line,) = quick_order_check(user=buyer, text="FLR-STRW-52 3").lines

    assert line.status == BAD and line.problem == "Unknown SKU FLR-STRW-52."
    assert line.suggestion == flour


def test_an_unknown_sku_like_nothing_has_no_suggestion(buyer: Any, flour: Product) -> None:
    (line,) = quick_order_check(user=buyer, text="ZZZ-QQQQ-9 3").lines

    assert line.status == BAD and line.suggestion is None


def test_a_quantity_that_is_not_a_whole_number_is_bad(buyer: Any, flour: Product) -> None:
    (line,) = quick_order_check(user=buyer, text="FLR-STRW-25 2.5").lines

    assert line.status == BAD and line.problem == "Quantity 2.5 is not a whole number."


def test_a_quantity_the_pack_rules_refuse_names_the_nearest_allowed(buyer: Any, malt: Product) -> None:
    (line,) = quick_order_check(user=buyer, text="MLT-PALE-25 10").lines

    assert line.status == BAD
    assert line.problem == "Sold in multiples of 8: 8 or 16."


def test_below_the_minimum_is_bad(buyer: Any, make_product: Any) -> None:
    make_product(sku="SUG-GRAN-25", stock=100, min_order_quantity=5)

    (line,) = quick_order_check(user=buyer, text="SUG-GRAN-25 2").lines

    assert line.status == BAD and line.problem == "Minimum order 5: 5."


def test_short_of_stock_is_bad_with_the_available_quantity(buyer: Any, pizza: Product) -> None:
    (line,) = quick_order_check(user=buyer, text="FLR-00-25 20").lines

    assert line.status == BAD and line.available == 8
    assert line.problem == "Only 8 in stock."


def test_stock_counts_what_the_cart_already_holds(buyer: Any, pizza: Product) -> None:
    services.cart_add(user=buyer, product_id=pizza.pk, quantity=5)

    (line,) = quick_order_check(user=buyer, text="FLR-00-25 4").lines

    assert line.status == BAD
    assert line.problem == "Only 8 in stock (5 already in your cart)."


def test_a_product_no_longer_for_sale_is_bad(buyer: Any, make_product: Any) -> None:
    make_product(sku="OLD-1", is_active=False)

    (line,) = quick_order_check(user=buyer, text="OLD-1 1").lines

    assert line.status == BAD and line.problem == "No longer for sale."


def test_duplicate_skus_are_added_together_on_the_first_line(buyer: Any, flour: Product) -> None:
    check = quick_order_check(user=buyer, text="FLR-STRW-25 4\nSUG 1\nflr-strw-25 x 2")

    first, _, second = check.lines
    assert first.quantity == 6 and first.merged_from == [3]
    assert second.merged_into == 1 and second.status == OK
    assert [line.number for line in check.to_add] == [1]


def test_duplicates_are_checked_on_their_sum(buyer: Any, malt: Product) -> None:
    check = quick_order_check(user=buyer, text="MLT-PALE-25 4\nMLT-PALE-25 4")

    assert statuses(check) == {1: OK, 2: OK}
    assert check.lines[0].quantity == 8


def test_over_the_line_limit_nothing_is_checked_and_says_so(
    buyer: Any, flour: Product, django_assert_num_queries: Any
) -> None:
    text = "\n".join(["FLR-STRW-25 1"] * (MAX_LINES + 1))

    with django_assert_num_queries(0):
        check = quick_order_check(user=buyer, text=text)

    assert "201 lines" in check.error and "up to 200" in check.error
    assert len(check.lines) == MAX_LINES + 1 and not check.good


def test_a_header_and_blank_lines_do_not_count_towards_the_limit(buyer: Any, flour: Product) -> None:
    text = "SKU Qty\n" + "\n".join(["FLR-STRW-25 1", ""] * MAX_LINES)

    assert quick_order_check(user=buyer, text=text).error == ""


# --- adding -------------------------------------------------------------------------------


def test_add_puts_every_good_line_in_the_cart_and_leaves_the_bad_ones(
    buyer: Any, flour: Product, malt: Product, pizza: Product
) -> None:
    text = "SKU;Qty\nFLR-STRW-25;4\nMLT-PALE-25;10\n\nFLR-00-25;2\nFLR-STRW-52;1\nFLR-STRW-25;1"

    result = quick_order_add(user=buyer, text=text)

    assert cart_of(buyer) == {"FLR-STRW-25": 5, "FLR-00-25": 2}
    assert statuses(result.check) == {1: SKIPPED, 2: ADDED, 3: BAD, 4: SKIPPED, 5: ADDED, 6: BAD, 7: ADDED}
    assert result.leftover_text == "SKU;Qty\nMLT-PALE-25;10\nFLR-STRW-52;1"
    assert {(line.name, line.added) for line in result.added} == {("Strong white flour (25 kg sack)", 5), ("Tipo 00 flour (25 kg sack)", 2)}


def test_add_adds_to_what_the_cart_holds(buyer: Any, flour: Product) -> None:
    services.cart_add(user=buyer, product_id=flour.pk, quantity=3)

    quick_order_add(user=buyer, text="FLR-STRW-25 4")

    assert cart_of(buyer) == {"FLR-STRW-25": 7}


def test_no_line_is_ever_dropped_silently(
    buyer: Any, flour: Product, malt: Product, pizza: Product
) -> None:
    text = "\n".join(
        [
            "Item code, Quantity", "FLR-STRW-25, 4", "", "MLT-PALE-25, 8", "FLR-00-25, 30",
            "nonsense", "FLR-STRW-25 x 2", "4 x", "MLT-PALE-25 3", "flr-00-25;1", "  ",
            "FLR-STRW-52 2", "FLR-STRW-25 1.5",
        ]
    )

    result = quick_order_add(user=buyer, text=text)

    numbers = [line.number for line in result.check.lines]
    assert numbers == list(range(1, len(text.splitlines()) + 1))
    assert all(line.status in (ADDED, BAD, SKIPPED) for line in result.check.lines)
    left = result.leftover_text.splitlines()
    assert left[0] == "Item code, Quantity"  # the header stays above the lines to fix
    for line in result.check.lines[1:]:
        # Added lines are in the cart, bad ones back in the box, skipped ones blank or the header.
        assert (line.text in left) == (line.status == BAD)
        if line.status == SKIPPED:
            assert line.parsed.kind in ("blank", "header")
        if line.status == ADDED:
            assert line.product is not None and line.product.sku in cart_of(buyer)


def test_the_lines_left_to_fix_keep_the_header_that_says_which_column_is_which(
    buyer: Any, flour: Product
) -> None:
    text = "Price;Qty;Code;Description\n21.40;4;FLR-STRW-25;Strong white flour\n9.99;2;NOPE-1;Unknown"

    result = quick_order_add(user=buyer, text=text)
    assert cart_of(buyer) == {"FLR-STRW-25": 4}
    assert result.leftover_text == "Price;Qty;Code;Description\n9.99;2;NOPE-1;Unknown"

    # Read again (the page after the redirect), the line is still SKU NOPE-1, quantity 2.
    (header, line) = quick_order_check(user=buyer, text=result.leftover_text).lines
    assert header.status == SKIPPED
    assert (line.parsed.sku, line.parsed.quantity, line.status) == ("NOPE-1", 2, BAD)


def test_nothing_is_left_in_the_box_when_every_line_went_in(buyer: Any, flour: Product) -> None:
    result = quick_order_add(user=buyer, text="SKU,Qty\nFLR-STRW-25,4")

    assert result.leftover_text == ""


def test_lines_of_one_sku_adding_up_past_the_cart_line_limit_are_refused_not_a_crash(
    buyer: Any, make_product: Callable[..., Product], settings: Any
) -> None:
    make_product(sku="SLT-FINE-25", name="Fine salt", stock=50_000, price="12.00")
    text = "SLT-FINE-25 6000\nSLT-FINE-25 6000"

    check = quick_order_check(user=buyer, text=text)
    assert [line.status for line in check.lines] == [BAD, BAD]
    assert "at most 10,000" in check.lines[0].problem

    result = quick_order_add(user=buyer, text=text)
    assert result.added == [] and cart_of(buyer) == {}
    assert result.leftover_text == text


def test_a_line_the_cart_refuses_at_add_time_turns_bad(
    buyer: Any, flour: Product, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Stock sold between the check's read and the cart write: the cart service has the last word.
    from shop.services import quick_order

    real_check = quick_order.quick_order_check

    def check_then_sell(**kwargs: Any) -> Any:
        check = real_check(**kwargs)
        services.stock_set(product_id=flour.pk, new_stock=1)
        return check

    monkeypatch.setattr(quick_order, "quick_order_check", check_then_sell)

    result = quick_order_add(user=buyer, text="FLR-STRW-25 4")

    assert result.check.lines[0].status == BAD
    assert result.check.lines[0].problem == "Only 1 in stock."
    assert result.leftover_text == "FLR-STRW-25 4" and cart_of(buyer) == {}


def test_a_viewer_cannot_add(buyer: Any, flour: Product) -> None:
    viewer = make_member("viewer@bakery.test", buyer.membership.company, Role.VIEWER)

    with pytest.raises(Forbidden):
        quick_order_add(user=viewer, text="FLR-STRW-25 1")

    assert cart_of(viewer) == {}


# --- the same SQL for any number of lines ----------------------------------------------------


@pytest.fixture
def many_products(category: Any) -> list[Product]:
    products = [
        Product(sku=f"BULK-{n:04d}", name=f"Bulk {n}", category=category, unit="1 kg bag",
                price=Decimal("2.00"), stock=100)
        for n in range(150)
    ]
    services.products_bulk_add(products=products)
    return list(Product.objects.filter(sku__startswith="BULK-").order_by("sku"))


def paste(products: list[Product]) -> str:
    return "\n".join(f"{product.sku}\t2" for product in products)


def count_queries(action: Callable[[], object]) -> int:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        action()
    return len(queries.captured_queries)


def test_checking_1_line_or_150_takes_the_same_queries(
    buyer: Any, many_products: list[Product], django_assert_num_queries: Any
) -> None:
    # The products with their contract prices and cart quantities, and their price breaks.
    with django_assert_num_queries(2):
        one = quick_order_check(user=buyer, text=paste(many_products[:1]))
    with django_assert_num_queries(2):
        many = quick_order_check(user=buyer, text=paste(many_products))

    assert len(one.good) == 1 and len(many.good) == 150


def test_adding_1_line_or_150_takes_the_same_queries(
    buyer: Any, many_products: list[Product]
) -> None:
    CartItem.objects.all().delete()
    one = count_queries(lambda: quick_order_add(user=buyer, text=paste(many_products[:1])))
    CartItem.objects.all().delete()
    many = count_queries(lambda: quick_order_add(user=buyer, text=paste(many_products)))

    assert one == many
    assert len(cart_of(buyer)) == 150


@pytest.mark.parametrize(
    ("in_cart", "pasted", "problem"),
    [
        (0, 9, "Only 8 in stock."),
        (5, 4, "Only 8 in stock (5 already in your cart)."),
        (8, 9_993, "That is 10,001 with the 8 in your cart: a cart line holds at most 10,000."),
    ],
)
def test_a_line_reads_the_same_on_the_page_and_when_the_cart_refuses_it(
    buyer: Any, pizza: Product, in_cart: int, pasted: int, problem: str
) -> None:
    """One check (cart.check_line) behind the page's lines and the cart's adding of them."""
    if in_cart:
        services.cart_add(user=buyer, product_id=pizza.pk, quantity=in_cart)

    (line,) = quick_order_check(user=buyer, text=f"FLR-00-25 {pasted}").lines
    (outcome,) = services.cart_add_lines(user=buyer, lines=[(pizza.pk, pasted)], cap_to_stock=False)

    assert line.status == BAD and line.problem == outcome.problem == problem


def test_a_pack_problem_with_the_cart_reads_the_same_on_the_page_and_in_the_cart(
    buyer: Any, malt: Product
) -> None:
    services.cart_add(user=buyer, product_id=malt.pk, quantity=8)

    (line,) = quick_order_check(user=buyer, text="MLT-PALE-25 4").lines
    (outcome,) = services.cart_add_lines(user=buyer, lines=[(malt.pk, 4)], cap_to_stock=True)

    expected = "With the 8 in your cart: Sold in multiples of 8: 8 or 16."
    assert line.problem == outcome.problem == expected and outcome.is_refused

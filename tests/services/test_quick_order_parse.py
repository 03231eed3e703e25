"""The quick-order parser: pure, no database. Every line of the text comes back as one
ParsedLine: an item, blank, the header, or invalid with what is missing."""

import pytest

from shop.services.quick_order import BLANK, HEADER, INVALID, ITEM, parse_quick_order


def item(text: str) -> tuple[str, int | None]:
    (line,) = parse_quick_order(text)
    assert line.kind == ITEM, line
    return line.sku, line.quantity


@pytest.mark.parametrize(
    "text",
    [
        "FLR-STRW-25\t4",
        "FLR-STRW-25,4",
        "FLR-STRW-25;4",
        "FLR-STRW-25 4",
        "  FLR-STRW-25     4  ",
        "FLR-STRW-25 x 4",
        "FLR-STRW-25 x4",
        "4 x FLR-STRW-25",
        "4x FLR-STRW-25",
        "4 × FLR-STRW-25",
        "FLR-STRW-25;4 sacks",
        "FLR-STRW-25, 4 bags",
        '"FLR-STRW-25","4"',
        "FLR-STRW-25;4,00",
        "FLR-STRW-25\tStrong white bread flour\t4",
        'FLR-STRW-25,"Flour, strong white, 25 kg",4',
    ],
)
def test_it_reads_a_sku_and_a_quantity_however_they_are_separated(text: str) -> None:
    assert item(text) == ("FLR-STRW-25", 4)


def test_it_reads_an_all_digit_sku() -> None:
    assert item("100234 6") == ("100234", 6)


def test_it_reads_a_thousands_comma_in_a_tab_separated_quantity() -> None:
    assert item("FLR-STRW-25\t1,000") == ("FLR-STRW-25", 1000)


def test_the_first_line_naming_columns_is_the_header_and_is_skipped() -> None:
    lines = parse_quick_order("SKU\tQty\nFLR-STRW-25\t4\n")

    assert [line.kind for line in lines] == [HEADER, ITEM]


def test_a_header_saying_where_the_columns_are_is_followed() -> None:
    text = "Price;Qty;Code;Description\n21.40;4;FLR-STRW-25;Strong white flour 25 kg"

    header, line = parse_quick_order(text)

    assert header.kind == HEADER
    assert (line.kind, line.sku, line.quantity) == (ITEM, "FLR-STRW-25", 4)


def test_only_the_first_content_line_can_be_a_header() -> None:
    lines = parse_quick_order("FLR-STRW-25 4\nSKU Qty")

    assert [line.kind for line in lines] == [ITEM, INVALID]
    assert lines[1].error == "No quantity on this line."


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("FLR-STRW-25 1.5", "Quantity 1.5 is not a whole number."),
        ("FLR-STRW-25;1,5", "Quantity 1,5 is not a whole number."),
        ("FLR-STRW-25 0", "Quantity must be at least 1."),
        ("FLR-STRW-25 -3", "Quantity must be at least 1."),
        ("FLR-STRW-25 20000", "Quantity can be at most 10,000."),
        ("FLR-STRW-25", "No quantity on this line."),
        ("FLR-STRW-25 four", "No quantity on this line."),
        ("FLR-STRW-25 4sacks", "“4sacks” is not a quantity."),
        ("4 sacks", "No SKU on this line."),
    ],
)
def test_a_line_it_cannot_read_says_why(text: str, error: str) -> None:
    (line,) = parse_quick_order(text)

    assert line.kind == INVALID
    assert line.error == error


def test_blank_lines_and_separator_only_lines_are_blank() -> None:
    lines = parse_quick_order("FLR-STRW-25 4\n\n   \n;;;\nSUG-CAST-25 2")

    assert [line.kind for line in lines] == [ITEM, BLANK, BLANK, BLANK, ITEM]


def test_every_line_of_the_text_comes_back_numbered_as_pasted() -> None:
    text = "SKU,Qty\nFLR-STRW-25,4\n\nnonsense\nSUG-CAST-25,2\n4 x\n"

    lines = parse_quick_order(text)

    assert [line.number for line in lines] == [1, 2, 3, 4, 5, 6]
    assert [line.text for line in lines] == text.splitlines()

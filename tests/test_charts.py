"""shop.charts: the numbers behind the pages' SVG bar charts."""

from decimal import Decimal

import pytest

from shop.charts import BarInput, axis_step, bar_chart, bar_lengths, compact_money


@pytest.mark.parametrize(
    "maximum, step",
    [
        ("0", "1"),
        ("3", "1"),
        ("93", "25"),
        ("100", "25"),
        ("372", "100"),
        ("1176.60", "500"),
        ("8000", "2000"),
        ("0.30", "0.1"),
    ],
)
def test_the_axis_steps_are_round_numbers_covering_the_maximum_in_about_four(
    maximum: str, step: str
) -> None:
    assert axis_step(Decimal(maximum)) == Decimal(step)
    assert Decimal(maximum) <= axis_step(Decimal(maximum)) * 4 or Decimal(maximum) == 0


@pytest.mark.parametrize(
    "amount, text",
    [
        ("0", "£0"),
        ("250", "£250"),
        ("999.60", "£1000"),
        ("1500", "£1.5k"),
        ("2000", "£2k"),
        ("12500", "£12k"),
        ("1250000", "£1.2m"),
    ],
)
def test_axis_labels_are_short(amount: str, text: str) -> None:
    assert compact_money(Decimal(amount), "GBP") == text


def test_a_currency_without_a_symbol_is_named_after_the_amount() -> None:
    assert compact_money(Decimal("1500"), "CHF") == "1.5k CHF"


def bars(*values: str) -> list[BarInput]:
    return [BarInput(label=f"m{n}", value=Decimal(v), title=f"m{n}: {v}") for n, v in enumerate(values)]


def test_bars_are_scaled_to_a_round_axis_and_spaced_evenly() -> None:
    chart = bar_chart(bars("100", "0", "50", "25"), currency="GBP", width=400, height=240, left=40, right_margin=0, top=20, bottom=40)

    # The plot runs from y=20 (the axis maximum, 100 with steps of 25) down to y=200 (zero).
    assert chart.baseline == 200
    assert [tick.value for tick in chart.ticks] == [0, 25, 50, 75, 100]
    assert [tick.y for tick in chart.ticks] == [200, 155, 110, 65, 20]
    assert [tick.label for tick in chart.ticks] == ["£0", "£25", "£50", "£75", "£100"]
    assert [bar.height for bar in chart.bars] == [180, 0, 90, 45]
    assert [bar.y for bar in chart.bars] == [20, 200, 110, 155]
    # Four slots of 90 from x=40, each bar 62% of its slot, centred in it.
    assert [bar.width for bar in chart.bars] == [55.8] * 4
    assert [bar.centre for bar in chart.bars] == [85, 175, 265, 355]


def test_the_tallest_bar_never_rises_above_the_plot() -> None:
    chart = bar_chart(bars("372", "204.40", "116.70"), currency="GBP")

    assert chart.ticks[-1].value == 400
    assert all(chart.top <= bar.y <= chart.baseline for bar in chart.bars)
    assert all(chart.left <= bar.x and bar.x + bar.width <= chart.right for bar in chart.bars)


def test_nothing_to_show_draws_flat_bars_on_a_zero_axis() -> None:
    chart = bar_chart(bars("0", "0"), currency="GBP")

    assert [bar.height for bar in chart.bars] == [0, 0]
    assert [tick.label for tick in chart.ticks] == ["£0", "£1"]


def test_bar_lengths_are_relative_to_the_largest() -> None:
    assert bar_lengths([Decimal("87.50"), Decimal("33.40"), Decimal("0")]) == [100.0, 38.2, 0.0]
    assert bar_lengths([Decimal("0")]) == [0.0]
    assert bar_lengths([]) == []

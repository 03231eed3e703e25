"""Geometry for the charts the pages draw as inline SVG (no script, no inline style: the CSP
allows neither). The numbers are worked out here and only placed by the templates; the
SVG's viewBox is fixed and the page scales it, so a chart reads the same at any width."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from shop.money import CURRENCY_SYMBOLS

# The steps an axis may take, times a power of ten: 1, 2, 2.5, 5, 10, 20, 25, 50, ...
_NICE_STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))


@dataclass(frozen=True)
class BarInput:
    label: str  # under the bar, e.g. "Mar"
    value: Decimal
    title: str  # the bar's tooltip, e.g. "March 2026: £1,234.50"
    sublabel: str = ""  # a second line under the label, e.g. the year at January
    value_label: str = ""  # above the bar (hidden on narrow screens by the stylesheet)
    highlight: bool = False


@dataclass(frozen=True)
class Bar:
    label: str
    sublabel: str
    title: str
    value_label: str
    highlight: bool
    x: float
    y: float
    width: float
    height: float

    @property
    def centre(self) -> float:
        return round(self.x + self.width / 2, 1)

    @property
    def value_label_y(self) -> float:
        return round(self.y - 6, 1)


@dataclass(frozen=True)
class Tick:
    value: Decimal
    y: float
    label: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    left: int  # where the plot starts (the axis labels are left of it)
    right: int  # where the plot ends
    top: int
    baseline: float  # y of the zero line
    bars: list[Bar]
    ticks: list[Tick]

    @property
    def axis_label_x(self) -> int:
        return self.left - 8

    @property
    def label_y(self) -> float:
        return self.baseline + 18

    @property
    def sublabel_y(self) -> float:
        return self.baseline + 34


def axis_step(maximum: Decimal, *, ticks: int = 4) -> Decimal:
    """A round step (1, 2, 2.5 or 5 times a power of ten) with which about `ticks` steps cover
    `maximum`; 1 for nothing to show."""
    if maximum <= 0:
        return Decimal(1)
    raw = maximum / ticks
    power = Decimal(10) ** (raw.adjusted())  # the power of ten at or below raw
    return next(step * power for step in _NICE_STEPS if step * power >= raw)


def compact_money(amount: Decimal, currency: str) -> str:
    """An axis label: "£0", "£250", "£1.5k", "£12k", "£1.2m" (or "1.5k GBP" without a symbol)."""
    for threshold, suffix in ((Decimal(1_000_000), "m"), (Decimal(1_000), "k"), (Decimal(1), "")):
        if abs(amount) >= threshold or threshold == 1:
            scaled = amount / threshold
            text = f"{scaled:.1f}" if suffix and scaled < 10 else f"{scaled:.0f}"
            text = text.removesuffix(".0") + suffix
            break
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{text}" if symbol else f"{text} {currency}"


def bar_chart(
    items: Sequence[BarInput],
    *,
    currency: str,
    width: int = 720,
    height: int = 260,
    left: int = 64,
    right_margin: int = 8,
    top: int = 24,
    bottom: int = 40,
) -> BarChart:
    """Vertical bars for `items`, left to right, on an axis from zero to a round maximum."""
    right = width - right_margin
    baseline = height - bottom
    plot_height = baseline - top
    maximum = max((item.value for item in items), default=Decimal(0))
    step = axis_step(maximum)
    steps = max(1, int((maximum / step).to_integral_value(rounding=ROUND_CEILING)))
    axis_max = step * steps

    def y_of(value: Decimal) -> float:
        return round(baseline - float(value / axis_max) * plot_height, 1)

    slot = (right - left) / max(1, len(items))
    bar_width = round(slot * 0.62, 1)
    bars = []
    for n, item in enumerate(items):
        y = y_of(max(item.value, Decimal(0)))
        bars.append(
            Bar(
                label=item.label,
                sublabel=item.sublabel,
                title=item.title,
                value_label=item.value_label,
                highlight=item.highlight,
                x=round(left + slot * n + (slot - bar_width) / 2, 1),
                y=y,
                width=bar_width,
                height=round(baseline - y, 1),
            )
        )
    ticks = [
        Tick(value=step * n, y=y_of(step * n), label=compact_money(step * n, currency))
        for n in range(steps + 1)
    ]
    return BarChart(
        width=width,
        height=height,
        left=left,
        right=right,
        top=top,
        baseline=float(baseline),
        bars=bars,
        ticks=ticks,
    )


def bar_lengths(values: Sequence[Decimal], *, length: int = 100) -> list[float]:
    """Each value's bar length, the largest `length` long (all 0 when nothing is positive)."""
    largest = max(values, default=Decimal(0))
    if largest <= 0:
        return [0.0 for _ in values]
    return [round(float(max(value, Decimal(0)) / largest) * length, 1) for value in values]

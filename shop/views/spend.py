"""The company's spend: the last 12 months per month (an SVG bar chart and its table) and
per category. Every member sees it, viewers (the bookkeeper) included."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.dateformat import format as date_format
from django.views.decorators.http import require_GET

from companies.selectors import membership_for
from shop.charts import BarInput, bar_chart, bar_lengths, compact_money
from shop.money import money_display
from shop.spend import Spend, spend_for


def _chart_label(spend: Spend) -> str:
    """The chart's accessible name: what it shows and its highest month."""
    span = f"{date_format(spend.first_month, 'F Y')} to {date_format(spend.last_month, 'F Y')}"
    label = f"Spend excluding VAT per month, {span}"
    peak = max(spend.months, key=lambda month: month.net)
    if peak.net:
        label += (
            f"; highest in {date_format(peak.month, 'F Y')}: "
            f"{money_display(peak.net, spend.currency)}"
        )
    return label + ". The table below gives every month."


def _month_bars(spend: Spend, *, compact: bool) -> list[BarInput]:
    """The chart's bars; `compact` (the phone drawing): months as initials, no values."""
    current = spend.last_month
    starts_near_january = any(month.month.month == 1 for month in spend.months[1:3])
    return [
        BarInput(
            label=date_format(month.month, "M")[: 1 if compact else 3],
            # The year under each January, and under the first month unless, on the narrow
            # drawing, a January is close enough that the two would collide.
            sublabel=str(month.month.year)
            if month.month.month == 1 or (n == 0 and not (compact and starts_near_january))
            else "",
            value=month.net,
            value_label=compact_money(month.net, spend.currency) if month.net and not compact else "",
            title=f"{date_format(month.month, 'F Y')}"
            f"{' (so far)' if month.month == current else ''}: "
            f"{money_display(month.net, spend.currency)} excl. VAT, "
            f"{month.orders} order{'' if month.orders == 1 else 's'}",
            highlight=month.month == current,
        )
        for n, month in enumerate(spend.months)
    ]


@login_required
@require_GET
def spend(request: HttpRequest) -> HttpResponse:
    membership = membership_for(request.user)
    spend = spend_for(request.user)
    return render(
        request,
        "shop/spend.html",
        {
            "company": membership.company if membership else None,
            "spend": spend,
            "chart": bar_chart(_month_bars(spend, compact=False), currency=spend.currency),
            # For phones: half as wide in its own units, so its type stays readable when the
            # page scales it down, and taller; the values are in the table below it.
            "narrow_chart": bar_chart(
                _month_bars(spend, compact=True),
                currency=spend.currency,
                width=360,
                height=280,
                left=44,
                right_margin=4,
                top=12,
            ),
            "chart_label": _chart_label(spend),
            "categories": list(
                zip(spend.categories, bar_lengths([c.net for c in spend.categories]), strict=True)
            ),
        },
    )

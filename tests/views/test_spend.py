"""The spend page: the company's spend per month over the last 12 months and per category,
every member may look, nothing of another company is counted."""

import re
from collections.abc import Callable
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from companies.models import Role
from shop import services
from shop.models import Category, Order, Product
from shop.spend import months_ending
from tests.factories import make_member
from tests.views.conftest import ShopClient

SPEND = reverse("shop:spend")


def place(user: Any, lines: list[tuple[Product, int]], *, months_ago: int = 0) -> Order:
    """An order by `user`, dated the 10th of the month `months_ago` before this one (this
    month: now, which is never in the future)."""
    order = services.order_place(user=user, lines=[(p.pk, q) for p, q in lines]).order
    if months_ago:
        month = months_ending(timezone.localdate(), months_ago + 1)[0]
        at = timezone.make_aware(datetime.combine(month + timedelta(days=9), time(12)))
        Order.objects.filter(pk=order.pk).update(created_at=at)
    return order


@pytest.fixture
def drinks(db: None) -> Category:
    return Category.objects.create(slug="drinks", name="Soft drinks")


@pytest.fixture
def flour(make_product: Callable[..., Product]) -> Product:
    return make_product(name="Strong white flour", price="12.50", stock=500)


@pytest.fixture
def cola(make_product: Callable[..., Product], drinks: Category) -> Product:
    # Soft drinks carry 20% VAT in the UK.
    return make_product(
        name="Cola syrup", price="8.35", stock=500, category=drinks, vat_rate=Decimal("20.00")
    )


@pytest.fixture
def viewer(buyer: Any) -> Any:
    return make_member("books@bakery.test", buyer.membership.company, Role.VIEWER)


@pytest.fixture
def viewer_client(viewer: Any) -> ShopClient:
    client = ShopClient()
    client.force_login(viewer)
    return client


@pytest.fixture
def history(buyer: Any, flour: Product, cola: Product) -> list[Order]:
    """Known orders: this month, two months ago (two orders), eleven months ago, and a
    cancelled one (not spend)."""
    orders = [
        place(buyer, [(flour, 2)]),  # this month: 25.00 net, no VAT
        place(buyer, [(flour, 1), (cola, 3)], months_ago=2),  # 12.50 + 25.05 (VAT 5.01)
        place(buyer, [(cola, 1)], months_ago=2),  # 8.35 (VAT 1.67)
        place(buyer, [(flour, 4)], months_ago=11),  # 50.00, the oldest month shown
    ]
    cancelled = place(buyer, [(flour, 10)], months_ago=2)
    services.order_cancel(user=buyer, order_id=cancelled.pk)
    return orders


def month_rows(response: Any) -> list[tuple[Any, int, Decimal, Decimal, Decimal]]:
    return [(m.month, m.orders, m.net, m.vat, m.gross) for m in response.context["spend"].months]


def test_spend_per_month_is_exact_for_the_last_12_months_current_month_last(
    viewer_client: ShopClient, history: list[Order]
) -> None:
    response = viewer_client.get(SPEND)

    assert response.status_code == 200
    months = months_ending(timezone.localdate())
    zero = (0, Decimal("0.00"), Decimal("0.00"), Decimal("0.00"))
    expected = {m: (m, *zero) for m in months}
    expected[months[11]] = (months[11], 1, Decimal("25.00"), Decimal("0.00"), Decimal("25.00"))
    expected[months[9]] = (months[9], 2, Decimal("45.90"), Decimal("6.68"), Decimal("52.58"))
    expected[months[0]] = (months[0], 1, Decimal("50.00"), Decimal("0.00"), Decimal("50.00"))
    assert month_rows(response) == [expected[m] for m in months]
    html = response.content.decode()
    table = html[html.index('id="spend-months"') :]
    assert "£45.90" in table and "£6.68" in table and "£52.58" in table
    assert "£120.90" in table and "£127.58" in table  # the 12 months' net and gross


def test_spend_per_category_is_exact_largest_first(
    viewer_client: ShopClient, history: list[Order]
) -> None:
    response = viewer_client.get(SPEND)

    categories = [(c.name, c.net, c.share) for c in response.context["spend"].categories]
    assert categories == [
        ("Flours", Decimal("87.50"), Decimal("72.4")),
        ("Soft drinks", Decimal("33.40"), Decimal("27.6")),
    ]
    html = response.content.decode()
    listing = html[html.index('id="spend-categories"') :]
    assert listing.index("Flours") < listing.index("Soft drinks")
    assert "£87.50" in listing and "72.4%" in listing


def test_cancelled_orders_and_older_orders_are_not_spend(
    viewer_client: ShopClient, buyer: Any, flour: Product
) -> None:
    cancelled = place(buyer, [(flour, 3)])
    services.order_cancel(user=buyer, order_id=cancelled.pk)
    place(buyer, [(flour, 1)], months_ago=12)  # a month before the first one shown
    kept = place(buyer, [(flour, 1)], months_ago=1)

    spend = viewer_client.get(SPEND).context["spend"]

    assert (spend.orders, spend.net) == (1, Decimal("12.50"))
    assert Order.objects.filter(company=kept.company).count() == 3


def test_another_companys_orders_are_not_counted(
    viewer_client: ShopClient, history: list[Order], other_buyer: Any, flour: Product
) -> None:
    theirs = place(other_buyer, [(flour, 7)])

    response = viewer_client.get(SPEND)

    assert response.context["spend"].net == Decimal("120.90")
    assert response.context["spend"].months[-1].orders == 1
    assert theirs.company_id != history[0].company_id
    # And the other company sees only its own order.
    client = ShopClient()
    client.force_login(other_buyer)
    other = client.get(SPEND).context["spend"]
    assert (other.orders, other.net, [c.name for c in other.categories]) == (1, Decimal("87.50"), ["Flours"])


@pytest.mark.parametrize("role", [Role.ADMIN, Role.BUYER, Role.VIEWER])
def test_every_member_sees_the_companys_spend(
    role: str, buyer: Any, history: list[Order]
) -> None:
    member = make_member(f"{role}-member@bakery.test", buyer.membership.company, role)
    client = ShopClient()
    client.force_login(member)

    response = client.get(SPEND)

    assert response.status_code == 200
    assert response.context["spend"].net == Decimal("120.90")


def test_anonymous_visitors_are_sent_to_log_in(anon_client: ShopClient, db: None) -> None:
    response = anon_client.get(SPEND)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={SPEND}"


def test_a_company_without_orders_sees_the_empty_state(viewer_client: ShopClient) -> None:
    response = viewer_client.get(SPEND)
    html = response.content.decode()

    assert response.status_code == 200
    assert 'id="spend-empty"' in html and "No spend in the last 12 months" in html
    assert "<svg" not in html.split('id="main"')[1]
    assert response.context["spend"].is_empty


def test_the_chart_is_an_accessible_inline_svg_without_inline_styles(
    viewer_client: ShopClient, history: list[Order]
) -> None:
    html = viewer_client.get(SPEND).content.decode()
    main = html.split('id="main"')[1]

    charts = re.findall(r"<svg [^>]*>", main)
    wide = next(tag for tag in charts if 'id="spend-chart"' in tag)
    assert 'role="img"' in wide and 'aria-label="Spend excluding VAT per month' in wide
    assert 'viewBox="0 0 720 260"' in wide
    svg = main[main.index('id="spend-chart"') : main.index("</svg>")]
    assert "<title>Spend excluding VAT per month" in svg
    assert svg.count("<rect ") == 3  # three months with spend, no bar for the empty ones
    assert svg.count('class="chart-label"') == 12
    assert "style=" not in main and "<script" not in main


def test_the_navigation_and_the_orders_page_link_to_the_spend_page(
    viewer_client: ShopClient,
) -> None:
    spend_page = viewer_client.get(SPEND).content.decode()
    orders_page = viewer_client.get(reverse("shop:orders")).content.decode()

    assert f'<a href="{SPEND}" aria-current="page">Spend</a>' in spend_page
    assert f'href="{SPEND}"' in orders_page


@pytest.mark.parametrize("count", [1, 12])
def test_the_page_takes_the_same_queries_for_any_number_of_orders(
    viewer_client: ShopClient,
    buyer: Any,
    flour: Product,
    cola: Product,
    django_assert_max_num_queries: Any,
    count: int,
) -> None:
    for n in range(count):
        place(buyer, [(flour, 1), (cola, 1)], months_ago=n % 12)

    with django_assert_max_num_queries(6):
        response = viewer_client.get(SPEND)

    assert response.context["spend"].orders == count

"""The order history's filters: status, dates placed (inclusive, in the shop's time zone) and
reference or PO number, from a plain GET form; bad input is shown on its field and never
filters, nor fails."""

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from html import unescape
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from shop import services
from shop.models import Order, Product
from shop.services.checkout import OrderDetails
from tests.views.conftest import ShopClient

ORDERS = reverse("shop:orders")


def place(user: Any, product: Product, *, po: str = "", days_ago: int = 0) -> Order:
    order = services.order_place(
        user=user, lines=[(product.pk, 1)], details=OrderDetails(po_number=po)
    ).order
    if days_ago:
        at = timezone.make_aware(datetime.combine(timezone.localdate(), datetime.min.time()))
        Order.objects.filter(pk=order.pk).update(created_at=at - timedelta(days=days_ago) + timedelta(hours=12))
        order.refresh_from_db()
    return order


def shown(response: Any) -> list[int]:
    assert response.status_code == 200
    return [row.record.pk for row in response.context["table"].page.object_list]


def day(days_ago: int) -> str:
    return (timezone.localdate() - timedelta(days=days_ago)).isoformat()


@pytest.fixture
def rye(make_product: Callable[..., Product]) -> Product:
    return make_product(name="Dark rye flour", price="28.10", stock=500)


@pytest.fixture
def orders(buyer: Any, rye: Product) -> dict[str, Order]:
    """Four orders of the buyer's company: placed 30, 20 and 10 days ago and today."""
    old = place(buyer, rye, po="PO-1001", days_ago=30)
    services.order_advance(order_id=old.pk, to_status=Order.Status.CONFIRMED, by=None)
    middle = place(buyer, rye, po="PO-2002", days_ago=20)
    services.order_cancel(user=buyer, order_id=middle.pk)
    recent = place(buyer, rye, po="X-3003", days_ago=10)
    today = place(buyer, rye)
    return {"old": old, "middle": middle, "recent": recent, "today": today}


def test_without_filters_every_order_shows_newest_first(
    buyer_client: ShopClient, orders: dict[str, Order]
) -> None:
    ids = shown(buyer_client.get(ORDERS))

    assert ids == [orders[k].pk for k in ("today", "recent", "middle", "old")]


def test_it_filters_by_status(buyer_client: ShopClient, orders: dict[str, Order]) -> None:
    assert shown(buyer_client.get(ORDERS, {"status": "cancelled"})) == [orders["middle"].pk]
    assert shown(buyer_client.get(ORDERS, {"status": "confirmed"})) == [orders["old"].pk]
    assert Order.objects.get(pk=orders["middle"].pk).status == Order.Status.CANCELLED


def test_dates_are_inclusive_at_both_ends(buyer_client: ShopClient, orders: dict[str, Order]) -> None:
    response = buyer_client.get(ORDERS, {"created_after": day(20), "created_before": day(10)})

    assert shown(response) == [orders["recent"].pk, orders["middle"].pk]
    assert shown(buyer_client.get(ORDERS, {"created_after": day(0)})) == [orders["today"].pk]
    assert shown(buyer_client.get(ORDERS, {"created_before": day(30)})) == [orders["old"].pk]


def test_q_finds_a_reference_or_part_of_a_po_number(
    buyer_client: ShopClient, orders: dict[str, Order]
) -> None:
    assert shown(buyer_client.get(ORDERS, {"q": orders["recent"].reference})) == [orders["recent"].pk]
    assert shown(buyer_client.get(ORDERS, {"q": "po-"})) == [orders["middle"].pk, orders["old"].pk]
    assert shown(buyer_client.get(ORDERS, {"q": " 2002 "})) == [orders["middle"].pk]


def test_filters_combine(buyer_client: ShopClient, orders: dict[str, Order]) -> None:
    response = buyer_client.get(ORDERS, {"q": "PO", "status": "confirmed", "created_after": day(40)})

    assert shown(response) == [orders["old"].pk]
    assert "1 order match the filters" in response.content.decode()


def test_no_match_says_so(buyer_client: ShopClient, orders: dict[str, Order]) -> None:
    html = buyer_client.get(ORDERS, {"q": "nothing-like-it"}).content.decode()

    assert "No orders match these filters." in html


def test_another_companys_orders_never_match(
    buyer_client: ShopClient, orders: dict[str, Order], other_buyer: Any, rye: Product
) -> None:
    theirs = place(other_buyer, rye, po="PO-9999")

    assert shown(buyer_client.get(ORDERS, {"q": theirs.reference})) == []
    assert shown(buyer_client.get(ORDERS, {"q": "PO-9999"})) == []
    assert theirs.pk not in shown(buyer_client.get(ORDERS, {"status": "placed"}))


# --- Bad input: an error on the field, the other filters still apply, never a 500 ---------------


def field_error(html: str, field: str) -> str:
    match = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', html, re.S)
    assert match, f"no error shown for {field}"
    return unescape(match.group(1))


def test_an_unknown_status_is_an_error_and_does_not_filter(
    buyer_client: ShopClient, orders: dict[str, Order]
) -> None:
    response = buyer_client.get(ORDERS, {"status": "shipped", "q": "PO-"})
    html = response.content.decode()

    assert shown(response) == [orders["middle"].pk, orders["old"].pk]  # q still applies
    assert "Choose a status from the list." in field_error(html, "status")
    assert 'id="id_status" aria-invalid="true" aria-describedby="status-error"' in html


@pytest.mark.parametrize("bad", ["yesterday", "2026-13-01", "31/01/2026", "99999-01-01", "2026-02-30"])
def test_a_date_that_is_not_iso_is_an_error_and_does_not_filter(
    buyer_client: ShopClient, orders: dict[str, Order], bad: str
) -> None:
    response = buyer_client.get(ORDERS, {"created_after": bad, "status": "cancelled"})
    html = response.content.decode()

    assert shown(response) == [orders["middle"].pk]  # the status still applies
    assert f"“{bad}” is not a date. Enter it as YYYY-MM-DD." in field_error(html, "created_after")


def test_an_end_before_the_start_is_an_error_on_the_end_and_only_the_start_applies(
    buyer_client: ShopClient, orders: dict[str, Order]
) -> None:
    response = buyer_client.get(ORDERS, {"created_after": day(15), "created_before": day(25)})
    html = response.content.decode()

    assert shown(response) == [orders["today"].pk, orders["recent"].pk]
    assert "on or after the “Placed from” date" in field_error(html, "created_before")


@pytest.mark.parametrize("q", ["x" * 101, "PO\x00", "PO\x1b[31m"])
def test_a_q_too_long_or_with_control_characters_is_an_error_not_a_500(
    buyer_client: ShopClient, orders: dict[str, Order], q: str
) -> None:
    response = buyer_client.get(ORDERS, {"q": q})

    assert len(shown(response)) == 4
    assert field_error(response.content.decode(), "q")


@pytest.mark.parametrize(
    "params", [{"status": ["placed", "bogus"]}, {"created_after": ["", "x"]}, {"page": "0", "q": "%"}]
)
def test_odd_query_strings_answer_200(
    buyer_client: ShopClient, orders: dict[str, Order], params: dict[str, Any]
) -> None:
    response = buyer_client.get(ORDERS, params, follow=True)

    assert response.status_code == 200


# --- The filters in the links, the URL and htmx -------------------------------------------------


def links(html: str) -> list[str]:
    # The table's and the downloads' links are relative query strings ({% querystring %}).
    return [unescape(href) for href in re.findall(r'href="(\?[^"]*)"', html)]


def test_sort_page_and_csv_links_keep_the_filters_and_drop_bad_ones(
    buyer_client: ShopClient, buyer: Any, rye: Product
) -> None:
    for _ in range(27):
        place(buyer, rye, po="PO-7")
    html = buyer_client.get(
        ORDERS, {"q": "PO-7", "status": "placed", "created_after": "nope", "sort": "total"}
    ).content.decode()

    hrefs = links(html)
    sort_links = [h for h in hrefs if "sort=" in h and "page=" not in h and "_export" not in h]
    page_links = [h for h in hrefs if "page=2" in h]
    csv_links = [h for h in hrefs if "_export=" in h]
    assert sort_links and page_links and len(csv_links) == 2
    for href in sort_links + page_links + csv_links:
        assert "q=PO-7" in href and "status=placed" in href, href
        assert "created_after" not in href, href
    assert "?status=placed&q=PO-7&sort=total&_export=lines" in csv_links


def test_a_plain_form_submit_with_empty_fields_redirects_to_the_url_without_them(
    buyer_client: ShopClient, orders: dict[str, Order]
) -> None:
    response = buyer_client.get(
        ORDERS + "?q=&status=cancelled&created_after=&created_before=&sort=total"
    )

    assert response.status_code == 302
    assert response["Location"] == "/orders/?status=cancelled&sort=total"
    assert buyer_client.get(ORDERS + "?q=&status=").headers["Location"] == "/orders/"


def test_htmx_gets_the_region_with_the_form_and_the_clean_url_to_push(
    buyer_client: ShopClient, orders: dict[str, Order]
) -> None:
    response = buyer_client.get(
        ORDERS + "?q=&status=cancelled&created_after=&created_before=", HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()

    assert shown(response) == [orders["middle"].pk]
    assert html.lstrip().startswith('<section id="orders-results"') and "<html" not in html
    assert 'id="order-filters"' in html and 'id="download-lines"' in html
    assert response["HX-Push-Url"] == "/orders/?status=cancelled"
    assert "HX-Request" in response["Vary"]


def test_the_form_shows_the_filters_in_use(buyer_client: ShopClient, orders: dict[str, Order]) -> None:
    html = buyer_client.get(ORDERS, {"status": "cancelled", "created_after": day(40), "q": "PO"}).content.decode()

    assert '<option value="cancelled" selected>Cancelled</option>' in html
    assert f'name="created_after" id="id_created_after" value="{day(40)}"' in html
    assert 'name="q" id="id_q" value="PO"' in html
    assert 'href="/orders/" hx-get="/orders/">Clear filters</a>' in html


def test_the_viewer_filters_too(buyer: Any, orders: dict[str, Order]) -> None:
    from companies.models import Role
    from tests.factories import make_member

    client = ShopClient()
    client.force_login(make_member("books@bakery.test", buyer.membership.company, Role.VIEWER))

    assert shown(client.get(ORDERS, {"status": "cancelled"})) == [orders["middle"].pk]

"""The product admin: measure, pack rules and the price breaks inline."""

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from shop.models import PriceBreak, Product
from tests.views.test_admin_product import change_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(staff: Any) -> Client:
    client = Client()
    client.force_login(staff)
    return client


def breaks(*tiers: tuple[str, str]) -> dict[str, str]:
    data = {"price_breaks-TOTAL_FORMS": str(len(tiers)), "price_breaks-INITIAL_FORMS": "0"}
    for n, (quantity, price) in enumerate(tiers):
        data[f"price_breaks-{n}-min_quantity"] = quantity
        data[f"price_breaks-{n}-unit_price"] = price
    return data


def test_staff_set_the_measure_the_pack_rules_and_a_price_ladder(
    staff_client: Client, make_product: Any
) -> None:
    malt = make_product(price="38.90")
    url = f"/admin/shop/product/{malt.pk}/change/"
    assert "Pack and order rules" in staff_client.get(url).content.decode()

    response = staff_client.post(
        url,
        change_form(
            malt, measure_amount="25", measure_unit="kg", min_order_quantity="8",
            order_multiple="8", **breaks(("16", "37.50"), ("40", "36.00")),
        ),
    )

    assert response.status_code == 302
    malt.refresh_from_db()
    assert (malt.measure_amount, malt.measure_unit, malt.min_order_quantity, malt.order_multiple) == (
        Decimal("25.000"), "kg", 8, 8
    )
    assert list(PriceBreak.objects.filter(product=malt).values_list("min_quantity", "unit_price")) == [
        (16, Decimal("37.50")), (40, Decimal("36.00"))
    ]


@pytest.mark.parametrize(
    "tiers",
    [
        (("10", "39.00"),),  # dearer than the list price
        (("10", "37.00"), ("40", "37.50")),  # dearer than the smaller tier
    ],
)
def test_a_ladder_that_does_not_go_down_is_refused(
    staff_client: Client, make_product: Any, tiers: tuple[tuple[str, str], ...]
) -> None:
    malt = make_product(price="38.90")

    response = staff_client.post(f"/admin/shop/product/{malt.pk}/change/", change_form(malt, **breaks(*tiers)))

    assert response.status_code == 200
    assert "larger lines pay less per pack" in response.content.decode()
    assert not PriceBreak.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"measure_amount": "25", "measure_unit": ""}, "measure_unit"),
        ({"measure_amount": "", "measure_unit": "kg"}, "measure_amount"),
        ({"min_order_quantity": "0"}, "min_order_quantity"),
        ({"order_multiple": "0"}, "order_multiple"),
        ({"min_order_quantity": "9999", "order_multiple": "7000"}, "min_order_quantity"),
    ],
)
def test_rules_that_cannot_hold_are_refused(
    staff_client: Client, make_product: Any, changes: dict[str, str], field: str
) -> None:
    malt = make_product(price="38.90")

    response = staff_client.post(f"/admin/shop/product/{malt.pk}/change/", change_form(malt, **changes))

    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert Product.objects.get(pk=malt.pk).min_order_quantity == 1


def test_a_break_at_one_or_a_duplicate_quantity_is_refused(staff_client: Client, make_product: Any) -> None:
    malt = make_product(price="38.90")
    url = f"/admin/shop/product/{malt.pk}/change/"

    at_one = staff_client.post(url, change_form(malt, **breaks(("1", "30.00"))))
    twice = staff_client.post(url, change_form(malt, **breaks(("10", "37.00"), ("10", "36.00"))))

    assert at_one.status_code == 200 and twice.status_code == 200
    assert not PriceBreak.objects.exists()

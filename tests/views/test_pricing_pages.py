"""The company's own prices and the VAT on the pages: catalogue, product, cart (the checkout)
and order, for a company with a contract price and one without."""

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from companies.models import ContractPrice
from shop import services
from shop.models import Product
from tests.views.conftest import ShopClient

D = Decimal


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def block(html: str, element_id: str) -> str:
    found = re.search(rf'<(\w+)[^>]*id="{element_id}".*?</\1>', html, re.S)
    assert found is not None, element_id
    return text(found.group(0))


@pytest.fixture
def chocolate(make_product: Callable[..., Product], buyer: Any) -> Product:
    """Listed at 13.00 with 20% VAT; the buyer's company has it at 11.00."""
    product = make_product(name="Dark chocolate", price="13.00", vat_rate=D("20.00"), stock=50)
    ContractPrice.objects.create(
        company=buyer.membership.company, product=product, price=D("11.00")
    )
    return product


@pytest.fixture
def flour(make_product: Callable[..., Product]) -> Product:
    return make_product(name="Rye flour", price="12.50", stock=50)


def test_catalogue_shows_the_contract_price_with_the_list_price_beside_it(
    buyer_client: ShopClient, other_client: ShopClient, chocolate: Product, flour: Product
) -> None:
    mine = buyer_client.get(reverse("shop:catalogue")).content.decode()
    theirs = other_client.get(reverse("shop:catalogue")).content.decode()

    assert "£11.00 list £13.00" in text(mine)
    assert "<s>£13.00</s>" in mine
    assert "£11.00" not in theirs and "list £" not in text(theirs)


def test_product_page_shows_the_company_price_list_price_and_vat_rate(
    buyer_client: ShopClient, other_client: ShopClient, chocolate: Product, flour: Product
) -> None:
    url = reverse("shop:product_detail", args=[chocolate.pk])
    mine = text(buyer_client.get(url).content.decode())
    theirs = text(other_client.get(url).content.decode())

    assert "£11.00 per 25 kg sack Your contract price" in mine
    assert "List price £13.00" in mine and "Plus VAT at 20%" in mine
    assert "£13.00 per 25 kg sack" in theirs
    assert "contract" not in theirs.lower() and "List price" not in theirs
    flour_page = text(other_client.get(reverse("shop:product_detail", args=[flour.pk])).content.decode())
    assert "VAT 0% (zero-rated)" in flour_page


def test_cart_shows_company_prices_and_net_vat_per_rate_and_gross(
    buyer_client: ShopClient, buyer: Any, chocolate: Product, flour: Product
) -> None:
    services.cart_add(user=buyer, product_id=chocolate.pk, quantity=3)
    services.cart_add(user=buyer, product_id=flour.pk, quantity=2)

    html = buyer_client.get(reverse("shop:cart")).content.decode()

    assert "£11.00 list £13.00" in text(html)
    assert "£33.00" in text(html)  # 3 x 11.00
    assert block(html, "cart-totals") == (
        "Net (excl. VAT) £58.00 VAT at 0% on £25.00 £0.00 VAT at 20% on £33.00 £6.60 "
        "Total incl. VAT £64.60"
    )


def test_cart_of_a_company_without_contract_prices_is_at_list_prices(
    other_client: ShopClient, other_buyer: Any, chocolate: Product
) -> None:
    services.cart_add(user=other_buyer, product_id=chocolate.pk, quantity=3)

    html = other_client.get(reverse("shop:cart")).content.decode()

    assert block(html, "cart-totals") == (
        "Net (excl. VAT) £39.00 VAT at 20% on £39.00 £7.80 Total incl. VAT £46.80"
    )


def test_the_cart_partial_after_a_change_carries_the_totals(
    buyer_client: ShopClient, buyer: Any, chocolate: Product
) -> None:
    services.cart_add(user=buyer, product_id=chocolate.pk, quantity=1)

    response = buyer_client.htmx_post(
        reverse("shop:cart_update", args=[chocolate.pk]),
        {f"line-{chocolate.pk}-quantity": 2},
    )

    assert "Total incl. VAT £26.40" in block(response.content.decode(), "cart-totals")


def test_order_page_shows_vat_at_the_rates_the_lines_were_ordered_at(
    buyer_client: ShopClient, buyer: Any, chocolate: Product, flour: Product
) -> None:
    order = services.order_place(user=buyer, lines=[(chocolate.pk, 3), (flour.pk, 2)]).order
    Product.objects.filter(pk=chocolate.pk).update(vat_rate=D("5.00"), price=D("50.00"))

    html = buyer_client.get(reverse("shop:order_detail", args=[order.pk])).content.decode()

    assert "£11.00" in text(html)
    assert block(html, "order-totals") == (
        "Net (excl. VAT) £58.00 VAT at 0% on £25.00 £0.00 VAT at 20% on £33.00 £6.60 "
        "Total incl. VAT £64.60"
    )


def test_order_history_says_its_total_is_before_vat(
    buyer_client: ShopClient, buyer: Any, chocolate: Product
) -> None:
    services.order_place(user=buyer, lines=[(chocolate.pk, 1)])

    html = text(buyer_client.get(reverse("shop:orders")).content.decode())

    assert "Total excl. VAT" in html and "£11.00" in html

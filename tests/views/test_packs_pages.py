"""Pack rules and price breaks on the pages: quantity inputs carry min and step, refused
quantities are answered with the nearest allowed ones (htmx and without JavaScript), and the
prices follow the quantity."""

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from companies.models import ContractPrice
from shop import services
from shop.forms import line_field_name
from shop.models import CartItem, Order, PriceBreak, Product
from tests.checkout import checkout_data
from tests.views.conftest import ShopClient

pytestmark = pytest.mark.django_db

CATALOGUE = reverse("shop:catalogue")
CART = reverse("shop:cart")
ADD = reverse("shop:cart_add")
REVIEW = reverse("shop:checkout_review")
KEY = "6a3d0e1c-9f1b-4d57-8a0e-4b4b1e2c7d11"


def cart_of(user: Any) -> dict[int, int]:
    return dict(CartItem.objects.filter(user=user).values_list("product_id", "quantity"))


def input_for(html: str, element_id: str) -> str:
    found = re.search(rf'<input[^>]*id="{element_id}"[^>]*>', html, re.S)
    assert found is not None, element_id
    return found.group(0)


@pytest.fixture
def malt(make_product: Callable[..., Product]) -> Product:
    return make_product(
        name="Pilsner malt",
        price="36.40",
        stock=200,
        unit="25 kg sack",
        measure_amount=Decimal("25"),
        measure_unit="kg",
        order_multiple=8,
        price_breaks=[(16, "35.20"), (40, "34.10")],
    )


@pytest.fixture
def yeast(make_product: Callable[..., Product]) -> Product:
    return make_product(name="Instant yeast", price="4.60", stock=200, min_order_quantity=10)


# --- Catalogue and product page -----------------------------------------------------------------


def test_catalogue_rows_carry_the_rules_in_their_inputs_and_show_from_and_per_kg(
    buyer_client: ShopClient, malt: Product, yeast: Product
) -> None:
    html = buyer_client.get(CATALOGUE).content.decode()

    malt_input = input_for(html, f"qty-{malt.pk}")
    assert 'min="8"' in malt_input and 'step="8"' in malt_input and 'value="8"' in malt_input
    yeast_input = input_for(html, f"qty-{yeast.pk}")
    assert 'min="10"' in yeast_input and 'step="1"' in yeast_input and 'value="10"' in yeast_input
    row = re.search(rf'<tr data-product-id="{malt.pk}".*?</tr>', html, re.S).group(0)
    assert "£36.40" in row and "from £34.10" in row and "£1.46 / kg" in row
    assert "Sold in multiples of 8" in row
    yeast_row = re.search(rf'<tr data-product-id="{yeast.pk}".*?</tr>', html, re.S).group(0)
    assert "Minimum order 10" in yeast_row and "from" not in yeast_row


def test_the_catalogue_shows_the_price_of_the_smallest_allowed_quantity(
    buyer_client: ShopClient, make_product: Callable[..., Product]
) -> None:
    rye = make_product(price="26.50", min_order_quantity=20, price_breaks=[(20, "24.90")])

    row = re.search(
        rf'<tr data-product-id="{rye.pk}".*?</tr>', buyer_client.get(CATALOGUE).content.decode(), re.S
    ).group(0)

    assert "£24.90" in row and "£26.50" not in row


def test_a_contract_price_shows_no_tiers_in_the_catalogue(
    buyer_client: ShopClient, buyer: Any, malt: Product
) -> None:
    ContractPrice.objects.create(company=buyer.membership.company, product=malt, price=Decimal("33.00"))

    row = re.search(
        rf'<tr data-product-id="{malt.pk}".*?</tr>', buyer_client.get(CATALOGUE).content.decode(), re.S
    ).group(0)

    assert "£33.00" in row and "list <s>£36.40</s>" in row and "from" not in row


def test_the_catalogue_reads_every_rows_breaks_in_one_query(
    buyer_client: ShopClient, make_product: Callable[..., Product]
) -> None:
    for n in range(12):
        make_product(price="20.00", price_breaks=[(10, "19.00"), (20 + n, "18.00")])
    buyer_client.get(CATALOGUE)  # the cached total and categories

    with CaptureQueriesContext(connection) as context:
        assert buyer_client.get(CATALOGUE).status_code == 200

    assert len([q for q in context.captured_queries if "shop_pricebreak" in q["sql"]]) == 1


def test_changing_a_price_break_changes_the_cached_catalogue_at_once(
    buyer_client: ShopClient, malt: Product
) -> None:
    assert "from £34.10" in buyer_client.get(CATALOGUE).content.decode()

    PriceBreak.objects.filter(product=malt, min_quantity=40).update(unit_price=Decimal("33.90"))

    assert "from £33.90" in buyer_client.get(CATALOGUE).content.decode()


def test_the_product_page_shows_the_ladder_the_price_per_kg_and_the_rule(
    buyer_client: ShopClient, malt: Product
) -> None:
    html = buyer_client.get(reverse("shop:product_detail", args=[malt.pk])).content.decode()

    ladder = re.search(r'<table class="price-ladder".*?</table>', html, re.S).group(0)
    rows = re.findall(r'<tr><td>(\d+)\+</td><td class="num">(£[\d.]+)</td><td class="num">(£[\d.]+)</td></tr>', ladder)
    assert rows == [("8", "£36.40", "£1.46"), ("16", "£35.20", "£1.41"), ("40", "£34.10", "£1.36")]
    assert "Per kg</th>" in ladder
    assert 'id="price-per-measure">£1.46 / kg<' in html
    assert "Sold in multiples of 8." in html
    quantity = input_for(html, "id_quantity")
    assert 'min="8"' in quantity and 'step="8"' in quantity and 'value="8"' in quantity


def test_the_product_page_has_no_ladder_with_a_contract_price(
    buyer_client: ShopClient, buyer: Any, malt: Product
) -> None:
    ContractPrice.objects.create(company=buyer.membership.company, product=malt, price=Decimal("33.00"))

    html = buyer_client.get(reverse("shop:product_detail", args=[malt.pk])).content.decode()

    assert "price-ladder" not in html
    assert "£33.00" in html and "your price at every quantity" in html
    assert 'id="price-per-measure">£1.32 / kg<' in html


# --- Adding to the cart -------------------------------------------------------------------------


def test_htmx_add_of_a_refused_quantity_names_the_nearest_and_adds_nothing(
    buyer_client: ShopClient, buyer: Any, malt: Product
) -> None:
    response = buyer_client.htmx_post(ADD, {"product": malt.pk, "quantity": "12"})

    assert response.status_code == 422
    assert "Pilsner malt (25 kg sack): sold in multiples of 8: 8 or 16. Nothing was added." in response.content.decode()
    assert cart_of(buyer) == {}


def test_add_without_js_of_a_quantity_below_the_minimum_redirects_with_the_message(
    buyer_client: ShopClient, buyer: Any, yeast: Product
) -> None:
    back = CATALOGUE + "?q=yeast"

    response = buyer_client.form_post(ADD, {"product": yeast.pk, "quantity": "4", "next": back})

    assert response.status_code == 302 and response["Location"] == back
    assert "Instant yeast (25 kg sack): minimum order 10: 10. Nothing was added." in buyer_client.get(back).content.decode()
    assert cart_of(buyer) == {}


def test_an_allowed_quantity_is_added(buyer_client: ShopClient, buyer: Any, malt: Product) -> None:
    response = buyer_client.htmx_post(ADD, {"product": malt.pk, "quantity": "16"})

    assert response.status_code == 200
    assert cart_of(buyer) == {malt.pk: 16}


# --- The cart -----------------------------------------------------------------------------------


def test_the_cart_prices_each_line_at_the_tier_of_its_quantity(
    buyer_client: ShopClient, buyer: Any, malt: Product
) -> None:
    services.cart_add(user=buyer, product_id=malt.pk, quantity=16)

    html = buyer_client.get(CART).content.decode()

    row = re.search(rf'<tr data-product-id="{malt.pk}".*?</tr>', html, re.S).group(0)
    assert "£35.20" in row and "16+ price · list £36.40" in row and "£563.20" in row
    quantity = input_for(html, f"cart-qty-{malt.pk}")
    assert 'min="8"' in quantity and 'step="8"' in quantity and 'value="16"' in quantity


def test_updating_to_a_refused_quantity_with_htmx_keeps_the_line_and_offers_the_nearest(
    buyer_client: ShopClient, buyer: Any, malt: Product
) -> None:
    services.cart_add(user=buyer, product_id=malt.pk, quantity=8)
    update = reverse("shop:cart_update", args=[malt.pk])

    response = buyer_client.htmx_post(update, {line_field_name(malt.pk): "20"})

    html = response.content.decode()
    assert response.status_code == 422
    assert f'id="cart-err-{malt.pk}">Sold in multiples of 8: 16 or 24.<' in html
    assert "Pilsner malt (25 kg sack): sold in multiples of 8: 16 or 24. Nothing was changed." in html
    assert ">Use 16</button>" in html and ">Use 24</button>" in html
    assert cart_of(buyer) == {malt.pk: 8}


def test_updating_without_js_re_renders_the_cart_and_a_nearest_button_fixes_it(
    buyer_client: ShopClient, buyer: Any, malt: Product
) -> None:
    services.cart_add(user=buyer, product_id=malt.pk, quantity=8)
    update = reverse("shop:cart_update", args=[malt.pk])

    refused = buyer_client.form_post(update, {line_field_name(malt.pk): "20"})
    # Post/redirect/get: the cart page shows the refusal, the typed 20 and the nearest.
    assert refused.status_code == 302 and refused["Location"] == CART
    assert cart_of(buyer) == {malt.pk: 8}
    cart = buyer_client.get(CART).content.decode()
    assert 'value="20"' in cart and ">Use 16</button>" in cart and ">Use 24</button>" in cart

    # The "Use 24" button's form: the one-line quantity form.
    fixed = buyer_client.form_post(update, {"quantity": "24"})
    assert fixed.status_code == 302
    assert cart_of(buyer) == {malt.pk: 24}


def test_a_line_the_rules_now_refuse_is_marked_and_the_review_refuses_it(
    buyer_client: ShopClient, buyer: Any, malt: Product
) -> None:
    services.cart_add(user=buyer, product_id=malt.pk, quantity=8)
    Product.objects.filter(pk=malt.pk).update(order_multiple=12)

    cart = buyer_client.get(CART).content.decode()
    assert "Sold in multiples of 12: 12." in cart and ">Use 12</button>" in cart

    review = buyer_client.form_post(REVIEW, checkout_data(buyer, KEY))
    assert review.status_code == 422
    assert "Change these lines to review the order." in review.content.decode()
    assert not Order.objects.exists()


def test_the_review_refuses_a_typed_quantity_the_rules_refuse_and_saves_nothing(
    buyer_client: ShopClient, buyer: Any, malt: Product
) -> None:
    services.cart_add(user=buyer, product_id=malt.pk, quantity=8)

    response = buyer_client.form_post(REVIEW, checkout_data(buyer, KEY, **{f"p{malt.pk}": 10}))

    assert response.status_code == 422
    assert "Sold in multiples of 8: 8 or 16." in response.content.decode()
    assert cart_of(buyer) == {malt.pk: 8}


def test_fit_to_stock_reports_the_pack_rule_it_rounded_to(
    buyer_client: ShopClient, buyer: Any, malt: Product
) -> None:
    services.cart_add(user=buyer, product_id=malt.pk, quantity=40)
    services.stock_set(product_id=malt.pk, new_stock=30)

    response = buyer_client.form_post(reverse("shop:cart_fit"))

    assert response.status_code == 302
    assert "Pilsner malt (25 kg sack) 40 → 24 (sold in multiples of 8)" in buyer_client.get(CART).content.decode()
    assert cart_of(buyer) == {malt.pk: 24}


def test_order_again_reports_lines_rounded_to_the_pack_rules(
    buyer_client: ShopClient, buyer: Any, make_product: Callable[..., Product]
) -> None:
    rye = make_product(name="Dark rye flour", stock=50)
    order = services.order_place(user=buyer, lines=[(rye.pk, 10)]).order
    Product.objects.filter(pk=rye.pk).update(order_multiple=4)

    response = buyer_client.form_post(reverse("shop:order_again", args=[order.pk]))

    assert response.status_code == 302
    page = buyer_client.get(CART).content.decode()
    assert (
        "Capped to what is in stock and the pack rules: Dark rye flour (25 kg sack): 8 in cart "
        "(ordered 10; sold in multiples of 4)"
    ) in page
    assert cart_of(buyer) == {rye.pk: 8}

"""The trade checkout on the cart page: delivery details, the review step, then Place order."""

import re
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from companies import services as company_services
from companies.models import ContractPrice, Role
from companies.services import AddressInput
from shop import services
from shop.models import CartItem, Order, Product
from shop.services.delivery import earliest_delivery_date
from tests.checkout import checkout_data
from tests.factories import make_member
from tests.views.conftest import ShopClient

CART = reverse("shop:cart")
REVIEW = reverse("shop:checkout_review")
CHECKOUT = reverse("shop:checkout")
KEY = "6f1c2a3e-0b7d-4c55-9d7e-2f0a8b1c3d4e"


@pytest.fixture
def rye(make_product: Callable[..., Product]) -> Product:
    return make_product(name="Dark rye flour", price="28.10", stock=30)


@pytest.fixture
def addresses(buyer: Any) -> list[Any]:
    bakery = company_services.address_create(
        actor=buyer, data=AddressInput(label="Bakery", lines="1 Mill Lane\nLeeds", postcode="LS1 1AA")
    )
    depot = company_services.address_create(
        actor=buyer, data=AddressInput(label="Depot", lines="9 Yard Road\nYork", postcode="YO1 9ZZ")
    )
    return [bakery, depot]


@pytest.fixture
def filled(buyer: Any, rye: Product) -> Any:
    services.cart_add(user=buyer, product_id=rye.pk, quantity=2)
    return buyer


def test_the_cart_offers_the_companys_addresses_with_the_default_chosen(
    buyer_client: ShopClient, filled: Any, addresses: list[Any]
) -> None:
    html = buyer_client.get(CART).content.decode()
    assert f'<option value="{addresses[0].pk}" selected>Bakery, LS1 1AA</option>' in html
    assert "Depot, YO1 9ZZ" in html
    earliest = earliest_delivery_date(timezone.localdate()).isoformat()
    assert f'value="{earliest}"' in html and f'min="{earliest}"' in html
    assert 'name="po_number"' in html and 'name="notes"' in html
    assert f'action="{REVIEW}"' in html and ">Review order</button>" in html


def test_a_company_without_addresses_is_told_with_a_link_for_admins(
    buyer_client: ShopClient, filled: Any
) -> None:
    html = buyer_client.get(CART).content.decode()
    assert "Your company has no delivery address yet." in html
    assert reverse("companies:addresses") in html  # the buyer fixture is its company's admin


def test_a_buyer_without_addresses_is_told_to_ask_an_admin(
    buyer: Any, rye: Product
) -> None:
    colleague = make_member("colleague@bakery.test", buyer.membership.company, Role.BUYER)
    services.cart_add(user=colleague, product_id=rye.pk, quantity=1)
    client = ShopClient()
    client.force_login(colleague)
    html = client.get(CART).content.decode()
    assert "Ask a company admin to add one." in html
    assert reverse("companies:addresses") not in html


def test_the_review_shows_everything_and_orders_nothing(
    buyer_client: ShopClient, filled: Any, addresses: list[Any], rye: Product
) -> None:
    day = earliest_delivery_date(timezone.localdate())
    data = checkout_data(
        filled,
        KEY,
        details={"delivery_address": str(addresses[1].pk), "po_number": "PO-77", "notes": "Ring twice"},
    )
    response = buyer_client.form_post(REVIEW, data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Review your order" in html
    assert "Depot" in html and "9 Yard Road" in html and "YO1 9ZZ" in html
    assert day.strftime("%-d %B %Y") in html
    assert "PO-77" in html and "Ring twice" in html
    assert "Dark rye flour" in html and "£56.20" in html
    # Everything travels hidden to Place order, with the cart page's key.
    assert f'action="{CHECKOUT}"' in html and ">Place order</button>" in html
    for hidden in (
        f'name="idempotency_key" value="{KEY}"',
        f'name="line-{rye.pk}-quantity" value="2"',
        f'name="delivery_address" value="{addresses[1].pk}"',
        f'name="delivery_date" value="{day.isoformat()}"',
        'name="po_number" value="PO-77"',
        'name="notes" value="Ring twice"',
    ):
        assert hidden in html
    assert not Order.objects.exists()


def test_the_review_shows_the_companys_price_and_vat_per_rate(
    buyer_client: ShopClient, buyer: Any, addresses: list[Any], make_product: Callable[..., Product]
) -> None:
    chocolate = make_product(name="Dark couverture", price="13.00", stock=30, vat_rate=Decimal("20.00"))
    ContractPrice.objects.create(company=buyer.membership.company, product=chocolate, price="11.05")
    services.cart_add(user=buyer, product_id=chocolate.pk, quantity=3)

    html = buyer_client.form_post(REVIEW, checkout_data(buyer, KEY)).content.decode()

    assert "£11.05" in html and "£13.00" not in html  # the contract price, not the list price
    totals = re.search(r'id="review-totals".*?</dl>', html, re.S).group(0)
    assert "£33.15" in totals and "VAT at 20%" in totals and "£6.63" in totals and "£39.78" in totals


def test_placing_from_the_review_stores_the_details_and_redirects(
    buyer_client: ShopClient, filled: Any, addresses: list[Any], rye: Product
) -> None:
    day = earliest_delivery_date(timezone.localdate())
    data = checkout_data(
        filled, KEY, details={"delivery_address": str(addresses[1].pk), "po_number": "PO-77"}
    )
    response = buyer_client.form_post(CHECKOUT, data)

    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{order.get_absolute_url()}?placed=1"
    assert (order.po_number, order.delivery_date, order.delivery_label) == ("PO-77", day, "Depot")
    page = buyer_client.get(order.get_absolute_url()).content.decode()
    assert "PO-77" in page and "Depot" in page and "9 Yard Road" in page and filled.email in page
    assert not CartItem.objects.filter(user=filled).exists()


@pytest.mark.parametrize(
    ("details", "field", "message"),
    [
        ({"delivery_date": "SATURDAY"}, "delivery_date", "weekends"),
        ({"delivery_date": "TODAY"}, "delivery_date", "earliest delivery date"),
        ({"delivery_date": "FAR"}, "delivery_date", "90 days"),
        ({"delivery_date": ""}, "delivery_date", "This field is required."),
        ({"po_number": "P" * 36}, "po_number", "at most 35 characters"),
        ({"notes": "n" * 1001}, "notes", "at most 1000 characters"),
        ({"delivery_address": "999999"}, "delivery_address", "Select a valid choice."),
    ],
)
def test_bad_details_re_render_the_cart_with_the_error(
    buyer_client: ShopClient,
    filled: Any,
    addresses: list[Any],
    details: dict[str, str],
    field: str,
    message: str,
) -> None:
    today = timezone.localdate()
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    named = {"SATURDAY": saturday, "TODAY": today, "FAR": today + timedelta(days=120)}
    if details.get("delivery_date") in named:
        details = {"delivery_date": named[details["delivery_date"]].isoformat()}
    response = buyer_client.form_post(REVIEW, checkout_data(filled, KEY, details=details))

    assert response.status_code == 422
    html = response.content.decode()
    assert message.lower() in html.lower()
    assert "Review your order" not in html
    assert not Order.objects.exists()


def test_a_po_number_is_required_when_the_company_says_so(
    buyer_client: ShopClient, filled: Any
) -> None:
    company = filled.membership.company
    company.po_number_required = True
    company.save()
    assert "PO number (required)" in buyer_client.get(CART).content.decode()
    response = buyer_client.form_post(REVIEW, checkout_data(filled, KEY))
    assert response.status_code == 422 and "This field is required." in response.content.decode()
    response = buyer_client.form_post(CHECKOUT, checkout_data(filled, KEY))
    assert not Order.objects.exists()


def test_a_quantity_typed_and_not_saved_is_saved_and_shown_on_the_review(
    buyer_client: ShopClient, filled: Any, rye: Product
) -> None:
    response = buyer_client.form_post(REVIEW, checkout_data(filled, KEY, **{f"p{rye.pk}": 5}))

    html = response.content.decode()
    assert response.status_code == 200 and "Review your order" in html
    assert "new quantities are saved" in html and "£140.50" in html
    assert f'name="line-{rye.pk}-quantity" value="5"' in html
    assert CartItem.objects.get(user=filled).quantity == 5
    assert not Order.objects.exists()


def test_a_review_of_a_cart_changed_elsewhere_goes_back_to_the_cart(
    buyer_client: ShopClient, filled: Any, rye: Product, make_product: Callable[..., Product]
) -> None:
    page = checkout_data(filled, KEY)
    services.cart_add(user=filled, product_id=make_product(stock=3).pk, quantity=1)  # another tab
    response = buyer_client.form_post(REVIEW, page, follow=True)
    assert "Your cart changed since this page was shown." in response.content.decode()
    assert not Order.objects.exists()


def test_with_htmx_a_quantity_change_keeps_the_delivery_details_in_the_cart_partial(
    buyer_client: ShopClient, filled: Any, rye: Product, addresses: list[Any]
) -> None:
    response = buyer_client.htmx_post(
        reverse("shop:cart_update", args=[rye.pk]), {f"line-{rye.pk}-quantity": "3"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<!doctype" not in html.lower()
    # The details fieldset is marked for htmx to keep as typed across the swap.
    assert 'id="checkout-details" class="card checkout-details" hx-preserve="true"' in html
    assert f'action="{REVIEW}"' in html
    assert CartItem.objects.get(user=filled).quantity == 3


def test_the_whole_checkout_without_javascript(
    buyer_client: ShopClient, filled: Any, rye: Product, addresses: list[Any]
) -> None:
    """Plain form posts: cart → review → place order → the order page (post/redirect/get)."""
    review = buyer_client.form_post(REVIEW, checkout_data(filled, KEY, details={"po_number": "PO-5"}))
    assert review.status_code == 200
    # The review's form, as a browser would post it back.
    fields = dict(
        pair.split('" value="')
        for pair in re.findall(r'type="hidden" name="([^"]+" value="[^"]*)"', review.content.decode())
    )
    placed = buyer_client.form_post(CHECKOUT, fields, follow=True)
    order = Order.objects.get()
    assert placed.redirect_chain == [(f"{order.get_absolute_url()}?placed=1", 302)]
    assert order.po_number == "PO-5" and order.delivery_label == "Bakery"
    # Pressing Place order again (Back, resubmit) replays the same order.
    again = buyer_client.form_post(CHECKOUT, fields, follow=True)
    assert Order.objects.count() == 1 and again.status_code == 200

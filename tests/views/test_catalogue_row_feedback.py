"""An add from a catalogue row answers on that row, with htmx and without JavaScript; the
catalogue's sort control and clean URLs."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from shop import services
from shop.models import CartItem, Product
from tests.views.conftest import ShopClient

ADD = reverse("shop:cart_add")
URL = reverse("shop:catalogue")


def cart_of(user: Any) -> dict[int, int]:
    return dict(CartItem.objects.filter(user=user).values_list("product_id", "quantity"))


def row_of(html: str, product: Product) -> str:
    found = re.search(rf'<tr data-product-id="{product.pk}".*?</tr>', html, re.S)
    assert found is not None, "no row for the product"
    return found.group(0)


def add_from_row(client: ShopClient, product: Product, quantity: str, *, htmx: bool, **extra: Any) -> Any:
    data = {"product": product.pk, "quantity": quantity, "next": f"{URL}?q=flour&page=1", "feedback": "row"}
    if htmx:
        return client.htmx_post(ADD, data, **extra)
    return client.form_post(ADD, data, **extra)


def test_htmx_add_answers_with_the_row_saying_how_many_are_now_in_the_cart(
    buyer_client: ShopClient, buyer: Any, make_product: Callable[..., Product]
) -> None:
    flour = make_product(name="Strong white bread flour", unit="16 kg sack", stock=10)
    add_from_row(buyer_client, flour, "2", htmx=True)
    response = add_from_row(buyer_client, flour, "3", htmx=True)

    html = response.content.decode()
    assert response.status_code == 200
    row = row_of(html, flour)
    assert html.lstrip().startswith(f'<tr data-product-id="{flour.pk}" id="product-{flour.pk}"')
    assert "Added: 5 in cart" in row and "aria-invalid" not in row
    # The full message, naming the pack, for screen readers; and the badge, out of band.
    assert re.search(
        r'<div id="messages"[^>]*hx-swap-oob="true"><div class="message message-success visually-hidden">'
        r"Added 3 × Strong white bread flour \(16 kg sack\) to your cart \(5 in cart\)\.</div>",
        html,
    )
    assert 'id="cart-badge"' in html and ">5</span>" in html
    assert cart_of(buyer) == {flour.pk: 5}


def test_htmx_add_of_more_than_in_stock_marks_the_row_and_offers_what_there_is(
    buyer_client: ShopClient, buyer: Any, make_product: Callable[..., Product]
) -> None:
    rye = make_product(name="Dark rye flour", stock=6)
    services.cart_add(user=buyer, product_id=rye.pk, quantity=2)

    response = add_from_row(buyer_client, rye, "9", htmx=True)

    row = row_of(response.content.decode(), rye)
    assert response.status_code == 409
    assert (
        "Only 6 of Dark rye flour (25 kg sack) in stock (2 already in your cart), "
        "so 9 more could not be added. Nothing was added."
    ) in row
    assert 'value="9"' in row  # what was typed stays, marked and described by the error
    assert f'aria-invalid="true" aria-describedby="row-feedback-{rye.pk}"' in row
    assert f'id="row-feedback-{rye.pk}"' in row
    assert re.search(r'name="quantity" value="4">\s*<button[^>]*>Add 4 instead', row)
    assert cart_of(buyer) == {rye.pk: 2}

    taken = add_from_row(buyer_client, rye, "4", htmx=True)
    assert "Added: 6 in cart" in taken.content.decode()
    assert cart_of(buyer) == {rye.pk: 6}


def test_the_offer_keeps_to_the_pack_rules_and_is_left_out_when_nothing_fits(
    buyer_client: ShopClient, buyer: Any, make_product: Callable[..., Product]
) -> None:
    malt = make_product(name="Pilsner malt", stock=20, order_multiple=8)
    row = row_of(add_from_row(buyer_client, malt, "24", htmx=True).content.decode(), malt)
    assert "Add 16 instead" in row

    services.cart_add(user=buyer, product_id=malt.pk, quantity=16)
    row = row_of(add_from_row(buyer_client, malt, "8", htmx=True).content.decode(), malt)
    assert "Only 20 of Pilsner malt" in row and "instead" not in row


def test_the_offer_keeps_to_the_line_limit(
    buyer_client: ShopClient, buyer: Any, make_product: Callable[..., Product], settings: Any
) -> None:
    settings.SHOP_MAX_LINE_QUANTITY = 12
    rye = make_product(name="Dark rye flour", stock=15)
    services.cart_add(user=buyer, product_id=rye.pk, quantity=10)

    row = row_of(add_from_row(buyer_client, rye, "12", htmx=True).content.decode(), rye)

    assert "Add 2 instead" in row  # 5 are in stock, but a line holds 12
    taken = add_from_row(buyer_client, rye, "2", htmx=True)
    assert taken.status_code == 200 and cart_of(buyer) == {rye.pk: 12}


def test_a_bad_quantity_on_a_row_names_the_product_with_its_pack(
    buyer_client: ShopClient, make_product: Callable[..., Product]
) -> None:
    rye = make_product(name="Dark rye flour", stock=6)
    response = add_from_row(buyer_client, rye, "abc", htmx=True)
    html = response.content.decode()
    assert response.status_code == 422
    row = row_of(html, rye)
    assert 'value="abc"' in row and 'aria-invalid="true"' in row
    assert "Enter a whole number" in row
    assert "Dark rye flour (25 kg sack): Enter a whole number" in html  # in #messages


def test_without_js_the_add_lands_back_on_the_row_which_says_what_happened_once(
    buyer_client: ShopClient, buyer: Any, make_product: Callable[..., Product]
) -> None:
    flour = make_product(name="Strong white bread flour", unit="25 kg sack", stock=10)
    make_product(name="Strong white bread flour", unit="16 kg sack", stock=10)

    response = add_from_row(buyer_client, flour, "3", htmx=False)

    assert response.status_code == 302
    assert response["Location"] == f"{URL}?q=flour&page=1#product-{flour.pk}"
    html = buyer_client.get(f"{URL}?q=flour&page=1").content.decode()
    assert "Added 3 × Strong white bread flour (25 kg sack) to your cart (3 in cart)." in html
    assert "Added: 3 in cart" in row_of(html, flour)
    assert html.count("Added: ") == 1  # the other pack's row says nothing
    assert "Added: 3 in cart" not in buyer_client.get(f"{URL}?q=flour&page=1").content.decode()
    assert cart_of(buyer) == {flour.pk: 3}


def test_without_js_a_refused_add_shows_on_the_row_with_the_typed_quantity_and_the_offer(
    buyer_client: ShopClient, buyer: Any, make_product: Callable[..., Product]
) -> None:
    rye = make_product(name="Dark rye flour", stock=3)

    response = add_from_row(buyer_client, rye, "5", htmx=False, follow=True)

    html = response.content.decode()
    row = row_of(html, rye)
    assert response.redirect_chain[-1][0].endswith(f"#product-{rye.pk}")
    assert 'value="5"' in row and 'aria-invalid="true"' in row
    assert "Only 3 of Dark rye flour (25 kg sack) in stock" in row
    assert "Add 3 instead" in row
    assert cart_of(buyer) == {}


def test_an_add_from_the_product_page_still_answers_in_the_messages(
    buyer_client: ShopClient, make_product: Callable[..., Product]
) -> None:
    rye = make_product(name="Dark rye flour", stock=6)
    response = buyer_client.htmx_post(ADD, {"product": rye.pk, "quantity": "2"})
    html = response.content.decode()
    assert "<tr" not in html and "Added 2 × Dark rye flour (25 kg sack)" in html


def test_a_row_for_a_product_no_longer_for_sale_answers_where_messages_go(
    buyer_client: ShopClient, make_product: Callable[..., Product]
) -> None:
    rye = make_product(name="Dark rye flour", stock=6)
    Product.objects.filter(pk=rye.pk).update(is_active=False)
    response = add_from_row(buyer_client, rye, "1", htmx=True)
    assert response.status_code == 409
    assert response["HX-Retarget"] == "#messages"
    assert "no longer for sale" in response.content.decode()


# --- Sort control and clean URLs -----------------------------------------------------------


def test_the_sort_select_belongs_to_the_search_form_and_shows_the_sort(
    buyer_client: ShopClient, make_product: Callable[..., Product]
) -> None:
    make_product(name="Rye flour", price="9.00")
    make_product(name="Wheat flour", price="7.00")

    html = buyer_client.get(URL, {"sort": "-price"}).content.decode()
    assert '<select name="sort" id="id_sort" form="catalogue-filters"' in html
    assert '<option value="-price" selected>Price, high to low</option>' in html
    assert '<option value="">Name, A to Z</option>' in html
    assert "Sort</button>" in html  # for a browser without JavaScript
    # A search keeps the sort (the select is one of the search form's fields) and offers
    # the best matches first.
    html = buyer_client.get(URL, {"q": "flour", "sort": "price"}).content.decode()
    assert '<option value="price" selected>Price, low to high</option>' in html
    assert '<option value="">Best matches first</option>' in html


@pytest.mark.parametrize(
    ("query", "clean"),
    [
        ("?q=&category=", URL),
        ("?q=&category=&sort=price", f"{URL}?sort=price"),
        ("?q=rye&in_stock=&free_from=&free_from=sesame", f"{URL}?q=rye&free_from=sesame"),
    ],
)
def test_empty_parameters_are_dropped_from_the_url(
    buyer_client: ShopClient, query: str, clean: str
) -> None:
    response = buyer_client.get(URL + query)
    assert response.status_code == 302 and response["Location"] == clean


def test_an_htmx_request_with_empty_fields_is_answered_not_redirected(
    buyer_client: ShopClient, make_product: Callable[..., Product]
) -> None:
    make_product(name="Rye flour")
    response = buyer_client.get(URL + "?q=&category=", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Rye flour" in response.content.decode()


def test_page_links_land_on_the_results(
    buyer_client: ShopClient, make_product: Callable[..., Product]
) -> None:
    for i in range(30):
        make_product(name=f"Flour {i:02}")
    html = buyer_client.get(URL).content.decode()
    assert 'href="?page=2#catalogue-results" hx-get="?page=2"' in html
    assert '<section id="catalogue-results" class="results" aria-label="Products" tabindex="-1"' in html


# --- the product page's form answers the same way ------------------------------------------------


def add_from_product_page(client: ShopClient, product: Product, quantity: str, *, htmx: bool) -> Any:
    page = reverse("shop:product_detail", args=[product.pk])
    data = {"product": product.pk, "quantity": quantity, "next": page, "feedback": "product"}
    return client.htmx_post(ADD, data) if htmx else client.form_post(ADD, data)


def buy_form_of(html: str) -> str:
    """The product page's buy box (`#buy`): up to the list form on the page, or, in an htmx
    answer, up to its out-of-band parts (the messages for screen readers, the badge)."""
    assert '<div id="buy"' in html, "no buy box"
    start = html.index('<div id="buy"')
    ends = [i for i in (html.find('id="add-to-list"', start), html.find('<div id="messages"', start)) if i != -1]
    return html[start : min(ends) if ends else len(html)]


def feedback_of(box: str) -> str:
    found = re.search(r'<p [^>]*id="buy-feedback">(.*?)</p>', box, re.S)
    assert found is not None, "no #buy-feedback"
    return found.group(1)


def test_htmx_add_on_the_product_page_answers_on_its_form(
    buyer_client: ShopClient, buyer: Any, make_product: Callable[..., Product]
) -> None:
    rye = make_product(name="Dark rye flour", stock=6)

    added = add_from_product_page(buyer_client, rye, "2", htmx=True)
    refused = add_from_product_page(buyer_client, rye, "9", htmx=True)

    assert added.status_code == 200
    assert "Added: 2 in cart" in feedback_of(buy_form_of(added.content.decode()))
    form = buy_form_of(refused.content.decode())
    assert refused.status_code == 409
    assert "Only 6 of Dark rye flour (25 kg sack) in stock (2 already in your cart)" in feedback_of(form)
    assert 'name="csrfmiddlewaretoken"' in form
    page = reverse("shop:product_detail", args=[rye.pk])
    assert f'name="next" value="{page}"' in form  # the page's own path, not /cart/add/
    assert 'value="9"' in form and 'aria-invalid="true" aria-describedby="buy-feedback"' in form
    assert re.search(r'name="quantity" value="4">\s*<button[^>]*>Add 4 instead', form)
    assert 'id="cart-badge"' in refused.content.decode()
    assert cart_of(buyer) == {rye.pk: 2}


def test_without_js_a_refused_add_on_the_product_page_shows_on_its_form(
    buyer_client: ShopClient, buyer: Any, make_product: Callable[..., Product]
) -> None:
    rye = make_product(name="Dark rye flour", stock=6)
    page = reverse("shop:product_detail", args=[rye.pk])

    response = add_from_product_page(buyer_client, rye, "9", htmx=False)

    assert response.status_code == 302 and response["Location"] == f"{page}#buy"
    form = buy_form_of(buyer_client.get(page).content.decode())
    assert "Only 6 of Dark rye flour (25 kg sack) in stock" in feedback_of(form)
    assert 'value="9"' in form and 'aria-invalid="true"' in form
    # Said once: the next visit shows the plain form again.
    assert "aria-invalid" not in buy_form_of(buyer_client.get(page).content.decode())
    assert cart_of(buyer) == {}


def test_the_product_pages_answer_shows_only_on_that_products_page(
    buyer_client: ShopClient, make_product: Callable[..., Product]
) -> None:
    rye, spelt = make_product(name="Dark rye flour", stock=6), make_product(name="Spelt", stock=6)
    add_from_product_page(buyer_client, rye, "9", htmx=False)

    other = buy_form_of(buyer_client.get(reverse("shop:product_detail", args=[spelt.pk])).content.decode())

    assert 'id="buy-feedback"' not in other and "aria-invalid" not in other


def test_htmx_add_of_a_withdrawn_product_on_its_page_answers_in_the_messages(
    buyer_client: ShopClient, make_product: Callable[..., Product]
) -> None:
    rye = make_product(name="Dark rye flour", stock=6)
    Product.objects.filter(pk=rye.pk).update(is_active=False)

    response = add_from_product_page(buyer_client, rye, "1", htmx=True)

    assert response.status_code == 409
    assert response["HX-Retarget"] == "#messages"  # not in place of the buy box
    assert "no longer for sale" in response.content.decode()

from collections.abc import Callable

from django.urls import reverse

from shop.models import Product
from tests.views.conftest import ShopClient


def test_it_shows_the_product_with_an_add_to_cart_form(
    buyer_client: ShopClient, make_product: Callable[..., Product]
) -> None:
    rye = make_product(name="Dark rye flour", sku="FLR-RYE", price="28.10", description="Stone-ground.")
    response = buyer_client.get(rye.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Dark rye flour <span class=\"pack-size\">25 kg sack</span></h1>" in html and "FLR-RYE" in html and "£28.10" in html
    assert "Stone-ground." in html
    assert f'action="{reverse("shop:cart_add")}"' in html and ">Add to cart</button>" in html


def test_an_inactive_or_missing_product_is_404(
    buyer_client: ShopClient, make_product: Callable[..., Product]
) -> None:
    gone = make_product(is_active=False)
    assert buyer_client.get(gone.get_absolute_url()).status_code == 404
    assert buyer_client.get(reverse("shop:product_detail", args=[999999])).status_code == 404


def test_an_out_of_stock_product_offers_no_quantity_to_add_but_a_list(
    buyer_client: ShopClient, make_product: Callable[..., Product]
) -> None:
    gone = make_product(name="Dark rye flour", stock=0)
    html = buyer_client.get(gone.get_absolute_url()).content.decode()
    assert 'id="id_quantity"' not in html and ">Add to cart</button>" not in html
    assert "Out of stock: none to add to your cart now." in html
    assert ">Add to list</button>" in html
    assert "<title>Dark rye flour (25 kg sack) · Millstone Ingredients</title>" in html
    assert '<a href="/">Catalogue</a>' in html  # the breadcrumb says what the menu says

"""cart_set_quantities: the quantities typed on the cart page are saved all together or not at all."""

import pytest

from shop import services
from shop.exceptions import InsufficientStock, InvalidQuantity, ProductUnavailable, ShortLine
from shop.models import CartItem

pytestmark = pytest.mark.django_db


def cart_of(user) -> dict[int, int]:
    return dict(CartItem.objects.filter(user=user).values_list("product_id", "quantity"))


def test_changed_lines_are_saved_and_reported(buyer, make_product):
    flour, sugar = make_product(stock=10, name="Flour"), make_product(stock=10, name="Sugar")
    services.cart_add(user=buyer, product_id=flour.pk, quantity=2)
    services.cart_add(user=buyer, product_id=sugar.pk, quantity=1)

    changes = services.cart_set_quantities(user=buyer, quantities={flour.pk: 5, sugar.pk: 1})

    assert [(c.name, c.quantity) for c in changes] == [("Flour (25 kg sack)", 5)]
    assert cart_of(buyer) == {flour.pk: 5, sugar.pk: 1}


def test_one_short_line_saves_none(buyer, make_product):
    flour, sugar = make_product(stock=10), make_product(stock=3)
    services.cart_add(user=buyer, product_id=flour.pk, quantity=2)
    services.cart_add(user=buyer, product_id=sugar.pk, quantity=1)

    with pytest.raises(InsufficientStock) as caught:
        services.cart_set_quantities(user=buyer, quantities={flour.pk: 5, sugar.pk: 4})

    assert caught.value.short_lines == [ShortLine(product_id=sugar.pk, requested=4, available=3)]
    assert cart_of(buyer) == {flour.pk: 2, sugar.pk: 1}


def test_a_product_not_in_the_cart_or_a_bad_quantity_is_refused(buyer, make_product):
    flour, other = make_product(stock=10), make_product(stock=10)
    services.cart_add(user=buyer, product_id=flour.pk, quantity=2)

    with pytest.raises(ProductUnavailable):
        services.cart_set_quantities(user=buyer, quantities={flour.pk: 3, other.pk: 1})
    with pytest.raises(InvalidQuantity):
        services.cart_set_quantities(user=buyer, quantities={flour.pk: 0})

    assert cart_of(buyer) == {flour.pk: 2}

"""The trade checkout's rules in the order services: who may order (roles), the order's
company, and its details (PO number, delivery date and address, notes)."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from companies import services as company_services
from companies.exceptions import Forbidden
from companies.models import Role
from companies.services import AddressInput
from shop import services
from shop.exceptions import IdempotencyKeyReused, InvalidOrder, OrderNotFound
from shop.models import CartItem, Order
from shop.services.checkout import OrderDetails
from shop.services.delivery import earliest_delivery_date
from tests.factories import make_company, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def bakery() -> Any:
    company, admin = make_company("Rye Bakery", admin_email="admin@rye.test")
    company_services.address_create(
        actor=admin, data=AddressInput(label="Bakery", lines="1 Mill Lane\nLeeds", postcode="ls1 1aa")
    )
    return company


@pytest.fixture
def admin(bakery: Any) -> Any:
    return bakery.memberships.get(role=Role.ADMIN).user


@pytest.fixture
def buyer_in(bakery: Any) -> Any:
    return make_member("buyer@rye.test", bakery, Role.BUYER)


@pytest.fixture
def viewer(bakery: Any) -> Any:
    return make_member("viewer@rye.test", bakery, Role.VIEWER)


def next_day() -> Any:
    return earliest_delivery_date(timezone.localdate())


def test_an_order_belongs_to_its_users_company(buyer_in: Any, bakery: Any, make_product: Any) -> None:
    flour = make_product(stock=5)
    order = services.order_place(user=buyer_in, lines=[(flour.pk, 1)]).order
    assert Order.objects.get(pk=order.pk).company_id == bakery.pk
    assert order.user == buyer_in


def test_the_details_are_stored_with_a_copy_of_the_address(
    buyer_in: Any, admin: Any, bakery: Any, make_product: Any
) -> None:
    flour = make_product(stock=5)
    address = bakery.addresses.get()
    details = OrderDetails(
        po_number=" PO-1 ", delivery_date=next_day(), delivery_address_id=address.pk, notes="Back door"
    )
    order = services.order_place(user=buyer_in, lines=[(flour.pk, 1)], details=details).order

    company_services.address_update(
        actor=admin, address_id=address.pk, data=AddressInput(label="New", lines="2 Road", postcode="X1")
    )
    saved = Order.objects.get(pk=order.pk)
    assert (saved.po_number, saved.delivery_date, saved.notes) == ("PO-1", next_day(), "Back door")
    assert saved.delivery_address_id == address.pk
    assert (saved.delivery_label, saved.delivery_lines, saved.delivery_postcode, saved.delivery_country) == (
        "Bakery", "1 Mill Lane\nLeeds", "LS1 1AA", "GB"
    )
    company_services.address_delete(actor=admin, address_id=address.pk)
    saved.refresh_from_db()
    assert saved.delivery_address_id is None and saved.delivery_label == "Bakery"


def test_without_an_address_the_default_is_used(buyer_in: Any, bakery: Any, make_product: Any) -> None:
    flour = make_product(stock=5)
    order = services.order_place(user=buyer_in, lines=[(flour.pk, 1)]).order
    assert order.delivery_address == bakery.addresses.get(is_default=True)


def test_an_address_of_another_company_is_refused(buyer_in: Any, make_product: Any) -> None:
    other, other_admin = make_company("Brewery", admin_email="admin@brew.test")
    theirs = company_services.address_create(
        actor=other_admin, data=AddressInput(label="Brewhouse", lines="3 Hop St", postcode="B1")
    )
    flour = make_product(stock=5)
    with pytest.raises(InvalidOrder) as exc:
        services.order_place(
            user=buyer_in, lines=[(flour.pk, 1)], details=OrderDetails(delivery_address_id=theirs.pk)
        )
    assert list(exc.value.errors) == ["delivery_address"]
    assert not Order.objects.exists()


def test_a_po_number_is_required_when_the_company_says_so(
    buyer_in: Any, bakery: Any, make_product: Any
) -> None:
    bakery.po_number_required = True
    bakery.save()
    flour = make_product(stock=5)
    with pytest.raises(InvalidOrder) as exc:
        services.order_place(user=buyer_in, lines=[(flour.pk, 1)], details=OrderDetails(po_number="  "))
    assert list(exc.value.errors) == ["po_number"]
    order = services.order_place(
        user=buyer_in, lines=[(flour.pk, 1)], details=OrderDetails(po_number="PO-9")
    ).order
    assert order.po_number == "PO-9"


def test_bad_details_are_refused_together(buyer_in: Any, make_product: Any) -> None:
    flour = make_product(stock=5)
    today = timezone.localdate()
    details = OrderDetails(
        po_number="P" * 36, delivery_date=today, delivery_address_id=999_999, notes="n" * 1001
    )
    with pytest.raises(InvalidOrder) as exc:
        services.order_place(user=buyer_in, lines=[(flour.pk, 1)], details=details)
    assert set(exc.value.errors) == {"po_number", "delivery_date", "delivery_address", "notes"}
    assert flour.__class__.objects.get(pk=flour.pk).stock == 5


def test_a_date_beyond_90_days_is_refused(buyer_in: Any, make_product: Any) -> None:
    flour = make_product(stock=5)
    far = timezone.localdate() + timedelta(days=91)
    with pytest.raises(InvalidOrder) as exc:
        services.order_place(user=buyer_in, lines=[(flour.pk, 1)], details=OrderDetails(delivery_date=far))
    assert list(exc.value.errors) == ["delivery_date"]


def test_the_details_are_part_of_the_idempotency_fingerprint(buyer_in: Any, make_product: Any) -> None:
    flour = make_product(stock=5)
    first = services.order_place(
        user=buyer_in, lines=[(flour.pk, 1)], idempotency_key="k", details=OrderDetails(po_number="A")
    )
    again = services.order_place(
        user=buyer_in, lines=[(flour.pk, 1)], idempotency_key="k", details=OrderDetails(po_number="A")
    )
    assert again.replayed and again.order.pk == first.order.pk
    with pytest.raises(IdempotencyKeyReused):
        services.order_place(
            user=buyer_in, lines=[(flour.pk, 1)], idempotency_key="k", details=OrderDetails(po_number="B")
        )


def test_a_viewer_cannot_order_or_use_the_cart(viewer: Any, buyer_in: Any, make_product: Any) -> None:
    flour = make_product(stock=5)
    placed = services.order_place(user=buyer_in, lines=[(flour.pk, 1)]).order
    CartItem.objects.create(user=viewer, product=flour, quantity=1)  # from before the role changed
    for attempt in (
        lambda: services.order_place(user=viewer, lines=[(flour.pk, 1)]),
        lambda: services.order_place_from_cart(user=viewer),
        lambda: services.cart_add(user=viewer, product_id=flour.pk, quantity=1),
        lambda: services.cart_set_quantities(user=viewer, quantities={flour.pk: 2}),
        lambda: services.cart_set_quantity(user=viewer, product_id=flour.pk, quantity=2),
        lambda: services.cart_remove(user=viewer, product_id=flour.pk),
        lambda: services.cart_fit_to_stock(user=viewer),
        lambda: services.cart_add_order(user=viewer, order_id=placed.pk),
        lambda: services.order_cancel(user=viewer, order_id=placed.pk),
    ):
        with pytest.raises(Forbidden):
            attempt()
    assert Order.objects.get(pk=placed.pk).status == Order.Status.PLACED
    assert dict(CartItem.objects.filter(user=viewer).values_list("product_id", "quantity")) == {flour.pk: 1}


def test_a_role_change_applies_at_once(viewer: Any, admin: Any, make_product: Any) -> None:
    flour = make_product(stock=5)
    company_services.member_set_role(actor=admin, member_id=viewer.membership.pk, role=Role.BUYER)
    assert services.order_place(user=viewer, lines=[(flour.pk, 1)]).order.user == viewer


def test_a_colleague_can_cancel_and_order_again_a_company_order(
    buyer_in: Any, admin: Any, make_product: Any
) -> None:
    flour = make_product(stock=5)
    order = services.order_place(user=buyer_in, lines=[(flour.pk, 2)]).order
    services.cart_add_order(user=admin, order_id=order.pk)
    assert CartItem.objects.get(user=admin).quantity == 2
    assert services.order_cancel(user=admin, order_id=order.pk).status == Order.Status.CANCELLED


def test_another_companys_order_cannot_be_cancelled_or_ordered_again(
    buyer_in: Any, other_buyer: Any, make_product: Any
) -> None:
    flour = make_product(stock=5)
    order = services.order_place(user=buyer_in, lines=[(flour.pk, 2)]).order
    with pytest.raises(OrderNotFound):
        services.order_cancel(user=other_buyer, order_id=order.pk)
    with pytest.raises(OrderNotFound):
        services.cart_add_order(user=other_buyer, order_id=order.pk)
    assert Order.objects.get(pk=order.pk).status == Order.Status.PLACED

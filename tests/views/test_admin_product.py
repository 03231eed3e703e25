"""The product admin: staff edit a product's details without touching its stock, and change
stock only through the stock service's form fields."""

from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import Client

from shop import services
from shop.admin import ProductAdminForm
from shop.models import Product, StockMovement

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(staff: Any) -> Client:
    client = Client()
    client.force_login(staff)
    return client


def change_form(product: Product, **changes: Any) -> dict[str, Any]:
    return {
        "sku": product.sku,
        "name": product.name,
        "category": product.category_id,
        "description": product.description,
        "unit": product.unit,
        "price": str(product.price),
        "vat_rate": str(product.vat_rate),
        "currency": product.currency,
        "is_active": "on",
        "stock_change": "",
        "stock_change_reason": "restock",
        "stock_note": "",
        "min_order_quantity": str(product.min_order_quantity),
        "order_multiple": str(product.order_multiple),
        "price_breaks-TOTAL_FORMS": "0",
        "price_breaks-INITIAL_FORMS": "0",
        **changes,
    }


def test_saving_a_description_keeps_stock_ordered_while_the_form_was_processed(
    staff_client: Client, buyer: Any, make_product: Any
) -> None:
    flour = make_product(stock=10)
    real_clean = ProductAdminForm.clean

    def an_order_arrives(form: ProductAdminForm) -> Any:
        # After the admin has read the product (form.instance), before it saves it.
        services.order_place(user=buyer, lines=[(flour.pk, 3)])
        return real_clean(form)

    with mock.patch.object(ProductAdminForm, "clean", an_order_arrives):
        response = staff_client.post(
            f"/admin/shop/product/{flour.pk}/change/", change_form(flour, description="New text")
        )

    assert response.status_code == 302
    flour.refresh_from_db()
    assert (flour.description, flour.stock) == ("New text", 7)
    call_command("check_ledger")


def test_a_stock_change_in_the_admin_goes_through_the_stock_service(
    staff_client: Client, staff: Any, make_product: Any
) -> None:
    flour = make_product(stock=10)

    response = staff_client.post(
        f"/admin/shop/product/{flour.pk}/change/",
        change_form(flour, stock_change="-4", stock_change_reason="correction", stock_note="damp"),
    )

    assert response.status_code == 302
    assert Product.objects.get(pk=flour.pk).stock == 6
    movement = StockMovement.objects.get(product=flour, reason="correction")
    assert (movement.quantity, movement.user, movement.note) == (-4, staff, "damp")
    call_command("check_ledger")


def test_a_new_product_in_the_admin_gets_its_initial_stock_and_ledger_row(
    staff_client: Client, category: Any
) -> None:
    response = staff_client.post(
        "/admin/shop/product/add/",
        {
            "sku": "ADM-1", "name": "Spelt", "category": category.pk, "description": "",
            "unit": "25 kg sack", "price": "20.00", "vat_rate": "0", "currency": "GBP",
            "is_active": "on", "initial_stock": "40", "min_order_quantity": "1",
            "order_multiple": "1", "price_breaks-TOTAL_FORMS": "0", "price_breaks-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    assert Product.objects.get(sku="ADM-1").stock == 40
    call_command("check_ledger")


def test_staff_set_a_products_vat_rate_from_0_to_100(staff_client: Client, make_product: Any) -> None:
    chocolate = make_product()
    url = f"/admin/shop/product/{chocolate.pk}/change/"

    refused = staff_client.post(url, change_form(chocolate, vat_rate="120"))
    saved = staff_client.post(url, change_form(chocolate, vat_rate="20"))

    assert refused.status_code == 200 and "vat_rate" in refused.context["adminform"].form.errors
    assert saved.status_code == 302
    chocolate.refresh_from_db()
    assert str(chocolate.vat_rate) == "20.00"
    assert "VAT rate" in staff_client.get("/admin/shop/product/").content.decode()


def test_staff_find_contract_prices_by_company_or_product(
    staff_client: Client, buyer: Any, other_buyer: Any, make_product: Any
) -> None:
    from decimal import Decimal

    from companies.models import ContractPrice

    rye, spelt = make_product(name="Rye flour"), make_product(name="Spelt flour")
    mine = buyer.membership.company
    ContractPrice.objects.create(company=mine, product=rye, price=Decimal("11.00"))
    ContractPrice.objects.create(
        company=other_buyer.membership.company, product=spelt, price=Decimal("8.00")
    )
    url = "/admin/companies/contractprice/"

    by_company = staff_client.get(url, {"q": mine.name}).content.decode()
    by_product = staff_client.get(url, {"q": "Spelt"}).content.decode()

    assert "Rye flour" in by_company and "Spelt flour" not in by_company
    assert "Spelt flour" in by_product and "Rye flour" not in by_product

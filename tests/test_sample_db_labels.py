"""`manage.py sample_db`: allergens, dietary marks and origin of the sample catalogue and of
generated products."""

import io
import random

import pytest
from django.core.management import call_command

from shop.management.commands.sample_db import _generated_labels
from shop.allergens import ALLERGENS, DIETARY
from shop.models import Product

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def labels(sku: str) -> tuple[list[str], list[str], str]:
    product = Product.objects.get(sku=sku)
    return product.allergen_codes, product.dietary_codes, product.origin


def test_the_sample_catalogue_declares_what_its_products_contain() -> None:
    call_command("sample_db", stdout=io.StringIO())

    assert labels("GRN-SES-10")[0] == ["sesame"]
    assert labels("NUT-PNT-BTR-5")[0] == ["peanuts"]
    assert labels("CHC-MLK-35-5")[0] == ["milk", "soya"]
    assert all(
        "cereals_gluten" in product.allergen_codes
        for product in Product.objects.filter(sku__startswith="FLR-")
    )
    assert "organic" in labels("FLR-RYE-DK-25")[1] and labels("FLR-RYE-DK-25")[2] == "Germany"
    assert labels("OIL-LARD-10")[1] == []  # lard: neither vegetarian nor halal
    assert not Product.objects.filter(origin="").exists()


def test_a_staff_edit_of_the_labels_survives_running_it_again() -> None:
    call_command("sample_db", stdout=io.StringIO())
    Product.objects.filter(sku="GRN-SES-10").update(origin="Sudan")

    call_command("sample_db", stdout=io.StringIO())

    assert labels("GRN-SES-10") == (["sesame"], ["vegan", "vegetarian", "halal", "kosher"], "Sudan")


def test_generated_products_get_plausible_labels() -> None:
    rng = random.Random(1)
    barley = [_generated_labels("Milled barley 7", rng) for _ in range(200)]
    organic = [_generated_labels("Organic teff 9", rng) for _ in range(200)]

    assert all(allergens & ALLERGENS.bit("cereals_gluten") for allergens, _, _ in barley)
    assert all(dietary & DIETARY.bit("organic") for _, dietary, _ in organic)
    assert not any(allergens & ALLERGENS.bit("cereals_gluten") for allergens, _, _ in organic)
    # Some products declare another allergen; a vegan one is vegetarian as well.
    assert 0 < sum(1 for allergens, _, _ in organic if allergens) < 100
    for allergens, dietary, origin in barley + organic:
        assert origin
        if dietary & DIETARY.bit("vegan"):
            assert dietary & DIETARY.bit("vegetarian")
        if allergens & ALLERGENS.bit("milk"):
            assert not dietary & DIETARY.bit("vegan")


def test_generated_products_are_saved_with_their_labels() -> None:
    call_command("sample_db", "--products", "60", stdout=io.StringIO())

    generated = Product.objects.filter(sku__startswith="GEN-")
    assert generated.count() == 60
    assert all(
        "cereals_gluten" in product.allergen_codes for product in generated.filter(name__contains="barley")
    )
    assert generated.exclude(dietary=0).count() >= 50 and not generated.filter(origin="").exists()

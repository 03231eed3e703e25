"""The quick-order page: paste or upload, check, add the good lines; plain forms, no JS."""

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from companies.models import Role
from shop import services
from shop.models import CartItem, Product
from tests.factories import make_member
from tests.views.conftest import ShopClient

pytestmark = pytest.mark.django_db

URL = reverse("shop:quick_order")

# A 12-line order as it comes out of a spreadsheet, with a header, a blank line and three bad
# lines: an unknown SKU (a typo), a quantity the pack rules refuse, and more than is in stock.
TWELVE_LINES = "\n".join(
    [
        "SKU\tQty",
        "FLR-STRW-25\t4",
        "SUG-CAST-25\t2",
        "FLR-STRW-52\t3",
        "MLT-PALE-25\t10",
        "SLT-FINE-25\t1",
        "",
        "LEV-YST-FRS-1\t6",
        "FLR-00-25\t20",
        "GRN-SES-10\t1",
        "DRY-BUT-UNS-10\t3",
        "FLR-STRW-25\t2",
    ]
)
BAD_LINES = ["FLR-STRW-52\t3", "MLT-PALE-25\t10", "FLR-00-25\t20"]


@pytest.fixture
def catalogue(make_product: Callable[..., Product]) -> dict[str, Product]:
    rows = [
        ("FLR-STRW-25", "Strong white bread flour", 50, {}),
        ("SUG-CAST-25", "Caster sugar", 50, {}),
        ("MLT-PALE-25", "Maris Otter pale ale malt", 80, {"order_multiple": 8}),
        ("SLT-FINE-25", "Fine bakery salt", 50, {}),
        ("LEV-YST-FRS-1", "Fresh yeast", 50, {}),
        ("FLR-00-25", "Tipo 00 pizza flour", 8, {}),
        ("GRN-SES-10", "White sesame seeds", 50, {}),
        ("DRY-BUT-UNS-10", "Unsalted butter", 50, {}),
    ]
    return {
        sku: make_product(sku=sku, name=name, stock=stock, price="10.00", **extra)
        for sku, name, stock, extra in rows
    }


def cart_of(user: Any) -> dict[str, int]:
    return dict(CartItem.objects.filter(user=user).values_list("product__sku", "quantity"))


def textarea(html: str) -> str:
    match = re.search(r"<textarea[^>]*>\n?(.*?)</textarea>", html, re.S)
    assert match is not None
    return match.group(1)


def rows(html: str) -> dict[int, str]:
    """{line number: status} of the results table."""
    return {
        int(n): status
        for n, status in re.findall(r'data-line="(\d+)" data-status="(\w+)"', html)
    }


def test_the_page_offers_a_box_a_file_and_both_buttons(buyer_client: ShopClient) -> None:
    html = buyer_client.get(URL).content.decode()

    assert 'enctype="multipart/form-data"' in html and "<textarea" in html
    assert 'type="file"' in html
    assert ">Check lines</button>" in html and ">Add good lines to cart</button>" in html
    assert f'href="{URL}"' in html  # in the navigation


def test_the_cart_links_to_quick_order(buyer_client: ShopClient) -> None:
    assert f'href="{URL}"' in buyer_client.get(reverse("shop:cart")).content.decode()


def test_check_shows_every_line_with_its_product_and_price_or_what_is_wrong(
    buyer_client: ShopClient, buyer: Any, catalogue: dict[str, Product]
) -> None:
    response = buyer_client.form_post(URL, {"lines": TWELVE_LINES, "action": "check"})
    html = response.content.decode()

    assert response.status_code == 200
    assert rows(html) == {
        1: "skipped", 2: "ok", 3: "ok", 4: "bad", 5: "bad", 6: "ok",
        8: "ok", 9: "bad", 10: "ok", 11: "ok", 12: "ok",
    }
    assert "blank line 7" in html
    assert "Unknown SKU FLR-STRW-52." in html and "Did you mean <strong>FLR-STRW-25</strong>" in html
    assert "Sold in multiples of 8: 8 or 16." in html
    assert "Only 8 in stock." in html
    assert "Strong white bread flour" in html and "£10.00" in html and "£60.00" in html
    assert "Added together with line 2" in html
    assert ">Add 7 good lines to cart</button>" in html
    assert textarea(html) == TWELVE_LINES
    assert cart_of(buyer) == {}


def test_add_puts_the_good_lines_in_the_cart_and_keeps_the_bad_ones_in_the_box(
    buyer_client: ShopClient, buyer: Any, catalogue: dict[str, Product]
) -> None:
    response = buyer_client.form_post(URL, {"lines": TWELVE_LINES, "action": "add"})

    assert response.status_code == 302 and response["Location"] == URL
    assert cart_of(buyer) == {
        "FLR-STRW-25": 6, "SUG-CAST-25": 2, "SLT-FINE-25": 1, "LEV-YST-FRS-1": 6,
        "GRN-SES-10": 1, "DRY-BUT-UNS-10": 3,
    }
    html = buyer_client.get(URL).content.decode()
    assert "Added 7 lines to your cart (6 products" in html
    assert "3 lines need fixing" in html
    assert textarea(html) == "\n".join(["SKU\tQty", *BAD_LINES])  # under the pasted header
    assert 'id="quick-order-added"' in html and "Line 2 (and 12)" in html
    assert "Skipped: the header row (line 1) and blank line 7." in html
    # The box's lines, checked again: the header skipped, the three still bad.
    assert sorted(rows(html).values()) == ["bad", "bad", "bad", "skipped"]


def test_the_page_after_adding_shows_it_once_and_a_reload_adds_nothing(
    buyer_client: ShopClient, buyer: Any, catalogue: dict[str, Product]
) -> None:
    buyer_client.form_post(URL, {"lines": "FLR-STRW-25 4", "action": "add"})
    buyer_client.get(URL)

    again = buyer_client.get(URL).content.decode()

    assert 'id="quick-order-added"' not in again and textarea(again) == ""
    assert cart_of(buyer) == {"FLR-STRW-25": 4}


def test_when_no_line_is_good_nothing_is_added_and_the_box_keeps_everything(
    buyer_client: ShopClient, buyer: Any, catalogue: dict[str, Product]
) -> None:
    text = "\n".join(BAD_LINES)

    response = buyer_client.form_post(URL, {"lines": text, "action": "add"})
    html = response.content.decode()

    assert response.status_code == 422
    assert "Nothing was added" in html and textarea(html) == text
    assert cart_of(buyer) == {}


def test_more_than_200_lines_is_a_clear_error_and_nothing_is_lost(
    buyer_client: ShopClient, buyer: Any, catalogue: dict[str, Product]
) -> None:
    text = "\n".join(["FLR-STRW-25 1"] * 201)

    for action in ("check", "add"):
        response = buyer_client.form_post(URL, {"lines": text, "action": action})
        html = response.content.decode()
        assert response.status_code == 422
        assert "That is 201 lines: quick order takes up to 200 at a time." in html
        assert textarea(html) == text
    assert cart_of(buyer) == {}


def test_an_empty_box_asks_for_lines(buyer_client: ShopClient) -> None:
    response = buyer_client.form_post(URL, {"lines": "  \n", "action": "check"})

    assert response.status_code == 422
    assert "Paste your lines into the box, or choose a CSV file." in response.content.decode()


def test_a_csv_file_is_read_and_its_rows_land_in_the_box(
    buyer_client: ShopClient, buyer: Any, catalogue: dict[str, Product]
) -> None:
    csv_bytes = "\ufeffCode;Description;Quantity\r\nFLR-STRW-25;Flour;4\r\nSUG-CAST-25;Sugar;2,5\r\n"
    upload = SimpleUploadedFile("order.csv", csv_bytes.encode("utf-8"), content_type="text/csv")

    response = buyer_client.form_post(URL, {"lines": "", "csv_file": upload, "action": "add"})

    assert response.status_code == 302
    assert cart_of(buyer) == {"FLR-STRW-25": 4}
    html = buyer_client.get(URL).content.decode()
    assert textarea(html) == "Code;Description;Quantity\nSUG-CAST-25;Sugar;2,5"
    assert "Quantity 2,5 is not a whole number." in html


def test_typed_lines_and_a_file_together_are_refused_keeping_the_typed_lines(
    buyer_client: ShopClient, buyer: Any, catalogue: dict[str, Product]
) -> None:
    upload = SimpleUploadedFile("order.csv", b"SUG-CAST-25;2\n", content_type="text/csv")

    response = buyer_client.form_post(
        URL, {"lines": "FLR-STRW-25 4", "csv_file": upload, "action": "add"}
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert "You typed lines and chose a file" in html
    assert textarea(html) == "FLR-STRW-25 4"
    assert cart_of(buyer) == {}


def test_a_spreadsheet_file_that_is_not_csv_is_refused(buyer_client: ShopClient, buyer: Any) -> None:
    upload = SimpleUploadedFile("order.xlsx", b"PK\x03\x04rest-of-a-zip", content_type="application/zip")

    response = buyer_client.form_post(URL, {"csv_file": upload, "action": "check"})

    assert response.status_code == 422
    assert "Save the spreadsheet as CSV" in response.content.decode()


def test_a_file_over_the_limit_is_refused(
    buyer_client: ShopClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("shop.forms.QUICK_ORDER_MAX_FILE_BYTES", 1024)
    upload = SimpleUploadedFile("order.csv", b"FLR-STRW-25;1\n" * 100, content_type="text/csv")

    response = buyer_client.form_post(URL, {"csv_file": upload, "action": "check"})

    assert response.status_code == 422
    assert "quick order reads CSV files up to 1 KB" in response.content.decode()


def test_a_body_over_the_request_limit_is_refused_before_it_is_read(
    buyer_client: ShopClient, settings: Any
) -> None:
    settings.MAX_REQUEST_BODY_SIZE = 4096
    upload = SimpleUploadedFile("order.csv", b"FLR-STRW-25;1\n" * 1000, content_type="text/csv")

    response = buyer_client.form_post(URL, {"csv_file": upload, "action": "check"})

    assert response.status_code == 413


def test_a_viewer_can_check_but_sees_no_add_button_and_cannot_add(
    buyer: Any, catalogue: dict[str, Product]
) -> None:
    viewer = make_member("viewer@bakery.test", buyer.membership.company, Role.VIEWER)
    client = ShopClient()
    client.force_login(viewer)

    checked = client.form_post(URL, {"lines": "FLR-STRW-25 4", "action": "check"})
    added = client.form_post(URL, {"lines": "FLR-STRW-25 4", "action": "add"})

    assert checked.status_code == 200
    html = checked.content.decode()
    assert "Add good lines" not in html and "good line to cart" not in html and "view only" in html
    assert added.status_code == 403
    assert cart_of(viewer) == {}


def test_it_needs_a_login(anon_client: ShopClient) -> None:
    response = anon_client.get(URL)

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- the same SQL for 1 line or 150 ----------------------------------------------------------


@pytest.fixture
def many(category: Any) -> list[Product]:
    services.products_bulk_add(
        products=[
            Product(sku=f"BULK-{n:04d}", name=f"Bulk {n}", category=category, unit="1 kg bag",
                    price=Decimal("2.00"), stock=100)
            for n in range(150)
        ]
    )
    return list(Product.objects.filter(sku__startswith="BULK-").order_by("sku"))


def queries_for(client: ShopClient, text: str, action: str) -> int:
    client.csrf_token()
    with CaptureQueriesContext(connection) as captured:
        response = client.form_post(URL, {"lines": text, "action": action})
    assert response.status_code in (200, 302)
    return len(captured.captured_queries)


@pytest.mark.parametrize("action", ["check", "add"])
def test_a_1_line_and_a_150_line_order_take_the_same_queries(
    buyer_client: ShopClient, buyer: Any, many: list[Product], action: str
) -> None:
    one = "\n".join(f"{p.sku} 1" for p in many[:1])
    all_lines = "\n".join(f"{p.sku} 1" for p in many)

    first = queries_for(buyer_client, one, action)
    CartItem.objects.filter(user=buyer).delete()
    second = queries_for(buyer_client, all_lines, action)

    assert first == second
    if action == "add":
        assert len(cart_of(buyer)) == 150

"""POST /api/v1/orders"""

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from companies import services as company_services
from companies.models import Membership, Role
from companies.services import AddressInput
from shop import services
from companies.models import ContractPrice
from shop.models import Order, Product, StockMovement
from shop.services.delivery import earliest_delivery_date
from tests.api.helpers import assert_error
from tests.factories import make_member
from tests.services.test_concurrency import race

URL = "/api/v1/orders"


def post(client: Client, body: Any, auth: dict[str, str], key: str | None = None) -> Any:
    headers = dict(auth)
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post(URL, body, content_type="application/json", headers=headers)


def stock_of(product: Product) -> int:
    return Product.objects.values_list("stock", flat=True).get(pk=product.pk)


def assert_nothing_ordered(*products: tuple[Product, int]) -> None:
    assert not Order.objects.exists()
    assert not StockMovement.objects.filter(reason=StockMovement.Reason.ORDER).exists()
    for product, stock in products:
        assert stock_of(product) == stock


def test_it_places_the_order_and_takes_the_stock(
    api_client: Client, buyer: Any, auth: dict[str, str], make_product: Callable[..., Product]
) -> None:
    flour = make_product(stock=10, price="12.50")
    hops = make_product(stock=5, price="3.20")

    response = post(
        api_client, {"lines": [{"product": flour.pk, "quantity": 2}, {"product": hops.pk, "quantity": 5}]}, auth
    )

    assert response.status_code == 201
    body = response.json()
    order = Order.objects.get()
    assert order.user == buyer
    assert body["id"] == order.pk
    assert body["status"] == "placed"
    assert body["total"] == "41.00"
    assert [(line["product"], line["quantity"], line["line_total"]) for line in body["lines"]] == [
        (flour.pk, 2, "25.00"),
        (hops.pk, 5, "16.00"),
    ]
    assert (body["vat"], body["total_with_vat"]) == ("0.00", "41.00")
    assert response["Location"] == f"http://testserver/api/v1/orders/{order.pk}"
    assert "Idempotent-Replayed" not in response
    assert stock_of(flour) == 8 and stock_of(hops) == 0
    assert sorted(
        StockMovement.objects.filter(order=order).values_list("product_id", "quantity", "reason")
    ) == sorted([(flour.pk, -2, "order"), (hops.pk, -5, "order")])
    assert api_client.get(response["Location"], headers=auth).json() == body


def test_it_adds_up_lines_naming_the_same_product(
    api_client: Client, auth: dict[str, str], make_product: Callable[..., Product]
) -> None:
    flour = make_product(stock=10)

    response = post(
        api_client, {"lines": [{"product": flour.pk, "quantity": 2}, {"product": flour.pk, "quantity": 3}]}, auth
    )

    assert response.status_code == 201
    assert [(line["product"], line["quantity"]) for line in response.json()["lines"]] == [(flour.pk, 5)]
    assert stock_of(flour) == 5


def test_it_accepts_the_largest_quantity_and_the_most_lines(
    api_client: Client, auth: dict[str, str], make_product: Callable[..., Product]
) -> None:
    products = [make_product(stock=10_000) for _ in range(100)]
    lines = [{"product": p.pk, "quantity": 10_000 if i == 0 else 1} for i, p in enumerate(products)]

    response = post(api_client, {"lines": lines}, auth)

    assert response.status_code == 201
    assert len(response.json()["lines"]) == 100
    assert stock_of(products[0]) == 0


def test_it_refuses_when_any_line_is_short_and_changes_nothing(
    api_client: Client, auth: dict[str, str], make_product: Callable[..., Product]
) -> None:
    flour = make_product(stock=10)
    hops = make_product(stock=1)
    malt = make_product(stock=0)

    response = post(
        api_client,
        {"lines": [
            {"product": malt.pk, "quantity": 1},
            {"product": flour.pk, "quantity": 10},
            {"product": hops.pk, "quantity": 2},
        ]},
        auth,
    )

    error = assert_error(response, 409, "insufficient_stock")
    assert error["details"] == [
        {"product": hops.pk, "requested": 2, "available": 1},
        {"product": malt.pk, "requested": 1, "available": 0},
    ]
    assert_nothing_ordered((flour, 10), (hops, 1), (malt, 0))


@pytest.mark.parametrize("quantity", [0, -1, 1.5, "2", True, 10_001, None, [1], {"n": 1}])
def test_it_rejects_a_quantity_that_is_not_a_positive_whole_number_up_to_ten_thousand(
    api_client: Client, auth: dict[str, str], make_product: Callable[..., Product], quantity: Any
) -> None:
    flour = make_product(stock=20_000)

    response = post(api_client, {"lines": [{"product": flour.pk, "quantity": quantity}]}, auth)

    error = assert_error(response, 400, "invalid")
    assert "lines[0].quantity" in error["details"]
    assert_nothing_ordered((flour, 20_000))


def test_it_rejects_a_missing_quantity(
    api_client: Client, auth: dict[str, str], make_product: Callable[..., Product]
) -> None:
    flour = make_product()

    error = assert_error(post(api_client, {"lines": [{"product": flour.pk}]}, auth), 400, "invalid")

    assert "lines[0].quantity" in error["details"]


@pytest.mark.parametrize("product", [None, "1", True, 0, -3, 1.0, 10**30])
def test_it_rejects_a_product_that_is_not_a_valid_id(
    api_client: Client, auth: dict[str, str], product: Any
) -> None:
    response = post(api_client, {"lines": [{"product": product, "quantity": 1}]}, auth)

    error = assert_error(response, 400, "invalid")
    assert "lines[0].product" in error["details"]
    assert_nothing_ordered()


def test_it_rejects_unknown_and_inactive_products(
    api_client: Client, auth: dict[str, str], make_product: Callable[..., Product]
) -> None:
    flour = make_product(stock=10)
    retired = make_product(stock=10, is_active=False)

    response = post(
        api_client,
        {"lines": [
            {"product": flour.pk, "quantity": 1},
            {"product": retired.pk, "quantity": 1},
            {"product": 987654, "quantity": 1},
        ]},
        auth,
    )

    error = assert_error(response, 400, "invalid")
    assert error["details"]["lines"] == [
        f"Product {retired.pk} does not exist or is not for sale.",
        "Product 987654 does not exist or is not for sale.",
    ]
    assert_nothing_ordered((flour, 10), (retired, 10))


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"lines": None},
        {"lines": []},
        {"lines": "1x flour"},
        {"lines": {"product": 1, "quantity": 1}},
        {"lines": [[1, 1]]},
        {"lines": ["ab"]},
        {"lines": [{"product": 1, "quantity": 1}] * 101},
    ],
)
def test_it_rejects_lines_that_are_missing_empty_oversized_or_not_objects(
    api_client: Client, auth: dict[str, str], body: dict[str, Any]
) -> None:
    error = assert_error(post(api_client, body, auth), 400, "invalid")

    assert any(field.startswith("lines") for field in error["details"])
    assert_nothing_ordered()


@pytest.mark.parametrize("raw", ["{", "[]", "null", "[{\"product\": 1, \"quantity\": 1}]", "{\"lines\": [}"])
def test_it_rejects_a_body_that_is_not_a_json_object(
    api_client: Client, auth: dict[str, str], raw: str
) -> None:
    assert_error(post(api_client, raw, auth), 400, "invalid_json")
    assert_nothing_ordered()


def test_it_rejects_a_body_that_is_not_json(
    api_client: Client, auth: dict[str, str], make_product: Callable[..., Product]
) -> None:
    flour = make_product()

    form = api_client.post(URL, {"lines": f"{flour.pk}"}, headers=auth)
    text = api_client.post(URL, '{"lines": []}', content_type="text/plain", headers=auth)
    empty = api_client.generic("POST", URL, b"", headers=auth)

    assert_error(form, 415, "unsupported_media_type")
    assert_error(text, 415, "unsupported_media_type")
    assert_error(empty, 415, "unsupported_media_type")
    assert_nothing_ordered()


def test_it_accepts_json_with_a_charset(
    api_client: Client, auth: dict[str, str], make_product: Callable[..., Product]
) -> None:
    flour = make_product()

    response = api_client.post(
        URL,
        {"lines": [{"product": flour.pk, "quantity": 1}]},
        content_type="application/json; charset=utf-8",
        headers=auth,
    )

    assert response.status_code == 201


def test_it_rejects_missing_wrong_expired_or_revoked_credentials(
    api_client: Client, bad_auth: dict[str, str], make_product: Callable[..., Product]
) -> None:
    flour = make_product(stock=10)

    response = post(api_client, {"lines": [{"product": flour.pk, "quantity": 1}]}, bad_auth)

    assert_error(response, 401, "not_authenticated")
    assert_nothing_ordered((flour, 10))


def test_it_rejects_other_methods(api_client: Client, auth: dict[str, str]) -> None:
    response = api_client.put(URL, {"lines": []}, content_type="application/json", headers=auth)

    assert_error(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET, HEAD, POST"


# --- Idempotency-Key ----------------------------------------------------------------------------


def test_the_same_key_and_body_again_returns_the_original_order(
    api_client: Client, auth: dict[str, str], make_product: Callable[..., Product]
) -> None:
    flour = make_product(stock=10)
    body = {"lines": [{"product": flour.pk, "quantity": 3}]}

    first = post(api_client, body, auth, key="erp-4711")
    again = post(api_client, body, auth, key="erp-4711")

    assert first.status_code == again.status_code == 201
    assert "Idempotent-Replayed" not in first
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert again["Location"] == first["Location"]
    assert Order.objects.count() == 1
    assert stock_of(flour) == 7


def test_the_same_key_with_another_body_is_refused(
    api_client: Client, auth: dict[str, str], make_product: Callable[..., Product]
) -> None:
    flour = make_product(stock=10)
    post(api_client, {"lines": [{"product": flour.pk, "quantity": 3}]}, auth, key="erp-4711")

    response = post(api_client, {"lines": [{"product": flour.pk, "quantity": 4}]}, auth, key="erp-4711")

    assert_error(response, 422, "idempotency_key_reused")
    assert Order.objects.count() == 1
    assert stock_of(flour) == 7


def test_a_key_belongs_to_one_user(
    api_client: Client,
    auth: dict[str, str],
    other_auth: dict[str, str],
    make_product: Callable[..., Product],
) -> None:
    flour = make_product(stock=10)
    body = {"lines": [{"product": flour.pk, "quantity": 1}]}

    mine = post(api_client, body, auth, key="shared-key")
    theirs = post(api_client, body, other_auth, key="shared-key")

    assert mine.status_code == theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs
    assert mine.json()["id"] != theirs.json()["id"]
    assert stock_of(flour) == 8


@pytest.mark.parametrize("key", ["", "k" * 256, "tab\there", "naïve"])
def test_it_rejects_an_idempotency_key_that_is_not_1_to_255_printable_characters(
    api_client: Client, auth: dict[str, str], make_product: Callable[..., Product], key: str
) -> None:
    flour = make_product(stock=10)

    response = post(api_client, {"lines": [{"product": flour.pk, "quantity": 1}]}, auth, key=key)

    error = assert_error(response, 400, "invalid")
    assert "Idempotency-Key" in error["details"]
    assert_nothing_ordered((flour, 10))


def test_a_255_character_key_is_accepted(
    api_client: Client, auth: dict[str, str], make_product: Callable[..., Product]
) -> None:
    flour = make_product(stock=10)

    response = post(api_client, {"lines": [{"product": flour.pk, "quantity": 1}]}, auth, key="k" * 255)

    assert response.status_code == 201


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_key_sent_concurrently_places_one_order(
    postgres_only: None, buyer: Any, make_product: Callable[..., Product]
) -> None:
    flour = make_product(stock=100)
    token = services.token_create(user=buyer).secret
    body = {"lines": [{"product": flour.pk, "quantity": 2}]}

    def send() -> Any:
        return Client().post(
            URL,
            body,
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "burst-1"},
        )

    responses = race([send for _ in range(8)])

    assert [r.status_code for r in responses] == [201] * 8, responses
    assert len({r.json()["id"] for r in responses}) == 1
    assert sum("Idempotent-Replayed" not in r for r in responses) == 1
    assert Order.objects.count() == 1
    assert stock_of(flour) == 98


def test_its_queries_do_not_grow_with_lines_and_it_does_not_read_the_lines_back(
    api_client: Client, auth: dict[str, str], make_product: Callable[..., Product]
) -> None:
    one = [make_product(stock=10)]
    twenty = [make_product(stock=10) for _ in range(20)]
    post(api_client, {"lines": [{"product": one[0].pk, "quantity": 1}]}, auth)  # token's last use

    counts = []
    for products in (one, twenty):
        with CaptureQueriesContext(connection) as queries:
            response = post(
                api_client, {"lines": [{"product": p.pk, "quantity": 1} for p in products]}, auth
            )
        assert response.status_code == 201
        assert len(response.json()["lines"]) == len(products)
        assert not [q for q in queries if 'FROM "shop_orderline"' in q["sql"]]
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_new_order_has_its_placed_step_in_the_status_history(
    api_client: Client, auth: dict[str, str], make_product: Callable[..., Product]
) -> None:
    flour = make_product(stock=10)
    lines = {"lines": [{"product": flour.pk, "quantity": 1}]}

    first = post(api_client, lines, auth, key="po-1")
    replay = post(api_client, lines, auth, key="po-1")

    body = first.json()
    assert body["status_history"] == [{"status": "placed", "at": body["created_at"]}]
    assert replay.json()["status_history"] == body["status_history"]


# --- The trade checkout's fields and roles -------------------------------------------------------


def _address(user: Any, label: str = "Bakery") -> Any:
    return company_services.address_create(
        actor=user, data=AddressInput(label=label, lines="1 Mill Lane\nLeeds", postcode="LS1 1AA")
    )


def _next_working_day() -> Any:
    return earliest_delivery_date(timezone.localdate())


def test_it_stores_and_returns_the_order_fields(
    api_client: Client, buyer: Any, auth: dict[str, str], make_product: Callable[..., Product]
) -> None:
    flour = make_product(stock=10)
    _address(buyer)
    depot = _address(buyer, "Depot")
    day = _next_working_day().isoformat()
    body = {
        "lines": [{"product": flour.pk, "quantity": 1}],
        "po_number": "PO-4471",
        "delivery_date": day,
        "delivery_address": depot.pk,
        "notes": "Back door, before 7am.",
    }

    response = post(api_client, body, auth)

    assert response.status_code == 201, response.content
    data = response.json()
    assert data["po_number"] == "PO-4471" and data["delivery_date"] == day
    assert data["notes"] == "Back door, before 7am."
    assert data["delivery_address"] == {
        "id": depot.pk, "label": "Depot", "lines": ["1 Mill Lane", "Leeds"],
        "postcode": "LS1 1AA", "country": "GB", "is_default": False,
    }
    assert data["placed_by"] == {"id": buyer.pk, "email": buyer.email}
    order = Order.objects.get()
    assert (order.po_number, order.delivery_address_id, order.company_id) == (
        "PO-4471", depot.pk, buyer.membership.company_id
    )


def test_without_fields_the_default_address_is_used_and_the_rest_empty(
    api_client: Client, buyer: Any, auth: dict[str, str], make_product: Callable[..., Product]
) -> None:
    flour = make_product(stock=10)
    default = _address(buyer)
    data = post(api_client, {"lines": [{"product": flour.pk, "quantity": 1}]}, auth).json()
    assert data["delivery_address"]["id"] == default.pk and data["delivery_address"]["is_default"]
    assert (data["po_number"], data["delivery_date"], data["notes"]) == ("", None, "")


def test_a_company_without_addresses_orders_with_a_null_address(
    api_client: Client, auth: dict[str, str], make_product: Callable[..., Product]
) -> None:
    flour = make_product(stock=10)
    data = post(api_client, {"lines": [{"product": flour.pk, "quantity": 1}]}, auth).json()
    assert data["delivery_address"] is None


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"po_number": "P" * 36}, "po_number"),
        ({"po_number": 123}, "po_number"),
        ({"notes": "n" * 1001}, "notes"),
        ({"notes": ["x"]}, "notes"),
        ({"delivery_date": "2026-13-01"}, "delivery_date"),
        ({"delivery_date": "tomorrow"}, "delivery_date"),
        ({"delivery_date": 20261201}, "delivery_date"),
        ({"delivery_date": "2020-01-06"}, "delivery_date"),  # the past
        ({"delivery_address": "1"}, "delivery_address"),
        ({"delivery_address": True}, "delivery_address"),
        ({"delivery_address": 2**63}, "delivery_address"),
        ({"delivery_address": 999_999}, "delivery_address"),
    ],
)
def test_bad_order_fields_are_400_invalid_and_order_nothing(
    api_client: Client,
    auth: dict[str, str],
    make_product: Callable[..., Product],
    fields: dict[str, Any],
    key: str,
) -> None:
    flour = make_product(stock=10)
    response = post(api_client, {"lines": [{"product": flour.pk, "quantity": 1}], **fields}, auth)
    error = assert_error(response, 400, "invalid")
    assert list(error["details"]) == [key]
    assert_nothing_ordered((flour, 10))


def test_a_weekend_date_is_refused(
    api_client: Client, auth: dict[str, str], make_product: Callable[..., Product]
) -> None:
    flour = make_product(stock=10)
    day = _next_working_day()
    saturday = day + timedelta(days=(5 - day.weekday()) % 7)
    response = post(
        api_client,
        {"lines": [{"product": flour.pk, "quantity": 1}], "delivery_date": saturday.isoformat()},
        auth,
    )
    assert "weekend" in assert_error(response, 400, "invalid")["details"]["delivery_date"][0]


def test_another_companys_address_is_refused(
    api_client: Client, auth: dict[str, str], other_buyer: Any, make_product: Callable[..., Product]
) -> None:
    flour = make_product(stock=10)
    theirs = _address(other_buyer)
    response = post(
        api_client, {"lines": [{"product": flour.pk, "quantity": 1}], "delivery_address": theirs.pk}, auth
    )
    assert list(assert_error(response, 400, "invalid")["details"]) == ["delivery_address"]
    assert_nothing_ordered((flour, 10))


def test_a_po_number_is_required_when_the_company_says_so(
    api_client: Client, buyer: Any, auth: dict[str, str], make_product: Callable[..., Product]
) -> None:
    company = buyer.membership.company
    company.po_number_required = True
    company.save()
    flour = make_product(stock=10)
    response = post(api_client, {"lines": [{"product": flour.pk, "quantity": 1}]}, auth)
    assert list(assert_error(response, 400, "invalid")["details"]) == ["po_number"]
    ok = post(api_client, {"lines": [{"product": flour.pk, "quantity": 1}], "po_number": "PO-1"}, auth)
    assert ok.status_code == 201


def test_the_order_fields_are_part_of_the_idempotency_fingerprint(
    api_client: Client, auth: dict[str, str], make_product: Callable[..., Product]
) -> None:
    flour = make_product(stock=10)
    body = {"lines": [{"product": flour.pk, "quantity": 1}], "po_number": "PO-1"}
    first = post(api_client, body, auth, key="k-1")
    again = post(api_client, body, auth, key="k-1")
    assert first.status_code == 201 and again["Idempotent-Replayed"] == "true"
    other = post(api_client, {**body, "po_number": "PO-2"}, auth, key="k-1")
    assert_error(other, 422, "idempotency_key_reused")
    assert Order.objects.count() == 1


def test_a_viewer_gets_403_forbidden_and_nothing_is_ordered(
    api_client: Client, buyer: Any, make_product: Callable[..., Product]
) -> None:
    viewer = make_member("viewer@bakery.test", buyer.membership.company, Role.VIEWER)
    flour = make_product(stock=10)
    viewer_auth = {"Authorization": f"Bearer {services.token_create(user=viewer).secret}"}
    response = post(api_client, {"lines": [{"product": flour.pk, "quantity": 1}]}, viewer_auth)
    assert_error(response, 403, "forbidden")
    assert_nothing_ordered((flour, 10))


def test_a_token_acts_with_its_users_current_role(
    api_client: Client, buyer: Any, auth: dict[str, str], make_product: Callable[..., Product]
) -> None:
    flour = make_product(stock=10)
    Membership.objects.filter(user=buyer).update(role=Role.VIEWER)
    assert_error(post(api_client, {"lines": [{"product": flour.pk, "quantity": 1}]}, auth), 403, "forbidden")
    Membership.objects.filter(user=buyer).update(role=Role.BUYER)
    assert post(api_client, {"lines": [{"product": flour.pk, "quantity": 1}]}, auth).status_code == 201


def test_it_orders_at_the_callers_contract_price_with_each_lines_vat_rate(
    api_client: Client, buyer: Any, auth: dict[str, str], make_product: Callable[..., Product]
) -> None:
    flour = make_product(stock=10, price="12.50")
    chocolate = make_product(stock=10, price="13.00", vat_rate=Decimal("20.00"))
    ContractPrice.objects.create(
        company=buyer.membership.company, product=chocolate, price=Decimal("11.05")
    )
    lines = [{"product": flour.pk, "quantity": 2}, {"product": chocolate.pk, "quantity": 3}]

    response = post(api_client, {"lines": lines}, auth)

    assert response.status_code == 201
    body = response.json()
    assert [(line["unit_price"], line["line_total"], line["vat_rate"]) for line in body["lines"]] == [
        ("12.50", "25.00", "0.00"),
        ("11.05", "33.15", "20.00"),
    ]
    assert body["total"] == "58.15"
    assert body["vat"] == "6.63"  # 20% of 33.15 = 6.63
    assert body["total_with_vat"] == "64.78"
    line = Order.objects.get().lines.get(product=chocolate)
    assert (line.unit_price, line.vat_rate) == (Decimal("11.05"), Decimal("20.00"))

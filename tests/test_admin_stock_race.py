"""Staff saving a product in the admin while buyers order it, over HTTP against gunicorn on
PostgreSQL in production configuration: the admin's saves must not put back the stock they read
(issue 11, item 1: 646 orders were placed for 500 units this way)."""

import re
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from django.core.management import call_command

from shop import services
from shop.models import OrderLine, Product
from tests.conftest import PASSWORD, make_user
from tests.servers import PROXY_HEADERS, REQUEST_TIMEOUT, Instance, running_instances

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.usefixtures("postgres_only"),
    pytest.mark.django_db(transaction=True),
]

INITIAL_STOCK = 5000
RACE_SECONDS = 4
BUYERS = 3


@pytest.fixture
def instance(django_db_setup: None, django_db_blocker: Any) -> Iterator[Instance]:
    # One per test: the admin's log rows name content types, whose ids the server caches and
    # the flush after a transactional test renumbers.
    with running_instances(1, django_db_blocker) as instances:
        yield instances[0]


class StaffBrowser:
    """A signed-in staff member's browser behind the TLS proxy.

    The session and CSRF cookies are Secure, which requests will not send to an http:// URL,
    so they travel in a Cookie header of our own.
    """

    def __init__(self, instance: Instance, staff: Any) -> None:
        self.base = instance.url
        self.cookies: dict[str, str] = {}
        # Signed in through the shop's login form, as the admin's login sends staff there: the
        # server has its own SECRET_KEY.
        token = self.form_token("/accounts/login/?next=/admin/")
        response = self.request(
            "POST",
            "/accounts/login/?next=/admin/",
            data={"login": staff.email, "password": PASSWORD, "csrfmiddlewaretoken": token},
        )
        assert response.status_code == 302 and "sessionid" in self.cookies, response.text[:500]

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {
            **PROXY_HEADERS,
            "Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items()),
            # Django checks the Referer of HTTPS form posts against the host.
            "Referer": f"https://{self.base.removeprefix('http://')}{path}",
        }
        response = requests.request(
            method, f"{self.base}{path}", headers=headers, allow_redirects=False,
            timeout=REQUEST_TIMEOUT, **kwargs,
        )
        self.cookies.update(response.cookies.get_dict())
        return response

    def form_token(self, path: str) -> str:
        page = self.request("GET", path)
        assert page.status_code == 200, page.text[:500]
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert match, f"no CSRF token on {path}"
        return match.group(1)


def product_form(product: Product, **changes: Any) -> dict[str, Any]:
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


def test_admin_saves_racing_api_orders_keep_every_order_s_stock(
    instance: Instance, make_product: Any
) -> None:
    staff = make_user("stock-keeper@shop.test", staff=True)
    product = make_product(stock=INITIAL_STOCK)
    tokens = [
        services.token_create(user=make_user(f"admin-racer{i}@bakery.test"), name="race").secret
        for i in range(BUYERS)
    ]
    browser = StaffBrowser(instance, staff)
    path = f"/admin/shop/product/{product.pk}/change/"
    stop = threading.Event()
    placed = [0] * BUYERS
    saves: list[int] = []
    failures: list[str] = []

    def buy(index: int) -> None:
        while not stop.is_set():
            response = requests.post(
                f"{instance.url}/api/v1/orders",
                json={"lines": [{"product": product.pk, "quantity": 1}]},
                headers={**PROXY_HEADERS, "Authorization": f"Bearer {tokens[index]}"},
                timeout=REQUEST_TIMEOUT,
            )
            if response.status_code == 201:
                placed[index] += 1
            else:
                failures.append(f"order: {response.status_code} {response.text[:200]}")

    def edit_description() -> None:
        while not stop.is_set():
            # Load the form (its stock is read now), then save only a new description.
            token = browser.form_token(path)
            data = product_form(product, description=f"Edit {len(saves)}", csrfmiddlewaretoken=token)
            response = browser.request("POST", path, data=data)
            if response.status_code == 302:
                saves.append(response.status_code)
            else:
                failures.append(f"admin save: {response.status_code} {response.text[:300]}")

    threads = [threading.Thread(target=buy, args=(i,)) for i in range(BUYERS)]
    threads.append(threading.Thread(target=edit_description))
    for thread in threads:
        thread.start()
    time.sleep(RACE_SECONDS)
    stop.set()
    for thread in threads:
        thread.join(timeout=REQUEST_TIMEOUT * 2)

    assert not failures, failures[:5]
    ordered = OrderLine.objects.filter(product=product).count()
    assert ordered == sum(placed) and ordered > 0 and len(saves) > 1, (placed, len(saves))
    product.refresh_from_db()
    assert product.stock == INITIAL_STOCK - ordered
    assert product.description.startswith("Edit ")
    call_command("check_ledger")


def test_the_admin_stock_change_still_goes_through_the_stock_service(
    instance: Instance, make_product: Any
) -> None:
    staff = make_user("restocker@shop.test", staff=True)
    product = make_product(stock=10)
    browser = StaffBrowser(instance, staff)
    path = f"/admin/shop/product/{product.pk}/change/"

    response = browser.request(
        "POST",
        path,
        data=product_form(
            product,
            stock_change="25",
            stock_note="delivery",
            csrfmiddlewaretoken=browser.form_token(path),
        ),
    )

    assert response.status_code == 302, response.text[:500]
    product.refresh_from_db()
    assert product.stock == 35
    assert product.movements.filter(reason="restock", quantity=25, note="delivery").exists()
    call_command("check_ledger")

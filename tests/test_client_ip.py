"""Rate limits count the client's address, directly exposed or behind our proxies.

allauth's login limit ("login_failed": 10 failures a minute per address) and the API token
endpoint that shares it must tell clients apart: behind nginx every request comes from nginx.
"""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

PROXY = "10.0.0.2"  # what REMOTE_ADDR says behind nginx
ATTACKER = "198.51.100.7"
BUYER = "198.51.100.8"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def fail_ten_logins(**meta: str) -> None:
    # Ten unknown emails, so only the per-address limit (10/m/ip) is reached, not the per-email one.
    client = Client(**meta)
    for n in range(10):
        client.post(reverse("account_login"), {"login": f"guess{n}@x.test", "password": "nope"})


def logs_in(buyer: Any, **meta: str) -> bool:
    client = Client(**meta)
    client.post(reverse("account_login"), {"login": buyer.email, "password": PASSWORD})
    return "_auth_user_id" in client.session


def gets_a_token(buyer: Any, **meta: str) -> int:
    response = Client(**meta).post(
        "/api/v1/tokens", {"email": buyer.email, "password": PASSWORD}, content_type="application/json"
    )
    return response.status_code


def test_directly_exposed_it_counts_each_address_on_its_own(buyer: Any) -> None:
    fail_ten_logins(REMOTE_ADDR=ATTACKER)

    assert not logs_in(buyer, REMOTE_ADDR=ATTACKER)
    assert logs_in(buyer, REMOTE_ADDR=BUYER)


def test_directly_exposed_it_ignores_a_forwarded_for_header_anyone_can_send(buyer: Any) -> None:
    for n in range(10):
        Client(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").post(
            reverse("account_login"), {"login": f"guess{n}@x.test", "password": "nope"}
        )

    assert not logs_in(buyer, REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=BUYER)
    assert gets_a_token(buyer, REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=BUYER) == 429


def test_behind_one_proxy_one_clients_failures_do_not_lock_out_the_others(
    buyer: Any, settings: Any
) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    fail_ten_logins(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER)

    assert logs_in(buyer, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=BUYER)
    assert gets_a_token(buyer, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=BUYER) == 201
    assert not logs_in(buyer, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER)
    assert gets_a_token(buyer, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER) == 429


def test_behind_one_proxy_only_the_address_the_proxy_appended_counts(
    buyer: Any, settings: Any
) -> None:
    # nginx appends the address it saw; whatever the client wrote before it is not trusted.
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    fail_ten_logins(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER)

    assert not logs_in(buyer, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{BUYER}, {ATTACKER}")


def test_behind_two_proxies_it_takes_the_address_the_outer_one_saw(
    buyer: Any, settings: Any
) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2  # a TLS terminator in front of nginx
    fail_ten_logins(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{ATTACKER}, 10.0.0.1")

    assert logs_in(buyer, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{BUYER}, 10.0.0.1")
    assert not logs_in(buyer, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{ATTACKER}, 10.0.0.1")


def test_a_header_set_by_the_proxy_can_name_the_client_instead(buyer: Any, settings: Any) -> None:
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    fail_ten_logins(REMOTE_ADDR=PROXY, HTTP_X_REAL_IP=ATTACKER)

    assert logs_in(buyer, REMOTE_ADDR=PROXY, HTTP_X_REAL_IP=BUYER)
    assert not logs_in(buyer, REMOTE_ADDR=PROXY, HTTP_X_REAL_IP=ATTACKER)

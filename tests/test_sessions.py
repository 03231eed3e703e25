"""shop.sessions: Django's database sessions, read with one hand-written query."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shop.sessions import SessionStore

CATALOGUE = reverse("shop:catalogue")


def test_the_shop_uses_this_store() -> None:
    assert settings.SESSION_ENGINE == "shop.sessions"


def test_a_signed_in_session_is_read_back_in_one_query(client: Client, buyer: Any) -> None:
    client.force_login(buyer)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value

    with CaptureQueriesContext(connection) as context:
        data = SessionStore(key).load()

    assert data["_auth_user_id"] == str(buyer.pk)
    session_reads = [q["sql"] for q in context.captured_queries if "django_session" in q["sql"]]
    assert len(session_reads) == 1


def test_an_expired_session_signs_the_buyer_out(client: Client, buyer: Any) -> None:
    client.force_login(buyer)
    assert client.get(CATALOGUE).status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))

    response = client.get(CATALOGUE)

    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_an_unknown_session_key_starts_a_new_empty_session(db: None) -> None:
    store = SessionStore("x" * 32)

    assert store.load() == {}
    assert store.session_key is None  # a new key is made when it is saved


def test_data_written_by_the_orm_store_is_read_back(db: None) -> None:
    store = SessionStore()
    store["basket"] = {"flour": 3}
    store.create()

    assert SessionStore(store.session_key).load() == {"basket": {"flour": 3}}

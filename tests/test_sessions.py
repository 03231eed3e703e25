"""Sessions and sign-in with Django's and allauth's own backends and database sessions.

What matters to a buyer: a session started on one process is honoured by every other process
(several gunicorn workers, several instances), and logging out ends it everywhere, even for
somebody replaying the old cookie.
"""

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.factories import make_user

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = reverse("shop:catalogue")
PASSWORD = "correct-horse-battery"

# Another interpreter resolves the session cookie to a user, as another gunicorn worker would.
WHO_IS_IT = """
import sys
from importlib import import_module
import django
django.setup()
from django.conf import settings
from django.contrib.auth import get_user
from django.http import HttpRequest
request = HttpRequest()
request.session = import_module(settings.SESSION_ENGINE).SessionStore(sys.argv[1])
user = get_user(request)
print(user.email if user.is_authenticated else "anonymous")
"""


def signed_in_client(email: str) -> Client:
    client = Client()
    response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def session_cookie(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def who_is_it_in_another_process(session_key: str) -> str:
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    url = f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    result = subprocess.run(
        [sys.executable, "-c", WHO_IS_IT, session_key],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_shop_uses_the_frameworks_own_session_store_and_backends() -> None:
    # Sessions name their backend by dotted path: changing these logs everybody out once
    # (docs/OPERATIONS.md, "Sessions and sign-in").
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert settings.AUTHENTICATION_BACKENDS == [
        "django.contrib.auth.backends.ModelBackend",
        "allauth.account.auth_backends.AuthenticationBackend",
    ]


@pytest.mark.django_db
def test_an_email_login_is_kept_across_requests(db: None) -> None:
    make_user("login@example.com", password=PASSWORD)
    client = signed_in_client("login@example.com")

    assert client.session[BACKEND_SESSION_KEY] == "allauth.account.auth_backends.AuthenticationBackend"
    assert client.get(CATALOGUE).status_code == 200
    assert client.get(CATALOGUE).status_code == 200


@pytest.mark.django_db
def test_logout_ends_the_session_even_for_a_replayed_cookie(db: None) -> None:
    make_user("login@example.com", password=PASSWORD)
    client = signed_in_client("login@example.com")
    stolen = Client()
    stolen.cookies[settings.SESSION_COOKIE_NAME] = session_cookie(client)
    assert stolen.get(CATALOGUE).status_code == 200

    client.post(reverse("account_logout"))

    assert not Session.objects.exists()  # deleted on the server, not just forgotten by the browser
    response = stolen.get(CATALOGUE)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


@pytest.mark.django_db
def test_a_password_change_signs_out_other_sessions(buyer: Any) -> None:
    client = Client()
    client.force_login(buyer)
    assert client.get(CATALOGUE).status_code == 200

    buyer.set_password("a-brand-new-passphrase")
    buyer.save()

    assert client.get(CATALOGUE).status_code == 302


@pytest.mark.django_db
def test_an_inactive_user_is_signed_out(buyer: Any) -> None:
    client = Client()
    client.force_login(buyer)
    buyer.is_active = False
    buyer.save()

    assert client.get(CATALOGUE).status_code == 302


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_session_is_honoured_by_another_process_until_logout(postgres_only: None) -> None:
    make_user("login@example.com", password=PASSWORD)
    client = signed_in_client("login@example.com")
    key = session_cookie(client)

    assert who_is_it_in_another_process(key) == "login@example.com"

    client.post(reverse("account_logout"))

    assert who_is_it_in_another_process(key) == "anonymous"


@pytest.mark.django_db
def test_a_session_from_before_the_switch_is_signed_out_once(buyer: Any) -> None:
    # The release note in docs/OPERATIONS.md: such sessions name a backend that is gone.
    from importlib import import_module

    from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY

    old = import_module(settings.SESSION_ENGINE).SessionStore()
    old[SESSION_KEY] = str(buyer.pk)
    old[BACKEND_SESSION_KEY] = "shop.auth_backends.AuthenticationBackend"
    old[HASH_SESSION_KEY] = buyer.get_session_auth_hash()
    old.create()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = old.session_key

    response = client.get(CATALOGUE)

    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    client.force_login(buyer)  # logging in again just works
    assert client.get(CATALOGUE).status_code == 200

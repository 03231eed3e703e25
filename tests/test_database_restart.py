"""A real outage: the shop runs under gunicorn against its own throwaway PostgreSQL server,
which the test stops and starts. No mocks: the persistent connection really breaks.

Costs about 15-30 s (initdb, migrate, two restarts), so it runs once, in the PostgreSQL suite.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.postgres


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_bin() -> Path:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
    found = shutil.which("initdb")
    if found:
        # Debian links initdb and pg_ctl into PATH but not createdb's siblings: follow the link.
        candidates.append(Path(found).resolve())
    if not candidates:
        pytest.fail("PostgreSQL server binaries (initdb, pg_ctl) are needed for this test")
    return candidates[0].parent


@dataclass
class ThrowawayPostgres:
    bin_dir: Path
    data_dir: Path
    port: int

    def _run(self, *args: str) -> None:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            # PostgreSQL refuses to run as root.
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data_dir), "-U", "postgres", "--auth=trust", "-E", "UTF8")

    def start(self) -> None:
        self._run(
            "pg_ctl", "-D", str(self.data_dir), "-l", str(self.data_dir / "server.log"), "-w",
            "-o", f"-p {self.port} -k {self.data_dir} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        )

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "stop")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/shop"


@pytest.fixture(scope="module")
def throwaway_postgres() -> Iterator[ThrowawayPostgres]:
    tmp = Path(tempfile.mkdtemp(prefix="shop-pg-"))
    data_dir = tmp / "data"
    data_dir.mkdir()
    if os.geteuid() == 0:
        shutil.chown(tmp, "postgres")
        shutil.chown(data_dir, "postgres")
    server = ThrowawayPostgres(bin_dir=postgres_bin(), data_dir=data_dir, port=free_port())
    server.init()
    server.start()
    try:
        subprocess.run(
            [str(server.bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(server.port),
             "-U", "postgres", "shop"],
            check=True, capture_output=True, timeout=60,
        )
        yield server
    finally:
        subprocess.run(
            ["runuser", "-u", "postgres", "--"] * (os.geteuid() == 0)
            + [str(server.bin_dir / "pg_ctl"), "-D", str(data_dir), "-m", "immediate", "stop"],
            capture_output=True, timeout=60,
        )
        shutil.rmtree(tmp, ignore_errors=True)


SETUP_SCRIPT = """
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
user = get_user_model().objects.create_user(username="b@x.test", email="b@x.test", password="pw-123456789")
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
from shop import services
print(session.session_key, services.token_create(user=user, name="outage").secret)
"""


@dataclass
class LiveShop:
    base_url: str
    session: requests.Session


@pytest.fixture(scope="module")
def live_shop(throwaway_postgres: ThrowawayPostgres) -> Iterator[LiveShop]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": throwaway_postgres.url,
        "DEBUG": "true",
        "CONN_MAX_AGE": "600",  # the production default: a persistent connection to break
        "LOG_FORMAT": "text",
    }
    python = sys.executable
    subprocess.run(
        [python, "manage.py", "migrate", "--no-input"],
        cwd=ROOT, env=env, check=True, capture_output=True, timeout=180,
    )
    session_key, api_token = subprocess.run(
        [python, "manage.py", "shell", "-c", SETUP_SCRIPT],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=60,
    ).stdout.strip().splitlines()[-1].split()
    port = free_port()
    server = subprocess.Popen(
        [python, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--timeout", "60"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        # Generous: the first request imports the app, and the machine may be busy.
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"{base_url}/healthz", timeout=10)
                break
            except requests.RequestException:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("gunicorn did not start")
                time.sleep(0.2)
        browser = requests.Session()
        browser.cookies.set("sessionid", session_key)
        browser.headers["Authorization"] = f"Bearer {api_token}"  # ignored by the HTML pages
        yield LiveShop(base_url=base_url, session=browser)
    finally:
        server.terminate()
        server.wait(timeout=30)


def get(shop: LiveShop, path: str) -> requests.Response:
    return shop.session.get(f"{shop.base_url}{path}", timeout=15, allow_redirects=False)


def test_the_shop_answers_503_while_postgres_is_down_and_recovers_without_a_restart(
    throwaway_postgres: ThrowawayPostgres, live_shop: LiveShop
) -> None:
    assert get(live_shop, "/healthz").status_code == 200
    assert get(live_shop, "/").status_code == 200  # signed in: the catalogue queries the database

    throwaway_postgres.stop()
    try:
        health = get(live_shop, "/healthz")
        page = get(live_shop, "/")
        api = get(live_shop, "/api/v1/products")
    finally:
        throwaway_postgres.start()

    assert health.status_code == 503
    assert health.json() == {"status": "unavailable"}
    assert page.status_code == 503
    assert "The shop is temporarily unavailable" in page.text
    assert page.headers["Retry-After"] == "30"
    assert api.status_code == 503
    assert api.headers["Content-Type"].startswith("application/json")
    assert api.json()["error"]["code"] == "service_unavailable"

    # Back up: the very next requests work, with no restart of the web process.
    assert get(live_shop, "/healthz").status_code == 200
    assert get(live_shop, "/").status_code == 200


def test_a_restart_between_requests_goes_unnoticed(
    throwaway_postgres: ThrowawayPostgres, live_shop: LiveShop
) -> None:
    assert get(live_shop, "/").status_code == 200  # holds a persistent connection

    throwaway_postgres.stop()
    throwaway_postgres.start()

    # The kept connection is dead; the health check on reuse replaces it before the query.
    assert get(live_shop, "/").status_code == 200
    assert get(live_shop, "/healthz").status_code == 200

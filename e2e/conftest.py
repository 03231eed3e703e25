"""Browser journeys (Playwright, sync API) against a live server of the shop on PostgreSQL.

Each test gets a live server backed by a transactional test database (flushed after the test),
so data is created here through the services and the ORM, never through fixtures files.

Artifacts land under artifacts/e2e/ (git-ignored; CI keeps the folder):
  traces/       Playwright traces of failed tests (scripts/test passes --tracing retain-on-failure)
  screenshots/  pages saved by `shoot` (every page of the checkout journey)
"""

import os

# Playwright's sync API runs an event loop in the main thread; Django refuses ORM calls from a
# thread with a running loop unless told this is deliberate. scripts/test sets it as well.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import io
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import BrowserContext, Page, expect

from shop.models import Category, Product
from tests.factories import make_user, product_maker
from ui import Shooter, sign_in

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "e2e"
SCREENSHOTS = ARTIFACTS / "screenshots"
# Flags for a distribution Chromium in a container: no sandbox (no user namespaces here), no
# GPU, and none of the background traffic (updates, sync) that would try to reach the network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# A busy two-core machine runs the live server, PostgreSQL and Chromium at once: generous enough
# not to flake there, short enough that a broken page fails in seconds, not minutes.
TIMEOUT_MS = 15_000

expect.set_options(timeout=TIMEOUT_MS)


# --- Browser ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium when SHOP_CHROMIUM names it; otherwise Playwright's own download.

    A browser that is missing makes every test fail at launch: CI must never pass on a suite
    that did not run.
    """
    executable = os.environ.get("SHOP_CHROMIUM", "")
    if not executable:
        return browser_type_launch_args
    if not Path(executable).is_file() or not os.access(executable, os.X_OK):
        pytest.fail(
            f"SHOP_CHROMIUM={executable!r} is not an executable file. Install Chromium "
            "(apt-get install -y chromium) or run `.venv/bin/python -m playwright install "
            "chromium` and unset SHOP_CHROMIUM.",
            pytrace=False,
        )
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(live_server: Any) -> str:
    """Relative URLs in page.goto() resolve against the live server."""
    return live_server.url


@pytest.fixture(scope="session", autouse=True)
def _plain_static_storage() -> Iterator[None]:
    """The manifest storage needs collectstatic first; the live server serves from the finders."""
    storages = {**settings.STORAGES}
    storages["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(STORAGES=storages):
        yield


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing() -> Iterator[None]:
    """PBKDF2 takes ~0.75 s a password on a busy two-core machine, and the journeys make a
    dozen users (sample_db alone ten): the live server in this process hashes with MD5 too."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _empty_cache(request: pytest.FixtureRequest, django_db_blocker: Any) -> None:
    # The flush after each test leaves the cache table alone, and a product total cached by the
    # previous test (SHOP_PRODUCT_COUNT_CACHE_SECONDS) would show on this test's catalogue.
    if "django_db_setup" in request.fixturenames:
        with django_db_blocker.unblock():
            for each in caches.all():
                each.clear()


@pytest.fixture
def context(context: BrowserContext) -> BrowserContext:
    context.set_default_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def new_context(new_context: Callable[..., BrowserContext]) -> Callable[..., BrowserContext]:
    def _new_context(**kwargs: Any) -> BrowserContext:
        created = new_context(**kwargs)
        created.set_default_timeout(TIMEOUT_MS)
        return created

    return _new_context


# --- Data -------------------------------------------------------------------------------------


@pytest.fixture
def buyer(transactional_db: None) -> Any:
    return make_user("buyer@bakery.test")


@pytest.fixture
def other_buyer(transactional_db: None) -> Any:
    return make_user("other@brewery.test")


@pytest.fixture
def sample_catalogue(transactional_db: None) -> None:
    """The realistic catalogue of `manage.py sample_db`: 78 products in 11 categories."""
    call_command("sample_db", stdout=io.StringIO())


@pytest.fixture
def category(transactional_db: None) -> Category:
    return Category.objects.create(slug="flours", name="Flours")


@pytest.fixture
def make_product(category: Category) -> Callable[..., Product]:
    return product_maker(category, sku_prefix="E2E")


# --- Sessions ---------------------------------------------------------------------------------


@pytest.fixture
def buyer_page(page: Page, buyer: Any, live_server: Any) -> Page:
    sign_in(page.context, buyer, live_server.url)
    return page


# --- Evidence ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _fresh_screenshots() -> None:
    """Screenshots of this run only: CI keeps the folder, stale pages would mislead."""
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)


@pytest.fixture
def shoot(request: pytest.FixtureRequest, _fresh_screenshots: None) -> Shooter:
    folder = SCREENSHOTS / re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return Shooter(folder)


def pytest_configure(config: pytest.Config) -> None:
    # whitenoise looks for STATIC_ROOT (collectstatic output); the live server serves from the
    # finders instead, so its absence here is expected.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")

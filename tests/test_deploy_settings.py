"""Production settings, checked the way a deploy runs them: a fresh process with a real environment.

Settings are read once at import, so switching DEBUG/SECRET_KEY needs a new interpreter; these
tests run manage.py (or a short script) in a subprocess with a production environment.
"""

import json
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def production_env(**overrides: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # The outer environment must not leak development switches into "production".
        if not key.startswith(("DJANGO_", "SECURE_", "EMAIL_", "DEBUG", "SECRET_KEY"))
        and key not in {"ALLOWED_HOSTS", "STATIC_MANIFEST", "BEHIND_TLS_PROXY", "LOG_FORMAT"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "shop.example.com",
            "DATABASE_URL": "postgres://shop:secret@db.internal:5432/shop",
            "SHOP_SELLER_NAME": "Example Mills Ltd",
            "SHOP_SELLER_ADDRESS": "1 Quay Street|Bristol BS1 4AA",
            "SHOP_SELLER_VAT_NUMBER": "GB 987 6543 21",
            "SHOP_SELLER_EMAIL": "accounts@example.com",
        }
    )
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module", autouse=True)
def collected_static(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    # Production refuses to start without collectstatic (check shop.E001): collect once, as the
    # image build does, and let production_env() hand STATIC_ROOT to every subprocess here.
    root = tmp_path_factory.mktemp("staticfiles")
    result = run(["manage.py", "collectstatic", "--no-input", "-v0"], production_env(STATIC_ROOT=str(root)))
    assert result.returncode == 0, result.stderr
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STATIC_ROOT", str(root))
        yield


def test_check_deploy_reports_nothing_with_production_variables() -> None:
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stderr and "ERROR" not in result.stderr


def test_check_deploy_notices_a_weak_secret_key() -> None:
    # Proves the check above really runs the deploy checks: a short key must be reported.
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_env(SECRET_KEY="too-short"),
    )

    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_check_deploy_warns_while_invoices_would_name_the_sample_seller() -> None:
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_env(SHOP_SELLER_VAT_NUMBER=None),
    )

    assert result.returncode != 0
    assert "shop.W001" in result.stdout + result.stderr


def test_the_seller_comes_from_the_environment() -> None:
    script = "import json; from django.conf import settings; print(json.dumps(settings.SHOP_SELLER))"
    result = run(["-c", f"import django; django.setup(); {script}"], production_env())

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "name": "Example Mills Ltd",
        "address": ["1 Quay Street", "Bristol BS1 4AA"],
        "vat_number": "GB 987 6543 21",
        "email": "accounts@example.com",
    }


def test_the_shop_refuses_to_start_in_production_without_a_secret_key() -> None:
    env = production_env()
    del env["SECRET_KEY"]

    result = run(["manage.py", "check"], env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr
    assert "secrets.token_urlsafe" in result.stderr  # tells the operator how to make one


def test_an_empty_secret_key_is_refused_too() -> None:
    result = run(["manage.py", "check"], production_env(SECRET_KEY=""))

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_a_malformed_debug_value_fails_loudly() -> None:
    result = run(["manage.py", "check"], production_env(DEBUG="maybe"))

    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


PROBE = r"""
import json
import django
django.setup()
from django.conf import settings
from django.test import Client

# A path that does not exist: answered without touching the database, so the probe needs none.
response = Client(HTTP_HOST="shop.example.com").get("/no-such-page/", secure=True)
plain = Client(HTTP_HOST="shop.example.com").get("/no-such-page/")
# Load balancers probe over plain HTTP; nothing listens on port 1, so the database is "down".
health = Client(HTTP_HOST="shop.example.com").get("/healthz")
print(json.dumps({
    "status": response.status_code,
    "headers": dict(response.headers),
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location"),
    "health_status": health.status_code,
    "health_body": health.content.decode(),
    "settings": {name: getattr(settings, name) for name in (
        "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
        "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_PROXY_SSL_HEADER", "ACCOUNT_LOGOUT_ON_GET", "LOG_FORMAT",
    )},
}))
"""


@pytest.fixture(scope="module")
def production_probe() -> dict:
    result = run(
        ["-c", PROBE],
        production_env(
            STATIC_MANIFEST="false", DATABASE_URL="postgres://shop:secret@127.0.0.1:1/shop"
        ),
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_are_secure_and_http_only(production_probe: dict) -> None:
    values = production_probe["settings"]
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["ACCOUNT_LOGOUT_ON_GET"] is False
    assert values["LOG_FORMAT"] == "json"


def test_production_redirects_plain_http_to_https(production_probe: dict) -> None:
    assert production_probe["plain_status"] == 301
    assert production_probe["plain_location"] == "https://shop.example.com/no-such-page/"
    assert production_probe["settings"]["SECURE_PROXY_SSL_HEADER"] == [
        "HTTP_X_FORWARDED_PROTO",
        "https",
    ]


def test_healthz_answers_plain_http_probes_without_a_redirect(production_probe: dict) -> None:
    assert production_probe["health_status"] == 503
    assert json.loads(production_probe["health_body"]) == {"status": "unavailable"}


def test_production_responses_carry_the_security_headers(production_probe: dict) -> None:
    headers = {key.lower(): value for key, value in production_probe["headers"].items()}

    assert production_probe["status"] == 404
    assert headers["strict-transport-security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp


CLIENT_IP_PROBE = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.ALLAUTH_TRUSTED_PROXY_COUNT, settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER)"
)


def test_the_trusted_proxies_come_from_the_environment() -> None:
    default = run(["-c", CLIENT_IP_PROBE], production_env())
    proxied = run(
        ["-c", CLIENT_IP_PROBE],
        production_env(TRUSTED_PROXY_COUNT="2", TRUSTED_CLIENT_IP_HEADER="X-Real-IP"),
    )

    assert default.stdout.split() == ["0", "None"], default.stderr
    assert proxied.stdout.split() == ["2", "X-Real-IP"], proxied.stderr


def test_a_malformed_proxy_count_fails_loudly() -> None:
    for bad in ("one", "-1"):
        result = run(["manage.py", "check"], production_env(TRUSTED_PROXY_COUNT=bad))

        assert result.returncode != 0
        assert "TRUSTED_PROXY_COUNT must be" in result.stderr


def compose() -> dict:
    import yaml

    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_a_mail_worker_with_the_apps_environment() -> None:
    services = compose()["services"]

    worker = services["worker"]
    assert worker["command"][:3] == ["python", "manage.py", "db_worker"]
    assert worker["environment"] == services["web"]["environment"]
    assert worker["image"] == services["web"]["image"]
    assert worker["healthcheck"] == {"disable": True}  # the image's probes HTTP, which it does not serve
    assert worker["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_compose_counts_clients_behind_its_nginx() -> None:
    assert compose()["x-app-env"]["TRUSTED_PROXY_COUNT"] == "${TRUSTED_PROXY_COUNT:-1}"
    assert "$proxy_add_x_forwarded_for" in (ROOT / "deploy" / "nginx.conf").read_text()


TASKS_PROBE = "import django; django.setup(); from django.conf import settings; print(settings.TASKS['default']['BACKEND'])"


def test_production_queues_tasks_in_the_database_and_development_runs_them_at_once() -> None:
    production = run(["-c", TASKS_PROBE], production_env())
    development = run(["-c", TASKS_PROBE], production_env(DEBUG="true"))
    bad = run(["manage.py", "check"], production_env(TASKS_BACKEND="celery"))

    assert production.stdout.strip() == "django_tasks_db.DatabaseBackend", production.stderr
    assert development.stdout.strip() == "django.tasks.backends.immediate.ImmediateBackend"
    assert bad.returncode != 0 and "TASKS_BACKEND must be database or immediate" in bad.stderr

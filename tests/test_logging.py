"""Structured logs: one line per order placed, rejected or cancelled, JSON in production."""

import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.test import Client

from shop import services
from shop.exceptions import InsufficientStock
from shop.logging import JsonFormatter, KeyValueFormatter, redact

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.django_db


def order_events(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "shop.orders"]


def test_placing_an_order_logs_one_line_with_user_order_lines_and_duration(
    buyer, make_product, caplog: pytest.LogCaptureFixture
) -> None:
    flour, yeast = make_product(stock=10), make_product(stock=10)

    with caplog.at_level(logging.INFO, logger="shop.orders"):
        order = services.order_place(user=buyer, lines=[(flour.pk, 2), (yeast.pk, 1)]).order

    [record] = order_events(caplog)
    assert record.levelno == logging.INFO
    assert record.event == "order_placed"
    assert record.user_id == buyer.pk
    assert record.order_id == order.pk
    assert record.lines == 2
    assert record.total == str(order.total)
    assert isinstance(record.duration_ms, float) and record.duration_ms >= 0


def test_a_rejected_order_logs_one_line_naming_the_short_products(
    buyer, make_product, caplog: pytest.LogCaptureFixture
) -> None:
    flour, yeast = make_product(stock=10), make_product(stock=1)

    with caplog.at_level(logging.INFO, logger="shop.orders"), pytest.raises(InsufficientStock):
        services.order_place(user=buyer, lines=[(flour.pk, 2), (yeast.pk, 5)])

    [record] = order_events(caplog)
    assert record.event == "order_rejected"
    assert record.user_id == buyer.pk
    assert record.lines == 2
    assert record.short_products == [yeast.pk]
    assert record.duration_ms >= 0


def test_cancelling_an_order_logs_one_line(
    buyer, make_product, caplog: pytest.LogCaptureFixture
) -> None:
    flour = make_product(stock=10)
    order = services.order_place(user=buyer, lines=[(flour.pk, 3)]).order
    caplog.clear()

    with caplog.at_level(logging.INFO, logger="shop.orders"):
        services.order_cancel(user=buyer, order_id=order.pk)

    [record] = order_events(caplog)
    assert record.event == "order_cancelled"
    assert record.user_id == buyer.pk
    assert record.order_id == order.pk
    assert record.lines == 1
    assert record.duration_ms >= 0


def test_an_order_through_the_api_is_logged_exactly_once(
    client: Client, buyer, make_product, caplog: pytest.LogCaptureFixture
) -> None:
    flour = make_product(stock=10)
    token = services.token_create(user=buyer, name="logs").secret

    with caplog.at_level(logging.INFO, logger="shop.orders"):
        response = client.post(
            "/api/v1/orders",
            {"lines": [{"product": flour.pk, "quantity": 1}]},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    assert response.status_code == 201
    assert [r.event for r in order_events(caplog)] == ["order_placed"]
    assert order_events(caplog)[0].order_id == response.json()["id"]


def test_the_json_formatter_writes_the_event_fields_as_one_json_line(
    buyer, make_product, caplog: pytest.LogCaptureFixture
) -> None:
    flour = make_product(stock=10)
    with caplog.at_level(logging.INFO, logger="shop.orders"):
        order = services.order_place(user=buyer, lines=[(flour.pk, 2)]).order

    line = JsonFormatter().format(order_events(caplog)[0])

    assert "\n" not in line
    payload = json.loads(line)
    assert payload["level"] == "INFO"
    assert payload["logger"] == "shop.orders"
    assert payload["message"] == "order placed"
    assert payload["event"] == "order_placed"
    assert payload["user_id"] == buyer.pk
    assert payload["order_id"] == order.pk
    assert payload["lines"] == 1
    assert payload["total"] == str(order.total)
    assert isinstance(payload["duration_ms"], float)
    assert payload["time"].endswith("+00:00")


def test_the_json_formatter_keeps_a_traceback_inside_the_one_line() -> None:
    try:
        raise ValueError("boom\nsecond line")
    except ValueError:
        record = logging.getLogger("shop.test").makeRecord(
            "shop.test", logging.ERROR, __file__, 1, "failed", (), sys.exc_info()
        )

    line = JsonFormatter().format(record)

    assert "\n" not in line
    assert "ValueError: boom" in json.loads(line)["exc_info"]


def test_development_logs_show_the_event_fields_on_the_line() -> None:
    record = logging.makeLogRecord(
        {"name": "shop.orders", "levelno": logging.INFO, "levelname": "INFO",
         "msg": "order placed", "event": "order_placed", "order_id": 7, "lines": 2}
    )

    line = KeyValueFormatter().format(record)

    assert line.endswith("shop.orders order placed event=order_placed order_id=7 lines=2")


LOG_PROBE = """
import logging
import django
django.setup()
logging.getLogger("shop.orders").info(
    "order placed",
    extra={"event": "order_placed", "user_id": 3, "order_id": 41, "lines": 2, "duration_ms": 4.2},
)
"""


@pytest.mark.parametrize(
    ("env", "json_expected"),
    [({"LOG_FORMAT": "json"}, True), ({"DEBUG": "false", "SECRET_KEY": "x" * 60}, True),
     ({"LOG_FORMAT": "text"}, False)],
)
def test_the_logging_config_picks_json_in_production(env: dict[str, str], json_expected: bool) -> None:
    base = {k: v for k, v in os.environ.items() if k not in {"LOG_FORMAT", "DEBUG", "SECRET_KEY"}}
    result = subprocess.run(
        [sys.executable, "-c", LOG_PROBE],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    [line] = result.stderr.strip().splitlines()
    if json_expected:
        payload = json.loads(line)
        assert payload["event"] == "order_placed"
        assert (payload["user_id"], payload["order_id"], payload["lines"]) == (3, 41, 2)
        assert payload["duration_ms"] == 4.2
    else:
        assert "order placed" in line
        assert "user_id=3 order_id=41 lines=2 duration_ms=4.2" in line


# --- Credentials never reach a log line ---------------------------------------------------------

SECRET = "shop_0123456789ab_Q2hhbmdlLXRoaXMtc2VjcmV0LW5vdy0wMTIzNDU2Nzg5"


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (f"GET /api/v1/products?token={SECRET}&page=2 HTTP/1.1", SECRET),
        ("GET /api/v1/orders?access_token=abc.def.ghi HTTP/1.1", "abc.def.ghi"),
        ("GET /api/v1/orders?page=1&api_key=k-12345 HTTP/1.1", "k-12345"),
        (f"Authorization: Bearer {SECRET}", SECRET),
        ("{'HTTP_AUTHORIZATION': 'Token 9f8e7d6c5b4a'}", "9f8e7d6c5b4a"),
        ("Authorization: Basic dXNlcjpodW50ZXIy", "dXNlcjpodW50ZXIy"),
        ("login=a@b.test&password=hunter2-xyz", "hunter2-xyz"),
        ('{"email": "a@b.test", "password": "hunter2-xyz"}', "hunter2-xyz"),
        ("<QueryDict: {'password': ['hunter2-xyz']}>", "hunter2-xyz"),
        ("could not connect to postgres://shop:s3cr3t-pw@db.internal:5432/shop", "s3cr3t-pw"),
        (f"a token pasted in a message: {SECRET}", SECRET),
        ("client_secret=zzz-top", "zzz-top"),
    ],
)
def test_credentials_are_redacted(text: str, secret: str) -> None:
    redacted = redact(text)

    assert secret not in redacted
    assert "[REDACTED]" in redacted


@pytest.mark.parametrize(
    "text",
    [
        "order placed event=order_placed order_id=7 lines=2",
        "token revoked event=token_revoked token_id=7",
        "Not Found: /api/v1/tokens/current",
        "GET /?q=rye+flour&page=2 HTTP/1.1",
        "the password was changed",
    ],
)
def test_ordinary_lines_are_left_alone(text: str) -> None:
    assert redact(text) == text


def test_the_json_formatter_redacts_messages_fields_and_tracebacks() -> None:
    try:
        raise ConnectionError("postgres://shop:s3cr3t-pw@db:5432/shop refused")
    except ConnectionError:
        record = logging.getLogger("shop.test").makeRecord(
            "shop.test", logging.ERROR, __file__, 1, "login %s", (f"token={SECRET}",), sys.exc_info(),
            extra={"form": {"email": "a@b.test", "password": "hunter2-xyz"}, "header": f"Bearer {SECRET}"},
        )

    line = JsonFormatter().format(record)

    for secret in (SECRET, "s3cr3t-pw", "hunter2-xyz"):
        assert secret not in line
    payload = json.loads(line)
    assert payload["form"] == {"email": "a@b.test", "password": "[REDACTED]"}
    assert payload["message"] == "login token=[REDACTED]"


def test_the_development_formatter_redacts_too() -> None:
    record = logging.makeLogRecord(
        {"name": "django.server", "levelno": logging.INFO, "levelname": "INFO",
         "msg": '"%s" %s', "args": (f"GET /api/v1/orders?token={SECRET} HTTP/1.1", 401)}
    )

    line = KeyValueFormatter().format(record)

    assert SECRET not in line
    assert "?token=[REDACTED]" in line


QUERY_TOKEN_PROBE = f"""
import logging
import django
django.setup()
from django.test import Client
response = Client().get("/api/v1/products?token={SECRET}", secure=True)
assert response.status_code == 401, response.status_code
logging.getLogger("django.server").info('"%s" %s', "GET /api/v1/products?token={SECRET} HTTP/1.1", 401)
logging.getLogger("shop.test").error("cannot reach %s", "postgres://shop:s3cr3t-pw@db:5432/shop")
"""


@pytest.mark.parametrize("log_format", ["json", "text"])
def test_a_token_in_the_query_string_is_refused_and_never_logged(log_format: str) -> None:
    # Before: django.request wrote the request (and so the whole URL) into the 401's log line.
    base = {k: v for k, v in os.environ.items() if k not in {"LOG_FORMAT", "DEBUG", "SECRET_KEY"}}
    result = subprocess.run(
        [sys.executable, "-c", QUERY_TOKEN_PROBE],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "false",
             "SECRET_KEY": "x" * 60, "STATIC_MANIFEST": "false", "LOG_FORMAT": log_format},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    lines = result.stderr.strip().splitlines()
    assert any("Unauthorized: /api/v1/products" in line for line in lines)  # it was logged
    assert any("django.server" in line for line in lines)
    assert SECRET not in result.stderr
    assert "s3cr3t-pw" not in result.stderr
    assert "[REDACTED]" in result.stderr


def test_gunicorns_access_log_is_redacted(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = tmp_path / "gunicorn.log"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEBUG", "LOG_"))}
    env = {**base, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "false",
           "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "127.0.0.1", "STATIC_MANIFEST": "false",
           "DATABASE_URL": "postgres://shop:s3cr3t-pw@127.0.0.1:1/shop"}
    with open(log, "wb") as output:
        # The image's command line (Dockerfile CMD): the access log on standard output.
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind",
             f"127.0.0.1:{port}", "--workers", "1", "--access-logfile", "-"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(urllib.request.Request(
                    f"http://127.0.0.1:{port}/api/v1/products?token={SECRET}",
                    headers={"X-Forwarded-Proto": "https", "Referer": f"https://x.test/?api_key={SECRET}"},
                ), timeout=10):
                    pass
            except urllib.error.HTTPError as error:
                assert error.code == 401
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=30)

    written = log.read_text()
    assert '"GET /api/v1/products?token=[REDACTED] HTTP/1.1" 401' in written  # the access line
    assert SECRET not in written


@pytest.mark.parametrize("name", ["django", "django.request", "django.server", "django.security.csrf"])
def test_every_handler_of_djangos_loggers_redacts(name: str) -> None:
    # Django's default handlers (console in development, mail to ADMINS in production) print
    # or mail a request's full URL, secrets included: only the shop's formatters may see it.
    handlers: list[logging.Handler] = []
    logger: logging.Logger | None = logging.getLogger(name)
    while logger is not None:
        # pytest's own capture handlers sit on the root logger during tests: not the shop's.
        handlers += [h for h in logger.handlers if not type(h).__module__.startswith("_pytest")]
        logger = logger.parent if logger.propagate else None

    assert handlers
    for handler in handlers:
        assert isinstance(handler.formatter, (JsonFormatter, KeyValueFormatter)), handler

"""Structured logs: one line per order placed, rejected or cancelled, JSON in production."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from shop import services
from shop.exceptions import InsufficientStock
from shop.logging import JsonFormatter, KeyValueFormatter

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

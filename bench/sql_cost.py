"""What each statement of shop/sql.py saves: in-process CPU of `POST /api/v1/orders`, as it is
and with each hand-written statement swapped for its ORM equivalent (bench/RESULTS.md,
"Hand-written SQL").

    DEBUG=false SECRET_KEY=... ALLOWED_HOSTS=127.0.0.1 BEHIND_TLS_PROXY=true LOG_LEVEL=WARNING \\
    DATABASE_URL=postgres://.../db .venv/bin/python -m bench.sql_cost

on a database made with `manage.py sample_db --products 2000`. It places orders (one unit
each) with an API token it creates for the first user, and revokes that token at the end.
"""

import io
import json
import os
import random
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any
from unittest import mock

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402

from shop import services  # noqa: E402
from shop.models import ApiToken, Order, OrderLine, Product, StockMovement  # noqa: E402
from shop.services import orders, stock, tokens  # noqa: E402

ROUNDS, PER_ROUND = 5, int(os.environ.get("PER_ROUND", "200"))


def orm_token_lookup(prefix: str) -> ApiToken | None:
    with_users = ApiToken.objects.select_related("user")
    return with_users.filter(prefix=prefix, revoked_at__isnull=True).first()


def orm_order_insert(*, order: Order, lines: list[OrderLine]) -> set[int]:
    changes = {line.product_id: -line.quantity for line in lines}
    order.save(force_insert=True)
    for line in lines:
        line.order = order
    OrderLine.objects.bulk_create(lines)
    StockMovement.objects.bulk_create(
        stock.movements_for(changes, reason=StockMovement.Reason.ORDER, order_id=order.pk,
                            user_id=order.user_id)
    )
    return set(stock.apply_stock_changes(changes, now=order.created_at))


VARIANTS: dict[str, list[Callable[[], Any]]] = {
    "as it is (shop/sql.py)": [],
    "ORM product read": [
        lambda: mock.patch.object(orders, "_products_for", orders.orm_product_read)
    ],
    "ORM token lookup": [
        lambda: mock.patch.object(tokens, "_live_token_by_prefix", orm_token_lookup)
    ],
    "ORM order insert": [
        lambda: mock.patch.object(orders, "order_write_taking_stock", orm_order_insert)
    ],
}
VARIANTS["all three ORM"] = [patch for patches in list(VARIANTS.values()) for patch in patches]


def main() -> None:
    user = get_user_model().objects.order_by("pk").first()
    issued = services.token_create(user=user, name="bench.sql_cost", expires_in_days=1)
    pool = list(Product.objects.filter(is_active=True, stock__gte=100).values_list("pk", flat=True))
    rng = random.Random(2026)
    app = WSGIHandler()

    def post(lines: int) -> None:
        body = json.dumps(
            {"lines": [{"product": pid, "quantity": 1} for pid in rng.sample(pool, lines)]}
        ).encode()
        environ = {
            "REQUEST_METHOD": "POST", "PATH_INFO": "/api/v1/orders", "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "443", "HTTP_HOST": "127.0.0.1", "wsgi.url_scheme": "https",
            "HTTP_X_FORWARDED_PROTO": "https", "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body),
            "HTTP_AUTHORIZATION": f"Bearer {issued.secret}", "wsgi.errors": sys.stderr,
        }
        statuses: list[str] = []
        b"".join(app(environ, lambda status, headers: statuses.append(status)))
        if not statuses[0].startswith("201"):
            raise SystemExit(f"POST /api/v1/orders answered {statuses[0]}")

    try:
        for lines in (1, 5):
            cpu: dict[str, list[float]] = {name: [] for name in VARIANTS}
            for _ in range(ROUNDS):  # interleaved: the machine's other load drifts
                for name, patches in VARIANTS.items():
                    with ExitStack() as stack:
                        for patch in patches:
                            stack.enter_context(patch())
                        for _ in range(20):
                            post(lines)
                        started = time.process_time()
                        for _ in range(PER_ROUND):
                            post(lines)
                        cpu[name].append((time.process_time() - started) / PER_ROUND * 1000)
            for name, values in cpu.items():
                values.sort()
                print(f"{lines} line(s), {name}: min {values[0]:.2f} ms, "
                      f"median {values[len(values) // 2]:.2f} ms CPU per request")
    finally:
        services.token_revoke(user=user, token_id=issued.token.pk)


if __name__ == "__main__":
    main()

"""The benchmark: `bench/run` (or `.venv/bin/python -m bench`). See bench/RESULTS.md.

One run, in this order: a fresh PostgreSQL database, migrations, a generated catalogue
(sample_db --products N), bench users with API tokens, gunicorn with production settings, then
each measurement for a fixed duration at a fixed number of concurrent clients:

  db-ceiling-hot   the order service's own statements (shop/sql.py, sent by bench/ceiling.py)
                   from psycopg2 threads: no Django connection, no HTTP
  db-ceiling-1     the same over random products, one line
  api-orders-hot   POST /api/v1/orders, one product with a large stock
  api-orders-1     POST /api/v1/orders, a random product, one line
  api-orders-5     POST /api/v1/orders, five random products
  catalogue        the catalogue page, logged in, 25 rows, one URL (the cached path)
  catalogue-mix    the catalogue, logged in, rotating through a few thousand distinct URLs:
                   pages, searches, categories, sorts and "in stock only", as buyers page
                   through it (the render path)
  api-products     GET /api/v1/products?page_size=25
  bare             a Django view returning {} through the same middleware (bench/urls.py)

HTTP load comes from wrk (C, so the load generator takes little of the machine's two cores).
Afterwards it checks that nothing was oversold and that the stock ledger balances.
"""

import json
import os
import random
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from importlib import import_module
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DATABASE = os.environ.get("BENCH_DATABASE", "bench_shop")
PRODUCTS = int(os.environ.get("BENCH_PRODUCTS", "100000"))
DURATION = int(os.environ.get("BENCH_DURATION", "15"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "16"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
# Threads per worker: 1 is gunicorn's sync worker; more switches to gthread (keep-alive too).
THREADS = int(os.environ.get("BENCH_THREADS", "1"))
# A comma-separated subset of the measurements (e.g. db-ceiling-hot,api-orders-hot), for a
# quick look at one ratio; a recorded run measures everything.
MEASUREMENTS = ["db-ceiling-hot", "api-orders-hot", "db-ceiling-1", "api-orders-1", "api-orders-5",
                "bare", "catalogue", "catalogue-mix", "api-products"]
ONLY = {kind.strip() for kind in os.environ.get("BENCH_ONLY", "").split(",") if kind.strip()}
WARMUP = 2
HOT_STOCK = 50_000_000
BENCH_USERS = 8
RANDOM_POOL = 5000
CATALOGUE_MIX_URLS = 3000
PYTHON = sys.executable

# Before Django is imported: the orchestrator's own Django talks to the bench database.
os.environ["DATABASE_URL"] = f"{PG_URL}/{DATABASE}"
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ.setdefault("LOG_LEVEL", "WARNING")

SERVER_ENV = {
    "DATABASE_URL": f"{PG_URL}/{DATABASE}",
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DEBUG": "false",
    "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
    "ALLOWED_HOSTS": "127.0.0.1",
    "CONN_MAX_AGE": "600",
    # Production runs behind a TLS proxy: requests carry X-Forwarded-Proto: https (wrk sends it).
    "BEHIND_TLS_PROXY": "true",
    "LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "INFO"),
}
# The session made for the catalogue is signed with SECRET_KEY: the same key on both sides.
os.environ["SECRET_KEY"] = SERVER_ENV["SECRET_KEY"]


@dataclass
class Result:
    name: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    statuses: dict[str, int] = field(default_factory=dict)
    errors: int = 0

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass
class Fixture:
    hot_product: int
    hot_stock: int
    random_products: list[int]
    tokens: list[str]
    session_cookie: str
    catalogue_path: str
    catalogue_paths: list[str]


def say(message: str) -> None:
    print(f"==> {message}", file=sys.stderr, flush=True)


def manage(*args: str, production: bool = False) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    if production:
        env.update(SERVER_ENV, DJANGO_SETTINGS_MODULE="config.settings")
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def recreate_database() -> None:
    conn = psycopg2.connect(f"{PG_URL}/postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{DATABASE}"')
    conn.close()


def prepare_fixture() -> Fixture:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.db import connection
    from django.urls import reverse

    from shop import services
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    from companies.services import company_create
    from shop.models import Category, Product

    def make_user(email: str) -> Any:
        user = get_user_model().objects.create_user(
            username=email, email=email, password="bench-password-not-secret"
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        # Every buyer orders for a company: each bench buyer is the admin of one of its own,
        # as a signup makes them.
        company_create(name=f"Bench company {email}", admin=user)
        return user

    hot = services.product_create(
        sku="BENCH-HOT",
        name="Bench hot flour",
        category=Category.objects.order_by("pk").first(),
        unit="25 kg sack",
        price=Decimal("21.40"),
        initial_stock=HOT_STOCK,
    )
    users = [make_user(f"bench{i}@bench.test") for i in range(BENCH_USERS)]
    tokens = [
        services.token_create(user=user, name="bench", expires_in_days=1).secret for user in users
    ]
    # Random orders of one unit never empty a product that has this many.
    candidates = list(
        Product.objects.filter(is_active=True, stock__gte=100)
        .exclude(pk=hot.pk)
        .values_list("pk", flat=True)
    )
    pool = random.Random(2026).sample(candidates, min(RANDOM_POOL, len(candidates)))
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(users[0].pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = users[0].get_session_auth_hash()
    session.create()
    fixture = Fixture(
        hot_product=hot.pk,
        hot_stock=HOT_STOCK,
        random_products=pool,
        tokens=tokens,
        session_cookie=f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
        catalogue_path=reverse("shop:catalogue") + "?per_page=25",
        catalogue_paths=catalogue_mix(reverse("shop:catalogue")),
    )
    connection.close()
    return fixture


def catalogue_mix(base: str, count: int = CATALOGUE_MIX_URLS) -> list[str]:
    """Distinct catalogue URLs as buyers produce them: mostly browsing and searching, some
    filtering by category or stock, each with a sort and a page a buyer would reach."""
    from urllib.parse import urlencode

    from shop.models import Category, Product

    names = Product.objects.filter(is_active=True).order_by("?").values_list("name", flat=True)[:3000]
    words = sorted({w.lower() for name in names for w in name.split() if w.isalpha() and len(w) > 3})
    slugs = list(Category.objects.values_list("slug", flat=True))
    sorts = ["", "", "name", "-name", "price", "-price", "stock", "-stock", "sku", "category"]
    rng = random.Random(2026)
    paths: set[str] = set()
    while len(paths) < count:
        kind = rng.random()
        params: dict[str, str] = {}
        if kind < 0.35:  # paging through everything
            params["page"] = str(rng.randint(1, 60))
        elif kind < 0.7:  # a search, first page or two
            params["q"] = rng.choice(words)
            params["page"] = str(rng.choice([1, 1, 1, 2]))
        elif kind < 0.9:  # a category
            params["category"] = rng.choice(slugs)
            params["page"] = str(rng.randint(1, 8))
        else:  # search within a category, in stock only
            params.update(q=rng.choice(words), category=rng.choice(slugs), in_stock="on")
        sort = rng.choice(sorts)
        if sort:
            params["sort"] = sort
        if params.get("page") == "1":
            del params["page"]
        paths.add(base + ("?" + urlencode(params) if params else ""))
    return sorted(paths)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int) -> subprocess.Popen[bytes]:
    OUT.mkdir(parents=True, exist_ok=True)
    log = open(OUT / "gunicorn.log", "wb")
    process = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "config.wsgi:application",
            "--bind", f"127.0.0.1:{port}",
            "--workers", str(WORKERS),
            "--threads", str(THREADS),
            "--access-logfile", "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null",
        ],
        cwd=ROOT,
        env={**os.environ, **SERVER_ENV},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited early, see {OUT / 'gunicorn.log'}")
        try:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/healthz", headers={"X-Forwarded-Proto": "https"}
            )
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 30 s")


# --- the database ceiling --------------------------------------------------------------------
# bench/ceiling.py sends the order service's own statements (shop/sql.py) from psycopg2.


def db_ceiling(name: str, user_ids: list[int], pick: Any, seconds: float) -> Result:
    from bench.ceiling import place_order_sql  # Django is set up by prepare_fixture

    latencies: list[list[float]] = [[] for _ in range(CLIENTS)]
    failures = [0] * CLIENTS
    barrier = threading.Barrier(CLIENTS + 1)
    stop_at = [0.0]

    def client(index: int) -> None:
        connection = psycopg2.connect(f"{PG_URL}/{DATABASE}")
        rng = random.Random(index)
        cursor = connection.cursor()
        barrier.wait()
        while time.perf_counter() < stop_at[0]:
            started = time.perf_counter()
            if not place_order_sql(cursor, connection, user_ids[index % len(user_ids)], pick(rng)):
                failures[index] += 1
            latencies[index].append(time.perf_counter() - started)
        connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    stop_at[0] = time.perf_counter() + seconds
    started = time.perf_counter()
    barrier.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    all_latencies = sorted(x for per_client in latencies for x in per_client)
    return Result(
        name=name,
        requests=len(all_latencies),
        seconds=elapsed,
        p50_ms=percentile(all_latencies, 50) * 1000,
        p99_ms=percentile(all_latencies, 99) * 1000,
        statuses={"placed": len(all_latencies) - sum(failures), "short": sum(failures)},
        errors=sum(failures),
    )


def percentile(sorted_values: list[float], pct: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(pct / 100 * len(sorted_values)) - 1))
    return sorted_values[index]


# --- HTTP load with wrk ----------------------------------------------------------------------

WRK_COMMON = r"""
-- statuses is global: done() reads each thread's copy through thread:get.
counter = 0
statuses = {}
local threads = {}
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("id", thread_count)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(1000 + id)
  counter = id
end

-- wrk.format replaces wrk.headers with the table it is given: start from a copy.
function with_headers(extra)
  local h = {}
  for k, v in pairs(wrk.headers) do h[k] = v end
  for k, v in pairs(extra) do h[k] = v end
  return h
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for k, v in pairs(s) do merged[k] = (merged[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(merged) do table.insert(parts, string.format('"%s": %d', k, v)) end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"socket_errors": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, table.concat(parts, ", ")))
end
"""


def lua_list(values: list[Any]) -> str:
    return "{" + ", ".join(json.dumps(v) for v in values) + "}"


def wrk_script(kind: str, fixture: Fixture) -> str:
    headers = 'wrk.headers["X-Forwarded-Proto"] = "https"\n'
    if kind in {"api-orders-hot", "api-orders-1", "api-orders-5"}:
        lines = {"api-orders-hot": 0, "api-orders-1": 1, "api-orders-5": 5}[kind]
        body = f"""
local tokens = {lua_list(fixture.tokens)}
local pool = {lua_list(fixture.random_products)}
local hot = {fixture.hot_product}
local lines = {lines}
wrk.method = "POST"
wrk.path = "/api/v1/orders"
wrk.headers["Content-Type"] = "application/json"

function request()
  counter = counter + 1
  local chosen = {{}}
  if lines == 0 then
    chosen[1] = hot
  else
    local seen = {{}}
    while #chosen < lines do
      local pid = pool[math.random(#pool)]
      if not seen[pid] then seen[pid] = true; table.insert(chosen, pid) end
    end
  end
  local parts = {{}}
  for i, pid in ipairs(chosen) do
    parts[i] = string.format('{{"product": %d, "quantity": 1}}', pid)
  end
  local body = '{{"lines": [' .. table.concat(parts, ", ") .. ']}}'
  local h = with_headers({{["Authorization"] = "Bearer " .. tokens[(counter % #tokens) + 1]}})
  return wrk.format(nil, nil, h, body)
end
"""
    elif kind == "api-products":
        body = f"""
local tokens = {lua_list(fixture.tokens)}
wrk.path = "/api/v1/products?page_size=25"

function request()
  counter = counter + 1
  local h = with_headers({{["Authorization"] = "Bearer " .. tokens[(counter % #tokens) + 1]}})
  return wrk.format(nil, nil, h, nil)
end
"""
    elif kind == "catalogue":
        body = f"""
wrk.path = {json.dumps(fixture.catalogue_path)}
wrk.headers["Cookie"] = {json.dumps(fixture.session_cookie)}
"""
    elif kind == "catalogue-mix":
        body = f"""
local paths = {lua_list(fixture.catalogue_paths)}
wrk.headers["Cookie"] = {json.dumps(fixture.session_cookie)}

function request()
  counter = counter + 1
  return wrk.format(nil, paths[math.random(#paths)], nil, nil)
end
"""
    elif kind == "bare":
        body = 'wrk.path = "/bench/bare"\n'
    else:
        raise ValueError(kind)
    return headers + WRK_COMMON + body


def run_wrk(kind: str, fixture: Fixture, port: int, seconds: int) -> Result:
    script = OUT / f"{kind}.lua"
    script.write_text(wrk_script(kind, fixture))
    command = [
        "wrk", "--threads", "2", "--connections", str(CLIENTS), "--duration", f"{seconds}s",
        "--timeout", "10s", "--script", str(script), f"http://127.0.0.1:{port}/",
    ]
    completed = subprocess.run(command, capture_output=True, text=True, check=True)
    line = next(
        (l for l in completed.stdout.splitlines() if l.startswith("BENCH_JSON ")), None
    )
    if line is None:
        raise SystemExit(f"wrk printed no result for {kind}:\n{completed.stdout}\n{completed.stderr}")
    data = json.loads(line.removeprefix("BENCH_JSON "))
    return Result(
        name=kind,
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        statuses=dict(sorted(data["statuses"].items())),
        errors=data["socket_errors"],
    )


# --- checks afterwards -----------------------------------------------------------------------

def check_after(fixture: Fixture, hot_placed_by_http: int, hot_placed_by_sql: int) -> list[str]:
    problems: list[str] = []
    conn = psycopg2.connect(f"{PG_URL}/{DATABASE}")
    with conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM shop_product WHERE stock < 0")
        if cursor.fetchone()[0]:
            problems.append("a product has negative stock")
        cursor.execute(
            "SELECT p.stock, coalesce(sum(l.quantity) FILTER (WHERE o.status = 'placed'), 0) "
            "FROM shop_product p LEFT JOIN shop_orderline l ON l.product_id = p.id "
            "LEFT JOIN shop_order o ON o.id = l.order_id WHERE p.id = %s GROUP BY p.stock",
            (fixture.hot_product,),
        )
        stock, ordered = cursor.fetchone()
        if stock != fixture.hot_stock - ordered:
            problems.append(f"hot product: stock {stock} != {fixture.hot_stock} - {ordered} ordered")
        expected = hot_placed_by_http + hot_placed_by_sql
        # Warm-up requests place orders too, so at least the measured ones must be there.
        if ordered < expected:
            problems.append(f"hot product: {ordered} units ordered, {expected} orders reported")
        cursor.execute(
            "SELECT count(*) FROM shop_product p WHERE p.stock <> "
            "(SELECT coalesce(sum(quantity), 0) FROM shop_stockmovement m WHERE m.product_id = p.id)"
        )
        mismatched = cursor.fetchone()[0]
        if mismatched:
            problems.append(f"{mismatched} products differ from their ledger")
    conn.close()
    try:
        manage("check_ledger")
    except subprocess.CalledProcessError:
        problems.append("manage.py check_ledger failed")
    return problems


# --- report ----------------------------------------------------------------------------------

def report(results: dict[str, Result], problems: list[str], load_before: str) -> str:
    rows = [
        "| measurement | req/s | p50 ms | p99 ms | responses |",
        "|---|---:|---:|---:|---|",
    ]
    for result in results.values():
        statuses = ", ".join(f"{k}: {v}" for k, v in result.statuses.items())
        if result.errors and not result.name.startswith("db-"):
            statuses += f", socket errors: {result.errors}"
        rows.append(
            f"| {result.name} | {result.rps:,.0f} | {result.p50_ms:.1f} | {result.p99_ms:.1f} "
            f"| {statuses} |"
        )
    verdict = lambda ok: "met" if ok else "MISSED"  # noqa: E731
    lines = [
        f"Run at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {CLIENTS} clients, {DURATION} s each, "
        f"gunicorn {WORKERS} workers x {THREADS} threads "
        f"({'sync' if THREADS == 1 else 'gthread'}), {PRODUCTS:,} generated products.",
        f"Machine: {machine()}.",
        f"Load average before the run: {load_before}; after: {load_average()}.",
        *([f"Partial run: BENCH_ONLY={','.join(sorted(ONLY))}."] if ONLY else []),
        "",
        *rows,
        "",
    ]
    if {"db-ceiling-hot", "api-orders-hot"} <= results.keys():
        ceiling, hot = results["db-ceiling-hot"].rps, results["api-orders-hot"].rps
        hot_ratio = hot / ceiling if ceiling else 0.0
        lines.append(
            f"- API hot-product orders / DB ceiling (hot): {hot:,.0f} / {ceiling:,.0f} = "
            f"**{hot_ratio:.2f}** (target >= 0.5: {verdict(hot_ratio >= 0.5)})"
        )
    if {"bare", "catalogue"} <= results.keys():
        bare, catalogue = results["bare"].rps, results["catalogue"].rps
        catalogue_ratio = catalogue / bare if bare else 0.0
        lines.append(
            f"- catalogue page / bare view: {catalogue:,.0f} / {bare:,.0f} = "
            f"**{catalogue_ratio:.2f}** (target >= 0.15: {verdict(catalogue_ratio >= 0.15)})"
        )
    if {"bare", "catalogue-mix"} <= results.keys():
        bare, mix = results["bare"].rps, results["catalogue-mix"]
        mix_ratio = mix.rps / bare if bare else 0.0
        lines.append(
            f"- catalogue, distinct URLs / bare view: {mix.rps:,.0f} / {bare:,.0f} = "
            f"**{mix_ratio:.2f}**, p99 {mix.p99_ms:.0f} ms (target >= 0.05 and p99 < 250 ms: "
            f"{verdict(mix_ratio >= 0.05 and mix.p99_ms < 250)})"
        )
    lines += [
        "- after the run: "
        + ("nothing oversold, ledger balances" if not problems else "; ".join(problems)),
    ]
    return "\n".join(lines)


def machine() -> str:
    model = "unknown CPU"
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    conn = psycopg2.connect(f"{PG_URL}/postgres")
    with conn.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
    conn.close()
    return (
        f"{os.cpu_count()} CPUs ({model}), PostgreSQL {pg_version}, Python "
        f"{sys.version.split()[0]}; load generator, app and database on the same machine"
    )


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    if unknown := ONLY - set(MEASUREMENTS):
        raise SystemExit(f"BENCH_ONLY names no measurement {sorted(unknown)}; known: {MEASUREMENTS}")
    OUT.mkdir(parents=True, exist_ok=True)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    load_before = load_average()
    say(f"Fresh database {DATABASE} on {PG_URL}")
    recreate_database()
    say("Migrating")
    manage("migrate", "--noinput", "-v0")
    say("Collecting static files (as a deployment does)")
    manage("collectstatic", "--noinput", "-v0", production=True)
    say(f"Generating {PRODUCTS:,} products (sample_db)")
    manage("sample_db", "--products", str(PRODUCTS))
    fixture = prepare_fixture()
    conn = psycopg2.connect(f"{PG_URL}/{DATABASE}")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("SELECT id FROM auth_user WHERE email LIKE 'bench%%@bench.test'")
        user_ids = [row[0] for row in cursor.fetchall()]
    conn.close()

    results: dict[str, Result] = {}
    pool = fixture.random_products
    ceilings = {
        "db-ceiling-hot": lambda rng: [fixture.hot_product],
        "db-ceiling-1": lambda rng: [rng.choice(pool)],
    }
    # Each ratio's two measurements run back to back: the machine's other load drifts.
    plan = [kind for kind in MEASUREMENTS if not ONLY or kind in ONLY]
    port = free_port()
    say(f"gunicorn, {WORKERS} workers, on 127.0.0.1:{port}")
    server = start_gunicorn(port)
    try:
        for kind in plan:
            if kind in ceilings:
                say(f"{kind}: the order service's SQL from {CLIENTS} psycopg2 threads, {DURATION} s")
                db_ceiling("warm-up", user_ids, ceilings[kind], WARMUP)
                results[kind] = db_ceiling(kind, user_ids, ceilings[kind], DURATION)
            else:
                say(f"{kind}: wrk, {CLIENTS} connections, {DURATION} s")
                run_wrk(kind, fixture, port, WARMUP)
                results[kind] = run_wrk(kind, fixture, port, DURATION)
    finally:
        server.terminate()
        server.wait(timeout=30)
    hot_by_sql = results["db-ceiling-hot"].statuses["placed"] if "db-ceiling-hot" in results else 0
    order = ["db-ceiling-hot", "db-ceiling-1", "api-orders-hot", "api-orders-1", "api-orders-5",
             "catalogue", "catalogue-mix", "api-products", "bare"]
    results = {name: results[name] for name in order if name in results}

    say("Checking: nothing oversold, ledger balances")
    hot_by_api = results["api-orders-hot"].statuses.get("201", 0) if "api-orders-hot" in results else 0
    problems = check_after(fixture, hot_by_api, hot_by_sql)
    text = report(results, problems, load_before)
    print(text)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    (OUT / "last-run.md").write_text(text + "\n")
    (OUT / f"run-{stamp}.json").write_text(
        json.dumps({name: {**asdict(r), "rps": r.rps} for name, r in results.items()}, indent=2)
    )
    bad_statuses = [
        f"{r.name}: {r.statuses}" for r in results.values()
        if not r.name.startswith("db-")
        and any(not code.startswith("2") and code != "409" for code in r.statuses)
    ]
    if bad_statuses:
        print("Unexpected responses:\n  " + "\n  ".join(bad_statuses))
    return 1 if problems or bad_statuses else 0


if __name__ == "__main__":
    sys.exit(main())

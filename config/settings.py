"""Settings for the ingredients shop: one file, switched by environment variables.

Development needs nothing set (SQLite, DEBUG on). Production sets DEBUG=false, SECRET_KEY,
ALLOWED_HOSTS and DATABASE_URL; a malformed value fails loudly at start-up.
"""

from pathlib import Path
import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    return env_list_sep(name, default, sep=",")


def env_list_sep(name: str, default: list[str], *, sep: str) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(sep) if item.strip()]


DEBUG = env_bool("DEBUG", True)

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG=false the shop refuses to start without a "
            "SECRET_KEY; generate one with: python -c \"import secrets; print(secrets.token_urlsafe(50))\""
        )
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "django_htmx",
    "django_tables2",
    "django_tasks_db",
    "shop",
    "companies",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Next (the security headers still apply to its 413): an oversized body is refused before
    # anything (CSRF, a form) would read it.
    "shop.middleware.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so its process_exception sees a view's database failure before anything else.
    "shop.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shop.context_processors.ordering",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# PostgreSQL when DATABASE_URL is set; otherwise an embedded SQLite file. Persistent
# connections matter: a new connection per request cut order throughput to a quarter here.
CONN_MAX_AGE = env_int("CONN_MAX_AGE", 600)
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=CONN_MAX_AGE, conn_health_checks=True
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {
                # Writers queue on BEGIN IMMEDIATE instead of failing mid-transaction with
                # "database is locked" (about half of read-then-write transactions did under
                # DEFERRED); WAL lets readers go on while one writer writes.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rate-limit counts (allauth's login and API token limits) live in this cache, so it must be
# shared by every app process: the database cache wherever PostgreSQL is (several gunicorn
# workers or instances), a per-process memory cache for the single-process SQLite default.
# `migrate` creates the cache table (shop/apps.py). Its bound is far above what the limits ever
# hold at once (every entry expires within the longest limit's period, minutes): at Django's
# default of 300 a full cache culls the oldest or alphabetically first keys, the login lockouts
# among them, so anyone able to create keys (signups for made-up addresses) could lift one.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache"
        if env_bool("CACHE_IN_DATABASE", bool(DATABASE_URL))
        else "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "shop_cache",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    },
    # Product totals for pagination (shop.selectors.product_count) and the catalogue's category
    # list (category_choices): per process, so a burst of distinct searches can never make the
    # database cache cull the rate-limit counts above, and a hit costs no query. Each worker
    # keeps its own copy for at most 30 s.
    "product_counts": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "product_counts",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
    # The catalogue's rendered results (shop/catalogue_cache.py), 25 to 100 rows, about 25 KB to
    # 100 KB each: per process, so at most ~30 MB whatever URLs are asked for (LocMemCache
    # culls a third of its entries when full). Keyed by content, so nothing needs
    # invalidating across processes.
    "catalogue": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "catalogue",
        "OPTIONS": {"MAX_ENTRIES": 300},
    },
}

# --- Accounts (django-allauth, email login) --------------------------------------------------
# Django's and allauth's own backends (admin login by username, buyers by email).
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Mail through the task queue (shop/services/mail.py), login-form tweaks: shop/accounts.py.
ACCOUNT_ADAPTER = "shop.accounts.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Signing up opens a company (name, VAT number, delivery address) with the user as its admin.
ACCOUNT_FORMS = {
    "signup": "companies.forms.CompanySignupForm",
    # allauth's labels in sentence case, like every other label in the shop.
    "login": "shop.accounts.LoginForm",
    "reset_password_from_key": "shop.accounts.ResetPasswordKeyForm",
}
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
# One account per address, and an address counts only once its owner proved it. A B2B shop
# sells on account to the address it has, so: verification is mandatory, by a code mailed to
# the address (nothing is stored for an address being added until its code is entered, so a
# pending addition blocks nobody); changing the address replaces the old one once verified.
# With enumeration prevention, signing up with a registered address looks exactly like a new
# signup ("enter the code we sent"), and the owner gets an "account already exists" mail.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
# allauth's defaults already rate-limit login failures; named here so they are visible.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
# Behind a reverse proxy every request arrives from the proxy's address, so one client's
# failures would lock everybody out. Count the client's address instead: the Nth address from
# the right of X-Forwarded-For, N = the number of proxies we run (each appends the address it
# saw), or a header that the outermost proxy sets and overwrites. Unset (direct exposure), the
# header is ignored, since any client can send one.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if ALLAUTH_TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more")
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = os.environ.get("TRUSTED_CLIENT_IP_HEADER") or None
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "shop:catalogue"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

# Django 6.1's MAILERS (EMAIL_BACKEND is deprecated). Console in development, SMTP in
# production (check --deploy refuses a development backend there); EMAIL_BACKEND overrides.
_EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
_EMAIL_OPTIONS: dict[str, object] = {}
if _EMAIL_BACKEND.endswith("smtp.EmailBackend"):
    _EMAIL_OPTIONS = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
    }
elif os.environ.get("EMAIL_HOST"):
    _EMAIL_OPTIONS = {"host": os.environ["EMAIL_HOST"]}
MAILERS = {"default": {"BACKEND": _EMAIL_BACKEND, "OPTIONS": _EMAIL_OPTIONS}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "shop@localhost")

# --- Background tasks (Django's django.tasks): mail goes out from a worker -------------------
# "database" (production default): tasks are rows (django-tasks-db), written in the request's
# transaction and run by `python manage.py db_worker`, so a dead mail server never fails a
# request and a failed send is retried (shop/services/mail.py). "immediate" (development
# default, with DEBUG on): tasks run inside the request that queues them, no worker needed; a
# failure is still caught and logged, but a slow mail server slows that request and nothing is
# retried.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND") or ("immediate" if DEBUG else "database")
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be database or immediate, not {TASKS_BACKEND!r}")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND]}}

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
# The shop trades in the UK: order dates, invoice dates (the tax point), the spend page's
# months and the CSV's dates are days in this zone. Stored times and the API stay UTC.
TIME_ZONE = os.environ.get("TIME_ZONE", "").strip() or "Europe/London"
USE_I18N = False
USE_TZ = True

# --- Static files (whitenoise) ----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Manifest storage in production; tests and live servers use plain storage, which the
# manifest storage would break (it needs collectstatic first: system check shop.E001 and
# /healthz say so when it was not run).
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Security ---------------------------------------------------------------------------------
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
# Django's database sessions: logout deletes the row, so a signed-out (or stolen) session cookie
# is dead on every process at once. Not signed_cookies: those cannot be revoked server-side.
# Not cached_db: the shared cache is itself the database (CACHES), so it would add a write
# per session change and save no query.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool(
    "BEHIND_TLS_PROXY", not DEBUG
) else None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# --- Request bodies ---------------------------------------------------------------------------
# The one limit on a request body, file uploads included: a larger Content-Length, or a body of
# unknown length (chunked), is refused with 413 before any of it is read
# (shop.middleware.RequestBodyLimitMiddleware). Django's own two settings follow it: form fields
# are capped at the same size, and an upload that passes always stays in memory.
if "DATA_UPLOAD_MAX_MEMORY_SIZE" in os.environ:
    raise ImproperlyConfigured(
        "DATA_UPLOAD_MAX_MEMORY_SIZE is no longer read: set MAX_REQUEST_BODY_SIZE (bytes), "
        "which limits every request body, uploads included."
    )
MAX_REQUEST_BODY_SIZE = env_int("MAX_REQUEST_BODY_SIZE", 256 * 1024)
if MAX_REQUEST_BODY_SIZE < 1024:
    raise ImproperlyConfigured(f"MAX_REQUEST_BODY_SIZE must be at least 1024 bytes, not {MAX_REQUEST_BODY_SIZE}")
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BODY_SIZE
FILE_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BODY_SIZE

# --- Tables -----------------------------------------------------------------------------------
DJANGO_TABLES2_TEMPLATE = "django_tables2/table.html"

# --- Logging: one line per event; JSON in production; credentials redacted (shop/logging.py) --
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"()": "shop.logging.KeyValueFormatter"},
        "json": {"()": "shop.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own handlers (a console one in development, mail to ADMINS in production)
        # would print or mail each line unredacted: every django.* line goes through ours only.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        # runserver's request lines: through the redacting formatters, not Django's own handler.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# --- Shop -------------------------------------------------------------------------------------
SHOP_CURRENCY = "GBP"
SHOP_LOW_STOCK_THRESHOLD = env_int("SHOP_LOW_STOCK_THRESHOLD", 10)
# Seconds a product-list total (catalogue, GET /api/v1/products) is reused; 0 counts every time.
SHOP_PRODUCT_COUNT_CACHE_SECONDS = env_int("SHOP_PRODUCT_COUNT_CACHE_SECONDS", 30)
# Seconds the catalogue's rendered results are kept (shop/catalogue_cache.py). They are keyed by
# everything they show, so this bounds memory, not staleness; 0 renders every request.
SHOP_PAGE_CACHE_SECONDS = env_int("SHOP_PAGE_CACHE_SECONDS", 300)
SHOP_MAX_LINE_QUANTITY = 10_000
SHOP_MAX_ORDER_LINES = 100
# The shop's address as buyers reach it: links in mail sent without a request (order mail).
SHOP_BASE_URL = os.environ.get("SHOP_BASE_URL", "http://localhost:8000")
# Days no delivery is made besides weekends (ISO dates, comma separated): by default the
# England & Wales bank holidays of 2026-2027 (gov.uk/bank-holidays). Extend before 2028.
SHOP_BANK_HOLIDAYS = env_list(
    "SHOP_BANK_HOLIDAYS",
    [
        "2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31",
        "2026-12-25", "2026-12-28",
        "2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31", "2027-08-30",
        "2027-12-27", "2027-12-28",
    ],
)
# The latest delivery date a buyer may ask for, in days from today.
SHOP_DELIVERY_MAX_DAYS = 90
# The seller named at the top of order confirmations and invoices (a VAT invoice must give
# the supplier's name, address and VAT registration number). Sample values: set the real ones.
# The seller on order confirmations and invoices. The defaults are sample values: production
# sets its own (check --deploy warns, shop.W001, while the sample VAT number is in use). An
# invoice copies them when it is issued, so a later change leaves issued invoices as they were.
SAMPLE_SELLER_VAT_NUMBER = "GB 123 4567 89"
SHOP_SELLER = {
    "name": os.environ.get("SHOP_SELLER_NAME", "").strip() or "Millstone Ingredients Ltd",
    # Address lines separated by "|": "Unit 4, Millstone Yard|Wharf Road|Bristol BS1 6QA".
    "address": env_list_sep(
        "SHOP_SELLER_ADDRESS",
        ["Unit 4, Millstone Yard", "Wharf Road", "Bristol BS1 6QA", "United Kingdom"],
        sep="|",
    ),
    "vat_number": os.environ.get("SHOP_SELLER_VAT_NUMBER", "").strip() or SAMPLE_SELLER_VAT_NUMBER,
    "email": os.environ.get("SHOP_SELLER_EMAIL", "").strip() or "orders@millstone.example",
}

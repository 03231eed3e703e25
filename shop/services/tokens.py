"""Personal API tokens: `shop_<prefix>_<secret>`, stored as the prefix plus a SHA-256 of the whole.

SHA-256 rather than a slow password hash: the secret is 256 random bits, so a fast hash is
not brute-forceable and keeps each API request cheap.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.utils import timezone

from shop.exceptions import InvalidTokenExpiry, TokenNotFound
from shop.models import ApiToken
from shop.rawsql import ModelColumns, select_columns

TOKEN_PREFIX = "shop_"
LAST_USED_RESOLUTION = timedelta(minutes=1)
MIN_EXPIRY_DAYS = 1
MAX_EXPIRY_DAYS = 365
DEFAULT_EXPIRY_DAYS = 30


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown to the user once, never stored


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_create(
    *, user: AbstractBaseUser, name: str = "", expires_in_days: int = DEFAULT_EXPIRY_DAYS
) -> IssuedToken:
    if type(expires_in_days) is not int or not MIN_EXPIRY_DAYS <= expires_in_days <= MAX_EXPIRY_DAYS:
        raise InvalidTokenExpiry(
            f"expires_in_days must be a whole number from {MIN_EXPIRY_DAYS} to {MAX_EXPIRY_DAYS}."
        )
    lookup = secrets.token_hex(6)
    raw = f"{TOKEN_PREFIX}{lookup}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=name.strip() or "API token",
        prefix=lookup,
        secret_hash=_hash(raw),
        expires_at=timezone.now() + timedelta(days=expires_in_days),
    )
    return IssuedToken(token=token, secret=raw)


_lookups: dict[str, tuple[str, ModelColumns, ModelColumns]] = {}


def _token_lookup() -> tuple[str, ModelColumns, ModelColumns]:
    """The token-and-user query and how to build its row into models, made once per database."""
    key = connection.alias
    if key not in _lookups:
        user_model = get_user_model()
        token_sql, token_columns = select_columns(ApiToken, "t")
        user_sql, user_columns = select_columns(user_model, "u")
        quote = connection.ops.quote_name
        sql = (
            f"SELECT {token_sql}, {user_sql} FROM {quote(ApiToken._meta.db_table)} t "
            f"JOIN {quote(user_model._meta.db_table)} u "
            f"ON u.{quote(user_model._meta.pk.column)} = t.{quote(ApiToken.user.field.column)} "
            "WHERE t.prefix = %s AND t.revoked_at IS NULL"
        )
        _lookups[key] = (sql, token_columns, user_columns)
    return _lookups[key]


def _live_token_by_prefix(lookup: str) -> ApiToken | None:
    # Hand-written SQL, not select_related(): this runs on every API request, and compiling the
    # ORM query cost more CPU (~2 ms) than everything else in authentication together.
    sql, token_columns, user_columns = _token_lookup()
    with connection.cursor() as cursor:
        cursor.execute(sql, [lookup])
        row = cursor.fetchone()
    if row is None:
        return None
    split = len(token_columns.names)
    token = token_columns.build(row[:split])
    token.user = user_columns.build(row[split:])
    return token


def token_authenticate(raw: str) -> ApiToken | None:
    """The live token for a raw secret, or None (unknown, wrong, expired or revoked).

    Records last use at most once a minute per token, not a write on every request.
    """
    if not raw.startswith(TOKEN_PREFIX):
        return None
    lookup, sep, _ = raw[len(TOKEN_PREFIX) :].partition("_")
    if not sep or not lookup:
        return None
    token = _live_token_by_prefix(lookup)
    now = timezone.now()
    if (
        token is None
        or not hmac.compare_digest(token.secret_hash, _hash(raw))
        or token.expires_at <= now
        or not token.user.is_active
    ):
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def token_revoke(*, user: AbstractBaseUser, token_id: int) -> None:
    revoked = ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not revoked:
        raise TokenNotFound(f"No active token {token_id} for this user.")

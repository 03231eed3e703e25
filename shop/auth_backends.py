"""The shop's authentication backends: Django's and allauth's, with the user read that every
signed-in request makes (`get_user`) as one hand-written query.

Logging in, passwords and permissions are exactly theirs. `get_user` still refuses inactive
users, and Django still checks the session's password hash against the user it returns.
Compiling the ORM's `get(pk=...)` cost about 0.5 ms of CPU per page on the bench machine
(bench/RESULTS.md).
"""

from typing import Any

from allauth.account import auth_backends as allauth_backends
from django.contrib.auth import backends as django_backends
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection

from shop.rawsql import ModelColumns, select_columns

_user_reads: dict[str, tuple[str, ModelColumns]] = {}


def _user_read() -> tuple[str, ModelColumns]:
    if connection.alias not in _user_reads:
        model = get_user_model()
        columns_sql, columns = select_columns(model, "u")
        quote = connection.ops.quote_name
        sql = (
            f"SELECT {columns_sql} FROM {quote(model._meta.db_table)} u "
            f"WHERE u.{quote(model._meta.pk.column)} = %s"
        )
        _user_reads[connection.alias] = (sql, columns)
    return _user_reads[connection.alias]


def user_by_pk(user_id: Any) -> AbstractBaseUser | None:
    # user_id comes from django.contrib.auth.get_user, already converted by the pk field.
    sql, columns = _user_read()
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        row = cursor.fetchone()
    return columns.build(row) if row is not None else None  # type: ignore[return-value]


class _HandWrittenUserRead:
    def get_user(self, user_id: Any) -> AbstractBaseUser | None:
        user = user_by_pk(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None  # type: ignore[attr-defined]


class ModelBackend(_HandWrittenUserRead, django_backends.ModelBackend):
    pass


class AuthenticationBackend(_HandWrittenUserRead, allauth_backends.AuthenticationBackend):
    """allauth's email login; allauth recognises it by isinstance, so it stays preferred."""

"""Django's database session store, with the load that every signed-in request makes as one
hand-written query.

Same table, same encoding and same expiry rule as `django.contrib.sessions.backends.db`, so
existing sessions stay valid; only the read differs. Compiling the ORM's `get()` cost about
1 ms of CPU per page on the bench machine, a sixth of a cached catalogue page
(bench/RESULTS.md). Writes (login, logout, messages) still go through the ORM.
"""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone


_session_reads: dict[str, str] = {}


def _session_read(connection: BaseDatabaseWrapper) -> str:
    """The SELECT of a live session's data, written once per database."""
    if connection.alias not in _session_reads:
        quote = connection.ops.quote_name
        meta = Session._meta
        column = {
            name: quote(meta.get_field(name).column)
            for name in ("session_key", "session_data", "expire_date")
        }
        _session_reads[connection.alias] = (
            f"SELECT {column['session_data']} FROM {quote(meta.db_table)} "
            f"WHERE {column['session_key']} = %s AND {column['expire_date']} > %s"
        )
    return _session_reads[connection.alias]


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self) -> Session | None:
        connection = connections[router.db_for_read(self.model)]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(_session_read(connection), [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None  # unknown or expired: a new session, as the ORM read does
            return None
        # load() reads only session_data from what this returns.
        return self.model(session_key=self.session_key, session_data=row[0])

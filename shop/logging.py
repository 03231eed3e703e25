"""Log lines: JSON in production, key=value in development, credentials redacted in both.

Every formatter here redacts what it writes, so no logger can leak a secret through them:
the shop's own, Django's (`django.request` logs the request, URL and query string included),
third-party ones, and gunicorn's access and error logs (`RedactingGunicornLogger`, set in
gunicorn.conf.py). Redacted: API tokens anywhere, `Authorization` values, credentials in a
query string or form (`?token=`, `password=`, `api_key=`...), `"password": "..."`-style pairs,
and the password of any URL (`postgres://user:secret@host`).
"""

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

REDACTED = "[REDACTED]"

_STANDARD_ATTRS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

# Names of parameters, fields and headers whose values are secrets.
_SECRET_NAME = (
    r"[\w.-]*(?:token|secret|passw(?:or)?d|pwd|api[_-]?key|apikey|signature|sessionid|"
    r"authorization|credential)[\w.-]*|key|sig|auth|code"
)
_SECRET_NAME_ONLY = re.compile(rf"(?:{_SECRET_NAME})", re.IGNORECASE)
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # The shop's own API tokens, wherever they appear: the prefix stays, it identifies the token.
    (re.compile(r"\b(shop_[0-9a-f]{6,}_)[A-Za-z0-9_-]+"), rf"\1{REDACTED}"),
    # Authorization header values: "Authorization: Bearer x", "authorization': 'Token x'".
    (
        re.compile(r"""(authorization["']?\s*[:=]\s*["']?)[^"'\s,;}]+(?:\s+[^"'\s,;}]+)?""", re.IGNORECASE),
        rf"\1{REDACTED}",
    ),
    (re.compile(r"\b(bearer\s+)[^\s\"',;]+", re.IGNORECASE), rf"\1{REDACTED}"),
    # name=value in a query string (ids such as token_id=7 are not secrets), a form body or a key=value log line.
    (
        re.compile(rf"(?<![\w.-])((?:{_SECRET_NAME})(?<!_id)=)[^&\s\"'#;,]+", re.IGNORECASE),
        rf"\1{REDACTED}",
    ),
    # "name": "value" in JSON or a Python repr.
    (
        re.compile(rf"""(["'](?:{_SECRET_NAME})(?<!_id)["']\s*:\s*\[?\s*["'])[^"']*""", re.IGNORECASE),
        rf"\1{REDACTED}",
    ),
    # scheme://user:password@host
    (re.compile(r"\b([a-z][a-z0-9+.-]*://[^/\s:@]*:)[^@\s/]+@", re.IGNORECASE), rf"\1{REDACTED}@"),
]


def redact(text: str) -> str:
    """`text` with every credential the patterns above recognise replaced by [REDACTED]."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _is_secret_name(name: str) -> bool:
    return bool(_SECRET_NAME_ONLY.fullmatch(name)) and not name.endswith("_id")


def _redact_value(value: Any) -> Any:
    """A JSON-ready copy of `value` with credentials redacted (objects become their str)."""
    if isinstance(value, str):
        return redact(value)
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, dict):
        return {
            str(key): REDACTED if _is_secret_name(str(key)) else _redact_value(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple | set | frozenset):
        return [_redact_value(item) for item in value]
    return redact(str(value))


def extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    """What the caller passed in `extra=`: the structured part of the event."""
    return {
        key: value
        for key, value in vars(record).items()
        if key not in _STANDARD_ATTRS and not key.startswith("_")
    }


class KeyValueFormatter(logging.Formatter):
    """Development logs: the usual line, then the event's fields as key=value, still one line."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = " ".join(f"{key}={value}" for key, value in extra_fields(record).items())
        line = f"{line} {fields}" if fields else line
        # A traceback spans lines by nature; everything else stays on one.
        return redact(line if record.exc_info else line.replace("\n", "\\n"))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        payload.update(extra_fields(record))
        if record.exc_info:
            payload["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(_redact_value(payload))


class RedactingFormatter(logging.Formatter):
    """Another formatter's output, redacted: for handlers the shop does not configure itself."""

    def __init__(self, inner: logging.Formatter | None) -> None:
        super().__init__()
        self.inner = inner or logging.Formatter()

    def format(self, record: logging.LogRecord) -> str:
        return redact(self.inner.format(record))


try:
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # gunicorn is only needed where it serves the shop
    _GunicornLogger = object  # type: ignore[assignment,misc]


class RedactingGunicornLogger(_GunicornLogger):  # type: ignore[misc,valid-type]
    """Gunicorn's logger with every line redacted: its access log writes the request line,
    query string included, and any header or referer its format names."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if not isinstance(handler.formatter, RedactingFormatter):
                    handler.setFormatter(RedactingFormatter(handler.formatter))

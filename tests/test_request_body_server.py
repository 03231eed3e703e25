"""Oversized bodies against a real gunicorn in production configuration, as a client sends them.

The Django test client cannot show what a server does with a body nobody reads, or whether
gunicorn hands a chunked body's Transfer-Encoding to the app; a raw socket can. No database is
needed: the body is refused before anything looks at the session.
"""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
THIRTY_MB = 30 * 1024 * 1024
MULTIPART = "multipart/form-data; boundary=x0x0x0"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    port = free_port()
    log = tmp_path_factory.mktemp("gunicorn") / "server.log"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEBUG"))},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": "request-body-test-secret-key-not-for-production-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": "postgres://shop:secret@127.0.0.1:1/shop",  # never reached
        "STATIC_MANIFEST": "false",
    }
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi:application",
             "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "30"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, log.read_text()
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def send_head(port: int, path: str, headers: dict[str, str], first_bytes: bytes) -> tuple[int, str]:
    """Send the request line, headers and only the start of the body; return the answer."""
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "X-Forwarded-Proto: https"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + first_bytes)
        started = time.monotonic()
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
        assert time.monotonic() - started < 5  # answered at once, not after waiting for 30 MB
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, head.decode("latin-1")


@pytest.mark.parametrize("path", ["/cart/add/", "/api/v1/orders"])
def test_a_30_mb_upload_is_refused_without_being_received(server: int, path: str) -> None:
    status, head = send_head(
        server, path, {"Content-Type": MULTIPART, "Content-Length": str(THIRTY_MB)}, b"--x0x0x0\r\n"
    )

    assert status == 413
    expected = "application/json" if path.startswith("/api/") else "text/html"
    assert f"Content-Type: {expected}" in head


@pytest.mark.parametrize("path", ["/cart/add/", "/api/v1/orders"])
def test_a_chunked_body_is_refused_without_being_received(server: int, path: str) -> None:
    status, _ = send_head(
        server, path, {"Content-Type": MULTIPART, "Transfer-Encoding": "chunked"}, b"a\r\n--x0x0x0\r\n\r\n"
    )

    assert status == 413

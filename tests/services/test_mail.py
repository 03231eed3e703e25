"""shop.services.mail: mail is queued by the request and sent (and retried) by the worker."""

import logging
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from shop.services import mail as mail_service
from shop.services.mail import mail_enqueue

pytestmark = pytest.mark.django_db

SMTP = "django.core.mail.backends.smtp.EmailBackend"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again on leaving: connections are refused


@pytest.fixture
def dead_mail_server(settings: Any) -> None:
    settings.MAILERS = {
        "default": {"BACKEND": SMTP, "OPTIONS": {"host": "127.0.0.1", "port": closed_port(), "timeout": 2}}
    }


@pytest.fixture
def database_tasks(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.TASKS = DATABASE_TASKS
    # The worker closes "old" connections between tasks; inside a test's transaction that
    # would close the test's own connection (Django's test client skips it the same way).
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)


def message(**overrides: Any) -> EmailMultiAlternatives:
    fields = {"subject": "Your order", "body": "Plain text", "to": ["buyer@bakery.test"]}
    msg = EmailMultiAlternatives(**{**fields, **overrides})
    msg.attach_alternative("<p>HTML</p>", "text/html")
    return msg


def mail_tasks() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path="shop.services.mail.mail_send").order_by("enqueued_at"))


@pytest.fixture
def no_wait(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # One retry, due at once, so a single worker run goes through every attempt.
    monkeypatch.setattr(mail_service, "RETRY_DELAYS", (0,))
    yield


def test_enqueueing_only_writes_a_task_the_worker_then_sends(database_tasks: None) -> None:
    mail_enqueue(message=message(cc=["boss@bakery.test"], reply_to=["orders@shop.test"]))

    assert mail.outbox == []
    [queued] = mail_tasks()
    assert queued.status == "READY"
    run_worker()
    [sent] = mail.outbox
    assert sent.subject == "Your order" and sent.to == ["buyer@bakery.test"]
    assert sent.cc == ["boss@bakery.test"] and sent.reply_to == ["orders@shop.test"]
    assert sent.body == "Plain text" and sent.alternatives[0].content == "<p>HTML</p>"
    assert mail_tasks()[0].status == "SUCCESSFUL"


def test_an_html_only_message_stays_html(database_tasks: None) -> None:
    html = EmailMultiAlternatives(subject="Hi", body="<p>Hi</p>", to=["a@b.test"])
    html.content_subtype = "html"

    mail_enqueue(message=html)
    run_worker()

    assert mail.outbox[0].body == "<p>Hi</p>" and mail.outbox[0].content_subtype == "html"


def test_a_message_with_an_attachment_is_refused_not_sent_without_it(database_tasks: None) -> None:
    with_pdf = message()
    with_pdf.attach("invoice.pdf", b"%PDF-1.7", "application/pdf")

    with pytest.raises(ValueError, match="attachments"):
        mail_enqueue(message=with_pdf)

    assert mail_tasks() == []


def test_a_failed_send_is_retried_later_and_logged(
    database_tasks: None, dead_mail_server: None, caplog: pytest.LogCaptureFixture
) -> None:
    mail_enqueue(message=message())

    with caplog.at_level(logging.INFO, logger="shop.mail"):
        run_worker()

    first, retry = mail_tasks()
    assert first.status == "SUCCESSFUL"  # this attempt is done: it queued the next one
    assert first.return_value == {
        "sent": False, "error": first.return_value["error"], "retry_task_id": str(retry.id)
    }
    assert retry.status == "READY" and retry.run_after is not None
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert 55 <= (retry.run_after - first.finished_at).total_seconds() <= 65
    [record] = [r for r in caplog.records if r.name == "shop.mail"]
    assert record.levelname == "WARNING" and record.event == "mail_retry"
    assert record.attempt == 1 and "ConnectionRefusedError" in record.error
    assert record.retry_task_id == str(retry.id)


def test_the_retry_delivers_once_the_server_is_back(
    database_tasks: None, dead_mail_server: None, no_wait: None, settings: Any
) -> None:
    mail_enqueue(message=message())
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", "--max-tasks", "1", verbosity=0)
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}

    run_worker()

    assert [m.subject for m in mail.outbox] == ["Your order"]
    assert [t.status for t in mail_tasks()] == ["SUCCESSFUL", "SUCCESSFUL"]


def test_it_gives_up_after_the_last_retry_and_logs_an_error(
    database_tasks: None, dead_mail_server: None, no_wait: None, caplog: pytest.LogCaptureFixture
) -> None:
    mail_enqueue(message=message())

    with caplog.at_level(logging.INFO, logger="shop.mail"):
        run_worker()

    assert [t.status for t in mail_tasks()] == ["SUCCESSFUL", "FAILED"]
    events = [(r.levelname, r.event, r.attempt) for r in caplog.records if r.name == "shop.mail"]
    assert events == [("WARNING", "mail_retry", 1), ("ERROR", "mail_failed", 2)]
    assert "ConnectionRefusedError" in mail_tasks()[1].traceback


def test_without_a_worker_immediate_tasks_swallow_and_log_the_failure(
    dead_mail_server: None, caplog: pytest.LogCaptureFixture
) -> None:
    # Development's ImmediateBackend: sent inside the request, never raised into it, not retried.
    with caplog.at_level(logging.INFO, logger="shop.mail"):
        mail_enqueue(message=message())

    assert [(r.levelname, r.event) for r in caplog.records if r.name == "shop.mail"] == [
        ("ERROR", "mail_failed")
    ]

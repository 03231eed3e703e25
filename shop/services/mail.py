"""Outgoing mail: queued by the request, sent by a background task that retries.

Sending by SMTP inside a request turned an unreachable mail server into a 500 after the
request's writes had happened. Now a request only queues the message (with the database task
backend: a row, committed together with whatever the request wrote); a worker process
(`python manage.py db_worker`) sends it, and a failed send is tried again later and logged.
Account mail (shop.accounts.AccountAdapter) is built in the request; order mail is built by the
worker from the order (shop.services.order_mail); both are sent through this one path.
"""

import logging
from datetime import timedelta

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.tasks import TaskContext, task
from django.utils import timezone

logger = logging.getLogger("shop.mail")

# Seconds to wait before each further attempt: the mail server gets about 2.5 hours to come
# back before the message is given up (and logged as `mail_failed`).
RETRY_DELAYS = (60, 300, 1800, 7200)


def mail_enqueue(*, message: EmailMessage) -> None:
    """Queue `message` for the worker; a failing mail server never reaches the caller.

    The queue carries text, HTML and headers. A message with attachments or other alternatives
    is refused rather than sent without them (documents will need a path of their own).
    """
    other_parts = [m for _, m in getattr(message, "alternatives", []) if m != "text/html"]
    if message.attachments or other_parts:
        raise ValueError("mail_enqueue sends text and HTML only: attachments would be lost")
    html_body = None
    body = message.body
    if message.content_subtype == "html":
        html_body, body = body, ""
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            html_body = content
    mail_send.enqueue(
        subject=str(message.subject),
        body=body,
        html_body=html_body,
        from_email=message.from_email,
        to=list(message.to),
        cc=list(message.cc),
        bcc=list(message.bcc),
        reply_to=list(message.reply_to),
        headers=dict(message.extra_headers),
    )


@task(takes_context=True)
def mail_send(
    context: TaskContext,
    *,
    subject: str,
    body: str,
    to: list[str],
    html_body: str | None = None,
    from_email: str | None = None,
    cc: list[str] | None = None,
    bcc: list[str] | None = None,
    reply_to: list[str] | None = None,
    headers: dict[str, str] | None = None,
    attempt: int = 1,
) -> dict[str, object]:
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=from_email,
        to=to,
        cc=cc,
        bcc=bcc,
        reply_to=reply_to,
        headers=headers,
    )
    if html_body:
        if body:
            message.attach_alternative(html_body, "text/html")
        else:
            message.body, message.content_subtype = html_body, "html"
    fields = {
        "task_id": context.task_result.id,
        "subject": subject,
        "recipients": len(to) + len(cc or []) + len(bcc or []),
        "attempt": attempt,
    }
    try:
        message.send()
    except Exception as exc:  # whatever the mail backend raises: refused, timeout, DNS, TLS
        fields["error"] = f"{type(exc).__name__}: {exc}"
        can_defer = mail_send.get_backend().supports_defer
        if attempt > len(RETRY_DELAYS) or not can_defer:
            # Raised, so the task is recorded as failed (with its traceback) by the backend.
            logger.error("mail failed", extra={"event": "mail_failed", **fields})
            raise
        delay = RETRY_DELAYS[attempt - 1]
        retry = mail_send.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(
            subject=subject,
            body=body,
            html_body=html_body,
            from_email=from_email,
            to=to,
            cc=cc,
            bcc=bcc,
            reply_to=reply_to,
            headers=headers,
            attempt=attempt + 1,
        )
        logger.warning(
            "mail send failed, will retry",
            extra={"event": "mail_retry", "retry_in_s": delay, "retry_task_id": retry.id, **fields},
        )
        # The task itself ends normally (its row says what happened); the retry is a new task.
        return {"sent": False, "error": fields["error"], "retry_task_id": retry.id}
    logger.info("mail sent", extra={"event": "mail_sent", **fields})
    return {"sent": True}

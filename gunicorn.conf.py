"""Gunicorn settings read from the working directory (the image's /app) by every gunicorn start.

Command-line options (the Dockerfile's CMD, GUNICORN_CMD_ARGS) still apply on top of these.
"""

import os
import sys
from typing import Any

# Access log lines pass through the shop's redaction of credentials (shop/logging.py).
logger_class = "shop.logging.RedactingGunicornLogger"


def on_starting(server: Any) -> None:
    """Refuse to start when Django's system checks find an error, as `runserver` would.

    Above all shop.E001: without `collectstatic` every page would be a 500 while /healthz
    looked fine. Runs once in the master process, before any worker.
    """
    import django
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError
    from django.db import connections

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    try:
        call_command("check")
    except SystemCheckError as error:
        server.log.error("Refusing to start: %s", error)
        sys.exit(1)
    finally:
        connections.close_all()  # nothing opened in the master may be shared by forked workers

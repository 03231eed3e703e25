"""Gunicorn settings read from the working directory (the image's /app) by every gunicorn start.

Command-line options (the Dockerfile's CMD, GUNICORN_CMD_ARGS) still apply on top of these.
"""

# Access log lines pass through the shop's redaction of credentials (shop/logging.py).
logger_class = "shop.logging.RedactingGunicornLogger"

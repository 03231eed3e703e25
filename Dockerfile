# The shop as one image: gunicorn serving Django, static files collected at build time and
# served by whitenoise. Configuration comes from the environment (see config/settings.py and
# docs/DEPLOY.md); migrations run once per deployment (docker-compose.yml's `migrate`), not
# in every web container.
FROM python:3.13-slim

COPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /usr/local/bin/uv

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PATH=/app/.venv/bin:$PATH

WORKDIR /app

# Dependencies first, from the lock only, so code changes do not reinstall them.
COPY pyproject.toml uv.lock .python-version ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-project

COPY . .
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev

# Hashed, compressed static files baked into the image. The key is a build-time placeholder:
# settings refuse to start with DEBUG off and no key, and collectstatic signs nothing.
RUN DEBUG=false SECRET_KEY=collectstatic-build-only STATIC_MANIFEST=true \
    python manage.py collectstatic --noinput -v0

RUN useradd --system --uid 10001 --no-create-home --home-dir /app shop
USER shop

ENV DEBUG=false \
    WEB_CONCURRENCY=3
EXPOSE 8000

HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "deploy/healthcheck.py"]

# WEB_CONCURRENCY sets the worker count (gunicorn reads it); GUNICORN_CMD_ARGS adds options.
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", \
     "--access-logfile", "-", "--forwarded-allow-ips", "*", "--timeout", "30"]

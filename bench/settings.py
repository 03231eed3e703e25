"""Benchmark-only settings: the shop's own settings plus a bare view (see bench/urls.py).

Never used by the shop itself; bench/__main__.py points gunicorn at it.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

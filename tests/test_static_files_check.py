"""Production without collected static files: refused at start-up and reported as not ready.

With the manifest storage every page looks its CSS and JavaScript up in the manifest that
collectstatic writes; without it every page was a 500 ("Missing staticfiles manifest entry")
while /healthz said ok.
"""

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_deploy_settings import production_env, run

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_refuses_production_without_collected_static_files(tmp_path: Path) -> None:
    result = run(
        ["manage.py", "check", "--deploy"], production_env(STATIC_ROOT=str(tmp_path))
    )

    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "shop.E001" in output
    assert "python manage.py collectstatic --no-input" in output


def test_check_deploy_passes_once_collectstatic_ran(tmp_path: Path) -> None:
    env = production_env(STATIC_ROOT=str(tmp_path))
    collected = run(["manage.py", "collectstatic", "--no-input", "-v0"], env)
    assert collected.returncode == 0, collected.stderr  # collectstatic itself is not blocked

    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "staticfiles.json").exists()


def test_gunicorn_refuses_to_start_without_collected_static_files(tmp_path: Path) -> None:
    env = production_env(
        STATIC_ROOT=str(tmp_path), DATABASE_URL="postgres://shop:secret@127.0.0.1:1/shop"
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", "127.0.0.1:0",
         "--workers", "1"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        output, _ = server.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
        server.communicate()
        pytest.fail("gunicorn started without collected static files")

    assert server.returncode != 0
    assert "Refusing to start" in output
    assert "collectstatic" in output

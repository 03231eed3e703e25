"""GET /healthz"""

import json
from pathlib import Path

from django.test import Client

MANIFEST_STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def test_it_reports_ok_when_the_database_answers(api_client: Client, db: None) -> None:
    response = api_client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_it_reports_not_ready_without_collected_static_files(
    api_client: Client, settings, tmp_path: Path, db: None
) -> None:
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = MANIFEST_STORAGE

    response = api_client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not_ready"
    assert "python manage.py collectstatic --no-input" in body["error"]


def test_it_is_ok_once_the_static_manifest_exists(
    api_client: Client, settings, tmp_path: Path, db: None
) -> None:
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"paths": {"shop.css": "shop.0123456789ab.css"}, "version": "1.1"})
    )
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = MANIFEST_STORAGE

    response = api_client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}

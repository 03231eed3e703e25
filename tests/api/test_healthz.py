"""GET /healthz"""

from django.test import Client


def test_it_reports_ok_when_the_database_answers(api_client: Client, db: None) -> None:
    response = api_client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}

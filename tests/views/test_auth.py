import socket
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from tests.conftest import PASSWORD
from tests.views.conftest import ShopClient

SHOP_PAGES = [
    reverse("shop:catalogue"),
    reverse("shop:product_detail", args=[1]),
    reverse("shop:cart"),
    reverse("shop:orders"),
    reverse("shop:order_detail", args=[1]),
    reverse("shop:order_cancel", args=[1]),
    reverse("shop:tokens"),
]
SHOP_ACTIONS = [
    reverse("shop:cart_add"),
    reverse("shop:cart_update", args=[1]),
    reverse("shop:cart_remove", args=[1]),
    reverse("shop:cart_fit"),
    reverse("shop:checkout"),
    reverse("shop:order_again", args=[1]),
    reverse("shop:order_cancel", args=[1]),
    reverse("shop:tokens"),
    reverse("shop:token_revoke", args=[1]),
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", SHOP_PAGES)
def test_it_sends_logged_out_visitors_to_login_and_back(anon_client: ShopClient, path: str) -> None:
    response = anon_client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={path}"


@pytest.mark.django_db
@pytest.mark.parametrize("path", SHOP_ACTIONS)
def test_it_refuses_logged_out_posts(anon_client: ShopClient, path: str) -> None:
    response = anon_client.form_post(path, {"quantity": "1", "product": "1"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_login_page_uses_the_shop_layout(anon_client: ShopClient, db: None) -> None:
    response = anon_client.get(reverse("account_login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "css/shop.css" in html
    assert 'id="messages"' in html
    assert ">Log in</button>" in html
    assert 'for="id_login"' in html  # a real label, not only a placeholder


def test_login_returns_to_the_page_asked_for(anon_client: ShopClient, buyer: Any) -> None:
    response = anon_client.form_post(
        reverse("account_login"),
        {"login": buyer.email, "password": PASSWORD, "next": reverse("shop:orders")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("shop:orders")
    assert anon_client.get(reverse("shop:orders")).status_code == 200


def test_login_with_a_wrong_password_shows_an_error(anon_client: ShopClient, buyer: Any) -> None:
    response = anon_client.form_post(
        reverse("account_login"), {"login": buyer.email, "password": "wrong-password"}
    )
    assert response.status_code == 200
    assert "form-errors" in response.content.decode()
    assert "_auth_user_id" not in anon_client.session


def test_signup_creates_an_account_and_logs_in(anon_client: ShopClient, db: None) -> None:
    response = anon_client.form_post(
        reverse("account_signup"),
        {"email": "new@bakery.test", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("shop:catalogue")
    assert get_user_model().objects.filter(email="new@bakery.test").exists()
    assert anon_client.get(reverse("shop:catalogue")).status_code == 200


def test_signup_page_is_styled(anon_client: ShopClient, db: None) -> None:
    html = anon_client.get(reverse("account_signup")).content.decode()
    assert "auth-card" in html and ">Sign up</button>" in html


def test_logout_is_a_post_from_the_header(buyer_client: ShopClient) -> None:
    html = buyer_client.get(reverse("shop:catalogue")).content.decode()
    assert f'action="{reverse("account_logout")}"' in html
    response = buyer_client.form_post(reverse("account_logout"))
    assert response.status_code == 302
    assert buyer_client.get(reverse("shop:cart")).status_code == 302


def test_password_reset_sends_a_link(anon_client: ShopClient, buyer: Any) -> None:
    page = anon_client.get(reverse("account_reset_password"))
    assert "Send reset link" in page.content.decode()
    response = anon_client.form_post(reverse("account_reset_password"), {"email": buyer.email})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    assert "Check your email" in anon_client.get(response["Location"]).content.decode()


# --- The admin's login is allauth's -----------------------------------------------------------


def test_the_admin_sends_visitors_to_the_shops_login_and_back(anon_client: ShopClient, db: None) -> None:
    response = anon_client.get("/admin/", follow=True)

    assert response.redirect_chain[-1][0] == f"{reverse('account_login')}?next=%2Fadmin%2F"
    assert ">Log in</button>" in response.content.decode()


def test_the_admins_own_login_form_no_longer_logs_anyone_in(
    anon_client: ShopClient, staff: Any
) -> None:
    # It counted no failures: after 15 wrong passwords the right one still got straight in.
    for _ in range(15):
        anon_client.form_post("/admin/login/?next=/admin/", {"username": staff.email, "password": "nope"})

    response = anon_client.form_post(
        "/admin/login/?next=/admin/", {"username": staff.email, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=%2Fadmin%2F"
    assert "_auth_user_id" not in anon_client.session
    assert anon_client.get("/admin/").status_code == 302


def test_staff_log_in_to_the_admin_through_allauth(anon_client: ShopClient, staff: Any) -> None:
    response = anon_client.form_post(
        reverse("account_login"), {"login": staff.email, "password": PASSWORD, "next": "/admin/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert anon_client.get("/admin/").status_code == 200


def test_staff_are_locked_out_after_five_failures_like_buyers(
    anon_client: ShopClient, staff: Any
) -> None:
    for _ in range(5):
        anon_client.form_post(
            reverse("account_login"), {"login": staff.email, "password": "nope", "next": "/admin/"}
        )

    response = anon_client.form_post(
        reverse("account_login"), {"login": staff.email, "password": PASSWORD, "next": "/admin/"}
    )

    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in anon_client.session
    assert anon_client.get("/admin/").status_code == 302


def test_a_signed_in_buyer_gets_a_403_from_the_admin_login_not_a_loop(
    buyer_client: ShopClient,
) -> None:
    assert buyer_client.get("/admin/login/?next=/admin/").status_code == 403


def test_the_admin_login_keeps_only_a_local_next(anon_client: ShopClient, db: None) -> None:
    response = anon_client.get("/admin/login/?next=https://evil.example/")

    assert response["Location"] == f"{reverse('account_login')}?next=%2Fadmin%2F"


# --- Mail never breaks a request --------------------------------------------------------------


@pytest.fixture
def dead_mail_server(settings: Any) -> None:
    # SMTP to a port nobody listens on: every send raises ConnectionRefusedError.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 2},
        }
    }


@pytest.fixture(params=["immediate", "database"])
def task_backend(request: pytest.FixtureRequest, settings: Any) -> str:
    if request.param == "database":
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    return request.param


def queued_mail() -> list[dict[str, Any]]:
    return [
        task.args_kwargs["kwargs"]
        for task in DBTaskResult.objects.filter(task_path="shop.services.mail.mail_send")
    ]


def test_password_reset_answers_normally_when_the_mail_server_is_down(
    anon_client: ShopClient, buyer: Any, dead_mail_server: None, task_backend: str
) -> None:
    response = anon_client.form_post(reverse("account_reset_password"), {"email": buyer.email})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    if task_backend == "database":
        [queued] = queued_mail()
        assert queued["to"] == [buyer.email] and "/accounts/password/reset/key/" in queued["body"]

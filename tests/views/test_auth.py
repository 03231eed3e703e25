import re
import socket
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from tests.conftest import PASSWORD
from tests.views.conftest import ShopClient

# Signing up opens a company: the fields the signup form asks for beside the account's.
COMPANY_FIELDS = {
    "company_name": "New Bakery Ltd",
    "address_lines": "1 Mill Lane\nYork",
    "postcode": "YO1 7HH",
    "country": "GB",
}

SHOP_PAGES = [
    reverse("shop:catalogue"),
    reverse("shop:product_detail", args=[1]),
    reverse("shop:cart"),
    reverse("shop:orders"),
    reverse("shop:order_detail", args=[1]),
    reverse("shop:order_cancel", args=[1]),
    reverse("shop:spend"),
    reverse("shop:tokens"),
    reverse("shop:token_revoke", args=[1]),
]
SHOP_ACTIONS = [
    reverse("shop:cart_add"),
    reverse("shop:cart_update", args=[1]),
    reverse("shop:cart_remove", args=[1]),
    reverse("shop:cart_fit"),
    reverse("shop:cart_undo_remove"),
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


def verification_code(message: Any) -> str:
    match = re.search(r"browser window\.\s+(\S+)", message.body)
    assert match, message.body
    return match.group(1)


def test_signup_creates_an_account_that_logs_in_once_the_emailed_code_is_entered(
    anon_client: ShopClient, db: None
) -> None:
    response = anon_client.form_post(
        reverse("account_signup"),
        {
            "email": "new@bakery.test",
            "password1": PASSWORD,
            "password2": PASSWORD,
            **COMPANY_FIELDS,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert anon_client.get(reverse("shop:catalogue")).status_code == 302  # not yet
    [sent] = mail.outbox
    assert sent.to == ["new@bakery.test"]

    response = anon_client.form_post(
        reverse("account_email_verification_sent"), {"code": verification_code(sent)}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("shop:catalogue")
    assert anon_client.get(reverse("shop:catalogue")).status_code == 200
    assert EmailAddress.objects.get(email="new@bakery.test").verified


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
    assert mail.outbox[0].subject.endswith("Reset your password")  # sentence case, as the pages
    assert "Check your email" in anon_client.get(response["Location"]).content.decode()


ACCOUNT_SUBJECTS = sorted(
    path.name for path in (settings.BASE_DIR / "templates/account/email").glob("*_subject.txt")
)


@pytest.mark.parametrize("name", ACCOUNT_SUBJECTS)
def test_account_mail_subjects_are_in_sentence_case(name: str) -> None:
    subject = render_to_string(f"account/email/{name}").strip()

    assert subject and subject[0].isupper()
    assert not any(word[0].isupper() for word in subject.split()[1:]), subject


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


def test_signup_answers_normally_when_the_mail_server_is_down(
    anon_client: ShopClient, db: None, dead_mail_server: None, task_backend: str
) -> None:
    response = anon_client.form_post(
        reverse("account_signup"),
        {"email": "new@bakery.test", "password1": PASSWORD, "password2": PASSWORD, **COMPANY_FIELDS},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    if task_backend == "database":
        [queued] = queued_mail()
        assert queued["to"] == ["new@bakery.test"]


def test_changing_the_email_answers_normally_when_the_mail_server_is_down(
    buyer_client: ShopClient, buyer: Any, dead_mail_server: None, task_backend: str
) -> None:
    response = buyer_client.form_post(
        reverse("account_email"), {"action_add": "", "email": "new@bakery.test"}
    )

    assert response.status_code == 302
    # Nothing is half-written: the address is only stored once its code is entered.
    assert list(EmailAddress.objects.filter(user=buyer).values_list("email", flat=True)) == [buyer.email]


# --- Signup does not tell whether an address is registered ------------------------------------


def signup(client: ShopClient, email: str) -> Any:
    return client.form_post(
        reverse("account_signup"),
        {"email": email, "password1": PASSWORD, "password2": PASSWORD, **COMPANY_FIELDS},
    )


@pytest.mark.parametrize("spelling", ["buyer@bakery.test", "BUYER@Bakery.test"])
def test_signup_with_a_registered_address_looks_like_any_signup(
    buyer: Any, spelling: str
) -> None:
    fresh, taken = ShopClient(), ShopClient()

    fresh_response = signup(fresh, "new@bakery.test")
    taken_response = signup(taken, spelling)

    assert taken_response.status_code == fresh_response.status_code == 302
    assert taken_response["Location"] == fresh_response["Location"]
    fresh_page = fresh.get(fresh_response["Location"]).content.decode()
    taken_page = taken.get(taken_response["Location"]).content.decode()
    assert "already" not in taken_page
    assert _without_tokens(taken_page).replace(spelling.lower(), "new@bakery.test") == _without_tokens(fresh_page)
    assert get_user_model().objects.count() == 2  # the buyer and the new account, nothing else
    code_mail, exists_mail = mail.outbox
    assert exists_mail.to == [spelling.lower()] and "already exists" in exists_mail.body.lower()
    # Whatever is typed on the taken address's code page, no account comes of it.
    taken.form_post(reverse("account_email_verification_sent"), {"code": verification_code(code_mail)})
    assert "_auth_user_id" not in taken.session


def test_signup_notices_an_older_account_stored_with_capitals(anon_client: ShopClient, db: None) -> None:
    # allauth looks addresses up exactly in lower case; such an account would have slipped by
    # into the unique index (a 500).
    get_user_model().objects.create_user(username="Staff@Shop.test", email="Staff@Shop.test")

    response = signup(anon_client, "staff@shop.test")

    assert response["Location"] == reverse("account_email_verification_sent")
    assert get_user_model().objects.count() == 1
    assert "already exists" in mail.outbox[0].body.lower()


def _without_tokens(html: str) -> str:
    return re.sub(r'value="[A-Za-z0-9]{32,}"|"X-CSRFToken": "[A-Za-z0-9]+"', "", html)


def test_login_with_an_unverified_address_asks_for_the_code_first(
    anon_client: ShopClient, db: None
) -> None:
    user = get_user_model().objects.create_user(username="u", email="unverified@bakery.test", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)

    response = anon_client.form_post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    assert response["Location"] == reverse("account_email_verification_sent")
    assert anon_client.get(reverse("shop:cart")).status_code == 302
    anon_client.form_post(reverse("account_email_verification_sent"), {"code": verification_code(mail.outbox[-1])})
    assert anon_client.get(reverse("shop:cart")).status_code == 200


# --- One account per address, usable once verified ----------------------------------------------


def change_email(client: ShopClient, email: str) -> Any:
    return client.form_post(reverse("account_email"), {"action_add": "", "email": email})


def test_a_buyer_cannot_take_over_another_accounts_address(
    buyer_client: ShopClient, buyer: Any, staff: Any
) -> None:
    response = change_email(buyer_client, staff.email)

    assert response.status_code == 302  # the same answer as for a free address (below)
    # The staff address's owner is told; the buyer gets no code to enter.
    [notice] = mail.outbox
    assert notice.to == [staff.email] and "another account" in notice.subject
    # Nor can the buyer make it primary by hand.
    buyer_client.form_post(reverse("account_email"), {"action_primary": "", "email": staff.email})
    buyer.refresh_from_db()
    assert buyer.email == "buyer@bakery.test"
    assert list(EmailAddress.objects.filter(user=buyer).values_list("email", flat=True)) == [buyer.email]
    html = buyer_client.get(reverse("shop:catalogue")).content.decode()
    assert 'id="user-email" class="user-email">buyer@bakery.test<' in html


def test_a_changed_address_counts_only_once_its_code_is_entered(
    buyer_client: ShopClient, buyer: Any
) -> None:
    response = change_email(buyer_client, "orders@bakery.test")
    assert response.status_code == 302
    buyer.refresh_from_db()
    assert buyer.email == "buyer@bakery.test"
    assert not EmailAddress.objects.filter(email="orders@bakery.test").exists()
    [sent] = mail.outbox
    assert sent.to == ["orders@bakery.test"]

    buyer_client.form_post(reverse("account_email_verification_sent"), {"code": verification_code(sent)})

    buyer.refresh_from_db()
    assert buyer.email == "orders@bakery.test"
    assert list(EmailAddress.objects.filter(user=buyer).values_list("email", "verified", "primary")) == [
        ("orders@bakery.test", True, True)
    ]


def test_an_address_someone_tried_to_add_is_still_free_for_its_owner(
    buyer_client: ShopClient, buyer: Any
) -> None:
    change_email(buyer_client, "owner@mill.test")  # the buyer never gets its code
    cache.clear()  # more than 10 s later: allauth sends one code per address per 10 s
    owner = ShopClient()

    response = signup(owner, "owner@mill.test")
    owner.form_post(reverse("account_email_verification_sent"), {"code": verification_code(mail.outbox[-1])})

    assert response["Location"] == reverse("account_email_verification_sent")
    assert "already exists" not in mail.outbox[-1].body.lower()
    assert owner.get(reverse("shop:cart")).status_code == 200
    assert get_user_model().objects.get(email="owner@mill.test") != buyer


def test_signed_in_staff_who_open_the_admin_login_go_on_to_the_admin(
    staff: Any, anon_client: ShopClient
) -> None:
    anon_client.force_login(staff)

    response = anon_client.get("/admin/login/?next=/admin/shop/product/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/shop/product/"


def test_the_owner_of_a_taken_address_is_told_with_a_link_to_reset_the_password(
    buyer_client: ShopClient, other_buyer: Any
) -> None:
    buyer_client.form_post(reverse("account_email"), {"email": other_buyer.email, "action_add": ""})

    [notice] = [m for m in mail.outbox if m.to == [other_buyer.email]]
    assert "http://testserver" + reverse("account_reset_password") in notice.body

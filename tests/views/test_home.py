"""The front door (shop.views.home): a visitor who is not signed in learns what the shop is,
sees its categories and signs in beside them; the sign-in greets the email."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from shop.models import Category, Product
from tests.conftest import PASSWORD
from tests.views.conftest import ShopClient
from tests.views.test_auth import COMPANY_FIELDS, verification_code

pytestmark = pytest.mark.django_db


def category_tiles(html: str) -> dict[str, str]:
    found = re.findall(
        r'<span class="landing-category-name">([^<]+)</span> '
        r'<span class="landing-category-count">([^<]+)</span>',
        html,
    )
    return dict(found)


def test_the_shop_sends_a_visitor_to_the_front_door(anon_client: ShopClient) -> None:
    response = anon_client.get("/", follow=True)

    assert response.redirect_chain == [(f"{reverse('account_login')}?next=/", 302)]
    html = response.content.decode()
    assert "Trade ingredients for bakeries, breweries and sauce makers" in html
    assert ">Log in</button>" in html


def test_the_front_door_says_what_the_shop_is_and_who_it_is_for(anon_client: ShopClient) -> None:
    html = anon_client.get(reverse("account_login")).content.decode()

    start = html.index('id="landing-points"')
    points = html[start : html.index("</ul>", start)]
    offers = ("Contract prices", "VAT invoices", "One account for the team", "Fast reordering", "An API")
    for offer in offers:
        assert offer in points
    assert f'href="{reverse("api_reference")}">API documentation</a>' in points


def test_the_front_door_lists_the_categories_on_sale_with_their_counts(
    anon_client: ShopClient, make_product: Callable[..., Product], category: Category
) -> None:
    malts = Category.objects.create(slug="malts", name="Malts & grains")
    Category.objects.create(slug="empty", name="Nothing yet")
    make_product()
    make_product()
    make_product(category=malts)
    make_product(category=malts, is_active=False)  # off sale: not counted

    html = anon_client.get(reverse("account_login")).content.decode()

    assert category_tiles(html) == {"Flours": "2 products", "Malts &amp; grains": "1 product"}


def test_the_sign_in_sits_beside_it_with_sentence_case_labels(anon_client: ShopClient) -> None:
    html = anon_client.get(reverse("account_login")).content.decode()

    assert 'for="id_login"' in html and 'for="id_password"' in html
    assert ">Remember me</label>" in html
    assert "Remember Me" not in html
    assert f'href="{reverse("account_signup")}">Sign up</a>' in html


def test_a_signed_in_buyer_is_greeted_by_their_email(anon_client: ShopClient, buyer: Any) -> None:
    response = anon_client.form_post(
        reverse("account_login"), {"login": buyer.email, "password": PASSWORD}, follow=True
    )

    assert f'<span class="message-text">Signed in as {buyer.email}.</span>' in response.content.decode()


def test_signing_up_greets_the_email_not_a_made_up_username(anon_client: ShopClient) -> None:
    email = "new.buyer@bakery.test"
    anon_client.form_post(
        reverse("account_signup"),
        {"email": email, "password1": PASSWORD, "password2": PASSWORD, **COMPANY_FIELDS},
    )
    [sent] = mail.outbox

    response = anon_client.form_post(
        reverse("account_email_verification_sent"), {"code": verification_code(sent)}, follow=True
    )

    html = response.content.decode()
    username = get_user_model().objects.get(email=email).username
    assert username != email  # allauth made one up: the message must not show it
    assert f"Signed in as {email}." in html
    assert f"as {username}." not in html


def test_the_new_password_labels_are_in_sentence_case(anon_client: ShopClient, buyer: Any) -> None:
    anon_client.form_post(reverse("account_reset_password"), {"email": buyer.email})
    [sent] = mail.outbox
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", sent.body.replace("=\n", ""))
    assert link, sent.body

    page = anon_client.get(link.group(1), follow=True).content.decode()

    assert ">New password</label>" in page and ">New password (again)</label>" in page
    assert "New Password" not in page

"""Journey 1: a new buyer signs up, confirms the emailed code, logs out and logs in again with the
same email and password."""

import re

from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import Page, expect

from ui import Shooter

EMAIL = "new.buyer@village-bakery.test"
PASSWORD = "rye-and-caraway-2026"


def test_a_new_buyer_signs_up_logs_out_and_logs_in_again(
    page: Page, transactional_db: None, shoot: Shooter
) -> None:
    page.goto("/accounts/signup/")
    shoot(page, "signup")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_label("Company name").fill("Village Bakery")
    page.get_by_label("Delivery address").fill("1 Church Street\nThirsk")
    page.get_by_label("Postcode").fill("YO7 1AA")
    page.get_by_role("button", name="Sign up").click()

    # The address counts once its owner proves it: a code comes by mail.
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    expect(page.get_by_role("main")).to_contain_text(f"We've sent a code to {EMAIL}")
    shoot(page, "signup-code")
    [sent] = mail.outbox
    assert sent.to == [EMAIL]
    page.get_by_label("Code").fill(re.search(r"browser window\.\s+(\S+)", sent.body).group(1))
    page.get_by_role("button", name="Confirm").click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("#user-email")).to_have_text(EMAIL)
    assert get_user_model().objects.filter(email=EMAIL).exists()

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("#user-email")).to_have_count(0)
    page.goto("/cart/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/cart/$"))
    shoot(page, "login")

    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # Back where the login wall stopped the buyer, signed in.
    expect(page).to_have_url(re.compile(r"/cart/$"))
    expect(page.locator("#user-email")).to_have_text(EMAIL)


def test_a_wrong_password_does_not_log_in(page: Page, transactional_db: None) -> None:
    get_user_model().objects.create_user(username=EMAIL, email=EMAIL, password=PASSWORD)

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill("not-the-password")
    page.get_by_role("button", name="Log in").click()

    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("#user-email")).to_have_count(0)
    expect(page.get_by_role("main")).to_contain_text("not correct")

"""The suite's own footing: a real Chromium reaches the live server and the login wall holds."""

import re

from playwright.sync_api import Page, expect


def test_a_visitor_is_sent_to_the_login_page_and_it_renders(
    page: Page, transactional_db: None
) -> None:
    page.goto("/")

    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.locator("input[name=login]")).to_be_visible()
    expect(page.locator("input[name=password]")).to_be_visible()

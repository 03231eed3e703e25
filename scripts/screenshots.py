"""Save a full-page screenshot of every page at desktop (1366x900) and phone (390x844) width.

For looking at the pages, not for CI. Run it against a server with the sample data
(`manage.py sample_db`), e.g.:

    .venv/bin/python scripts/screenshots.py http://127.0.0.1:8000 [--only cart,orders]

PNGs land in artifacts/screenshots/<desktop|phone>/<page>.png. Chromium comes from
SHOP_CHROMIUM (as in e2e) or Playwright's own download.
"""

import argparse
import os
import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, sync_playwright

OUT = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"
SIZES = {
    "desktop": {"viewport": {"width": 1366, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
# The company admin: sees every page a buyer does, and the company's addresses and settings.
BUYER = ("admin@bakery.example", "demo-admin-pass")


def first_link(pattern: str) -> Callable[[Page], str]:
    """A page whose URL is the first link on `start` matching `pattern` (an order, a list)."""

    def find(page: Page) -> str:
        hrefs = page.locator("main a[href]").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
        return next(href for href in hrefs if re.fullmatch(pattern, href))

    return find


# (name, path or (page to start on, how to find the path there))
PAGES: list[tuple[str, object]] = [
    ("catalogue", "/"),
    ("catalogue-page-2", "/?page=2"),
    ("catalogue-empty", "/?q=zzxqy"),
    ("product", ("/", first_link(r"/products/\d+/"))),
    ("quick-order", "/quick-order/"),
    ("saved-lists", "/lists/"),
    ("saved-list", ("/lists/", first_link(r"/lists/\d+/"))),
    ("cart", "/cart/"),
    ("orders", "/orders/"),
    ("order", ("/orders/", first_link(r"/orders/\d+/"))),
    ("spend", "/spend/"),
    ("tokens", "/tokens/"),
    ("company", "/company/"),
    ("members", "/company/members/"),
    ("addresses", "/company/addresses/"),
    ("company-settings", "/company/settings/"),
    ("api-docs", "/docs/api/"),
    ("not-found", "/orders/999999999/"),
]
ANONYMOUS = [
    ("login", "/accounts/login/"),
    ("signup", "/accounts/signup/"),
    ("password-reset", "/accounts/password/reset/"),
]


def shoot(page: Page, folder: Path, name: str) -> None:
    # caret="initial": Playwright's caret-hiding style is an inline <style> the CSP refuses.
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True, caret="initial")
    print(folder / f"{name}.png")


def log_in(context: BrowserContext, base: str) -> Page:
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(BUYER[0])
    page.get_by_label("Password", exact=True).fill(BUYER[1])
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")
    return page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url")
    parser.add_argument("--only", default="", help="comma-separated page names")
    args = parser.parse_args()
    base = args.base_url.rstrip("/")
    only = set(filter(None, args.only.split(",")))
    launch: dict[str, object] = {
        "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run"]
    }
    if os.environ.get("SHOP_CHROMIUM"):
        launch["executable_path"] = os.environ["SHOP_CHROMIUM"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch)
        for size, options in SIZES.items():
            folder = OUT / size
            folder.mkdir(parents=True, exist_ok=True)
            anonymous = browser.new_context(**options).new_page()
            for name, path in ANONYMOUS:
                if not only or name in only:
                    anonymous.goto(f"{base}{path}")
                    shoot(anonymous, folder, name)
            context = browser.new_context(**options)
            page = log_in(context, base)
            for name, target in PAGES:
                if only and name not in only:
                    continue
                if isinstance(target, tuple):
                    start, find = target
                    page.goto(f"{base}{start}")
                    target = find(page)
                page.goto(f"{base}{target}")
                shoot(page, folder, name)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()

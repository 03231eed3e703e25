"""The company pages in the browser: what each role sees and may post."""

from html import escape
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from companies import services
from companies.models import Address, Company, Invitation, Membership, Role
from companies.services import AddressInput
from tests.views.conftest import ShopClient

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "founder@mill-bakery.test",
    "password1": "rye-and-caraway-2026",
    "password2": "rye-and-caraway-2026",
    "company_name": "Mill Bakery Ltd",
    "vat_number": "GB123456789",
    "address_lines": "1 Mill Lane\nYork",
    "postcode": "yo1 7hh",
    "country": "gb",
}


def add_address(actor: Any, label: str = "Bakery") -> Address:
    return services.address_create(
        actor=actor, data=AddressInput(label=label, lines="1 Mill Lane\nYork", postcode="YO1 7HH")
    )


# --- Signup ------------------------------------------------------------------------------------


def test_signup_opens_a_company_with_the_new_user_as_admin(anon_client: ShopClient) -> None:
    response = anon_client.form_post(reverse("account_signup"), SIGNUP)

    assert response.status_code == 302
    membership = Membership.objects.select_related("company").get(user__email=SIGNUP["email"])
    assert membership.role == Role.ADMIN
    assert (membership.company.name, membership.company.vat_number) == ("Mill Bakery Ltd", "GB123456789")
    address = Address.objects.get(company=membership.company)
    assert (address.line_list, address.postcode, address.country, address.is_default) == (
        ["1 Mill Lane", "York"], "YO1 7HH", "GB", True,
    )


def test_the_signup_page_asks_for_the_company(anon_client: ShopClient) -> None:
    html = anon_client.get(reverse("account_signup")).content.decode()

    for name in ("company_name", "vat_number", "address_lines", "postcode", "country"):
        assert f'name="{name}"' in html


def test_signup_without_a_company_name_creates_no_user(anon_client: ShopClient) -> None:
    response = anon_client.form_post(reverse("account_signup"), {**SIGNUP, "company_name": ""})

    assert response.status_code == 200
    assert "field-error" in response.content.decode()
    assert not get_user_model().objects.filter(email=SIGNUP["email"]).exists()


def test_a_failing_company_rolls_the_new_user_back(anon_client: ShopClient, monkeypatch: Any) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(services, "company_create", broken)

    with pytest.raises(RuntimeError):
        anon_client.form_post(reverse("account_signup"), SIGNUP)
    assert not get_user_model().objects.filter(email=SIGNUP["email"]).exists()


# --- Invitations -------------------------------------------------------------------------------


def test_an_admin_invites_a_colleague_who_signs_up_into_the_company(
    admin_client: ShopClient, company: Company, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.form_post(
            reverse("companies:invitation_create"), {"email": "new@ryeandco.test", "role": "viewer"}
        )
    assert response.status_code == 302
    link = next(word for word in mail.outbox[0].body.split() if "/company/join/" in word)
    path = link.removeprefix("http://testserver")

    newcomer = ShopClient()
    page = newcomer.get(path)
    assert page.status_code == 200
    assert "new@ryeandco.test" in page.content.decode()
    response = newcomer.form_post(
        path, {"password1": "rye-and-caraway-2026", "password2": "rye-and-caraway-2026"}
    )

    assert response.status_code == 302
    membership = Membership.objects.get(user__email="new@ryeandco.test")
    assert (membership.company_id, membership.role) == (company.pk, Role.VIEWER)
    # The link came by mail to that address: it counts as verified, so no code is asked for.
    assert EmailAddress.objects.get(email="new@ryeandco.test").verified
    assert newcomer.get(reverse("companies:overview")).status_code == 200
    # Used once: the link no longer works.
    assert ShopClient().get(path).status_code == 404


def test_the_invited_email_cannot_be_swapped_for_another(admin: Any, company: Company) -> None:
    issued = services.invitation_create(actor=admin, email="new@ryeandco.test", role="buyer", base_url="http://testserver/")
    client = ShopClient()

    client.form_post(
        f"/company/join/{issued.key}/",
        {"email": "intruder@evil.test", "password1": "rye-and-caraway-2026", "password2": "rye-and-caraway-2026"},
    )

    assert not get_user_model().objects.filter(email="intruder@evil.test").exists()
    assert Membership.objects.get(user__email="new@ryeandco.test").company_id == company.pk


def test_a_revoked_invitation_link_is_refused(admin: Any, admin_client: ShopClient) -> None:
    issued = services.invitation_create(actor=admin, email="new@ryeandco.test", role="buyer", base_url="http://testserver/")

    response = admin_client.form_post(reverse("companies:invitation_revoke", args=[issued.invitation.pk]))
    assert response.status_code == 302

    page = ShopClient().get(f"/company/join/{issued.key}/")
    assert page.status_code == 404
    assert "does not work" in page.content.decode()


def test_an_existing_user_following_an_invitation_is_told_to_ask(admin: Any) -> None:
    issued = services.invitation_create(actor=admin, email="late@ryeandco.test", role="buyer", base_url="http://testserver/")
    get_user_model().objects.create_user(username="late", email="late@ryeandco.test", password="x")

    page = ShopClient().get(f"/company/join/{issued.key}/")

    assert page.status_code == 409
    assert "already has an account" in page.content.decode()


def test_inviting_an_existing_account_shows_a_form_error(admin_client: ShopClient, other_admin: Any) -> None:
    response = admin_client.form_post(
        reverse("companies:invitation_create"), {"email": other_admin.email, "role": "buyer"}
    )

    assert response.status_code == 422
    assert "already has an account" in response.content.decode()
    assert not Invitation.objects.exists()


# --- Members -----------------------------------------------------------------------------------


def test_admins_see_role_controls_others_a_read_only_list(
    admin_client: ShopClient, viewer_client: ShopClient, buyer_member: Any, viewer: Any
) -> None:
    admin_html = admin_client.get(reverse("companies:members")).content.decode()
    viewer_html = viewer_client.get(reverse("companies:members")).content.decode()

    assert buyer_member.email in admin_html and buyer_member.email in viewer_html
    assert 'name="role"' in admin_html and "Invite a colleague" in admin_html
    assert 'name="role"' not in viewer_html and "Invite a colleague" not in viewer_html
    assert "Remove" not in viewer_html


def test_an_admin_changes_a_role_without_javascript(admin_client: ShopClient, buyer_member: Any) -> None:
    response = admin_client.form_post(
        reverse("companies:member_role", args=[buyer_member.membership.pk]), {"role": "viewer"}
    )

    assert response.status_code == 302
    assert Membership.objects.get(user=buyer_member).role == Role.VIEWER


def test_an_htmx_role_change_returns_the_members_table(admin_client: ShopClient, buyer_member: Any) -> None:
    response = admin_client.htmx_post(
        reverse("companies:member_role", args=[buyer_member.membership.pk]), {"role": "admin"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="members"')
    assert "<html" not in html
    assert "is now admin" in html
    assert Membership.objects.get(user=buyer_member).role == Role.ADMIN


def test_the_last_admin_cannot_demote_themselves_in_the_page(admin_client: ShopClient, admin: Any) -> None:
    response = admin_client.form_post(
        reverse("companies:member_role", args=[admin.membership.pk]), {"role": "viewer"}, follow=True
    )

    assert "at least one admin" in response.content.decode()
    assert Membership.objects.get(user=admin).role == Role.ADMIN


def test_an_admin_removes_a_member(admin_client: ShopClient, viewer: Any) -> None:
    response = admin_client.form_post(reverse("companies:member_remove", args=[viewer.membership.pk]))

    assert response.status_code == 302
    assert not Membership.objects.filter(user=viewer).exists()


def test_remove_on_the_members_page_asks_first_naming_the_member(
    admin_client: ShopClient, viewer: Any
) -> None:
    url = reverse("companies:member_remove", args=[viewer.membership.pk])
    members = admin_client.get(reverse("companies:members")).content.decode()
    assert f'href="{url}"' in members and f"Remove {viewer.email}…" in members

    confirm = admin_client.get(url)

    html = confirm.content.decode()
    assert confirm.status_code == 200
    assert f"Remove {viewer.email} from" in html and "cannot be undone" in html
    assert f'<form method="post" action="{url}"' in html
    assert Membership.objects.filter(user=viewer).exists()  # asking changes nothing


def test_removing_the_last_admin_is_explained_not_offered(admin_client: ShopClient, admin: Any) -> None:
    url = reverse("companies:member_remove", args=[admin.membership.pk])

    html = admin_client.get(url).content.decode()

    assert "is the only admin of" in html and "Make another member an admin first" in html
    assert f'action="{url}"' not in html


# --- Addresses and settings --------------------------------------------------------------------


def test_an_admin_adds_edits_defaults_and_deletes_addresses(admin_client: ShopClient, company: Company) -> None:
    url = reverse("companies:addresses")
    data = {"label": "Bakery", "lines": "1 Mill Lane\nYork", "postcode": "YO1 7HH", "country": "GB"}
    assert admin_client.form_post(url, data).status_code == 302
    assert admin_client.form_post(url, {**data, "label": "Warehouse", "is_default": "on"}).status_code == 302
    bakery, warehouse = Address.objects.get(label="Bakery"), Address.objects.get(label="Warehouse")
    assert (bakery.is_default, warehouse.is_default) == (False, True)

    admin_client.form_post(reverse("companies:address_default", args=[bakery.pk]))
    admin_client.form_post(
        reverse("companies:address_edit", args=[warehouse.pk]), {**data, "label": "Store", "postcode": "LS1 1AA"}
    )
    admin_client.form_post(reverse("companies:address_delete", args=[bakery.pk]))

    remaining = Address.objects.get(company=company)
    assert (remaining.label, remaining.postcode, remaining.is_default) == ("Store", "LS1 1AA", True)
    assert "Store" in admin_client.get(url).content.decode()


def test_an_invalid_address_is_shown_with_its_errors(admin_client: ShopClient) -> None:
    response = admin_client.form_post(
        reverse("companies:addresses"), {"label": "", "lines": "x", "postcode": "Y", "country": "G1"}
    )

    assert response.status_code == 422
    assert "two-letter" in response.content.decode()
    assert not Address.objects.exists()


def test_an_admin_changes_the_company_settings(admin_client: ShopClient, company: Company) -> None:
    response = admin_client.form_post(
        reverse("companies:settings"),
        {"name": "Rye & Co Ltd", "vat_number": "GB987654321", "po_number_required": "on"},
    )

    assert response.status_code == 302
    company.refresh_from_db()
    assert (company.name, company.vat_number, company.po_number_required) == ("Rye & Co Ltd", "GB987654321", True)


def test_every_member_sees_the_overview_with_their_role(viewer_client: ShopClient, company: Company) -> None:
    html = viewer_client.get(reverse("companies:overview")).content.decode()

    assert escape(company.name) in html and "viewer" in html and company.vat_number in html


def test_the_header_links_to_the_company(admin_client: ShopClient) -> None:
    html = admin_client.get(reverse("shop:catalogue")).content.decode()

    assert f'href="{reverse("companies:overview")}"' in html


def test_company_pages_need_a_login(anon_client: ShopClient) -> None:
    response = anon_client.get(reverse("companies:members"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_user_without_a_company_gets_403(admin: Any, admin_client: ShopClient) -> None:
    Membership.objects.filter(user=admin).delete()

    assert admin_client.get(reverse("companies:overview")).status_code == 403

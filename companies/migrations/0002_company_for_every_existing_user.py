"""Every existing user gets a company of their own, as its admin, so accounts keep working.

Staff included: staff accounts also browse and order in the shop, and one rule ("every user
has a company") is simpler for every later check than an exception for staff. The company is
named after the email's domain ("bakery.co.uk"), or after the whole address for shared mail
providers, where the domain says nothing about the business. Orders, carts and tokens stay on
the user. Users who already have a membership are skipped, so a re-run changes nothing.
"""

from django.conf import settings
from django.db import migrations
from django.utils import timezone

SHARED_MAIL_DOMAINS = {
    "gmail.com", "googlemail.com", "hotmail.com", "hotmail.co.uk", "outlook.com", "live.com",
    "live.co.uk", "yahoo.com", "yahoo.co.uk", "icloud.com", "me.com", "aol.com", "btinternet.com",
    "proton.me", "protonmail.com", "gmx.com", "example.com",
}
BATCH = 1000


def company_name_for(email: str, username: str) -> str:
    email = (email or "").strip()
    if "@" not in email:
        return (username or "Company")[:200]
    domain = email.rsplit("@", 1)[1].lower()
    return (email if domain in SHARED_MAIL_DOMAINS else domain)[:200]


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    User = apps.get_model(settings.AUTH_USER_MODEL)
    Company = apps.get_model("companies", "Company")
    Membership = apps.get_model("companies", "Membership")
    now = timezone.now()
    users = (
        User.objects.filter(membership__isnull=True)
        .order_by("pk")
        .values_list("pk", "email", "username", "date_joined")
    )
    batch: list[tuple[int, str, str, object]] = []

    def flush() -> None:
        companies = Company.objects.bulk_create(
            [Company(name=company_name_for(email, username), created_at=now) for _, email, username, _ in batch]
        )
        Membership.objects.bulk_create(
            [
                Membership(user_id=pk, company_id=company.pk, role="admin", joined_at=joined or now)
                for (pk, _, _, joined), company in zip(batch, companies, strict=True)
            ]
        )
        batch.clear()

    for row in list(users):  # read first: the loop writes memberships that the filter reads
        batch.append(row)
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()


class Migration(migrations.Migration):
    dependencies = [
        ("companies", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

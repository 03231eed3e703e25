"""Orders belong to a company: filled from each order's user's membership (every user has one
since companies 0002), then NOT NULL. Adds the trade checkout's PO number, delivery date,
notes and delivery address (a snapshot, plus a link that is cleared if the address goes)."""

import django.db.models.deletion
from django.db import migrations, models

BATCH = 1000


def fill_company(apps, schema_editor):  # type: ignore[no-untyped-def]
    Order = apps.get_model("shop", "Order")
    Membership = apps.get_model("companies", "Membership")
    company_of = dict(Membership.objects.values_list("user_id", "company_id"))
    pending = Order.objects.filter(company__isnull=True).values_list("pk", "user_id")
    by_company: dict[int, list[int]] = {}
    for pk, user_id in pending.iterator(chunk_size=BATCH):
        company_id = company_of.get(user_id)
        if company_id is None:
            raise RuntimeError(
                f"Order {pk}'s user {user_id} has no company: run companies 0002 first."
            )
        by_company.setdefault(company_id, []).append(pk)
    for company_id, pks in by_company.items():
        for start in range(0, len(pks), BATCH):
            Order.objects.filter(pk__in=pks[start : start + BATCH]).update(company_id=company_id)


class Migration(migrations.Migration):
    dependencies = [
        ("companies", "0002_company_for_every_existing_user"),
        ("shop", "0006_lifecycle_order_status"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="company",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="orders",
                to="companies.company",
            ),
        ),
        migrations.RunPython(fill_company, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="order",
            name="company",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="orders",
                to="companies.company",
            ),
        ),
    ]

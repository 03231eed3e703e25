"""One account per email address, whatever its case, enforced by the database.

allauth compares addresses in lower case, but nothing stopped two accounts from holding the
same one: a buyer could add the staff address to their own account and make it primary. Before
the unique indexes on lower(email) (allauth's EmailAddress, and auth_user.email where set) can
be built, existing duplicates are resolved, and every decision is printed:

- an address held by several accounts stays with the account that verified it (the oldest
  such account if several did), else with the oldest account; the others lose it (their
  EmailAddress rows go, their user email falls back to another address of theirs, or empty);
- case variants of one address on one account are merged into one row;
- stored addresses are lower-cased, as allauth stores new ones (its lookups are exact).

An account left without any address cannot log in until staff give it one in the admin.
"""

import sys
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

EMAIL_ADDRESS_INDEX = "account_emailaddress_email_lower_uniq"
USER_INDEX = "auth_user_email_lower_uniq"


def say(line: str) -> None:
    sys.stdout.write(f"  email clean-up: {line}\n")


def email_models(apps: StateApps) -> tuple[Any, Any]:
    return apps.get_model(settings.AUTH_USER_MODEL), apps.get_model("account", "EmailAddress")


def resolve_duplicates(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    User, EmailAddress = email_models(apps)
    db = schema_editor.connection.alias
    users = {user.pk: user for user in User.objects.using(db).exclude(email="")}
    rows = list(EmailAddress.objects.using(db).order_by("pk"))

    holders: dict[str, set[int]] = defaultdict(set)
    verified_by: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        holders[row.email.lower()].add(row.user_id)
        if row.verified:
            verified_by[row.email.lower()].add(row.user_id)
    for user in users.values():
        holders[user.email.lower()].add(user.pk)

    touched: set[int] = set()
    for email, user_ids in sorted(holders.items()):
        if len(user_ids) < 2:
            continue
        if verified_by[email]:
            owner, why = min(verified_by[email]), "verified it"
        else:
            owner, why = min(user_ids), "oldest account, nobody verified it"
        losers = sorted(user_ids - {owner})
        say(f"{email} was held by users {sorted(user_ids)}: kept by user {owner} ({why}), "
            f"removed from {losers}")
        EmailAddress.objects.using(db).filter(user_id__in=losers, email__iexact=email).delete()
        touched.update(losers)
        for pk in losers:
            if pk in users and users[pk].email.lower() == email:
                users[pk].email = ""

    by_user: dict[int, list[Any]] = defaultdict(list)
    for row in EmailAddress.objects.using(db).order_by("pk"):
        by_user[row.user_id].append(row)
    for user_id, user_rows in by_user.items():
        groups: dict[str, list[Any]] = defaultdict(list)
        for row in user_rows:
            groups[row.email.lower()].append(row)
        for email, variants in groups.items():
            if len(variants) < 2:
                continue
            keep = sorted(variants, key=lambda r: (not r.verified, not r.primary, r.pk))[0]
            keep.verified = any(r.verified for r in variants)
            keep.primary = any(r.primary for r in variants)
            EmailAddress.objects.using(db).filter(pk__in=[r.pk for r in variants if r.pk != keep.pk]).delete()
            keep.save(update_fields=["verified", "primary"])
            say(f"user {user_id} had {len(variants)} case variants of {email}: merged into one")

    # Accounts that lost their address fall back to another of theirs.
    for pk in sorted(touched):
        remaining = list(EmailAddress.objects.using(db).filter(user_id=pk).order_by("-primary", "-verified", "pk"))
        user = users.get(pk) or User.objects.using(db).get(pk=pk)
        if remaining and not remaining[0].primary:
            remaining[0].primary = True
            remaining[0].save(update_fields=["primary"])
        if not user.email:
            user.email = remaining[0].email if remaining else ""
            User.objects.using(db).filter(pk=pk).update(email=user.email)
            say(f"user {pk} now has the email {user.email!r}"
                + ("" if user.email else ": it cannot log in until given an address in the admin"))

    lowered = 0
    for row in EmailAddress.objects.using(db).all():
        if row.email != row.email.lower():
            EmailAddress.objects.using(db).filter(pk=row.pk).update(email=row.email.lower())
            lowered += 1
    for user in User.objects.using(db).exclude(email=""):
        if user.email != user.email.lower():
            User.objects.using(db).filter(pk=user.pk).update(email=user.email.lower())
            lowered += 1
    if lowered:
        say(f"{lowered} addresses lower-cased")


def create_indexes(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    User, EmailAddress = email_models(apps)
    q = schema_editor.quote_name
    if schema_editor.connection.vendor == "postgresql":
        # The clean-up's deletes left deferred foreign-key checks pending in this transaction;
        # PostgreSQL builds no index on a table with pending trigger events.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    schema_editor.execute(
        f"CREATE UNIQUE INDEX {q(EMAIL_ADDRESS_INDEX)} "
        f"ON {q(EmailAddress._meta.db_table)} (LOWER({q('email')}))"
    )
    schema_editor.execute(
        f"CREATE UNIQUE INDEX {q(USER_INDEX)} ON {q(User._meta.db_table)} (LOWER({q('email')})) "
        f"WHERE {q('email')} <> ''"
    )


def drop_indexes(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for name in (EMAIL_ADDRESS_INDEX, USER_INDEX):
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0004_stock_only_by_stock_service"),
        ("account", "0009_emailaddress_unique_primary_email"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(resolve_duplicates, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(create_indexes, drop_indexes),
    ]

"""Migration shop 0005_accounts_unique_email: duplicates resolved (and reported), then unique
indexes on lower(email) for allauth's addresses and auth_user."""

import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

MIGRATION = ("shop", "0005_accounts_unique_email")
migration_module = importlib.import_module("shop.migrations.0005_accounts_unique_email")
BEFORE = [dep for dep in migration_module.Migration.dependencies if dep[0] == "shop"]
User = get_user_model()


def migrate(targets: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.fixture
def before_migration(transactional_db: None) -> Iterator[None]:
    migrate(BEFORE)
    yield
    migrate(executor_leaf_nodes())


def executor_leaf_nodes() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def user(pk: int, email: str) -> Any:
    return User.objects.create(pk=pk, username=f"user{pk}", email=email)


def address(user_id: int, email: str, *, verified: bool = False, primary: bool = False) -> EmailAddress:
    return EmailAddress.objects.create(user_id=user_id, email=email, verified=verified, primary=primary)


def test_it_resolves_duplicates_and_says_what_it_found(
    before_migration: None, capsys: pytest.CaptureFixture[str]
) -> None:
    # The staff address, taken over by a buyer who added it and made it primary.
    user(1, "staff@shop.test")
    user(2, "staff@shop.test")
    address(2, "buyer@bakery.test")
    address(2, "staff@shop.test", primary=True)
    # A verified owner wins over an older account that never verified.
    user(3, "Chef@Brewery.test")
    user(4, "chef@brewery.test")
    address(4, "chef@brewery.test", verified=True, primary=True)
    # One account with two spellings of its address.
    user(5, "Mixed@Case.test")
    address(5, "Mixed@Case.test", primary=True)
    address(5, "mixed@case.test", verified=True)

    migrate([MIGRATION])

    report = capsys.readouterr().out
    assert "staff@shop.test was held by users [1, 2]: kept by user 1 (oldest account, nobody verified it), removed from [2]" in report
    assert "chef@brewery.test was held by users [3, 4]: kept by user 4 (verified it), removed from [3]" in report
    assert "user 5 had 2 case variants of mixed@case.test: merged into one" in report
    assert "user 3 now has the email '': it cannot log in until given an address in the admin" in report
    assert dict(User.objects.values_list("pk", "email")) == {
        1: "staff@shop.test",
        2: "buyer@bakery.test",
        3: "",
        4: "chef@brewery.test",
        5: "mixed@case.test",
    }
    assert list(EmailAddress.objects.filter(user_id=2).values_list("email", "primary")) == [("buyer@bakery.test", True)]
    assert list(EmailAddress.objects.filter(user_id=5).values_list("email", "verified", "primary")) == [
        ("mixed@case.test", True, True)
    ]


def test_it_reports_nothing_when_there_is_nothing_to_fix(
    before_migration: None, capsys: pytest.CaptureFixture[str]
) -> None:
    user(1, "a@shop.test")
    address(1, "a@shop.test", verified=True, primary=True)

    migrate([MIGRATION])

    assert "email clean-up" not in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.parametrize("spelling", ["buyer@bakery.test", "BUYER@bakery.test"])
def test_the_database_refuses_a_second_account_with_the_same_email(buyer: Any, spelling: str) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="second", email=spelling)


@pytest.mark.django_db
def test_the_database_refuses_the_same_address_on_two_accounts_even_unverified(
    buyer: Any, other_buyer: Any
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        EmailAddress.objects.create(user=other_buyer, email="Buyer@Bakery.test", verified=False)


@pytest.mark.django_db
def test_accounts_without_an_email_do_not_collide() -> None:
    User.objects.create(username="a", email="")
    User.objects.create(username="b", email="")

    assert User.objects.filter(email="").count() == 2

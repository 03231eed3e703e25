"""Real threads, each with its own PostgreSQL connection, racing through role changes."""

from typing import Any

import pytest

from companies import services
from companies.exceptions import Forbidden, LastAdmin
from companies.models import Membership, Role
from tests.factories import make_company, make_member
from tests.services.test_concurrency import race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.usefixtures("postgres_only"),
    pytest.mark.django_db(transaction=True),
]


@pytest.mark.parametrize("action", ["demote", "remove"])
def test_two_admins_acting_on_each_other_at_once_leave_one_admin(action: str) -> None:
    # Repeated: without the company row lock, both read "two admins" and both go ahead.
    for round_ in range(8):
        company, first = make_company(f"Race {round_}", admin_email=f"a{round_}-{action}@race.test")
        second = make_member(f"b{round_}-{action}@race.test", company, Role.ADMIN)

        def act(actor: Any, target: Any) -> Any:
            if action == "demote":
                return services.member_set_role(actor=actor, member_id=target.membership.pk, role=Role.BUYER)
            return services.member_remove(actor=actor, member_id=target.membership.pk)

        results = race([lambda: act(first, second), lambda: act(second, first)])

        refused = [r for r in results if isinstance(r, (Forbidden, LastAdmin))]
        assert len(refused) == 1, results
        assert Membership.objects.filter(company=company, role=Role.ADMIN).count() == 1

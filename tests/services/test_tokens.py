from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shop import services
from shop.exceptions import InvalidQuantity, InvalidTokenExpiry
from shop.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("days", [0, 366, 1.5, "7", True])
def test_it_refuses_an_expiry_that_is_not_1_to_365_whole_days(buyer, days):
    with pytest.raises(InvalidTokenExpiry) as refused:
        services.token_create(user=buyer, expires_in_days=days)

    # Not a quantity error: the cart views catch those and would show it as one.
    assert not isinstance(refused.value, InvalidQuantity)
    assert str(refused.value) == "expires_in_days must be a whole number from 1 to 365."
    assert not ApiToken.objects.exists()


def test_a_live_token_is_found_with_its_user(buyer):
    issued = services.token_create(user=buyer, name="till")

    token = services.token_authenticate(issued.secret)

    stored = ApiToken.objects.get(pk=issued.token.pk)
    assert token is not None
    for field in ("pk", "user_id", "name", "prefix", "secret_hash", "created_at", "expires_at",
                  "revoked_at"):
        assert getattr(token, field) == getattr(stored, field), field
    assert not token._state.adding
    # The user is a whole, saved user: views read it as request.user.
    user = get_user_model().objects.get(pk=buyer.pk)
    assert token.user == user
    assert not token.user._state.adding
    for field in user._meta.concrete_fields:
        assert getattr(token.user, field.attname) == getattr(user, field.attname), field.name
    assert token.user.is_active is True
    assert token.user.is_staff is False


def test_a_token_is_checked_in_one_query_when_recently_used(buyer):
    issued = services.token_create(user=buyer)
    services.token_authenticate(issued.secret)  # records the first use

    with CaptureQueriesContext(connection) as queries:
        assert services.token_authenticate(issued.secret) is not None

    assert len(queries) == 1


def test_a_wrong_secret_with_a_real_prefix_is_refused(buyer):
    issued = services.token_create(user=buyer)

    assert services.token_authenticate(issued.secret[:-1] + "x") is None
    assert services.token_authenticate(f"shop_{issued.token.prefix}_") is None


@pytest.mark.parametrize("raw", ["", "shop_", "shop__abc", "Bearer shop_x_y", "shop_unknown_y"])
def test_malformed_and_unknown_tokens_are_refused(buyer, raw):
    services.token_create(user=buyer)

    assert services.token_authenticate(raw) is None


def test_revoked_and_expired_tokens_are_refused(buyer):
    revoked = services.token_create(user=buyer)
    services.token_revoke(user=buyer, token_id=revoked.token.pk)
    expired = services.token_create(user=buyer)
    ApiToken.objects.filter(pk=expired.token.pk).update(expires_at=timezone.now())

    assert services.token_authenticate(revoked.secret) is None
    assert services.token_authenticate(expired.secret) is None


def test_a_token_of_an_inactive_user_is_refused(buyer):
    issued = services.token_create(user=buyer)
    get_user_model().objects.filter(pk=buyer.pk).update(is_active=False)

    assert services.token_authenticate(issued.secret) is None


def test_last_use_is_written_at_most_once_a_minute(buyer):
    issued = services.token_create(user=buyer)

    first = services.token_authenticate(issued.secret)
    assert first is not None and first.last_used_at is not None
    recorded = ApiToken.objects.get(pk=issued.token.pk).last_used_at
    assert recorded == first.last_used_at

    again = services.token_authenticate(issued.secret)
    assert again is not None and again.last_used_at == recorded
    assert ApiToken.objects.get(pk=issued.token.pk).last_used_at == recorded

    a_minute_ago = recorded - timedelta(seconds=61)
    ApiToken.objects.filter(pk=issued.token.pk).update(last_used_at=a_minute_ago)
    later = services.token_authenticate(issued.secret)
    assert later is not None and later.last_used_at > a_minute_ago
    assert ApiToken.objects.get(pk=issued.token.pk).last_used_at == later.last_used_at

"""API tokens expire: chosen at creation (90 days unless said otherwise), refused afterwards."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from dondoc.accounts.models import ApiToken

VN = dt.timezone(dt.timedelta(hours=7))
ISSUED = dt.datetime(2025, 7, 1, 9, 0, tzinfo=VN)


def _get(key: str):
    return Client().get("/api/programs", HTTP_AUTHORIZATION=f"Bearer {key}")


@pytest.mark.django_db
def test_a_token_expires_after_ninety_days_unless_told_otherwise(reporter):
    with time_machine.travel(ISSUED, tick=False):
        token, key = ApiToken.issue(reporter, "Hệ thống của Bộ")

    assert token.expires_at == ISSUED + dt.timedelta(days=90)
    with time_machine.travel(ISSUED + dt.timedelta(days=89), tick=False):
        assert _get(key).status_code == 200
    with time_machine.travel(ISSUED + dt.timedelta(days=90, seconds=1), tick=False):
        refused = _get(key)
    assert refused.status_code == 401
    assert "expired on 29/09/2025" in refused.json()["detail"]


@pytest.mark.django_db
def test_the_tokens_page_chooses_the_expiry_and_shows_it(client, reporter):
    client.force_login(reporter)
    with time_machine.travel(ISSUED, tick=False):
        client.post("/account/tokens/", {"name": "Cổng dữ liệu", "scopes": ["read"], "days": "30"})

    token = ApiToken.objects.get(user=reporter)
    assert token.expires_at == ISSUED + dt.timedelta(days=30)
    ApiToken.objects.update(last_used_at=ISSUED + dt.timedelta(hours=2, minutes=5))
    with time_machine.travel(ISSUED + dt.timedelta(days=1), tick=False):
        page = client.get("/account/tokens/").content.decode()
    assert "31/07/2025" in page  # expiry
    assert "01/07/2025 11:05" in page  # last used, with the time
    with time_machine.travel(ISSUED + dt.timedelta(days=31), tick=False):
        later = client.get("/account/tokens/").content.decode()
    assert "Đã hết hạn 31/07/2025" in later


@pytest.mark.django_db
def test_a_token_cannot_be_issued_for_longer_than_a_year(client, reporter):
    client.force_login(reporter)

    response = client.post("/account/tokens/", {"name": "x", "scopes": ["read"], "days": "5000"})

    assert response.context["new_key"] is None
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_the_token_command_takes_the_number_of_days(reporter):
    out, err = io.StringIO(), io.StringIO()
    with time_machine.travel(ISSUED, tick=False):
        call_command(
            "token", "create", "reporter", "--name", "ETL", "--days", "7", stdout=out, stderr=err
        )

    token = ApiToken.objects.get()
    assert token.expires_at == ISSUED + dt.timedelta(days=7)
    assert "expires 08/07/2025" in err.getvalue()
    assert ApiToken.hash_key(out.getvalue().strip()) == token.key_hash

"""The indicators API: the catalogue, an indicator's values by unit and period, collection."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dondoc.accounts.models import ApiToken
from dondoc.indicators import services
from dondoc.indicators.models import IndicatorValue, ValueState
from dondoc.indicators.tests.collection_world import (  # noqa: F401  (fixtures)
    Q2,
    Q3,
    firms,
    hg_old,
    share,
    tq_head,
    tq_new,
    tq_old,
    tq_reporter,
)


def _auth(user) -> dict:
    _token, key = ApiToken.issue(user, "test", scopes="read,write")
    return {"Authorization": f"Bearer {key}"}


def _post(client, user, indicator, body):
    return client.post(
        f"/api/indicators/{indicator.pk}/values",
        body,
        content_type="application/json",
        headers=_auth(user),
    )


def test_the_catalogue_lists_indicators(client, tq_reporter, share, firms):  # noqa: F811
    body = client.get("/api/indicators?program=NQ57", headers=_auth(tq_reporter)).json()
    assert body["count"] == 2
    assert body["items"][0] | {"id": 0} == {
        "id": 0,
        "code": "21",
        "name": "Tỷ lệ hộ gia đình có cáp quang",
        "unit": "%",
        "direction": "higher",
        "aggregation": "mean",
        "frequency": "quarter",
        "levels": ["province"],
        "parent": None,
        "responsible_agency": None,
        "version": 1,
        "public": False,
        "formula": None,
        "latest": None,
    }


def test_the_latest_value_is_rolled_up_from_the_provinces_without_a_national_one(
    client,
    tq_reporter,  # noqa: F811
    share,  # noqa: F811
    tq_new,  # noqa: F811
):
    IndicatorValue.objects.create(
        indicator=share,
        org_unit=tq_new,
        period_start=Q3.start,
        period_end=Q3.end,
        period_label=Q3.label,
        value=Decimal("25.5"),
        state=ValueState.APPROVED,
    )
    body = client.get("/api/indicators?program=NQ57", headers=_auth(tq_reporter)).json()
    latest = body["items"][0]["latest"]
    assert latest["value"] == "25.5" and latest["period"] == Q3.label
    assert latest["rolled_up"]["reported"] == 1  # of Hà Nội and the new Tuyên Quang


def test_a_reporter_posts_a_draft_and_the_head_submits(
    client,
    share,  # noqa: F811
    tq_new,  # noqa: F811
    tq_reporter,  # noqa: F811
    tq_head,  # noqa: F811
):
    draft = _post(
        client, tq_reporter, share, {"org_unit": tq_new.pk, "period": "2025-Q3", "value": "25,5"}
    )
    assert draft.status_code == 201, draft.json()
    assert draft.json()["state"] == "draft" and draft.json()["value"] == "25.5"

    refused = _post(
        client,
        tq_reporter,
        share,
        {"org_unit": tq_new.pk, "period": "2025-Q3", "value": "26", "submit": True},
    )
    assert refused.status_code == 403

    body = {"org_unit": tq_new.pk, "period": "2025-Q3", "value": "26", "submit": True}
    submitted = _post(client, tq_head, share, body)
    assert submitted.status_code == 201 and submitted.json()["state"] == "submitted"
    again = _post(client, tq_head, share, body)
    assert again.status_code == 409 and again.json()["detail"]


def test_refusals_name_the_field(client, share, tq_new, tq_old, tq_reporter):  # noqa: F811
    bad = _post(
        client, tq_reporter, share, {"org_unit": tq_new.pk, "period": "2025-Q3", "value": "abc"}
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "value"
    over = _post(
        client, tq_reporter, share, {"org_unit": tq_new.pk, "period": "2025-Q3", "value": "101"}
    )
    assert over.status_code == 422
    empty = _post(client, tq_reporter, share, {"org_unit": tq_new.pk, "period": "2025-Q3"})
    assert empty.status_code == 422
    reason = _post(
        client,
        tq_reporter,
        share,
        {"org_unit": tq_new.pk, "period": "2025-Q3", "not_available": "Chưa điều tra"},
    )
    assert reason.status_code == 201 and reason.json()["value"] is None
    before = _post(
        client, tq_reporter, share, {"org_unit": tq_new.pk, "period": "2025-Q2", "value": "1"}
    )
    assert before.status_code == 422 and before.json()["errors"][0]["field"] == "org_unit"


def test_a_jump_needs_confirm(client, share, tq_new, tq_reporter):  # noqa: F811
    row = services.save_value(
        share, org_unit=tq_new, period_start=Q2.start, period_end=Q2.end, value=Decimal(10)
    )[0]
    IndicatorValue.objects.filter(pk=row.pk).update(state=ValueState.APPROVED)
    body = {"org_unit": tq_new.pk, "period": "2025-Q3", "value": "30"}
    assert _post(client, tq_reporter, share, body).json()["errors"][0]["field"] == "confirm"
    assert _post(client, tq_reporter, share, body | {"confirm": True}).status_code == 201


def test_another_agencys_values_are_404_and_drafts_stay_inside_the_agency(
    client,
    share,  # noqa: F811
    tq_new,  # noqa: F811
    tq_reporter,  # noqa: F811
    other_reporter,
    hanoi,
    tracker,
):
    assert (
        _post(
            client,
            other_reporter,
            share,
            {"org_unit": tq_new.pk, "period": "2025-Q3", "value": "1"},
        ).status_code
        == 404
    )
    _post(client, tq_reporter, share, {"org_unit": tq_new.pk, "period": "2025-Q3", "value": "20"})
    url = (
        f"/api/indicators/{share.pk}/values?org_unit={tq_new.pk}"
        "&period_from=2025-07-01&period_to=2025-09-30"
    )
    assert client.get(url, headers=_auth(other_reporter)).json()["count"] == 0
    assert client.get(url, headers=_auth(tq_reporter)).json()["count"] == 1
    assert client.get(url, headers=_auth(tracker)).json()["items"][0]["value"] == "20"


@pytest.mark.parametrize("period", ["2025-Q5", "Quý V/2025"])
def test_a_period_that_cannot_be_read_is_422(client, share, tq_new, tq_reporter, period):  # noqa: F811
    body = {"org_unit": tq_new.pk, "period": period, "value": "1"}
    assert _post(client, tq_reporter, share, body).status_code == 422

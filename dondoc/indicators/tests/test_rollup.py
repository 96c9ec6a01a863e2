"""The roll-up table follows approvals in their own transaction, and the fast read paths
(roll-up, endpoints of a series, provinces' composite) give the figures of the plain ones.

Run on SQLite by default and on PostgreSQL with ``DATABASE_URL=postgres://…``."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction

from dondoc.indicators import rollup, services
from dondoc.indicators.models import (
    Indicator,
    IndicatorNationalRollup,
    IndicatorRollup,
    IndicatorSeriesEnds,
    IndicatorValue,
    ValueState,
)
from dondoc.indicators.queries import (
    province_rollup,
    rollup_series,
)
from dondoc.indicators.tests.collection_world import Q2, Q3
from dondoc.orgs.models import OrgKind, OrgUnit

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def _submitted(indicator, unit, period, value, by=None):
    row, _changed = services.save_value(
        indicator,
        org_unit=unit,
        period_start=period.start,
        period_end=period.end,
        period_label=period.label,
        value=Decimal(value),
        by=by,
    )
    (row,) = services.submit_values([row], by=by)
    return row


def _snapshot():
    rollups = sorted(
        IndicatorRollup.objects.values_list(
            "indicator_id",
            "area_id",
            "period_end",
            "count",
            "total",
            "minimum",
            "maximum",
            "weighted",
            "weights",
            "weighed",
        ),
        key=lambda r: (r[0], r[1] or 0, r[2]),
    )
    ends = sorted(
        IndicatorSeriesEnds.objects.values_list(
            "indicator_id", "org_unit_id", "count", "first_id", "first_on", "first_value",
            "last_id", "last_on", "last_value",
        )
    )  # fmt: skip
    nationals = sorted(
        IndicatorNationalRollup.objects.values_list(
            "indicator_id", "period_start", "period_end", "period_label", "value", "reported",
            "units", "missing_weights",
        )
    )  # fmt: skip
    return rollups, ends, nationals


@pytest.fixture
def commune(tq_new) -> OrgUnit:
    return OrgUnit.objects.create(
        code="xa-minh-xuan", kind=OrgKind.COMMUNE, name="Đảng ủy xã Minh Xuân", parent=tq_new
    )


def test_approving_a_value_changes_the_roll_up_in_the_same_transaction(
    firms, share, hanoi, tq_new, commune, tracker
):
    hanoi_firms = _submitted(firms, hanoi, Q3, "120")
    tq_firms = _submitted(firms, tq_new, Q3, "30")
    commune_firms = _submitted(firms, commune, Q3, "5")
    services.approve_values([hanoi_firms], by=tracker)
    assert [(p.value, p.count) for p in rollup_series(firms)] == [(Decimal(120), 1)]

    with pytest.raises(Rollback), transaction.atomic():
        services.approve_values([tq_firms, commune_firms], by=tracker)
        # Inside the approving transaction, before it commits: already rolled up. The
        # commune's value does not count: its province has a value of its own.
        assert [(p.value, p.count) for p in rollup_series(firms)] == [(Decimal(150), 2)]
        assert [p.value for p in rollup_series(firms, area_id=tq_new.pk)] == [Decimal(30)]
        raise Rollback
    # Rolled back with the approval: the roll-up never shows what was not approved.
    assert [(p.value, p.count) for p in rollup_series(firms)] == [(Decimal(120), 1)]
    assert rollup_series(firms, area_id=tq_new.pk) == []

    services.approve_values([tq_firms, commune_firms], by=tracker)
    period, provinces = province_rollup(firms, Q3.end)
    assert (period.period_end, period.value, period.count) == (Q3.end, Decimal(150), 2)
    assert {(f.code, f.value, f.count) for f in provinces} == {
        (hanoi.code, Decimal(120), 1),
        (tq_new.code, Decimal(30), 1),
    }
    # A mean reads the same row differently; submitted values do not count.
    _submitted(share, tq_new, Q3, "40")
    services.approve_values([_submitted(share, hanoi, Q3, "60")], by=tracker)
    assert [p.value for p in rollup_series(share)] == [Decimal(60)]


def test_the_maintained_roll_up_equals_a_rebuild_from_the_values(
    firms, share, hanoi, tq_old, hg_old, tq_new, commune, tracker
):
    approved = [
        _submitted(firms, tq_old, Q2, "10"),
        _submitted(firms, hg_old, Q2, "7"),
        _submitted(firms, hanoi, Q2, "100"),
        _submitted(share, hanoi, Q2, "55.5"),
        _submitted(share, commune, Q3, "12.25"),
        _submitted(share, tq_new, Q3, "20"),
    ]
    services.approve_values(approved[:3], by=tracker)
    services.approve_values(approved[3:], by=tracker)
    services.return_values([_submitted(share, hanoi, Q3, "99")], by=tracker, comment="Sai")
    maintained = _snapshot()
    assert (firms.pk, tq_old.pk, 1) in {e[:3] for e in maintained[1]}
    # firms Q2: the country and 3 provinces; share Q2: the country, Hà Nội; share Q3: the
    # country, the new Tuyên Quang (its own value and its commune's).
    assert len(maintained[0]) == 4 + 2 + 2
    assert len(maintained[1]) == 6  # one series per (indicator, unit) with an approved value
    rollup.rebuild()
    assert _snapshot() == maintained


def test_synth_writes_indicator_values_at_tiny_scale_and_their_roll_up():
    out = io.StringIO()
    call_command(
        "synth", "--tasks", "0", "--indicators", "8", "--units", "84", "--periods", "6",
        stdout=out, stderr=io.StringIO(),
    )  # fmt: skip
    assert "8 indicators" in out.getvalue()
    indicators = Indicator.objects.filter(program__code="SYNTH")
    assert indicators.count() == 8
    assert OrgUnit.objects.filter(code__startswith="synth-c-", kind=OrgKind.COMMUNE).count() == 20
    values = IndicatorValue.objects.filter(indicator__in=indicators)
    levels = {tuple(i.levels) for i in indicators}
    assert levels == {("commune",), ("province",), ("ministry",)}
    # Each unit of an indicator's level, each month, about 2 % missing; one national figure.
    expected = sum(
        {"commune": 20, "province": 34, "ministry": 30}[i.levels[0]] * 6 for i in indicators
    )
    units = values.exclude(org_unit=None).count()
    assert 0.95 * expected <= units <= expected
    assert values.filter(org_unit=None).count() == 8 * 6
    approved = values.filter(state=ValueState.APPROVED).count()
    assert approved > 0.75 * values.count()
    assert values.filter(state=ValueState.SUBMITTED).exists()
    assert values.filter(value=None).exclude(not_available="").exists()
    assert all(i.targets.exists() for i in indicators)
    # The maintained tables were written with the values and match a rebuild from them.
    check = io.StringIO()
    call_command("check-indicator-figures", stdout=check, stderr=check)
    built = _snapshot()
    assert built[2], "national roll-ups written"
    # The values were given their ids: the next one written takes a fresh id.
    last = values.order_by("-pk").first()
    later = IndicatorValue.objects.create(
        indicator=last.indicator, period_start=last.period_start, period_end=last.period_end,
        value=Decimal("1"), state=ValueState.DRAFT,
    )  # fmt: skip
    assert later.pk > last.pk
    later.delete()
    assert built[0] and len(built[0]) == IndicatorRollup.objects.count()
    series = values.filter(org_unit__isnull=False, state=ValueState.APPROVED, value__isnull=False)
    assert len(built[1]) == series.values("indicator", "org_unit").distinct().count()
    rollup.rebuild()
    assert _snapshot() == built
    # The national figure of an approved month is the units' roll-up (all states counted
    # when generated; the months before the last three are nearly all approved).
    out = io.StringIO()
    call_command(
        "synth", "--tasks", "0", "--indicators", "3", "--units", "70", "--periods", "2",
        "--replace", stdout=out, stderr=io.StringIO(),
    )  # fmt: skip
    assert Indicator.objects.filter(program__code="SYNTH").count() == 3
    assert IndicatorValue.objects.filter(indicator__program__code="SYNTH").count() < 400

"""Progress of the indicator set on the database: overrides, dated weights and composite scores,
warnings on the dashboard and in notifications, the pages and exports."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from dondoc.indicators import composite, services
from dondoc.indicators.models import Indicator, StatusOverride, Target
from dondoc.indicators.queries import catalogue
from dondoc.indicators.status import IndicatorStatus
from dondoc.indicators.warnings import indicator_warnings, last_period_due
from dondoc.notifications.rules import Audience, indicator_events

D = dt.date
AS_OF = D(2026, 12, 31)


def _indicator(
    program, code, *, target, values, group=1, weight="1.0", unit=None, direction="higher"
):
    indicator = Indicator.objects.create(
        program=program,
        code=code,
        name=f"Chỉ số {code}",
        unit="%",
        group=program.groups.get(number=group),
        direction=direction,
        weight=Decimal(weight),
        responsible_agency=unit,
    )
    Target.objects.create(
        indicator=indicator, due_on=D(2030, 12, 31), operator="ge", value=target, text=f"≥ {target}"
    )
    for on, value in values:
        services.record_value(
            indicator,
            period_start=D(on.year, 1, 1),
            period_end=on,
            value=Decimal(value),
            state="approved",
            org_unit=None,
        )
    return indicator


@pytest.fixture
def indicators(program, most):
    # A: 100 → 150 over six years toward 200 by 2030: on track. B: 100 → 90: deterioration.
    a = _indicator(
        program, "A", target=200, values=[(D(2020, 12, 31), 100), (AS_OF, 150)], unit=most
    )
    b = _indicator(
        program, "B", target=200, values=[(D(2020, 12, 31), 100), (D(2024, 12, 31), 90)], group=2
    )
    return a, b


def test_the_catalogue_carries_the_status_and_an_override_with_its_history(indicators, clerk):
    _, b = indicators
    rows = {r.indicator.code: r for r in catalogue(Indicator.objects.all(), AS_OF)}
    assert rows["A"].status == IndicatorStatus.ON_TRACK
    assert rows["B"].status == IndicatorStatus.DETERIORATION

    services.override_status(
        b,
        status="limited_progress",
        reason="Số liệu 2025 chưa chốt",
        set_on=D(2026, 6, 1),
        by=clerk,
    )
    services.override_status(b, status="", reason="Đã có số liệu", set_on=D(2027, 1, 15), by=clerk)

    row = catalogue(Indicator.objects.filter(pk=b.pk), AS_OF)[0]
    assert row.status == IndicatorStatus.LIMITED_PROGRESS
    assert row.computed_status == IndicatorStatus.DETERIORATION
    later = catalogue(Indicator.objects.filter(pk=b.pk), D(2027, 2, 1))[0]
    assert later.override is None and later.status == IndicatorStatus.DETERIORATION
    assert StatusOverride.objects.filter(indicator=b).count() == 2
    with pytest.raises(ValueError):
        services.override_status(b, status="on_track", reason=" ", set_on=AS_OF)


def test_composite_scores_use_the_weight_in_force_so_a_past_score_recomputes(indicators, clerk):
    a, b = indicators
    services.change_weight(
        a, weight=Decimal("2.0"), effective_on=D(2026, 7, 1), reason="Ưu tiên", by=clerk
    )
    for i in (a, b):
        i.refresh_from_db()

    def group_indexes(on):
        qs = list(Indicator.objects.prefetch_related("targets").select_related("group"))
        scores = composite.indicator_scores(qs, on)
        return {s.indicator.code: s for s in scores}, composite.by_group(scores)

    scores, groups = group_indexes(AS_OF)
    assert scores["A"].weight == Decimal("2.0")
    assert scores["A"].completion == pytest.approx(0.5)  # half way from 100 to 200
    assert scores["B"].completion == 0.0  # went backwards: kept at 0
    assert groups[0].value == pytest.approx(50.0)

    before, _ = group_indexes(D(2026, 6, 30))
    assert before["A"].weight == Decimal("1.0")  # the old weight: the old score stands


def test_warnings_name_at_risk_indicators_and_values_missing_after_their_due_date(indicators):
    assert last_period_due("quarter", D(2025, 11, 15)) == D(2025, 9, 30)
    assert last_period_due("year", D(2026, 1, 20)) == D(2024, 12, 31)
    warnings = indicator_warnings(Indicator.objects.all(), AS_OF)
    kinds = {(w.indicator.code, w.kind) for w in warnings}
    assert kinds == {("B", "at_risk"), ("B", "missing")}  # B's 2025 value is missing


def test_notifications_tell_the_working_group_once_per_warning(indicators, tracker):
    events = list(indicator_events(AS_OF, Audience()))
    assert {e.key.rsplit(":", 1)[0] for e in events} == {
        f"indicator_at_risk:{indicators[1].pk}",
        f"indicator_missing:{indicators[1].pk}",
    }
    assert all(tracker in e.users for e in events)


def test_pages_show_bands_components_chart_scores_and_exports(client, committee_member, indicators):
    a, _ = indicators
    client.force_login(committee_member)
    listing = client.get(reverse("indicators:list"), {"as_of": "31/12/2026", "status": "at_risk"})
    text = listing.content.decode()
    assert "Chỉ số B" in text and "Chỉ số A" not in text

    detail = client.get(reverse("indicators:detail", args=[a.pk]), {"as_of": "31/12/2026"})
    text = detail.content.decode()
    assert 'id="chart-data"' in text and "7,18 %" in text  # required CAGR 100 → 200 in 10 years
    assert (
        "indicators:override" not in text
        and reverse("indicators:override", args=[a.pk]) not in text
    )

    scores = client.get(reverse("indicators:scores"), {"as_of": "31/12/2026"}).content.decode()
    assert reverse("indicators:detail", args=[a.pk]) in scores
    assert "Cao 2,0, Trung bình 1,5, Thấp 1,0" in scores and "từ 0 % đến 100 %" in scores
    assert "Cơ quan Thống kê Canada" in text and "Từ 95 % trở lên" in text

    csv = client.get(reverse("indicators:export", args=[a.pk, "csv"]))
    assert csv["Content-Type"].startswith("text/csv") and "150" in csv.content.decode("utf-8-sig")
    xlsx = client.get(reverse("indicators:export", args=[a.pk, "xlsx"]))
    assert xlsx.content[:2] == b"PK"


def test_the_standing_office_overrides_a_status_from_the_page(client, clerk, indicators):
    a, _ = indicators
    client.force_login(clerk)
    response = client.post(
        reverse("indicators:override", args=[a.pk]),
        {"status": "acceleration_needed", "set_on": "01/12/2026", "reason": "Theo đánh giá"},
    )
    assert response.status_code == 302
    assert a.status_overrides.get().reason == "Theo đánh giá"
    page = client.get(reverse("indicators:detail", args=[a.pk]), {"as_of": "31/12/2026"})
    assert "Theo đánh giá" in page.content.decode()


def test_the_dashboard_lists_indicators_needing_attention(client, committee_member, indicators):
    client.force_login(committee_member)
    page = client.get(reverse("dashboard"), {"as_of": "31/12/2026"}).content.decode()
    assert 'id="indicator-warnings-title"' in page and "B. Chỉ số B" in page


def test_exports_leave_out_another_agencys_draft_as_the_page_does(
    client, committee_member, indicators, hanoi
):
    a, _ = indicators
    services.record_value(
        a,
        period_start=D(2026, 1, 1),
        period_end=D(2026, 6, 30),
        value=Decimal("777"),
        state="draft",
        org_unit=hanoi,
    )
    client.force_login(committee_member)
    csv = client.get(reverse("indicators:export", args=[a.pk, "csv"])).content.decode("utf-8-sig")
    page = client.get(reverse("indicators:detail", args=[a.pk])).content.decode()
    assert "150" in csv
    assert "777" not in csv and "777" not in page

"""Issue 11's acceptance in headless Debian chromium, in one flow: a provincial reporter enters a
value, the head submits it, the Working Group approves it; then the indicator page's chart
shows the provinces' roll-up, the province map colours the province, and the composite scores
page shows the province's index. A rank (lower is better) is coloured darkest where it is
best. Screenshots at desktop and phone widths are kept in test-artifacts/ to be looked at."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from dondoc.indicators import services
from dondoc.indicators.models import Indicator, IndicatorValue, Target, ValueState
from dondoc.indicators.tests.collection_world import Q3
from dondoc.indicators.tests.test_collection_browser import ARTIFACTS, log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
LIGHT, DARK = "#e3eef9", "#1f5f99"


def option(page, element_id: str) -> dict:
    """The ECharts option the page drew in ``element_id`` (its data, colours, series)."""
    return page.evaluate(
        """(id) => {
            const o = echarts.getInstanceByDom(document.getElementById(id)).getOption();
            return {series: o.series.map(s => ({name: s.name, type: s.type, data: s.data})),
                    visualMap: (o.visualMap || []).map(v => ({color: v.inRange.color,
                                                              min: v.min, max: v.max}))};
        }""",
        element_id,
    )


def both_widths(page, name: str, *parts: str) -> None:
    """Full-page shots at both widths, and the ``parts`` (element ids) alone on the phone."""
    shot(page, f"{name}-desktop")
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(300)  # the charts resize on the window's resize event
    shot(page, f"{name}-phone")
    for part in parts:
        page.locator(f"#{part}").screenshot(path=str(ARTIFACTS / f"{name}-phone-{part}.png"))
    page.set_viewport_size(DESKTOP)


def _approved(indicator, unit, value) -> None:
    services.record_value(
        indicator,
        org_unit=unit,
        period_start=Q3.start,
        period_end=Q3.end,
        period_label=Q3.label,
        value=Decimal(value),
        state=ValueState.APPROVED,
    )


def test_a_province_value_reaches_the_chart_the_map_and_the_composite_index(
    page, program, share, hanoi, tq_new, tq_reporter, tq_head, tracker
):
    Target.objects.create(
        indicator=share, due_on=dt.date(2030, 12, 31), operator="ge", value=80, text="≥ 80"
    )
    _approved(share, hanoi, 60)  # another province, already approved
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    entry = f"{page.base_url}/indicators/entry/?agency={tq_new.pk}&period={Q3.code}"

    log_in(page, "tq-reporter")
    page.goto(entry)
    page.fill(f"input[name='v-{share.pk}-{tq_new.pk}']", "25,5")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator("#entry-table")).to_contain_text("Bản nháp")

    log_in(page, "tq-head")
    page.goto(entry)
    page.get_by_role("button", name="Gửi phê duyệt").click()
    expect(page.locator("#entry-table")).to_contain_text("Đã gửi")

    log_in(page, "tracker")
    page.goto(entry)
    page.locator("#review").get_by_role("button", name="Duyệt", exact=True).click()
    expect(page.locator("#entry-table")).to_contain_text("Đã duyệt")
    value = IndicatorValue.objects.get(org_unit=tq_new, period_end=Q3.end)
    assert value.state == ValueState.APPROVED and value.approved_on is not None

    page.goto(f"{page.base_url}/indicators/{share.pk}/")
    page.locator("#indicator-chart canvas").first.wait_for()
    page.locator("#indicator-map canvas").first.wait_for()
    chart = option(page, "indicator-chart")
    rollup = next(s for s in chart["series"] if s["name"] == "Tổng hợp từ các tỉnh, thành phố")
    assert rollup["data"] == [[Q3.end.isoformat(), 42.75]]  # mean of 60 and 25,5
    drawn = option(page, "indicator-map")
    assert {"name": "Tuyên Quang", "value": 25.5} in drawn["series"][0]["data"]
    assert drawn["visualMap"][0]["color"] == [LIGHT, DARK]  # higher is better: 60 darkest
    expect(page.locator("#indicator-map")).to_be_visible()
    both_widths(page, "acceptance-indicator-page", "indicator-chart", "indicator-map")

    page.goto(f"{page.base_url}/indicators/scores/?program={program.code}")
    row = page.locator("tr", has_text=tq_new.name)
    expect(row).to_contain_text("31,9")  # 25,5 of 80, weight 1
    expect(row.get_by_role("link", name=share.code)).to_be_visible()
    both_widths(page, "acceptance-composite-scores")

    rank = Indicator.objects.create(
        program=program,
        code="24",
        name="Thứ hạng chỉ số đổi mới sáng tạo cấp tỉnh",
        unit="thứ hạng",
        direction="lower",
        aggregation="min",
        levels=["province"],
        frequency="quarter",
    )
    _approved(rank, hanoi, 1)
    _approved(rank, tq_new, 30)
    page.goto(f"{page.base_url}/indicators/{rank.pk}/")
    page.locator("#indicator-map canvas").first.wait_for()
    assert option(page, "indicator-map")["visualMap"][0]["color"] == [DARK, LIGHT]
    both_widths(page, "acceptance-rank-map", "indicator-map")
    assert errors == []

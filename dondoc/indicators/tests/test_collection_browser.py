"""Collection in headless Debian chromium: a provincial reporter enters the values of a quarter
(the previous value of the merged province comes from its predecessors; a large jump is
confirmed), the head submits them, the Working Group approves them, and the reporting status
counts the province. Screenshots are kept in test-artifacts/ for a human to look at."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from dondoc.conftest import log_in
from dondoc.indicators import services
from dondoc.indicators.models import IndicatorValue, ValueState
from dondoc.indicators.tests.collection_world import Q2, Q3

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_reporter_enters_head_submits_working_group_approves(
    page, share, firms, firms_ai, tq_old, hg_old, tq_new, tq_reporter, tq_head, tracker
):
    for unit, figure in [(tq_old, 10), (hg_old, 12)]:  # before the merger: 11 on average
        row = services.save_value(
            share, org_unit=unit, period_start=Q2.start, period_end=Q2.end, value=Decimal(figure)
        )[0]
        IndicatorValue.objects.filter(pk=row.pk).update(state=ValueState.APPROVED)
    entry = f"{page.base_url}/indicators/entry/?agency={tq_new.pk}&period={Q3.code}"

    log_in(page, "tq-reporter")
    page.goto(entry)
    expect(page.locator(f"#row-{share.pk}-{tq_new.pk}")).to_contain_text("11")
    page.fill(f"input[name='v-{share.pk}-{tq_new.pk}']", "25,5")
    page.fill(f"input[name='v-{firms.pk}-{tq_new.pk}']", "1.234")
    page.check(f"input[name='na-{firms_ai.pk}-{tq_new.pk}']")
    page.fill(f"input[name='r-{firms_ai.pk}-{tq_new.pk}']", "Chưa có điều tra doanh nghiệp AI")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator("#entry-warnings")).to_contain_text("132")  # 11 -> 25,5: +132 %
    shot(page, "indicator-entry-jump-warning")
    page.check("#confirm")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator("#entry-table")).to_contain_text("Bản nháp")
    shot(page, "indicator-entry-drafts")

    log_in(page, "tq-head")
    page.goto(entry)
    page.get_by_role("button", name="Gửi phê duyệt").click()
    expect(page.locator("#entry-table")).to_contain_text("Đã gửi")
    shot(page, "indicator-entry-submitted")

    log_in(page, "tracker")
    page.goto(f"{page.base_url}/indicators/entry/?period={Q3.code}")
    page.get_by_role("link", name=tq_new.name).click()
    page.locator("#review").get_by_role("button", name="Duyệt", exact=True).click()
    expect(page.locator("#entry-table")).to_contain_text("Đã duyệt")
    shot(page, "indicator-entry-approved")
    assert set(
        IndicatorValue.objects.filter(period_end=Q3.end).values_list("state", flat=True)
    ) == {"approved"}

    page.goto(f"{page.base_url}/indicators/reporting-status/?period={Q3.code}")
    expect(page.locator("#reporting-status")).to_contain_text("1/2 tỉnh, thành phố đã báo cáo")
    shot(page, "indicator-reporting-status")

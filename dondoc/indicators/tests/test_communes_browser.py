"""Commune values in headless Debian chromium: the Tuyên Quang reporter opens the form of the
province's wards from its own form, enters their values, the head submits them, the Working
Group approves them; the reporting status counts the wards and the indicator page drills down
from the province to them. Screenshots are kept in test-artifacts/ for a human to look at."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from dondoc.indicators import services
from dondoc.indicators.models import IndicatorValue, ValueState
from dondoc.indicators.tests.collection_world import Q3
from dondoc.indicators.tests.test_collection_browser import log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_province_reports_for_its_wards_and_the_page_drills_down_to_them(
    page, online, hanoi, tq_new, tq_wards, hn_wards, tq_reporter, tq_head, tracker
):
    row = services.save_value(
        online, org_unit=tq_new, period_start=Q3.start, period_end=Q3.end, value=Decimal(52)
    )[0]
    IndicatorValue.objects.filter(pk=row.pk).update(state=ValueState.APPROVED)
    minh_xuan, nong_tien, ha_giang_1 = tq_wards

    log_in(page, "tq-reporter")
    page.goto(f"{page.base_url}/indicators/entry/?agency={tq_new.pk}&period={Q3.code}")
    shot(page, "commune-province-form")
    page.locator("#commune-form-link").click()
    expect(page.locator("h1")).to_contain_text("các xã, phường trực thuộc")
    expect(page.locator("#entry-table")).not_to_contain_text("Phường Hoàn Kiếm")
    page.fill(f"input[name='v-{online.pk}-{minh_xuan.pk}']", "61,5")
    page.fill(f"input[name='v-{online.pk}-{nong_tien.pk}']", "120")
    page.check(f"input[name='na-{online.pk}-{ha_giang_1.pk}']")
    page.fill(f"input[name='r-{online.pk}-{ha_giang_1.pk}']", "Phường mới thành lập, chưa thống kê")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator("#entry-errors")).to_contain_text("Phường Nông Tiến")
    shot(page, "commune-form-error")
    page.fill(f"input[name='v-{online.pk}-{nong_tien.pk}']", "48")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator("#entry-table")).to_contain_text("Bản nháp")
    shot(page, "commune-form-drafts")

    log_in(page, "tq-head")
    page.goto(f"{page.base_url}/indicators/entry/?agency={tq_new.pk}&period={Q3.code}&communes=1")
    page.get_by_role("button", name="Gửi phê duyệt").click()
    expect(page.locator("#entry-table")).to_contain_text("Đã gửi")

    log_in(page, "tracker")
    page.goto(f"{page.base_url}/indicators/entry/?period={Q3.code}")
    page.get_by_role("link", name="các xã, phường trực thuộc").click()
    page.locator("#review").get_by_role("button", name="Duyệt", exact=True).click()
    expect(page.locator("#entry-table")).to_contain_text("Đã duyệt")
    states = IndicatorValue.objects.filter(org_unit__in=tq_wards).values_list("state", flat=True)
    assert set(states) == {"approved"}

    page.goto(f"{page.base_url}/indicators/reporting-status/?period={Q3.code}")
    expect(page.locator(f"#status-{online.pk}")).to_contain_text(
        "3/5 xã, phường đã báo cáo, 3 đã duyệt"
    )
    expect(page.locator("#status-headline")).to_contain_text("1/2 giá trị đã duyệt")
    shot(page, "commune-reporting-status")

    page.goto(f"{page.base_url}/indicators/{online.pk}/?as_of=2025-12-31")
    page.locator("#unit-breakdown").get_by_role("link", name="3 xã, phường").click()
    expect(page.locator("#commune-breakdown")).to_contain_text("Phường Minh Xuân")
    expect(page.locator("#commune-breakdown")).to_contain_text("61,5")
    expect(page.locator("#commune-breakdown")).not_to_contain_text("Phường Hoàn Kiếm")
    shot(page, "commune-drill-down")

    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "tq-reporter")
    page.goto(f"{page.base_url}/indicators/entry/?agency={tq_new.pk}&period={Q3.code}&communes=1")
    shot(page, "commune-form-phone")

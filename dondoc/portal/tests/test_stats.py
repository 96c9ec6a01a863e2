"""Portal statistics: periods, handled counts, median time to answer, exclusions, the back-office
page, the dashboard panel and the quarterly report's section, all reproducible as of a date."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from dondoc.core.dates import DateError
from dondoc.portal import services
from dondoc.portal.stats import Span, compute, parse_span
from dondoc.reports.sections import ReportScope, quarterly_data

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def on(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 10, tzinfo=VN), tick=False)


def send(program, kind, title, day, **extra):
    with on(day):
        return services.submit(
            program=program,
            kind=kind,
            title=title,
            description=f"Nội dung {title}",
            name="Nguyễn Văn An",
            consent_to_publish=True,
            **extra,
        )


def step(day, fn, *args, **kwargs):
    with on(day):
        return fn(*args, **kwargs)


@pytest.fixture
def quarter(program, clerk, most):
    """Q1/2025: two initiatives and two recommendations handled or pending, a copy, a held item."""
    a = send(program, "initiative", "Sàn dữ liệu", dt.date(2025, 1, 10))
    step(dt.date(2025, 1, 20), services.answer, a, text="Tiếp thu", by=clerk)
    step(dt.date(2025, 1, 25), services.publish, a, by=clerk)
    send(program, "initiative", "Sàn dữ liệu", dt.date(2025, 1, 12))  # the same text again
    send(program, "initiative", "Quảng cáo", dt.date(2025, 1, 13), suspicious="honeypot")
    b = send(program, "initiative", "Đề xuất trùng", dt.date(2025, 2, 15))
    step(dt.date(2025, 3, 1), services.reject, b, reason="Không thuộc phạm vi", by=clerk)
    c = send(program, "recommendation", "Luật dữ liệu", dt.date(2025, 3, 1))
    c = step(dt.date(2025, 3, 2), services.route, c, agency=most, by=clerk)
    step(dt.date(2025, 3, 31), services.answer, c, text="Bộ tiếp thu", by=clerk)
    d = send(program, "recommendation", "Thuế khởi nghiệp", dt.date(2025, 3, 20))
    step(dt.date(2025, 4, 5), services.answer, d, text="Đã trả lời", by=clerk)
    send(program, "feedback", "Thủ tục chậm", dt.date(2025, 3, 14))
    return {"c": c}


def test_periods_are_read_as_quarter_month_or_year():
    assert parse_span("Quý I/2025") == Span(
        dt.date(2025, 1, 1), dt.date(2025, 3, 31), "2025-Q1", "Quý I/2025"
    )
    assert parse_span("2025-Q2").title == "Quý II/2025"
    assert parse_span("3/2025").end == dt.date(2025, 3, 31)
    assert parse_span("Tháng 02/2024").end == dt.date(2024, 2, 29)
    assert parse_span("2025-03").title == "Tháng 3/2025"
    assert parse_span("2025").label == "năm 2025"
    for bad in ("13/2025", "Quý V/2025", "ngày mai", ""):
        with pytest.raises(DateError):
            parse_span(bad)


def test_quarter_counts_handled_items_once_and_the_median_time_to_answer(program, quarter):
    stats = compute(program, parse_span("Quý I/2025"), dt.date(2025, 3, 31))
    assert dict(stats.received) == {"initiative": 2, "recommendation": 2, "feedback": 1}
    assert dict(stats.handled) == {"initiative": 2, "recommendation": 1}
    with translation.override("vi"):
        assert stats.sentence() == "2 sáng kiến, 1 kiến nghị chính sách được xử lý trong quý I/2025"
    assert stats.answer_days == [10, 30] and stats.median_days == 20
    assert (stats.duplicates, stats.held) == (1, 1)  # linked copy and held item not counted
    assert [(r.key is None, r.total) for r in stats.by_agency] == [(False, 1), (True, 2)]
    assert stats.by_agency[0].label == "Đảng ủy Bộ Khoa học và Công nghệ"
    month = compute(program, parse_span("3/2025"), dt.date(2025, 3, 31))
    assert dict(month.handled) == {"initiative": 1, "recommendation": 1}
    year = compute(program, parse_span("2025"), dt.date(2025, 12, 31))
    assert dict(year.handled) == {"initiative": 2, "recommendation": 2}
    assert year.answer_days == [10, 16, 30] and year.median_days == 16


def test_figures_of_a_past_date_do_not_change_afterwards(program, quarter, clerk):
    before = compute(program, parse_span("Quý I/2025"), dt.date(2025, 3, 31))
    # Later steps: C selected and published, the held item released.
    step(dt.date(2025, 4, 10), services.publish, quarter["c"], by=clerk)
    after = compute(program, parse_span("Quý I/2025"), dt.date(2025, 3, 31))
    assert (after.handled, after.states, after.answer_days) == (
        before.handled,
        before.states,
        before.answer_days,
    )
    assert after.states["answered"] == 1


def test_an_agency_counts_only_what_was_sent_to_it(client, program, quarter, reporter):
    client.force_login(reporter)
    with on(dt.date(2025, 4, 10)):
        page = client.get(reverse("portal:stats"), {"period": "Quý I/2025"})
    assert page.status_code == 200
    assert page.context["figures"].handled == {"recommendation": 1}


def test_stats_page_reads_the_period_and_refuses_junk(client, program, quarter, clerk):
    client.force_login(clerk)
    with on(dt.date(2025, 4, 10)):
        page = client.get(reverse("portal:stats"), {"period": "Quý I/2025"})
        bad = client.get(reverse("portal:stats"), {"period": "Quý IX/2025"})
    text = page.content.decode()
    assert "2 sáng kiến, 1 kiến nghị chính sách được xử lý trong quý I/2025" in text
    assert "Thời gian trả lời trung vị: 20 ngày" in text
    assert bad.status_code == 400 and "Quý I/2025" in bad.content.decode()


def test_dashboard_shows_the_panel_to_the_portal_roles_only(
    client, program, quarter, clerk, committee_member
):
    with on(dt.date(2025, 3, 31)):
        client.force_login(clerk)
        assert "được xử lý trong quý I/2025" in client.get(reverse("dashboard")).content.decode()
        client.force_login(committee_member)
        page = client.get(reverse("dashboard"))
    assert page.status_code == 200 and "được xử lý" not in page.content.decode()


def test_the_dashboard_panel_reads_in_english_with_plain_numbers(client, program, quarter, clerk):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(clerk)
    with on(dt.date(2025, 3, 31)):
        text = client.get(reverse("dashboard")).content.decode()
    assert "2 initiatives, 1 policy recommendation handled in quarter I/2025" in text
    assert "Median time to answer: 20 days (from the day received" in text
    assert "Quarter I/2025, as of 31/03/2025" in text
    assert "sáng kiến" not in text and "Quý I/2025" not in text
    with on(dt.date(2025, 4, 2)):
        text = client.get(reverse("dashboard")).content.decode()
    assert "0 initiatives, 0 policy recommendations handled in quarter II/2025" in text
    assert "No submission answered in quarter II/2025 yet." in text


def test_quarterly_report_has_the_portal_section_as_of_its_date(program, quarter, clerk):
    from dondoc.reports.compose import compose_quarterly
    from dondoc.reports.periods import parse_period
    from dondoc.reports.presets import template_for

    def report():
        scope = ReportScope(program, dt.date(2025, 3, 31), period=parse_period("Quý I/2025"))
        return quarterly_data(scope)

    with on(dt.date(2025, 3, 31)):
        data = report()
    total = data.portal[-1]
    assert (total.received, total.handled, total.answered, total.median_days) == (5, 3, 2, "20")
    document = compose_quarterly(data, template_for(program))
    texts = [b.text for b in document.body]
    assert "3. Tiếp nhận sáng kiến, kiến nghị" in texts
    assert any(
        "02 sáng kiến, 01 kiến nghị chính sách được xử lý trong quý I/2025" in t
        and "trung vị 20 ngày" in t
        for t in texts
    )
    step(dt.date(2025, 4, 10), services.publish, quarter["c"], by=clerk)
    with on(dt.date(2025, 4, 10)):
        assert report().snapshot_hash() == data.snapshot_hash()


def test_a_program_without_submissions_keeps_its_report_unchanged(program):
    scope = ReportScope(program, dt.date(2025, 3, 31))
    data = quarterly_data(scope)
    assert data.portal == [] and "portal" not in data.snapshot()


def test_a_quarter_without_handled_items_reads_no_group_labels(program, django_assert_num_queries):
    with django_assert_num_queries(1):  # the submissions' history, nothing else
        stats = compute(program, parse_span("Quý I/2025"), dt.date(2025, 3, 31))
    assert stats.by_group == [] and stats.by_agency == []

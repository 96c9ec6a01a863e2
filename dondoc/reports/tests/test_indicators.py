"""The quarterly report's section on the indicator set, as of the report's date."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from docx import Document
from openpyxl import load_workbook

from dondoc.indicators import services as indicators
from dondoc.indicators.collection import parse_report_period
from dondoc.indicators.models import IndicatorValue, ValueState
from dondoc.indicators.targets import parse_targets
from dondoc.indicators.tests.collection_world import (  # noqa: F401  (fixtures)
    hg_old,
    share,
    tq_new,
    tq_old,
)
from dondoc.reports import services
from dondoc.reports.periods import Period
from dondoc.reports.tests.conftest import on_day

Q1 = Period(2025, 1)
AS_OF = dt.date(2025, 4, 10)
BASE = dt.date(2023, 12, 31)


def _indicator(program, code, name, target, group=None, unit="%"):
    indicator, _ = indicators.upsert_indicator(
        program=program,
        code=code,
        fields={
            "name": name,
            "unit": unit,
            "group": group,
            "baseline_value": Decimal(10),
            "baseline_on": BASE,
        },
    )
    specs = [
        indicators.TargetSpec(dt.date(year, 12, 31), parsed)
        for year, cell in target.items()
        for parsed in parse_targets(cell)
    ]
    indicators.set_targets(indicator, specs)
    return indicator


def _approved(indicator, value, end, recorded_on):
    return indicators.record_value(
        indicator,
        period_start=end.replace(month=1, day=1),
        period_end=end,
        period_label=f"Năm {end.year}",
        value=Decimal(value),
        state=ValueState.APPROVED,
        recorded_on=recorded_on,
    )[0]


@pytest.fixture
def indicator_set(program, clerk):
    """Group 2: "1" on track, "2" limited progress (at risk); "3" without a group nor value."""
    group = program.groups.get(number=2)
    on_track = _indicator(
        program, "1", "Tỷ lệ doanh nghiệp có hoạt động đổi mới", {2030: "≥ 20"}, group
    )
    lagging = _indicator(
        program, "2", "Tỷ lệ dân số trưởng thành có kỹ năng số", {2030: "≥ 80", 2045: "≥ 90"}, group
    )
    empty = _indicator(program, "3", "Số sáng chế được cấp", {2030: "≥ 100"}, unit="sáng chế")
    _approved(on_track, "12", dt.date(2024, 12, 31), dt.date(2025, 2, 1))
    _approved(lagging, "11", dt.date(2024, 12, 31), dt.date(2025, 2, 1))
    return {"on_track": on_track, "lagging": lagging, "empty": empty}


def build(as_of=AS_OF):
    from dondoc.tasks.models import Program

    return services.build_quarterly(
        Program.objects.get(code="NQ57"), period=Q1, as_of=as_of, number="02"
    )


def test_indicators_are_listed_by_group_at_risk_first_with_value_target_and_status(indicator_set):
    rows = build().data.indicators
    assert [(r.group, r.number, r.code) for r in rows] == [
        ("Nhóm 2. Thể chế", 1, "2"),
        ("Nhóm 2. Thể chế", 2, "1"),
        ("Chỉ số chung", 1, "3"),
    ]
    lagging, on_track, empty = rows
    assert lagging.at_risk and lagging.status == "limited_progress"
    assert (lagging.value_cell, lagging.target_cell) == (
        "11%\n(Năm 2024)",
        "≥ 80%\n(đến 31/12/2030)",
    )
    assert lagging.status_cell == "Tiến triển hạn chế"
    assert on_track.status_cell == "Đúng tiến độ" and not on_track.at_risk
    assert (empty.value_cell, empty.target_cell) == (
        "Chưa có số liệu",
        "≥ 100 sáng chế\n(đến 31/12/2030)",
    )


def test_the_next_milestone_is_the_first_not_yet_due(indicator_set):
    rows = {r.code: r for r in build(dt.date(2031, 1, 10)).data.indicators}
    assert rows["2"].target_cell == "≥ 90%\n(đến 31/12/2045)"
    assert rows["1"].target_cell == "≥ 20%\n(đến 31/12/2030)"  # the last one, once all are due


def test_an_override_is_written_with_its_reason_and_the_computed_status(indicator_set, clerk):
    with on_day(dt.date(2025, 4, 1)):
        indicators.override_status(
            indicator_set["lagging"],
            status="acceleration_needed",
            reason="số liệu năm 2025 đang được tổng hợp",
            set_on=dt.date(2025, 4, 1),
            by=clerk,
        )
    lagging = next(r for r in build().data.indicators if r.code == "2")
    assert not lagging.at_risk
    assert lagging.status_cell == (
        "Cần đẩy nhanh\n(đánh giá của Cơ quan thường trực: số liệu năm 2025 đang được tổng hợp; "
        "theo phương pháp tính: tiến triển hạn chế)"
    )


def test_values_approved_and_overrides_entered_after_the_date_leave_the_report_unchanged(
    indicator_set, clerk
):
    before = build()
    value, _ = indicators.record_value(
        indicator_set["empty"],
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 3, 31),
        value=Decimal(40),
        state=ValueState.SUBMITTED,
    )
    with on_day(dt.date(2025, 4, 20)):
        [value] = indicators.approve_values([value], by=clerk)
        indicators.override_status(
            indicator_set["on_track"],
            status="deterioration",
            reason="x",
            set_on=dt.date(2025, 3, 1),
            by=clerk,
        )
    assert value.approved_on == dt.date(2025, 4, 20)
    again = build()
    assert again.data.indicators == before.data.indicators
    assert again.data.snapshot_hash() == before.data.snapshot_hash()
    later = {r.code: r for r in build(dt.date(2025, 4, 30)).data.indicators}
    assert later["3"].value == "40 sáng chế" and later["1"].status == "deterioration"


def test_docx_and_xlsx_carry_the_section(indicator_set):
    report = build()
    doc = Document(io.BytesIO(report.docx()))
    texts = [p.text for p in doc.paragraphs]
    assert "3. Kết quả thực hiện Bộ chỉ số" in texts
    assert "a) Nhóm 2. Thể chế" in texts and "b) Chỉ số chung" in texts
    summary = next(t for t in texts if t.startswith("Đến ngày 10/4/2025, Bộ chỉ số"))
    assert "03 chỉ số" in summary and "01 chỉ số có nguy cơ không đạt mục tiêu" in summary
    table = next(t for t in doc.tables if t.rows[0].cells[1].text == "Chỉ số")
    assert [c.text for c in table.rows[0].cells] == [
        "STT",
        "Chỉ số",
        "Kết quả",
        "Mục tiêu",
        "Đánh giá",
    ]
    assert table.rows[1].cells[1].text == "2. Tỷ lệ dân số trưởng thành có kỹ năng số (%)"
    sheet = load_workbook(io.BytesIO(report.xlsx()))["Bộ chỉ số"]
    assert [c.value for c in sheet[3]][:3] == ["Nhóm nhiệm vụ, giải pháp", "STT", "Chỉ số"]
    assert sheet.max_row == 3 + 3


def test_a_program_without_indicators_has_no_section(program):
    report = build()
    assert report.data.indicators == []
    assert "indicators" not in report.data.snapshot()
    assert not any("Bộ chỉ số" in b.text for b in report.document.body)


def test_a_province_only_indicator_is_rolled_up_as_known_on_the_report_date(
    share,  # noqa: F811
    hanoi,
    tq_old,  # noqa: F811
    hg_old,  # noqa: F811
):
    Q1_2025 = parse_report_period("2025-Q1")
    for unit, value, approved_on in (
        (hanoi, "20", dt.date(2025, 4, 5)),
        (tq_old, "40", dt.date(2025, 4, 5)),
        (hg_old, "90", dt.date(2025, 4, 20)),  # after the report's date
    ):
        IndicatorValue.objects.create(
            indicator=share,
            org_unit=unit,
            period_start=Q1_2025.start,
            period_end=Q1_2025.end,
            period_label=Q1_2025.label,
            value=Decimal(value),
            state=ValueState.APPROVED,
            approved_on=approved_on,
        )
    (row,) = build().data.indicators
    assert row.value_cell == ("30%\n(Quý I/2025; tổng hợp từ 2/3 tỉnh, thành phố, chưa đủ số liệu)")
    (later,) = build(dt.date(2025, 4, 30)).data.indicators
    assert later.value_cell == "50%\n(Quý I/2025; tổng hợp từ 3/3 tỉnh, thành phố)"

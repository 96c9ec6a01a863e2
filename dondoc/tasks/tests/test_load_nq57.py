"""``dondoc load-nq57``: Resolution 57's data, loaded once, and what it says on 10/04/2025."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import translation

from dondoc.orgs.models import Member, OrgUnit
from dondoc.tasks.models import Program, Task
from dondoc.tasks.queries import (
    status_counts,
    tasks_as_of,
    with_late_against_original,
    with_status,
)
from dondoc.tasks.tests.test_import_report import count_all_rows

REPORT_DAY = dt.date(2025, 4, 10)

#: Open tasks due by 31/03/2025 on the report's date (first words of each task's content).
#: Appendix 1's nine late tasks, under the notice's wording where the report restates a task of
#: notice 01-TB/BCĐTW: (11) public-private partnership [P1-1], the decree guiding Resolution 193
#: [P1-2], (4) rare earths [P1-3], (5) 1) emulation movement [P1-4], (5) 3) reorganising S&T
#: bodies [P1-5], (5) 4) attracting talent [P1-6], (9) strategic technology programme [P1-7], the
#: strategic technologies list [P1-8], the high-tech parks [P1-9]. Then the other Q1 tasks of
#: notice 01 that no document records as completed: (1), (2), (3), (4) power plan VIII,
#: (5) 2) financial management, (5) 5) online business procedures, (7) Project 06 and the national
#: data centre. Not (8) 5G nor (10) the 3 % budget: the report restates them with the deadlines
#: "Quý II/2025" and "2025" (Appendix 2, STT 21 and 8), in force from its date.
OVERDUE_ON_REPORT_DAY = [
    "Chỉ đạo rà soát, điều chỉnh, bổ sung Quy hoạch điện VIII",
    "Chỉ đạo xây dựng, trình cấp có thẩm quyền ban hành Chương trình phát triển công nghệ",
    "Chỉ đạo xây dựng, trình cấp có thẩm quyền ban hành chính sách hợp tác công tư",
    "Chỉ đạo Bộ Công an làm tốt vai trò Thường trực",
    "Có hình thức phù hợp phát động phong trào thi đua",
    "Đồng chí Thường trực Ban Bí thư, Chủ tịch Mặt trận Tổ quốc",
    "Đồng chí Trưởng Ban Tổ chức Trung ương",
    "Đồng chí Trưởng Ban Tuyên giáo Trung ương",
    "Khẩn trương xây dựng và ban hành Danh mục công nghệ chiến lược",
    "Khẩn trương xây dựng, ban hành Nghị định quy định chi tiết",
    "Nghiên cứu, đề xuất phương án cải cách cơ chế quản lý tài chính",
    "Quản lý, khai thác, bảo vệ hiệu quả khoáng sản, đặc biệt là đất hiếm",
    "Tháo gỡ rào cản về cơ chế, chính sách, hạ tầng",
    "Trong năm 2025 mọi thủ tục liên quan đến doanh nghiệp",
    "Xây dựng các phương án tổ chức, sắp xếp lại các tổ chức khoa học",
    "Xây dựng dự thảo cơ chế đặc thù thu hút người Việt Nam",
]

#: Completions the report records (footnote 4 and section II.1), counted from 10/04/2025.
COMPLETED_BY_REPORT = [
    "Ban Tuyên giáo Trung ương và Ban Dân vận Trung ương tăng cường tuyên truyền",
    "Tiếp thu các ý kiến góp ý tại cuộc họp để hoàn thiện Quy chế làm việc",
    "Tiếp thu ý kiến góp ý của các đại biểu dự họp để hoàn thiện Chương trình làm việc",
]


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """Load once for the module's read-only tests (loading takes a couple of seconds)."""
    with django_db_blocker.unblock():
        out = io.StringIO()
        call_command("load-nq57", stdout=out)
        yield out.getvalue()
        from django.core.management import call_command as cc

        cc("flush", interactive=False, verbosity=0)


def with_prefixes(tasks, prefixes):
    contents = sorted(t.content for t in tasks)
    return [p for p in prefixes if not any(c.startswith(p) for c in contents)], len(contents)


@pytest.mark.django_db
def test_loading_twice_changes_nothing_and_says_so(loaded):
    before = count_all_rows()
    out = io.StringIO()

    with translation.override("en"):
        call_command("load-nq57", stdout=out)

    assert count_all_rows() == before
    assert "Nothing to do" in out.getvalue()


@pytest.mark.django_db
def test_program_units_and_committee_are_loaded(loaded):
    program = Program.objects.get(code="NQ57")
    assert program.groups.count() == 7
    assert program.standing_office.code == "vptw-cqtt"
    provinces = OrgUnit.objects.filter(kind="province")
    assert provinces.filter(valid_to__isnull=True, valid_from__isnull=True).count() == 11
    assert provinces.filter(valid_from=dt.date(2025, 7, 1)).count() == 23
    assert provinces.filter(valid_to=dt.date(2025, 6, 30)).count() == 52
    lao_cai = provinces.get(code="lao-cai-2025")
    assert {u.code for u in lao_cai.predecessors.all()} == {"lao-cai", "yen-bai"}
    assert provinces.get(code="ha-giang").current().code == "tuyen-quang-2025"
    assert {"Tô Lâm", "Phạm Minh Chính", "Nguyễn Mạnh Hùng", "Lương Tam Quang"} <= set(
        Member.objects.values_list("full_name", flat=True)
    )


@pytest.mark.django_db
def test_report_rows_restating_notice_tasks_are_linked_not_duplicated(loaded):
    notice_task = Task.objects.get(sources__label="(11)")
    labels = set(notice_task.sources.values_list("label", flat=True))
    assert {"(11)", "Phụ lục 1, STT 1", "Phụ lục 2, STT 2"} <= labels
    assert Task.objects.filter(content__icontains="hợp tác công tư").count() == 1
    assert Task.objects.filter(content__icontains="5G").count() == 1


@pytest.mark.django_db
def test_overdue_tasks_on_the_report_day(loaded):
    overdue = with_status(tasks_as_of(REPORT_DAY), REPORT_DAY).filter(status="overdue")

    missing, count = with_prefixes(overdue, OVERDUE_ON_REPORT_DAY)

    assert missing == []
    assert count == len(OVERDUE_ON_REPORT_DAY)


@pytest.mark.django_db
def test_completions_from_the_report_count_from_its_date_only(loaded):
    on_report = with_status(tasks_as_of(REPORT_DAY), REPORT_DAY)
    day_before = with_status(tasks_as_of(REPORT_DAY), REPORT_DAY - dt.timedelta(days=1))

    done = on_report.filter(status__in=["completed_on_time", "completed_late"])
    missing, count = with_prefixes(done, COMPLETED_BY_REPORT)
    assert (missing, count) == ([], 3)
    assert not day_before.filter(status__startswith="completed").exists()
    assert status_counts(tasks_as_of(REPORT_DAY), REPORT_DAY)["completed"] == 3


@pytest.mark.django_db
def test_the_indicator_set_is_loaded_with_the_program(loaded):
    from dondoc.indicators.models import IndicatorValue

    program = Program.objects.get(code="NQ57")
    assert program.indicators.filter(kind="strategic").count() == 22
    value = IndicatorValue.objects.get(indicator__code="TN1")
    assert value.source_directive.number == "02-BC/CQTTBCĐ"


#: Notice 01's tasks the report restates with a later deadline: (label, Appendix 2 item, phrase).
RESTATED_BY_REPORT = [
    ("(6)", "Phụ lục 2, STT 1", "5/2025"),
    ("(8)", "Phụ lục 2, STT 21", "Quý II/2025"),
    ("(10)", "Phụ lục 2, STT 8", "2025"),
]


@pytest.mark.django_db
def test_tasks_the_report_restates_are_in_progress_from_its_date_late_against_the_original(
    loaded,
):
    day_before = REPORT_DAY - dt.timedelta(days=1)
    for label, item, phrase in RESTATED_BY_REPORT:
        task = Task.objects.get(sources__label=label, sources__directive__number="01-TB/BCĐTW")
        change = task.deadline_changes.get()
        assert (change.origin, change.effective_on, change.deadline_text) == (
            "restated",
            REPORT_DAY,
            phrase,
        )
        assert (change.source.number, change.source_label) == ("02-BC/CQTTBCĐ", item)
    restated = Task.objects.filter(deadline_changes__isnull=False)
    on_report = with_late_against_original(restated, REPORT_DAY)
    assert {t.status for t in on_report} == {"in_progress"}
    late = {t.deadline_text for t in on_report if t.late_against_original}
    assert late == {"Quý I/2025"}  # (8) and (10); (6) was due at the end of 2025
    before = with_status(restated, day_before)
    assert sorted(t.status for t in before) == ["in_progress", "overdue", "overdue"]
    counts = status_counts(tasks_as_of(REPORT_DAY), REPORT_DAY)
    assert (counts["overdue"], counts["overdue_original"]) == (16, 18)


@pytest.mark.django_db
def test_the_provinces_own_steering_committees_are_every_provinces_task(loaded):
    task = Task.objects.get(sources__label="Ý 11")

    assert task.lead_agencies() == []
    assert [group.code for group in task.lead_groups()] == ["tinh-thanh-pho"]
    assert with_status(Task.objects.filter(pk=task.pk), REPORT_DAY).get().status == "no_deadline"
    assert Task.objects.filter(merged_into__isnull=True).count() == 55  # 54 before the group

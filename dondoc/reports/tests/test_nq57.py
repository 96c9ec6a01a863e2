"""Acceptance: the quarterly report from the data ``dondoc load-nq57`` loads, as of 10/04/2025."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from docx import Document

from dondoc.accounts.policy import visible_tasks
from dondoc.reports import services
from dondoc.reports.periods import Period
from dondoc.tasks.models import Program, Task
from dondoc.tasks.queries import status_counts, tasks_as_of, with_status
from dondoc.tasks.status import OPEN_STATUSES, Status

AS_OF = dt.date(2025, 4, 10)


@pytest.fixture
def nq57(db):
    call_command("load-nq57", stdout=io.StringIO(), stderr=io.StringIO())
    return Program.objects.get(code="NQ57")


def test_report_as_of_10_april_2025_agrees_with_its_tables_and_the_dashboard(nq57, clerk):
    report = services.build_quarterly(nq57, period=Period(2025, 1), as_of=AS_OF, number="02")
    data = report.data
    tasks = tasks_as_of(AS_OF, Task.objects.filter(program=nq57))
    dashboard = status_counts(visible_tasks(clerk, tasks), AS_OF)
    f = data.figures
    assert (f.assigned, f.completed, f.in_progress, f.overdue) == (
        dashboard["assigned"],
        dashboard["completed"],
        dashboard["in_progress"],
        dashboard["overdue"],
    )

    annotated = with_status(tasks, AS_OF)
    overdue = set(annotated.filter(status=Status.OVERDUE.value).values_list("pk", flat=True))
    assert {r.task_id for r in data.late} == overdue and len(data.late) == f.overdue
    # Every late task carries the result the Working Group recorded, or says none was reported.
    assert all(r.result for r in data.late)
    recorded = [r for r in data.late if r.result != "Chưa có báo cáo tình hình thực hiện"]
    assert any("đang lấy ý kiến" in r.result for r in recorded)

    q2 = set(
        annotated.filter(
            status__in=[s.value for s in OPEN_STATUSES],
            due_on_as_of__gte=dt.date(2025, 4, 1),
            due_on_as_of__lte=dt.date(2025, 6, 30),
        ).values_list("pk", flat=True)
    )
    assert {r.task_id for r in data.upcoming} == q2 and q2
    # Appendix 2 lists the tasks the report restates for Q2 (the laws "5/2025", 5G
    # "Quý II/2025"), the original deadline beside the one in force.
    restated = {r.deadline for r in data.upcoming if "ban đầu" in r.deadline}
    assert restated == {
        "5/2025 (thời hạn ban đầu: 2025)",
        "Quý II/2025 (quá thời hạn ban đầu: Quý I/2025)",
    }

    doc = Document(io.BytesIO(report.docx()))
    sentence = next(p.text for p in doc.paragraphs if "nhiệm vụ quá hạn (Chi tiết" in p.text)
    assert f"đã giao {f.assigned:02d} nhiệm vụ" in sentence
    assert f"trong đó có {f.overdue:02d} nhiệm vụ quá hạn" in sentence
    assert "01-TB/BCĐTW" in sentence and "03-TB/BCĐTW" in sentence
    appendix1, appendix2 = doc.tables[-2:]
    assert len(appendix1.rows) == 1 + f.overdue
    assert len(appendix2.rows) == 1 + len(q2)

"""``dondoc tasks``: the operator's task list, as a table or as JSON."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from dondoc.tasks import services


@pytest.fixture
def dataset(program, notice, most, hanoi, member_person, clerk):
    late = services.create_task(
        program=program,
        content="Xây dựng cơ sở dữ liệu quốc gia về đất hiếm",
        assigned_on=dt.date(2025, 1, 22),
        deadline="Quý I/2025",
        sources=[(notice, "(1)", "")],
        leads=[most],
        members=[member_person],
    )
    regular = services.create_task(
        program=program,
        content="Tuyên truyền về Nghị quyết 57",
        assigned_on=dt.date(2025, 1, 22),
        deadline="Thường xuyên",
        leads=[hanoi],
    )
    done = services.create_task(
        program=program,
        content="Ban hành kế hoạch hành động",
        assigned_on=dt.date(2025, 1, 22),
        deadline="Tháng 3/2025",
        leads=[most],
    )
    services.post_update(
        done,
        by=clerk,
        text="Đã ban hành",
        reported_on=dt.date(2025, 4, 2),
        recorded_on=dt.date(2025, 4, 10),
        status_change="completed",
        effective_on=dt.date(2025, 4, 2),
    )
    later = services.create_task(
        program=program,
        content="Nhiệm vụ giao sau ngày báo cáo",
        assigned_on=dt.date(2025, 8, 1),
        deadline="2025",
        leads=[most],
    )
    return late, regular, done, later


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("tasks", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_json_lists_tasks_as_of_a_date_sorted_by_id(dataset, most, member_person, notice):
    late, regular, done, _later = dataset
    items = json.loads(run("--as-of", "30/06/2025", "--json"))
    assert [i["id"] for i in items] == [late.pk, regular.pk, done.pk]
    assert [i["status"] for i in items] == ["overdue", "regular", "completed_late"]
    first = items[0]
    assert first == {
        "id": late.pk,
        "content": "Xây dựng cơ sở dữ liệu quốc gia về đất hiếm",
        "program": "NQ57",
        "group": None,
        "directives": [{"id": notice.pk, "number": "01-TB/BCĐTW", "date": "2025-01-22"}],
        "members": [{"id": member_person.pk, "name": "Nguyễn Mạnh Hùng"}],
        "lead_agencies": [{"id": most.pk, "name": "Bộ KH&CN"}],
        "coordinating_agencies": [],
        "deadline": {
            "text": "Quý I/2025",
            "kind": "date",
            "due": "2025-03-31",
            "due_as_of": "2025-03-31",
        },
        "expected_output": "",
        "output_kind": "",
        "status": "overdue",
        "completed_on": None,
        "assigned_on": "2025-01-22",
        "url": f"/tasks/{late.pk}/",
    }
    assert items[2]["completed_on"] == "2025-04-02"


def test_status_filter_uses_the_status_as_of_the_date(dataset):
    late, _regular, done, _later = dataset
    before_report = json.loads(run("--as-of", "2025-04-05", "--status", "overdue", "--json"))
    assert [i["id"] for i in before_report] == [late.pk, done.pk]
    after_report = json.loads(run("--as-of", "2025-04-10", "--status", "overdue", "--json"))
    assert [i["id"] for i in after_report] == [late.pk]


def test_the_table_shows_due_dates_the_vietnamese_way(dataset):
    out = run("--as-of", "2025-06-30")
    assert "31/03/2025" in out
    assert "Thường xuyên" in out
    assert "Bộ KH&CN" in out
    assert out.rstrip().endswith("3 tasks as of 30/06/2025.")


def test_a_bad_date_is_refused_with_the_accepted_forms(dataset):
    with pytest.raises(CommandError, match=r"30\.06\.2025.*dd/mm/yyyy"):
        run("--as-of", "30.06.2025")


def test_an_unknown_program_is_refused(dataset):
    with pytest.raises(CommandError, match="no program with code"):
        run("--program", "NQ99")

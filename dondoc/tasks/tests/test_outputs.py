"""Expected outputs (kết quả, sản phẩm): the kind read from the text, and the task's field
through services, the management form, filters, the API, exports and the import template."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from dondoc.api.tests.test_api import bearer
from dondoc.tasks import manage, services
from dondoc.tasks.exports import TaskExporter, render_csv
from dondoc.tasks.filters import filter_tasks
from dondoc.tasks.importers import template as tpl
from dondoc.tasks.importers.service import import_file
from dondoc.tasks.models import ChangeKind, Task
from dondoc.tasks.outputs import OUTPUT_KINDS, output_kind
from dondoc.tasks.templatetags.dondoc import deadline_reading
from dondoc.tasks.tests.test_import_template import ROWS, filled_csv

# The kind of output, from the text (pure) ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Nghị định của Chính phủ", "decree"),
        ("NGHI DINH", "decree"),
        ("Quyết định của Thủ tướng Chính phủ", "decision"),
        ("Quyết định phê duyệt Đề án", "decision"),  # the first kind named wins
        ("Đề án trình Bộ Chính trị", "scheme"),
        ("Luật sửa đổi, bổ sung một số điều của Luật Đất đai", "law"),
        ("Văn bản quy phạm pháp luật", "other"),  # the law in general is not a law
        ("Nghị quyết của Quốc hội", "resolution"),
        ("Chỉ thị của Ban Bí thư", "directive"),
        ("Thông tư", "circular"),
        ("Báo cáo Ban Chỉ đạo", "report"),
        ("Chiến lược dữ liệu quốc gia", "strategy"),
        ("Chương trình hành động", "programme"),
        ("Kế hoạch triển khai", "plan"),
        ("Hệ thống thông tin được đưa vào vận hành", "other"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_output_kind_is_the_first_document_kind_named(text: str, kind: str) -> None:
    assert output_kind(text) == kind


@given(st.text())
def test_output_kind_is_always_a_known_kind_or_blank(text: str) -> None:
    assert output_kind(text) in (*OUTPUT_KINDS, "")


# The task's field ----------------------------------------------------------------------------


@pytest.fixture
def decree_task(program, notice, most):
    return services.create_task(
        program=program,
        content="Xây dựng chính sách thuế cho doanh nghiệp công nghệ",
        assigned_on=dt.date(2025, 1, 22),
        deadline="6/2025",
        sources=[(notice, "(1)", "")],
        leads=[most],
        expected_output="  Nghị định\nsửa đổi Nghị định 218 ",
    )


def test_created_task_keeps_its_output_and_its_kind(decree_task) -> None:
    decree_task.refresh_from_db()
    assert decree_task.expected_output == "Nghị định sửa đổi Nghị định 218"
    assert decree_task.output_kind == "decree"
    assert decree_task.history.latest().expected_output == decree_task.expected_output


def test_link_fills_a_missing_output_and_keeps_a_different_one(program, notice, most) -> None:
    task = services.create_task(
        program=program, content="Đề án", assigned_on=dt.date(2025, 1, 22), leads=[most]
    )
    assert services.link_task(task, expected_output="Đề án")
    task.refresh_from_db()
    assert (task.expected_output, task.output_kind) == ("Đề án", "scheme")
    assert not services.link_task(task, expected_output="Nghị định")
    task.refresh_from_db()
    assert task.expected_output == "Đề án"


def test_editing_the_output_is_a_recorded_change(decree_task, clerk) -> None:
    manage.edit(
        decree_task,
        by=clerk,
        reason="Văn bản sau ghi sản phẩm là Quyết định",
        content=decree_task.content,
        group=None,
        sources=[manage.SourceRef(s.directive, s.label) for s in decree_task.sources.all()],
        expected_output="Quyết định của Thủ tướng Chính phủ",
    )
    decree_task.refresh_from_db()
    assert decree_task.output_kind == "decision"
    change = decree_task.changes.get(kind=ChangeKind.EDITED)
    assert "Nghị định sửa đổi Nghị định 218 → Quyết định" in change.summary


def test_list_filters_by_output_text_without_diacritics_and_by_kind(
    decree_task, program, notice, most, clerk
) -> None:
    services.create_task(
        program=program,
        content="Báo cáo tình hình",
        assigned_on=dt.date(2025, 1, 22),
        leads=[most],
        expected_output="Báo cáo",
    )
    as_of = {"as_of": "2025-06-30"}
    by_text, state = filter_tasks(clerk, {**as_of, "output": "nghi dinh"})
    assert [t.pk for t in by_text] == [decree_task.pk]
    assert state.is_filtered and ("output", "nghi dinh") in state.params()
    by_kind, state = filter_tasks(clerk, {**as_of, "output_kind": ["decree", "bogus"]})
    assert [t.pk for t in by_kind] == [decree_task.pk]
    assert state.output_kinds == ["decree"] and state.problems


def test_task_page_and_list_show_output_and_deadline_reading(client, clerk, decree_task) -> None:
    client.force_login(clerk)
    detail = client.get(reverse("task-detail", args=[decree_task.pk])).content.decode()
    assert "Nghị định sửa đổi Nghị định 218" in detail
    assert "6/2025" in detail and "→ 30/06/2025" in detail
    listed = client.get(reverse("task-list"), {"output": "nghi dinh"}).content.decode()
    assert "Nghị định sửa đổi Nghị định 218" in listed


def test_api_item_carries_the_output_and_filters_by_kind(client, clerk, decree_task) -> None:
    response = client.get("/api/tasks", {"output_kind": "decree"}, **bearer(clerk))
    assert response.status_code == 200, response.content
    [item] = response.json()["items"]
    assert item["expected_output"] == "Nghị định sửa đổi Nghị định 218"
    assert item["output_kind"] == "decree"
    response = client.get("/api/tasks", {"output": "de an"}, **bearer(clerk))
    assert response.json()["count"] == 0


def test_csv_export_has_the_output_column(decree_task, clerk) -> None:
    qs, state = filter_tasks(clerk, {"as_of": "2025-06-30"})
    text = render_csv(TaskExporter(qs, state.as_of)).decode("utf-8-sig")
    header, row = text.splitlines()[:2]
    assert "Expected output" in header or "Sản phẩm" in header
    assert "Nghị định sửa đổi Nghị định 218" in row


# The import template ---------------------------------------------------------------------------


def test_template_reads_the_output_column_and_old_files_without_it(
    program, notice, most, hanoi, member_person
) -> None:
    rows = [{**ROWS[0], "san_pham": "Quyết định của Thủ tướng Chính phủ"}]
    summary = import_file(filled_csv(rows), filename="new.csv", program=program)
    assert summary.ok, summary.rejected
    assert Task.objects.get().output_kind == "decision"

    old_keys = [k for k in tpl.KEYS if k != "san_pham"]
    header = ",".join(f'"{tpl.HEADINGS[k]}"' for k in old_keys)
    values = ",".join(f'"{ROWS[2][k]}"' for k in old_keys)
    summary = import_file(f"{header}\r\n{values}\r\n".encode(), filename="old.csv", program=program)
    assert summary.ok, summary.rejected
    assert Task.objects.get(content__startswith="Rà soát").expected_output == ""


def test_reimport_with_another_output_keeps_the_recorded_one_and_warns(
    program, notice, most, hanoi, member_person
) -> None:
    rows = [{**ROWS[0], "san_pham": "Đề án"}]
    import_file(filled_csv(rows), filename="a.csv", program=program)
    summary = import_file(
        filled_csv([{**rows[0], "san_pham": "Nghị định"}]), filename="b.csv", program=program
    )
    assert Task.objects.get().expected_output == "Đề án"
    assert any(w["column"] == "san_pham" for w in summary.warnings), summary.warnings


# The deadline as written beside its reading ------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "reading"),
    [
        ("6/2025", "30/06/2025"),
        ("2025 - 2026", "31/12/2026"),
        ("2025 và những năm tiếp theo", "Thường xuyên (từ 2025)"),
        ("Hằng năm", "Định kỳ (hằng năm)"),
        ("Thường xuyên", ""),  # reads as itself
        ("13/2025", ""),  # not understood: flagged instead
        ("", ""),
    ],
)
def test_deadline_reading_says_what_the_phrase_was_read_as(phrase: str, reading: str) -> None:
    task = Task()
    services.apply_deadline(task, phrase)
    assert deadline_reading(task) == reading

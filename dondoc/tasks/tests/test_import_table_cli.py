"""A second program built from a ministry's plan appendix in its own layout, from the console."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from dondoc.core.spreadsheet import append_row, new_workbook, workbook_bytes
from dondoc.orgs.models import OrgUnit
from dondoc.tasks.models import Directive, Task
from dondoc.tasks.tests.test_import_report import count_all_rows

CODE = "KH03"
DIRECTIVE = "03/NQ-CP ngày 09/01/2025"
AS_OF = "01/07/2025"
HEADER = [
    "TT",
    "Nội dung nhiệm vụ",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Thời gian hoàn thành",
    "Sản phẩm",
]
SECTIONS = [
    ("I", "HOÀN THIỆN THỂ CHẾ, CHÍNH SÁCH"),
    ("II", "PHÁT TRIỂN HẠ TẦNG SỐ"),
    ("III", "PHÁT TRIỂN NGUỒN NHÂN LỰC"),
    ("IV", "TỔ CHỨC THỰC HIỆN"),
]
LEADS = [
    "Bộ Khoa học và Công nghệ",
    "Bộ Văn hóa, Thể thao và Du lịch",
    "Bộ Tài chính",
    "Bộ Nội vụ",
    "Các bộ, ngành, địa phương",
    "UBND các tỉnh, thành phố",
    "Bộ Giáo dục và Đào tạo",
]
COORDINATORS = ["Bộ Tài chính, Bộ Văn hóa, Thể thao và Du lịch", "Bộ Tư pháp", ""]
# Deadline phrase -> status on AS_OF (the plan is dated 09/01/2025).
PHRASES = {
    "6/2025": "overdue",
    "Tháng 10/2025": "in_progress",
    "12/2028": "in_progress",
    "2025 - 2026": "in_progress",
    "2025 và những năm tiếp theo": "regular",
    "Hằng năm": "regular",
    "Nhiệm vụ thường xuyên": "regular",
    "": "no_deadline",
}
TOPICS = [
    "chuyển đổi số trong {}",
    "cơ sở dữ liệu về {}",
    "nền tảng số phục vụ {}",
    "chương trình đào tạo về {}",
    "quy định pháp luật về {}",
]
FIELDS = [
    "di sản văn hóa",
    "thể thao thành tích cao",
    "du lịch thông minh",
    "thư viện số",
    "báo chí, xuất bản",
    "quảng cáo trực tuyến",
    "điện ảnh",
    "nghệ thuật biểu diễn",
    "mỹ thuật, nhiếp ảnh",
    "gia đình",
    "ngân sách nhà nước",
    "công chức, viên chức",
    "giáo dục nghề nghiệp",
    "trường đại học",
    "khởi nghiệp sáng tạo",
]


def plan_rows(*, blank_content_at: int | None = None) -> list[list[str]]:
    """A title, the header, a numbering row, four sections of tasks, sub-rows under some."""
    rows = [
        ["KẾ HOẠCH HÀNH ĐỘNG THỰC HIỆN NGHỊ QUYẾT SỐ 03/NQ-CP"],
        ["(Kèm theo Nghị quyết số 03/NQ-CP ngày 09/01/2025 của Chính phủ)"],
        [],
        HEADER,
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"],
    ]
    number, phrases = 0, list(PHRASES)
    for roman, title in SECTIONS:
        rows.append([roman, title, "", "", "", ""])
        for _ in range(22):
            number += 1
            topic = TOPICS[number % len(TOPICS)].format(FIELDS[number % len(FIELDS)])
            content = f"Xây dựng và triển khai {topic} (nhiệm vụ {number})"
            if number == blank_content_at:
                content = ""
            rows.append(
                [
                    str(number),
                    content,
                    LEADS[number % len(LEADS)],
                    COORDINATORS[number % len(COORDINATORS)],
                    phrases[number % len(phrases)],
                    "Quyết định của Thủ tướng Chính phủ" if number % 3 else "Đề án",
                ]
            )
            if number % 10 == 3:  # sub-rows without their own lead: the task's lead leads
                for sub in (1, 2):
                    rows.append(
                        [f"{number}.{sub}", f"Bước {sub} của nhiệm vụ {number}", "", "", "", ""]
                    )
    return rows


def plan_xlsx(tmp_path, name="ke-hoach.xlsx", **options) -> str:
    book = new_workbook()
    for row in plan_rows(**options):
        append_row(book.active, row)
    path = tmp_path / name
    path.write_bytes(workbook_bytes(book))
    return str(path)


def run(*args) -> dict | list:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def second_program(db):
    call_command("program", "create", CODE, "--name", "Kế hoạch hành động 03", stdout=io.StringIO())


@pytest.mark.django_db
def test_a_foreign_plan_builds_a_second_program_from_the_console(second_program, tmp_path):
    path = plan_xlsx(tmp_path)
    args = ("import", path, "--program", CODE, "--directive", DIRECTIVE, "--create-missing")

    summary = run(*args, "--json")

    assert summary["ok"] and summary["kind"] == "table"
    assert summary["columns"] == {
        "stt": "TT",
        "content": "Nội dung nhiệm vụ",
        "lead": "Cơ quan chủ trì",
        "coordinating": "Cơ quan phối hợp",
        "deadline": "Thời gian hoàn thành",
        "output": "Sản phẩm",
    }
    tasks = Task.objects.filter(program__code=CODE)
    assert summary["created"] == tasks.count() == 88 + 2 * 9
    created = {(r["kind"], r["name"]) for r in summary["created_references"]}
    assert ("agency", "Bộ Văn hóa, Thể thao và Du lịch") in created
    assert ("agency", "Chính phủ") in created
    assert ("document", DIRECTIVE) in created
    assert {name for kind, name in created if kind == "group"} == {t for _r, t in SECTIONS}
    assert {u["name"] for u in summary["unknowns"]} >= set(LEADS)
    assert all(u["resolution"] == "create" for u in summary["unknowns"])
    directive = Directive.objects.get(number="03/NQ-CP")
    assert directive.kind == "resolution" and directive.issuer.name == "Chính phủ"
    assert not OrgUnit.objects.filter(name__in=["Bộ Văn hóa", "Thể thao và Du lịch"]).exists()
    assert OrgUnit.objects.get(name="Bộ Tài chính").kind == "ministry"

    listed = run("tasks", "--program", CODE, "--as-of", AS_OF, "--json")

    assert len(listed) == tasks.count()
    assert all(item["lead_agencies"] for item in listed)
    assert {item["group"]["title"] for item in listed} == {t for _r, t in SECTIONS}
    for item in listed:
        if item["content"].startswith("Xây dựng"):
            assert item["status"] == PHRASES[item["deadline"]["text"]], item
    step = tasks.get(content="Bước 1 của nhiệm vụ 3")
    assert step.parent.content.endswith("(nhiệm vụ 3)") and step.parent.expected_output == "Đề án"
    assert {u.name for u in step.agencies.all()} == {LEADS[3]}

    again = run(*args, "--json")

    assert again["ok"] and again["unchanged"] == summary["created"]
    assert (again["created"], again["linked"], again["created_references"]) == (0, 0, [])


@pytest.mark.django_db
def test_a_plan_with_a_row_without_content_writes_nothing(second_program, tmp_path):
    path = plan_xlsx(tmp_path, blank_content_at=7)
    before = count_all_rows()
    out = io.StringIO()

    with pytest.raises(SystemExit):
        call_command(
            "import", path, "--program", CODE, "--directive", DIRECTIVE, "--create-missing",
            "--json", stdout=out,
        )  # fmt: skip

    assert count_all_rows() == before
    summary = json.loads(out.getvalue())
    [problem] = summary["rejected"]
    assert problem["column"] == "content" and problem["column_label"] == "Nội dung nhiệm vụ"
    assert (
        problem["row"] == 15
    )  # title, note, blank, header, numbering, section I, 1-3, 3.1, 3.2, 4-7

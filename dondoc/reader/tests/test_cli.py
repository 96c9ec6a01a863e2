"""``dondoc read``: text and JSON output, and files it refuses."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from dondoc.reader.core import read_file
from dondoc.reader.core.extract import Unreadable

SEED = Path(__file__).parent / "annotated" / "notice_01_tb_bcdtw.txt"


def test_read_prints_proposed_tasks_as_json():
    out = io.StringIO()
    call_command("read", str(SEED), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["header"]["date"] == "2025-01-22"
    seventh = next(t for t in data["tasks"] if t["key"] == "2.7")
    assert seventh["members"][0]["value"] == "Lương Tam Quang"
    assert seventh["deadline"]["value"] == "Quý I/2025" and seventh["due"] == "2025-03-31"
    assert len(seventh["span"]) == 2


def test_read_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError):
        call_command("read", str(tmp_path / "none.txt"))


def _docx(paragraphs, body=""):
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs) + body
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="r1" Type="x" Target="word/document.xml"/>'
            "</Relationships>",
        )
        z.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            f'wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>',
        )
    return buffer.getvalue()


def test_docx_paragraphs_become_lines():
    text = read_file(_docx(["Số 01-TB/BCĐTW", "(1) Bộ Tư pháp chủ trì."]), "a.docx")
    assert text.splitlines() == ["Số 01-TB/BCĐTW", "(1) Bộ Tư pháp chủ trì."]


def _row(*cells):
    def cell(text):
        if text.startswith("span:"):
            _, n, text = text.split(":", 2)
            props = f'<w:tcPr><w:gridSpan w:val="{n}"/></w:tcPr>'
        else:
            props = ""
        paragraphs = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in text.split("|"))
        return f"<w:tc>{props}{paragraphs}</w:tc>"

    return "<w:tr>" + "".join(cell(c) for c in cells) + "</w:tr>"


def test_a_word_tables_rows_become_tabbed_lines_its_cells_columns_kept():
    table = (
        "<w:tbl>"
        + _row("STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời hạn")
        + _row("I", "span:4:NHIỆM VỤ CHUNG")
        + _row(
            "1", "Xây dựng kho dữ liệu mở", "Bộ Tư pháp", "Bộ Công an|Bộ Tài chính", "Quý II/2025"
        )
        + "</w:tbl>"
    )
    data = _docx(["Số 12/KH-BTP", "Hà Nội, ngày 05 tháng 3 năm 2025", "KẾ HOẠCH"], table)
    text = read_file(data, "a.docx")
    assert text.splitlines()[3:6] == [
        "STT\tNhiệm vụ\tCơ quan chủ trì\tCơ quan phối hợp\tThời hạn",
        "I\tNHIỆM VỤ CHUNG\t\t\t",
        "1\tXây dựng kho dữ liệu mở\tBộ Tư pháp\tBộ Công an, Bộ Tài chính\tQuý II/2025",
    ]
    from dondoc.reader.core import read_directive
    from dondoc.reader.core.nq57 import nq57_register

    (task,) = [t for t in read_directive(text, register=nq57_register()).tasks if t.key == "I.1"]
    assert [f.value for f in task.leads] == ["Đảng ủy Bộ Tư pháp"]
    assert [f.value for f in task.coordinators] == [
        "Đảng ủy Công an Trung ương",
        "Đảng ủy Bộ Tài chính",
    ]
    assert task.deadline.value == "Quý II/2025"


def test_damaged_docx_and_unknown_kinds_are_refused():
    with pytest.raises(Unreadable):
        read_file(b"not a zip", "a.docx")
    with pytest.raises(Unreadable):
        read_file(b"x", "a.exe")


@pytest.mark.django_db
def test_register_from_the_database_resolves_collective_agencies_to_groups():
    from dondoc.orgs.groups import ensure_standard_groups
    from dondoc.orgs.models import OrgGroup
    from dondoc.reader.core import read_directive
    from dondoc.reader.registry import build_register

    ensure_standard_groups()  # a transactional test's flush removes the migration's rows
    register = build_register()
    group = OrgGroup.objects.get(code="bo-nganh-dia-phuong")
    assert group.name in {g.name for g in register.groups}
    text = "KẾ HOẠCH\n\nII. NHIỆM VỤ\n1. Các bộ, ngành và địa phương rà soát thủ tục hành chính."
    lead = read_directive(text, register=register).tasks[0].leads[0]
    assert (lead.resolved_id, lead.resolved_kind) == (group.pk, "group")

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


def _docx(paragraphs):
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
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

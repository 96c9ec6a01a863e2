"""``dondoc program``: create, list, edit, archive from the console."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from dondoc.tasks.models import Program

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("program", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_create_resolves_the_standing_office_by_alias_and_reads_groups(most):
    printed = run(
        "create",
        "NQ66",
        "--name",
        "Nghị quyết 66-NQ/TW",
        "--standing-office",
        "Đảng uỷ Bộ KH&CN",
        "--adopted-on",
        "30/04/2025",
        "--group",
        "1. Hoàn thiện thể chế",
        "--group",
        "2) Tổ chức thi hành",
        "--json",
    )
    item = json.loads(printed)
    assert item["code"] == "NQ66"
    assert item["standing_office"] == most.name
    assert item["adopted_on"] == "2025-04-30"
    assert item["groups"] == [
        {"number": 1, "title": "Hoàn thiện thể chế"},
        {"number": 2, "title": "Tổ chức thi hành"},
    ]


def test_standing_office_by_code_too(most):
    run("create", "KH03", "--name", "Kế hoạch 03", "--standing-office", "du-bo-khcn")
    assert Program.objects.get(code="KH03").standing_office == most


def test_unknown_unit_names_the_closest(most):
    with pytest.raises(CommandError, match="Đảng ủy Bộ Khoa học và Công nghệ"):
        run("create", "X1", "--name", "X", "--standing-office", "Đảng ủy Bộ Khoa học Công nghệ")
    assert not Program.objects.exists()


def test_taken_code_and_bad_group_exit_with_the_reason(program):
    with pytest.raises(CommandError, match="đã được dùng"):
        run("create", "NQ57", "--name", "Lại")
    with pytest.raises(CommandError, match=r"1\. Tên nhóm"):
        run("create", "NQ99", "--name", "X", "--group", "Không số")
    assert Program.objects.count() == 1


def test_list_edit_archive(program):
    run(
        "edit",
        "NQ57",
        "--committee",
        "Ban Chỉ đạo Trung ương",
        "--group",
        "8. Mới",
        "--remove-group",
        "7",
        "--no-approval",
        "--public",
    )
    program.refresh_from_db()
    assert program.committee_name == "Ban Chỉ đạo Trung ương"
    assert program.updates_need_approval is False
    assert program.public is True
    assert list(program.groups.values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6, 8]
    run("archive", "NQ57", "--reason", "Kết thúc")
    assert json.loads(run("list", "--json")) == []
    [item] = json.loads(run("list", "--all", "--json"))
    assert item["archived_on"] is not None
    assert "archived" in run("list", "--all")
    with pytest.raises(CommandError, match="đã được lưu trữ"):
        run("archive", "NQ57")


def test_unknown_program_code_is_refused_with_the_known_ones(program):
    with pytest.raises(CommandError, match="NQ57"):
        run("edit", "NQ5", "--name", "X")
    with pytest.raises(CommandError, match="no program with code 'NQ5'"):
        call_command("tasks", "--program", "NQ5", stdout=io.StringIO())

"""Creating, editing and archiving programs, and which program is offered by default."""

from __future__ import annotations

import datetime as dt

import pytest

from dondoc.tasks import programs, services
from dondoc.tasks.filters import filter_tasks
from dondoc.tasks.importers.service import import_file
from dondoc.tasks.models import Program, SolutionGroup
from dondoc.tasks.programs import GroupSpec, ProgramError

pytestmark = pytest.mark.django_db


def _groups(program: Program) -> list[tuple[int, str]]:
    return list(program.groups.order_by("number").values_list("number", "title"))


def test_create_program_with_groups_records_who_made_it(clerk, committee):
    program = programs.create_program(
        code="NQ66",
        name="Nghị quyết 66-NQ/TW",
        by=clerk,
        resolution="66-NQ/TW",
        adopting_document="Nghị quyết 66-NQ/TW ngày 30/4/2025",
        adopted_on=dt.date(2025, 4, 30),
        standing_office=committee,
        groups=[(1, "Hoàn thiện  thể chế"), (2, "Tổ chức thi hành")],
    )
    assert _groups(program) == [(1, "Hoàn thiện thể chế"), (2, "Tổ chức thi hành")]
    assert program.history.get().history_user == clerk
    assert SolutionGroup.history.filter(program_id=program.pk, history_user=clerk).count() == 2


def test_create_program_without_groups():
    program = programs.create_program(code="KH-03", name="Kế hoạch 03")
    assert _groups(program) == []
    assert not program.is_archived


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("", "Nhập mã chương trình"),
        ("NQ 57", "Mã gồm 1 đến 32"),
        ("nq-57/2", "Mã gồm 1 đến 32"),
        ("nq57", "đã được dùng"),  # letter case ignored
    ],
)
def test_bad_or_taken_code_is_refused_and_nothing_written(program, code, reason):
    with pytest.raises(ProgramError) as refused:
        programs.create_program(code=code, name="X", groups=[(1, "A")])
    assert reason in " ".join(refused.value.message_dict["code"])
    assert Program.objects.count() == 1


def test_bad_groups_are_refused_together():
    with pytest.raises(ProgramError) as refused:
        programs.create_program(code="P1", name="P", groups=[(1, "A"), (1, "B"), (0, "C")])
    assert len(refused.value.message_dict["groups"]) == 2
    assert not Program.objects.exists()


def test_parse_group_reads_number_and_title():
    assert programs.parse_group("1. Hoàn thiện thể chế") == GroupSpec(1, "Hoàn thiện thể chế")
    assert programs.parse_group(" 12) Nhân lực ") == GroupSpec(12, "Nhân lực")
    with pytest.raises(ProgramError):
        programs.parse_group("Nhân lực")


@pytest.fixture
def task_in_group_3(program, notice, most):
    return services.create_task(
        program=program,
        content="Phát triển hạ tầng số.",
        assigned_on=dt.date(2025, 1, 22),
        deadline="2025",
        group=program.groups.get(number=3),
        sources=[(notice, "1", "")],
        leads=[most],
    )


def test_update_renames_adds_removes_and_renumbers_unused_groups(program, task_in_group_3, clerk):
    g3 = program.groups.get(number=3)
    g4 = program.groups.get(number=4)
    programs.update_program(
        program,
        by=clerk,
        name="Nghị quyết 57",
        groups=[
            GroupSpec(3, "Hạ tầng số", g3.pk),  # used: renamed, same number
            GroupSpec(1, "Nhân lực", g4.pk),  # unused: renumbered onto a removed number
            (8, "Mới"),
        ],
    )
    program.refresh_from_db()
    assert program.name == "Nghị quyết 57"
    assert _groups(program) == [(1, "Nhân lực"), (3, "Hạ tầng số"), (8, "Mới")]
    task_in_group_3.refresh_from_db()
    assert task_in_group_3.group_id == g3.pk


def test_update_swaps_numbers_of_unused_groups(program):
    g1, g2 = program.groups.get(number=1), program.groups.get(number=2)
    rest = [GroupSpec(g.number, g.title, g.pk) for g in program.groups.filter(number__gt=2)]
    programs.update_program(
        program, groups=[GroupSpec(2, g1.title, g1.pk), GroupSpec(1, g2.title, g2.pk), *rest]
    )
    assert _groups(program)[:2] == [(1, "Thể chế"), (2, "Nhận thức")]


def test_a_group_tasks_use_keeps_its_number_and_stays(program, task_in_group_3):
    g3 = program.groups.get(number=3)
    before = _groups(program)
    with pytest.raises(ProgramError) as refused:
        programs.update_program(program, groups=[GroupSpec(9, "Hạ tầng", g3.pk)])
    problems = " ".join(refused.value.message_dict["groups"])
    assert "Nhóm 3 đang có 1 nhiệm vụ: không đổi được số thứ tự" in problems
    assert "không xóa được" not in problems  # group 3 is kept; the others are unused
    with pytest.raises(ProgramError, match="Nhóm 3 đang có 1 nhiệm vụ: không xóa được"):
        programs.update_program(program, groups=[(1, "Nhận thức")])
    assert _groups(program) == before


def test_group_of_another_program_is_refused(program):
    other = programs.create_program(code="P2", name="P2", groups=[(1, "X")])
    with pytest.raises(ProgramError):
        programs.update_program(program, groups=[GroupSpec(1, "X", other.groups.get().pk)])


def test_stale_form_is_refused(program):
    version = programs.version_of(program)
    programs.update_program(program, groups=[(1, "Nhận thức mới")])
    with pytest.raises(programs.StaleProgram):
        programs.update_program(program, name="Khác", version=version)


def test_archive_and_unarchive_keep_the_reason(program, clerk):
    programs.archive_program(program, by=clerk, reason="Đã kết thúc", on=dt.date(2026, 1, 1))
    program.refresh_from_db()
    assert program.archived_on == dt.date(2026, 1, 1)
    assert program.history.latest().history_change_reason == "Đã kết thúc"
    with pytest.raises(ProgramError, match="đã được lưu trữ"):
        programs.archive_program(program, reason="lần hai")
    programs.unarchive_program(program, by=clerk, reason="Tiếp tục")
    program.refresh_from_db()
    assert program.archived_on is None
    with pytest.raises(ProgramError, match="không ở trạng thái lưu trữ"):
        programs.unarchive_program(program)


def test_archived_program_is_not_the_default_but_reachable_by_code(program, clerk):
    second = programs.create_program(code="NQ66", name="Nghị quyết 66")
    program = programs.archive_program(program, reason="x")
    assert programs.default_program() == second
    assert programs.choose_program(None) == second
    assert programs.choose_program("NQ57") == program
    assert programs.picker_programs() == [second]
    assert programs.picker_programs(program) == [second, program]
    _qs, state = filter_tasks(clerk, {})
    assert state.program == second


def test_import_into_an_archived_program_is_refused(program):
    program = programs.archive_program(program, reason="x", on=dt.date(2026, 1, 1))
    summary = import_file(b"STT,Noi dung\n", filename="tasks.csv", program=program)
    assert not summary.ok
    assert "đã lưu trữ từ ngày 01/01/2026" in summary.rejected[0]["reason"]


def test_the_dashboard_chooses_and_offers_programs_as_before_reading_them_once(
    program, django_assert_num_queries
):
    second = programs.create_program(code="NQ66", name="Nghị quyết 66")
    third = programs.create_program(code="KH-03", name="Kế hoạch 03")
    archived = programs.archive_program(third, reason="x")
    for code in (None, "", "NQ57", "NQ66", "KH-03", "KHONG-CO"):
        expected = programs.choose_program(code or None)
        offered = programs.picker_programs(expected)
        # a code not among the active programs (archived, or unknown) is read by itself
        with django_assert_num_queries(2 if code in ("KH-03", "KHONG-CO") else 1):
            assert programs.chosen_and_offered(code or None) == (expected, offered), code
    assert programs.chosen_and_offered("KH-03") == (archived, [program, second, archived])

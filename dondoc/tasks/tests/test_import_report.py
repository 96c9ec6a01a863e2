"""Importing the Standing Office's quarterly report (seed 001) through the import service."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps

from dondoc.orgs.models import OrgAlias, OrgUnit
from dondoc.tasks.importers import nq57
from dondoc.tasks.importers.service import import_file
from dondoc.tasks.models import (
    Directive,
    DuplicateCandidate,
    ProgressUpdate,
    Task,
    TaskSource,
)
from dondoc.tasks.tests.seeds import seed_path

REPORT_DATE = dt.date(2025, 4, 10)


def count_all_rows() -> dict[str, int]:
    """Rows of every table of the project's apps (history included)."""
    counts = {}
    for app in ("orgs", "tasks", "accounts"):
        for model in apps.get_app_config(app).get_models(include_auto_created=True):
            counts[model._meta.label] = model.objects.count()
    return counts


@pytest.fixture
def nq57_program(db):
    """Units, committee and notices 01 and 03 of NQ57, without tasks."""
    summary = nq57.LoadSummary()
    units = nq57.load_org_units(summary) | nq57.load_provinces(summary)
    data = nq57._read(nq57.TASK_DATA / "nq57.json")
    program = nq57.load_program(summary, units, data)
    nq57.load_directives(summary, program, units, data)
    return program


@pytest.fixture
def report_bytes() -> bytes:
    return seed_path("001_").read_bytes()


def import_report(program, data: bytes, **kwargs):
    return import_file(data, filename="001_bao-cao.txt", program=program, **kwargs)


def task_of(label: str) -> Task:
    return TaskSource.objects.get(label=label, directive__kind="report").task


def test_report_is_recorded_as_a_directive_of_the_standing_office(nq57_program, report_bytes):
    summary = import_report(nq57_program, report_bytes)

    assert summary.ok, summary.rejected
    report = Directive.objects.get(kind="report")
    assert (report.number, report.date) == ("02-BC/CQTTBCĐ", REPORT_DATE)
    assert report.issuer == nq57_program.standing_office
    assert summary.report == "02-BC/CQTTBCĐ (10/04/2025)"


def test_every_row_of_both_appendices_becomes_a_task_and_repeats_are_one(
    nq57_program, report_bytes
):
    summary = import_report(nq57_program, report_bytes)

    assert len(summary.rows) == 9 + 43
    # Appendix 2 repeats eight of Appendix 1's nine late tasks.
    assert (summary.created, summary.linked, summary.queued) == (44, 8, 0)
    assert Task.objects.count() == 44
    same = task_of("Phụ lục 1, STT 1")
    assert task_of("Phụ lục 2, STT 2") == same
    assert task_of("Phụ lục 1, STT 9") == task_of("Phụ lục 2, STT 26")


def test_a_row_broken_across_pages_keeps_its_full_content_agencies_and_deadline(
    nq57_program, report_bytes
):
    import_report(nq57_program, report_bytes)

    task = task_of("Phụ lục 1, STT 6")
    assert task.content.startswith("Xây dựng dự thảo cơ chế đặc thù thu hút người Việt Nam")
    assert "Việt Nam làm việc, sinh sống" in task.content
    assert task.content.endswith("đổi mới sáng tạo và chuyển đổi số.")
    assert {u.code for u in task.lead_agencies()} == {"du-bo-noi-vu", "du-bo-khcn"}
    assert [m.full_name for m in task.members.all()] == ["Phạm Minh Chính"]
    assert (task.deadline_text, task.deadline_kind, task.due_on) == (
        "Quý I/2025",
        "date",
        dt.date(2025, 3, 31),
    )
    # "Quý" on one page and "I/2025" on the next.
    split = task_of("Phụ lục 2, STT 26")
    assert split.due_on == dt.date(2025, 3, 31)
    assert {u.code for u in split.lead_agencies()} == {"du-bo-khcn", "ha-noi", "ho-chi-minh"}


def test_assigned_date_is_the_earliest_assigning_notice(nq57_program, report_bytes):
    import_report(nq57_program, report_bytes)

    assert task_of("Phụ lục 2, STT 1").assigned_on == dt.date(2025, 1, 22)
    assert task_of("Phụ lục 2, STT 3").assigned_on == dt.date(2025, 3, 6)
    notices = set(task_of("Phụ lục 2, STT 1").directives.values_list("number", flat=True))
    assert {"01-TB/BCĐTW", "03-TB/BCĐTW", "02-BC/CQTTBCĐ"} <= notices


def test_appendix_one_results_become_updates_of_the_report_without_completing(
    nq57_program, report_bytes
):
    summary = import_report(nq57_program, report_bytes)

    assert summary.updated == 9
    report = Directive.objects.get(kind="report")
    updates = ProgressUpdate.objects.filter(source=report)
    assert updates.count() == 9
    assert {(u.reported_on, u.recorded_on) for u in updates} == {(REPORT_DATE, REPORT_DATE)}
    assert not updates.exclude(status_change="").exists()
    late = task_of("Phụ lục 1, STT 8")
    assert late.updates.get().text.startswith("Đã xây dựng danh mục Công nghệ chiến lược")
    assert late.updates.get().agency.code == "du-bo-khcn"
    assert late.closure_kind == ""


def test_importing_the_same_report_twice_changes_nothing(nq57_program, report_bytes):
    import_report(nq57_program, report_bytes)
    before = count_all_rows()

    again = import_report(nq57_program, report_bytes)

    assert count_all_rows() == before
    assert (again.created, again.linked, again.updated, again.queued) == (0, 0, 0, 0)
    assert again.unchanged == 52


def test_dry_run_reports_exactly_and_writes_nothing(nq57_program, report_bytes):
    before = count_all_rows()

    summary = import_report(nq57_program, report_bytes, dry_run=True)

    assert count_all_rows() == before
    assert summary.dry_run and summary.ok
    assert (summary.created, summary.linked, summary.updated) == (44, 8, 9)


def test_a_report_citing_an_unknown_notice_is_rejected_naming_the_row(nq57_program, report_bytes):
    Directive.objects.filter(number="03-TB/BCĐTW").delete()
    before = count_all_rows()

    summary = import_report(nq57_program, report_bytes)

    assert not summary.ok
    assert count_all_rows() == before
    reasons = {(r["label"], r["column"]) for r in summary.rejected}
    assert ("Phụ lục 1, STT 2", "documents") in reasons
    assert any("03-TB/BCĐTW" in r["reason"] for r in summary.rejected)


def test_an_unknown_agency_rejects_the_whole_report_once_with_its_rows(nq57_program, report_bytes):
    OrgAlias.objects.filter(alias="Quân ủy Trung ương").delete()
    OrgUnit.objects.filter(code="quan-uy-tw").update(name="Quân ủy", short_name="QUTW")
    before = count_all_rows()

    summary = import_report(nq57_program, report_bytes)

    assert count_all_rows() == before
    assert not summary.ok
    [rejected] = [r for r in summary.rejected if r["column"] == "lead"]
    assert rejected["label"] == "Phụ lục 2, STT 37"
    assert "Quân uỷ Trung ương" in rejected["reason"]
    [unknown] = summary.unknowns
    assert (unknown["kind"], unknown["name"]) == ("agency", "Quân uỷ Trung ương")
    assert len(unknown["rows"]) == 2 and summary.needs_resolution
    assert "Quân ủy" in [s["name"] for s in unknown["suggestions"]]


def test_a_report_in_a_legacy_encoding_is_rejected(nq57_program, report_bytes):
    legacy = report_bytes.decode("utf-8").encode("cp1258", errors="replace")
    before = count_all_rows()

    summary = import_report(nq57_program, legacy)

    assert count_all_rows() == before
    assert not summary.ok
    assert "UTF-8" in summary.rejected[0]["reason"]


def test_a_crash_while_writing_rolls_everything_back(nq57_program, report_bytes, monkeypatch):
    from dondoc.tasks import services

    calls = {"n": 0}
    original = services.post_update

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 5:
            raise RuntimeError("disk full")
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "post_update", failing)
    before = count_all_rows()

    with pytest.raises(RuntimeError):
        import_report(nq57_program, report_bytes)

    assert count_all_rows() == before


def test_a_near_duplicate_is_created_and_queued_for_review(nq57_program, report_bytes):
    from dondoc.tasks import services

    notice = Directive.objects.get(number="01-TB/BCĐTW")
    known = services.create_task(
        program=nq57_program,
        content="Nghiên cứu, đề xuất phương án cải cách cơ chế quản lý tài chính trong thực "
        "hiện nhiệm vụ khoa học công nghệ, đổi mới sáng tạo và chuyển đổi số",
        assigned_on=notice.date,
        sources=[(notice, "(5).2", "")],
    )

    summary = import_report(nq57_program, report_bytes)

    pair = DuplicateCandidate.objects.get(candidate=known)
    assert pair.task == task_of("Phụ lục 2, STT 16")
    assert pair.source.kind == "report"
    assert summary.queued == 1
    assert import_report(nq57_program, report_bytes).queued == 0

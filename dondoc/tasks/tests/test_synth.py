"""``dondoc synth``: a reproducible synthetic dataset, consistent with the services' rules."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from dondoc.core.text import fold
from dondoc.orgs.models import OrgUnit
from dondoc.tasks import services, spans, synth
from dondoc.tasks.models import Program, ProgressUpdate, Task, TaskAgency, TaskStatusSpan
from dondoc.tasks.queries import status_counts, tasks_as_of

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("synth", *args, "--communes", "120", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def snapshot() -> list[tuple]:
    return list(
        Task.objects.filter(program__code="SYNTH")
        .order_by("id")
        .values_list("content", "assigned_on", "deadline_text", "closure_kind", "closure_on")
    )


def test_it_creates_the_asked_number_of_tasks_and_updates():
    out = run("--tasks", "200", "--updates-per-task", "10")
    assert "200 tasks, 2000 updates" in out
    program = Program.objects.get(code="SYNTH")
    assert program.tasks.count() == 200
    assert ProgressUpdate.objects.filter(task__program=program).count() == 2000
    assert program.groups.count() == 7
    assert program.members.count() == 25
    assert program.directives.count() == 200


def test_cached_closure_columns_match_what_refresh_closure_computes():
    run("--tasks", "200")
    tasks = list(Task.objects.filter(program__code="SYNTH").order_by("id"))
    stored = [
        (t.closure_kind, t.closure_on, t.status_events_from, t.status_events_to) for t in tasks
    ]
    for task in tasks:
        services.refresh_closure(task)
    recomputed = [
        (t.closure_kind, t.closure_on, t.status_events_from, t.status_events_to)
        for t in Task.objects.filter(program__code="SYNTH").order_by("id")
    ]
    assert stored == recomputed
    assert any(kind == "completed" for kind, *_ in stored)


def test_status_spans_written_by_the_generator_are_those_a_recomputation_gives():
    run("--tasks", "300")
    program = Program.objects.get(code="SYNTH")
    assert TaskStatusSpan.objects.filter(program=program).count() > 300
    assert TaskStatusSpan.objects.filter(program=program, part="member").exists()
    assert TaskStatusSpan.objects.filter(program=program, shared=True).exists()
    assert list(spans.differences([program.pk])) == []


def test_the_same_seed_gives_the_same_dataset():
    run("--tasks", "150", "--seed", "7")
    first = snapshot()
    run("--tasks", "150", "--seed", "7", "--replace")
    assert snapshot() == first
    run("--tasks", "150", "--seed", "8", "--replace")
    assert snapshot() != first


def test_it_refuses_to_run_twice_without_replace():
    run("--tasks", "20")
    with pytest.raises(CommandError, match="--replace"):
        run("--tasks", "20")


def test_replace_leaves_other_programs_alone(program, most):
    real = services.create_task(
        program=program, content="Nhiệm vụ thật", assigned_on=dt.date(2025, 1, 22), leads=[most]
    )
    run("--tasks", "30")
    run("--tasks", "30", "--replace")
    assert Task.objects.filter(pk=real.pk).exists()
    assert OrgUnit.objects.filter(pk=most.pk).exists()
    assert Task.objects.filter(program__code="SYNTH").count() == 30


def test_provinces_merge_into_the_34_on_1_july_2025():
    run("--tasks", "10")
    provinces = OrgUnit.objects.filter(code__startswith="synth-", kind="province")
    after = provinces.filter(valid_to__isnull=True)
    before = provinces.exclude(valid_from=synth.MERGER_DAY)
    assert after.count() == 34
    assert before.count() == 63
    assert provinces.filter(valid_to=dt.date(2025, 6, 30), successor__isnull=False).count() == 52
    hcm = after.get(short_name="TP Hồ Chí Minh")
    assert {p.short_name for p in hcm.predecessors.all()} == {
        "TP Hồ Chí Minh",
        "Bình Dương",
        "Bà Rịa - Vũng Tàu",
    }


def test_tasks_are_led_by_units_that_existed_when_assigned():
    run("--tasks", "200")
    for ta in TaskAgency.objects.filter(task__program__code="SYNTH").select_related(
        "task", "org_unit"
    ):
        assert ta.org_unit.is_valid_on(ta.task.assigned_on), (ta.task_id, ta.org_unit)


def test_diacritic_free_search_finds_synthetic_content():
    run("--tasks", "200")
    tasks = Task.objects.filter(program__code="SYNTH")
    assert tasks.filter(content_folded__contains=fold("du lieu")).exists()
    assert all(t.content_folded == fold(t.content) for t in tasks)


def test_statuses_spread_over_the_bands():
    run("--tasks", "200")
    as_of = dt.date(2026, 6, 30)
    counts = status_counts(tasks_as_of(as_of, Task.objects.filter(program__code="SYNTH")), as_of)
    by_status = counts["by_status"]
    for status in ("overdue", "in_progress", "regular", "completed_on_time", "completed_late"):
        assert by_status[status] > 0, by_status

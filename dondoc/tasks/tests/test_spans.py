"""The status spans the services keep are those the timeline gives, after any sequence of
writes, and the dashboard's figures read from them are those computed from the timeline."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dondoc.accounts.models import Role
from dondoc.conftest import _user
from dondoc.followups.services import grant_extension
from dondoc.tasks import checkpoints, dashboard, manage, reporting, services, spans
from dondoc.tasks.models import (
    AgencyRole,
    StatusCheckpoint,
    StatusCount,
    Task,
    TaskAgency,
    TaskStatusSpan,
    UpdateState,
)
from dondoc.tasks.queries import tasks_as_of, with_status
from dondoc.tasks.status import (
    Closure,
    DeadlineInForce,
    Status,
    closure_as_of,
    deadline_as_of,
    status_as_of,
)

START = dt.date(2025, 1, 1)
PHRASES = ["Quý I/2025", "Tháng 5/2025", "Năm 2025", "Thường xuyên", "", "30/06/2025", "Quý IV"]
WRITES = ["create", "bulk", "post", "draft", "correct", "deadline", "restate", "extend", "split",
          "merge", "cancel", "link", "admin_deadline", "reassign", "regroup", "admin_lead",
          "member", "group_lead", "drop_group"]  # fmt: skip
DATES = [dt.date(2025, 3, 31), dt.date(2025, 7, 15), dt.date(2026, 1, 1)]


def _day(rng: random.Random, low: int = 0, high: int = 400) -> dt.date:
    return START + dt.timedelta(days=rng.randint(low, high))


def test_spans_give_the_status_of_every_day_on_random_timelines():
    rng = random.Random(7)
    for _ in range(300):
        kind = rng.choice(["date", "date", "continuous", "none", "unrecognised"])
        due = _day(rng, 30, 300) if kind == "date" or rng.random() < 0.1 else None
        closures = sorted(
            (
                Closure(rng.choice(["completed", "cancelled", "reopened"]), _day(rng), _day(rng))
                for _ in range(rng.randint(0, 3))
            ),
            key=lambda c: c.recorded_on,
        )
        changes = sorted(
            (
                DeadlineInForce(
                    rng.choice(["date", "date", "recurring", "none"]),
                    _day(rng, 60, 500) if rng.random() < 0.8 else None,
                    _day(rng),
                )
                for _ in range(rng.randint(0, 2))
            ),
            key=lambda c: c.effective_on,
        )
        soon = rng.choice([0, 7, 14])
        found = spans.compute(
            deadline_kind=kind, due_on=due, closures=closures, changes=changes, soon_days=soon
        )
        assert found[0].valid_from == spans.FIRST_DAY and found[-1].valid_to == spans.LAST_DAY
        assert all(a.valid_to == b.valid_from for a, b in itertools.pairwise(found))
        for offset in range(-20, 560, 3):
            day = START + dt.timedelta(days=offset)
            span = next(s for s in found if s.valid_from <= day < s.valid_to)
            closure = closure_as_of(closures, day)
            k, d = deadline_as_of(kind, due, changes, day)
            assert span.status == status_as_of(
                as_of=day, deadline_kind=k, due=d, closure=closure, due_soon_days=soon
            )
            assert span.status_original == status_as_of(
                as_of=day, deadline_kind=kind, due=due, closure=closure, due_soon_days=soon
            )
            assert span.due_on == d


def _random_writes(
    rng, program, notice, later, units, members, clerk, reporter, head, collective
) -> None:
    """Every kind of write that can change a task's timeline or deadline, in random order."""
    tasks: list[Task] = []
    for step in range(90):
        live = [t for t in Task.objects.filter(program=program, merged_into__isnull=True)]
        action = rng.choice([*WRITES, "create", "draft"] if live else ["create", "bulk"])
        task = rng.choice(live) if live else None
        day = _day(rng, 0, 300)
        if action == "create":
            tasks.append(
                services.create_task(
                    program=program,
                    content=f"Nhiệm vụ {step}",
                    assigned_on=_day(rng, 0, 90),
                    deadline=rng.choice(PHRASES),
                    group=rng.choice([None, *program.groups.all()[:2]]),
                    sources=[(notice, "", "")],
                    leads=[rng.choice(units)],
                    members=rng.sample(members, rng.randint(0, 2)),
                )
            )
        elif action == "bulk":
            specs = [
                services.NewTask(
                    program=program,
                    content=f"Nhiệm vụ {step}.{i}",
                    assigned_on=_day(rng, 0, 90),
                    deadline=rng.choice(PHRASES),
                    sources=[(notice, f"{step}.{i}", "")],
                    leads=[rng.choice(units)],
                )
                for i in range(3)
            ]
            tasks += services.create_tasks(specs, by=clerk)
        elif action == "post":
            services.post_update(
                task,
                by=clerk,
                text="Cập nhật",
                reported_on=day,
                recorded_on=day,
                status_change=rng.choice(["completed", "cancelled", "reopened", ""]),
                effective_on=day - dt.timedelta(days=rng.randint(0, 20)),
            )
        elif action == "draft":
            update, _created = reporting.record_update(
                task,
                by=reporter,
                text="Báo cáo",
                reported_on=day,
                status_change=rng.choice(["completed", "reopened", ""]),
            )
            if update.state == UpdateState.DRAFT:
                if rng.random() < 0.3:
                    reporting.withdraw_draft(update, by=reporter, version=update.version)
                else:
                    reporting.approve([update], by=head)
        elif action == "correct":
            current = task.updates.filter(state=UpdateState.PUBLISHED).last()
            if current is not None:
                reporting.record_update(
                    task,
                    by=clerk,
                    text="Đính chính",
                    reported_on=day,
                    status_change=rng.choice(["completed", "cancelled", ""]),
                    corrects=current,
                )
        elif action == "deadline":
            manage.change_deadline(
                task, by=clerk, reason="Điều chỉnh", phrase=rng.choice(PHRASES) or "Năm 2026",
                effective_on=day,
            )  # fmt: skip
        elif action == "restate":
            manage.restate_deadline(task, phrase=rng.choice(PHRASES), document=later, label="1")
        elif action == "extend":
            due = manage.deadline_in_force(task, day)[1]
            if due is not None:
                grant_extension(task, by=clerk, new_due_on=due + dt.timedelta(days=45),
                                granted_on=day)  # fmt: skip
        elif action == "split":
            if task.parent_id is None:
                manage.split(task, by=clerk, reason="Tách", parts=[
                    manage.Part(content="Phần 1", deadline=rng.choice(PHRASES)),
                    manage.Part(content="Phần 2"),
                ], close_original=rng.random() < 0.5)  # fmt: skip
        elif action == "merge":
            others = [t for t in live if t.pk != task.pk]
            if others:
                manage.merge(task, rng.choice(others), by=clerk, reason="Trùng")
        elif action == "cancel":
            manage.cancel(task, by=clerk, reason="Dừng", effective_on=day)
        elif action == "link":
            services.link_task(task, sources=[(later, "2", "")], deadline=rng.choice(PHRASES),
                               assigned_on=_day(rng, 0, 60), by=clerk)  # fmt: skip
        elif action == "reassign":
            leads = rng.sample(units[1:], rng.randint(0, 2))
            chosen = rng.sample(members, rng.randint(0, 2))
            manage.reassign(task, by=clerk, reason="Giao lại", leads=leads, coordinators=[],
                            members=chosen)  # fmt: skip
        elif action == "regroup":
            manage.edit(task, by=clerk, reason="Sửa", content=task.content, sources=[],
                        group=rng.choice([None, *program.groups.all()[:3]]))  # fmt: skip
        elif action == "admin_lead":  # what an admin inline saves: the model, no service
            unit = rng.choice(units)
            link = TaskAgency.objects.filter(task=task, org_unit=unit, role=AgencyRole.LEAD)
            if link.exists():
                link.first().delete()
            else:
                TaskAgency.objects.create(task=task, org_unit=unit, role=AgencyRole.LEAD)
        elif action == "member":
            member = rng.choice(members)
            if rng.random() < 0.5:
                member.tasks.add(task)  # the reverse side
            else:
                task.members.remove(member)
        elif action == "group_lead":
            services.set_agencies(task, leads=[collective])
        elif action == "drop_group" and step > 50:
            group = program.groups.filter(tasks__isnull=False).first()
            if group is not None:
                group.delete()
        elif action == "admin_deadline":
            # What the admin's save does: the deadline as first assigned is rewritten.
            task = Task.objects.get(pk=task.pk)
            services.apply_deadline(task, rng.choice(PHRASES))
            task.save()
            spans.refresh([task.pk])
        # After each write, not only at the end: a later write to the task would hide a miss.
        wrong = [d.describe() for d in spans.differences([program.pk])]
        assert not wrong, (step, action, wrong)


@pytest.fixture
def written(program, notice, most, hanoi, member_person, clerk, reporter, committee):
    """A program after a random sequence of every kind of write."""
    from dondoc.orgs.groups import ensure_standard_groups
    from dondoc.orgs.models import Member, OrgGroup
    from dondoc.tasks.models import Directive, DirectiveKind

    ensure_standard_groups()  # seeded by a migration; a transactional test's flush removes them
    collective = OrgGroup.objects.order_by("pk").first()
    program.updates_need_approval = True
    program.save(update_fields=["updates_need_approval"])
    later = Directive.objects.create(
        program=program, kind=DirectiveKind.PLAN, number="02-KH/BCĐTW",
        date=dt.date(2025, 6, 1), issuer=committee, title="Kế hoạch",
    )  # fmt: skip
    other = Member.objects.create(program=program, full_name="Trần Văn B", position="Ủy viên")
    head = _user("head", Role.AGENCY_HEAD, most)
    # Checkpoints before any task: every write below keeps their counts.
    assert checkpoints.extend([program.pk], since=START, until=dt.date(2026, 1, 1)) == 26
    # The reporter reports on the tasks its agency leads; make every task led by it reachable.
    _random_writes(random.Random(11), program, notice, later, [most, most, hanoi],
                   [member_person, other], clerk, reporter, head, collective)  # fmt: skip
    return program


@pytest.mark.django_db
def test_every_write_path_keeps_the_spans_a_recomputation_gives(written):
    assert Task.objects.filter(program=written).count() > 20
    assert TaskStatusSpan.objects.exists()
    assert [d.describe() for d in spans.differences()] == []
    # The counts kept at checkpoints are only ever added to: a miss at any write would stay.
    assert StatusCount.objects.filter(program=written).exclude(n=0).count() > 100
    assert [d.describe() for d in checkpoints.differences()] == []


@pytest.mark.django_db
def test_dashboard_figures_from_spans_equal_those_from_the_timeline(written, subtests):
    # One program for the three dates: writing it is the slow part.
    for as_of in DATES:
        with subtests.test(as_of=as_of):
            _figures_agree(written, as_of)
    StatusCheckpoint.objects.filter(program=written).delete()
    for as_of in DATES:  # and without any checkpoint
        qs = tasks_as_of(as_of, Task.objects.filter(program=written))
        assert (
            dashboard.breakdowns(qs, as_of).statuses
            == dashboard.breakdowns(qs, as_of, source="timeline").statuses
        ), as_of


def _figures_agree(written, as_of: dt.date) -> None:
    qs = tasks_as_of(as_of, Task.objects.filter(program=written))
    assert dashboard._whole_program(qs, as_of) == written.pk  # read from the rows alone
    assert dashboard._whole_program(qs.filter(group=None), as_of) is None
    assert dashboard._whole_program(qs.none(), as_of) is None
    kept = dashboard.breakdowns(qs, as_of)
    fresh = dashboard.breakdowns(qs, as_of, source="timeline")
    assert kept.counts == fresh.counts
    assert kept.by == fresh.by
    assert kept.statuses == fresh.statuses
    assert kept.overdue == fresh.overdue
    # Read on a checkpoint (``DATES`` but 01/01/2026), from the one before the date
    # (03/04 -> 31/03) and the one after it (13/04 -> 15/04): the same figures.
    for day in (as_of + dt.timedelta(days=3), dt.date(2025, 4, 13)):
        later = tasks_as_of(day, Task.objects.filter(program=written))
        assert dashboard.breakdowns(later, day).by == (
            dashboard.breakdowns(later, day, source="timeline").by
        ), day
    # A narrowed set (a solution group) reads the spans through its tasks: the same figures.
    group = written.groups.order_by("number").first()
    narrowed = qs.filter(group=group)
    assert (
        dashboard.breakdowns(narrowed, as_of).by
        == dashboard.breakdowns(narrowed, as_of, source="timeline").by
    )
    # The task list's counts per status (the links of the dashboard's cells) agree too.
    listed = with_status(qs, as_of)
    for status in Status:
        assert listed.filter(status=status).count() == kept.counts["by_status"][status], status
    assert sum(kept.counts["by_status"].values()) == qs.count()


@pytest.mark.django_db
def test_check_figures_reports_a_difference_and_repairs_it(written):
    out = StringIO()
    call_command("check-figures", "--dates", "31/03/2025", "01/01/2026", stdout=out)
    assert "agree" in out.getvalue()

    span = TaskStatusSpan.objects.filter(status=Status.IN_PROGRESS, part="task").first()
    span.status = Status.OVERDUE
    span.save()
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check-figures", "--program", "NQ57", "--repair", stdout=out)
    assert f"task #{span.task_id}" in out.getvalue()
    call_command("check-figures", stdout=StringIO())  # repaired: no error

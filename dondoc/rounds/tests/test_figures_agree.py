"""Every agency's figures agree: scorecard = agency page = dashboard = task list, on the
Resolution 57 data, for every agency, merged units included."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from dondoc.orgs.models import OrgUnit
from dondoc.rounds.scorecards import scorecards
from dondoc.tasks import dashboard as figures
from dondoc.tasks.models import Program, Task
from dondoc.tasks.queries import tasks_as_of
from dondoc.tasks.status import Status
from dondoc.tasks.tests.test_load_nq57 import loaded  # noqa: F401

VN = dt.timezone(dt.timedelta(hours=7))


@pytest.mark.django_db
@pytest.mark.parametrize("today", [dt.date(2025, 4, 10), dt.date(2026, 12, 1)])
def test_scorecard_agency_page_dashboard_and_task_list_agree_for_every_agency(
    loaded,  # noqa: F811
    client,
    clerk,
    today,
):
    program = Program.objects.get(code="NQ57")
    client.force_login(clerk)
    with time_machine.travel(dt.datetime(today.year, today.month, today.day, 9, tzinfo=VN)):
        year = dt.date(today.year, 1, 1)
        cards = {row.agency.pk: row for row in scorecards(program, year, today)}
        base = tasks_as_of(today, Task.objects.filter(program=program))
        board = {row.key: row for row in figures.by_lead(base, today, limit=None)}
        page = client.get("/", {"program": "NQ57", "as_of": today.isoformat()})
        shown = {row.key: row for row in page.context["breakdowns"][0]["rows"]}
        assert shown and all(board[pk].counts == row.counts for pk, row in shown.items())

        merged = OrgUnit.objects.filter(successor__isnull=False, valid_to__lt=today)
        assert merged.filter(code="bcs-bo-tttt").exists()
        leads = set(
            OrgUnit.objects.filter(task_roles__role="lead", task_roles__task__program=program)
        )
        assert set(cards) == set(board)
        for unit in leads:
            if unit in merged:  # its tasks are its successor's: no row of its own
                assert unit.pk not in cards and unit.pk not in board
                continue
            card = cards[unit.pk]
            agency = client.get(f"/rounds/agency/{unit.pk}/", {"program": "NQ57"})
            counts = agency.context["counts"]
            listed = (
                client.get(
                    "/tasks/", {"program": "NQ57", "as_of": today.isoformat(), "lead": unit.pk}
                )
                .context["page"]
                .paginator.count
            )
            row = board[unit.pk]
            assert counts["overdue"] == card.overdue == row.n("overdue"), unit
            assert counts["by_status"][Status.COMPLETED_ON_TIME] == card.on_time, unit
            assert counts["by_status"][Status.COMPLETED_LATE] == card.late, unit
            assert (
                counts["assigned"] == row.n("assigned") == listed - card.statuses[Status.CANCELLED]
            ), unit
            assert agency.context["card"].overdue == card.overdue, unit


@pytest.mark.django_db
def test_a_task_co_led_with_a_merged_unit_counts_once(loaded):  # noqa: F811
    program = Program.objects.get(code="NQ57")
    ministry = OrgUnit.objects.get(code="du-bo-khcn")
    day = dt.date(2026, 12, 1)
    row = next(r for r in scorecards(program, dt.date(2026, 1, 1), day) if r.agency == ministry)
    led = tasks_as_of(day, Task.objects.filter(program=program)).filter(
        task_agencies__role="lead", task_agencies__org_unit__in=ministry.lineage_ids()
    )
    assert led.count() > led.distinct().count()  # the data has such a task
    assert row.led == led.distinct().count()
    assert row.overdue == 21

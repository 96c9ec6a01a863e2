"""Duplicate decisions, imports and timeline entries at the same moment, in real threads on
PostgreSQL: one success, the other a conflict or a wait; the final state always one that a
serial order produces."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from dondoc.core.testing.concurrency import assert_serial, postgres_only, run_together
from dondoc.core.transitions import Conflict
from dondoc.tasks import services
from dondoc.tasks.importers.service import import_file
from dondoc.tasks.models import (
    DuplicateCandidate,
    DuplicateState,
    ImportJob,
    ProgressUpdate,
    Task,
)
from dondoc.tasks.tests.test_import_template import filled_csv

pytestmark = postgres_only

ROUNDS = 3


@pytest.fixture
def make_task(program, notice, most):
    def make(content):
        return services.create_task(
            program=program,
            content=content,
            assigned_on=dt.date(2025, 1, 22),
            deadline="Quý II/2025",
            sources=[(notice, "", "")],
            leads=[most],
        )

    return make


def _fresh(pair: DuplicateCandidate) -> DuplicateCandidate:
    return DuplicateCandidate.objects.select_related("task").get(pk=pair.pk)


def test_same_and_different_at_once_give_one_decision(make_task, clerk, tracker):
    for n in range(ROUNDS):
        new, existing = make_task(f"Phủ sóng 5G {n}."), make_task(f"Phủ sóng mạng 5G {n}.")
        pair = DuplicateCandidate.objects.create(task=new, candidate=existing, score=0.8)

        outcomes = run_together(
            lambda pair=pair: services.decide_duplicate(_fresh(pair), same=True, by=clerk),
            lambda pair=pair: services.decide_duplicate(_fresh(pair), same=False, by=tracker),
            names=["same", "different"],
        )

        outcomes.assert_one_success(Conflict)
        pair.refresh_from_db()
        new.refresh_from_db()
        assert_serial(
            (pair.state, new.merged_into_id),
            {
                "same first": (DuplicateState.CONFIRMED, existing.pk),
                "different first": (DuplicateState.REJECTED, None),
            },
        )


def test_one_task_merged_into_two_others_at_once_is_merged_once(make_task, clerk, tracker):
    for n in range(ROUNDS):
        new = make_task(f"Phủ sóng 5G {n}.")
        first, second = make_task(f"Phủ sóng mạng 5G {n}."), make_task(f"5G toàn quốc {n}.")
        services.post_update(new, by=clerk, text=f"Đã triển khai {n}")
        pairs = [
            DuplicateCandidate.objects.create(task=new, candidate=first, score=0.8),
            DuplicateCandidate.objects.create(task=new, candidate=second, score=0.7),
        ]

        outcomes = run_together(
            lambda p=pairs[0]: services.decide_duplicate(_fresh(p), same=True, by=clerk),
            lambda p=pairs[1]: services.decide_duplicate(_fresh(p), same=True, by=tracker),
        )

        outcomes.assert_one_success(Conflict)
        new.refresh_from_db()
        states = [DuplicateCandidate.objects.get(pk=p.pk).state for p in pairs]
        assert_serial(
            (new.merged_into_id, states),
            {
                "first pair first": (first.pk, [DuplicateState.CONFIRMED, DuplicateState.PENDING]),
                "second pair first": (
                    second.pk,
                    [DuplicateState.PENDING, DuplicateState.CONFIRMED],
                ),
            },
        )
        # The timeline moved once, whole, to the task it was merged into.
        assert list(
            ProgressUpdate.objects.filter(text=f"Đã triển khai {n}").values_list(
                "task_id", flat=True
            )
        ) == [new.merged_into_id]


def test_two_imports_of_the_same_file_at_once_write_it_once(
    program, notice, most, hanoi, member_person, clerk, tracker
):
    data = filled_csv()

    outcomes = run_together(
        lambda: import_file(data, filename="a.csv", program=program, by=clerk),
        lambda: import_file(data, filename="a.csv", program=program, by=tracker),
    )

    first, second = outcomes.assert_all_ok()
    assert first.ok and second.ok
    assert sorted([(s.created, s.unchanged) for s in (first, second)]) == [(0, 3), (3, 0)]
    assert Task.objects.count() == 3
    assert ProgressUpdate.objects.count() == 2  # as importing it twice one after the other


def test_an_import_racing_a_hand_set_deadline_keeps_the_hand_set_one(
    program, notice, most, hanoi, member_person
):
    from dondoc.tasks.tests.test_import_template import ROWS

    for n in range(ROUNDS):
        row = dict(ROWS[0], noi_dung=f"Nhiệm vụ không thời hạn số {n}.", thoi_han="")
        assert import_file(filled_csv([row]), filename="a.csv", program=program).ok
        task = Task.objects.get(content=row["noi_dung"])
        assert task.deadline_kind == "none"

        def set_by_hand(task=task):
            from django.db import transaction

            with transaction.atomic():
                fresh = Task.objects.select_for_update().get(pk=task.pk)
                services.apply_deadline(fresh, "Quý III/2025")
                fresh.save()
                time.sleep(0.5)  # the clerk's transaction still open while the import reads

        later_report = dict(row, thoi_han="Quý IV/2025")
        outcomes = run_together(
            set_by_hand,
            lambda later_report=later_report: import_file(
                filled_csv([later_report]), filename="b.csv", program=program
            ),
            names=["by hand", "import"],
        )

        outcomes.assert_all_ok()
        task.refresh_from_db()
        assert_serial(
            task.deadline_text,
            {
                "by hand first (the import sees a deadline and keeps it)": "Quý III/2025",
                # the import set its deadline, then the clerk replaced it knowingly
                "import first": "Quý III/2025",
            },
        )


def test_two_status_changes_at_once_leave_the_cached_closure_true_to_the_timeline(
    make_task, clerk, tracker
):
    for n in range(ROUNDS):
        task = make_task(f"Nhiệm vụ {n}.")

        outcomes = run_together(
            lambda task=task: services.post_update(
                task, by=clerk, text="Hoàn thành", status_change="completed"
            ),
            lambda task=task: services.post_update(
                task, by=tracker, text="Dừng", status_change="cancelled"
            ),
        )

        outcomes.assert_all_ok()
        task.refresh_from_db()
        last = task.updates.exclude(status_change="").order_by("recorded_on", "id").last()
        assert task.closure_kind == last.status_change
        assert task.updates.count() == 2


def test_a_double_clicked_import_confirmation_writes_the_file_once(
    client, program, notice, most, hanoi, member_person, clerk
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    client.force_login(clerk)
    dry_run = client.post(
        reverse("import-upload"), {"file": SimpleUploadedFile("a.csv", filled_csv())}
    )
    assert dry_run.status_code == 200 and Task.objects.count() == 0

    def click():
        same_tab = Client()
        same_tab.cookies = client.cookies  # the one session, clicked twice
        return same_tab.post(reverse("import-confirm")).status_code

    outcomes = run_together(click, click)

    # Each click is sent to the one job's page (or, once the session is used, to the upload).
    assert outcomes.assert_all_ok() == [302, 302]
    assert ImportJob.objects.count() == 1
    assert Task.objects.count() == 3
    assert ProgressUpdate.objects.count() == 2

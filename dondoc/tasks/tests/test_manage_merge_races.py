"""Merging duplicates on the management page while someone else merges the same tasks: a clear
"look again" (``StaleTask``), never an assertion or a deadlock."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import transaction

from dondoc.core.testing.concurrency import on_postgres, run_together
from dondoc.tasks import manage, services
from dondoc.tasks.models import Task

ROUNDS = 3


def real_concurrency(test):
    """The marks of ``postgres_only``, for one test of a module that also runs on SQLite."""
    test = pytest.mark.django_db(transaction=True)(test)
    test = pytest.mark.skipif(not on_postgres(), reason="real concurrency needs PostgreSQL")(test)
    return pytest.mark.postgres(test)


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


@pytest.mark.django_db
def test_a_duplicate_merged_elsewhere_after_the_form_was_checked_is_stale(make_task, clerk):
    keep, duplicate, other = make_task("Đất hiếm"), make_task("Đất hiếm (2)"), make_task("Khác")
    seen = Task.objects.get(pk=duplicate.pk)  # as the merge form validated it
    manage.merge(other, duplicate, by=clerk, reason="Trùng")

    with pytest.raises(manage.StaleTask):
        manage.merge(keep, seen, by=clerk, reason="Trùng", version=manage.version_of(keep))

    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == other.pk
    assert not keep.changes.exists()


@pytest.mark.django_db
def test_the_merge_page_says_so_when_the_duplicate_was_merged_meanwhile(
    client, make_task, clerk, monkeypatch
):
    keep, duplicate, other = make_task("Đất hiếm"), make_task("Đất hiếm (2)"), make_task("Khác")
    real_merge = manage.merge

    def merged_elsewhere_first(*args, **kwargs):  # the other merge lands after validation
        real_merge(other, Task.objects.get(pk=duplicate.pk), by=clerk, reason="Trùng")
        return real_merge(*args, **kwargs)

    monkeypatch.setattr(manage, "merge", merged_elsewhere_first)
    client.force_login(clerk)
    page = client.get(f"/tasks/{keep.pk}/merge/").content.decode()
    version = page.split('name="version" value="', 1)[1].split('"', 1)[0]

    response = client.post(
        f"/tasks/{keep.pk}/merge/",
        {"duplicate": duplicate.pk, "reason": "Trùng", "version": version},
        follow=True,
    )

    assert response.status_code == 200  # the task page again, not a server error
    assert "Nhiệm vụ vừa được người khác thay đổi" in response.content.decode()
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == other.pk


@real_concurrency
def test_two_merges_of_a_pair_in_opposite_directions_give_one_merge(make_task, clerk, tracker):
    for n in range(ROUNDS):
        a, b = make_task(f"Phủ sóng 5G {n}."), make_task(f"Phủ sóng mạng 5G {n}.")

        outcomes = run_together(
            lambda a=a, b=b: manage.merge(
                Task.objects.get(pk=a.pk), Task.objects.get(pk=b.pk), by=clerk, reason="Trùng"
            ),
            lambda a=a, b=b: manage.merge(
                Task.objects.get(pk=b.pk), Task.objects.get(pk=a.pk), by=tracker, reason="Trùng"
            ),
            names=["b into a", "a into b"],
        )

        outcomes.assert_one_success(manage.StaleTask)
        a.refresh_from_db()
        b.refresh_from_db()
        assert [a.merged_into_id, b.merged_into_id].count(None) == 1


@real_concurrency
def test_a_merge_waits_for_the_program_lock(make_task, program, clerk):
    a, b = make_task("Phủ sóng 5G."), make_task("Phủ sóng mạng 5G.")
    holding = threading.Event()
    released_at: list[float] = []

    def hold_program():  # an import into the program, holding its lock for a moment
        with transaction.atomic():
            services.lock_program(program.pk)
            holding.set()
            time.sleep(0.5)
            released_at.append(time.monotonic())

    def merge_after_the_lock_is_taken():
        assert holding.wait(5)
        manage.merge(Task.objects.get(pk=a.pk), Task.objects.get(pk=b.pk), by=clerk, reason="x")
        return time.monotonic()

    outcomes = run_together(hold_program, merge_after_the_lock_is_taken, names=["hold", "merge"])

    _, merged_at = outcomes.assert_all_ok()
    assert merged_at >= released_at[0]

"""Duplicate decisions and manual edits made from a page loaded before someone else acted: a
conflict shown to the user, never a second merge or a silent overwrite. One request after the
other, so these hold on SQLite and PostgreSQL; ``test_races.py`` runs them in real threads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.utils import translation

from dondoc.core.testing.concurrency import assert_serial, race
from dondoc.core.transitions import Conflict
from dondoc.tasks import services
from dondoc.tasks.importers.service import import_file
from dondoc.tasks.models import DuplicateCandidate, DuplicateState, Task
from dondoc.tasks.tests.test_import_template import ROWS, filled_csv


@pytest.fixture
def three(program, notice, most):
    def task(content):
        return services.create_task(
            program=program,
            content=content,
            assigned_on=dt.date(2025, 1, 22),
            deadline="Quý II/2025",
            sources=[(notice, "", "")],
            leads=[most],
        )

    return (
        task("Phủ sóng 5G toàn quốc."),
        task("Phủ sóng mạng 5G trên toàn quốc."),
        task("Phủ sóng 5G đến mọi xã."),
    )


def test_a_decision_on_a_pair_already_decided_is_a_409_with_the_reason(client, clerk, three):
    new, existing, _other = three
    pair = DuplicateCandidate.objects.create(task=new, candidate=existing, score=0.8)
    services.decide_duplicate(
        DuplicateCandidate.objects.get(pk=pair.pk), same=False, by=clerk
    )  # another tab, a moment earlier
    client.force_login(clerk)

    response = client.post(f"/duplicates/{pair.pk}/decide/", {"decision": "same"})

    assert response.status_code == 409
    page = response.content.decode()
    assert "Hai nhiệm vụ này đã được xem xét (Hai nhiệm vụ khác nhau) bởi Clerk" in page
    new.refresh_from_db()
    assert new.merged_into_id is None  # the earlier "different" stands
    pair.refresh_from_db()
    assert pair.state == DuplicateState.REJECTED


def test_a_pair_whose_task_was_merged_elsewhere_is_not_merged_again(clerk, three):
    new, existing, other = three
    first = DuplicateCandidate.objects.create(task=new, candidate=existing, score=0.8)
    second = DuplicateCandidate.objects.create(task=new, candidate=other, score=0.7)
    services.decide_duplicate(first, same=True, by=clerk)

    with translation.override("vi"), pytest.raises(Conflict, match="vừa được hợp nhất vào"):
        services.decide_duplicate(second, same=True, by=clerk)

    new.refresh_from_db()
    assert new.merged_into_id == existing.pk
    second.refresh_from_db()
    assert second.state == DuplicateState.PENDING  # still waiting: it may be rejected instead


def test_the_task_admin_refuses_a_form_loaded_before_an_import_changed_the_task(
    program, notice, most, hanoi, member_person, clerk
):
    import_file(filled_csv(ROWS[:1]), filename="a.csv", program=program)
    Task.objects.filter(pk=(task := Task.objects.get()).pk).update(assigned_on=dt.date(2025, 2, 1))
    request = RequestFactory().get("/admin/")
    request.user = clerk
    form_class = site._registry[Task].get_form(request, task)
    opened = form_class(instance=Task.objects.get(pk=task.pk))  # the clerk opens the page
    loaded = opened.initial | {"loaded_version": opened.fields["loaded_version"].initial}
    # Meanwhile the notice is imported again: it shows an earlier assignment, which is recorded.
    import_file(filled_csv(ROWS[:1]), filename="b.csv", program=program)
    task.refresh_from_db()
    assert task.assigned_on == dt.date(2025, 1, 22)

    data = {**loaded, "content": "Sửa tay", "members": [m.pk for m in loaded["members"]]}
    data["program"], data["group"], data["parent"] = program.pk, loaded.get("group") or "", ""
    data["assigned_on"] = "2025-02-01"
    form = form_class(data, instance=Task.objects.get(pk=task.pk))

    with translation.override("vi"):
        assert not form.is_valid()
        assert "sau khi bạn mở trang" in str(form.non_field_errors())
    task.refresh_from_db()
    assert task.content != "Sửa tay"


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_deciding_one_pair_get_one_decision_on_either_database(clerk, tracker, three):
    new, existing, _other = three
    pair = DuplicateCandidate.objects.create(task=new, candidate=existing, score=0.8)

    def decide(same, by):
        return services.decide_duplicate(
            DuplicateCandidate.objects.select_related("task").get(pk=pair.pk), same=same, by=by
        )

    outcomes = race(lambda: decide(True, clerk), lambda: decide(False, tracker))

    outcomes.assert_one_success(Conflict)
    pair.refresh_from_db()
    new.refresh_from_db()
    assert_serial(
        (pair.state, new.merged_into_id),
        {
            "merge first": (DuplicateState.CONFIRMED, existing.pk),
            "keep both first": (DuplicateState.REJECTED, None),
        },
    )

"""The audit page: every change, who, when, from where, what; filters and exports."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from dondoc.tasks import services


@pytest.fixture
def changes(program, notice, most, clerk, tracker, reporter):
    task = services.create_task(
        program=program,
        content="Xây dựng Bộ chỉ số theo dõi",
        assigned_on=dt.date(2025, 1, 22),
        deadline="Quý I/2025",
        leads=[most],
        by=clerk,
    )
    services.post_update(task, by=reporter, text="Đã trình dự thảo")
    from dondoc.followups.services import grant_extension

    grant_extension(task, by=tracker, new_due_on=dt.date(2025, 6, 30), reason="Chờ ý kiến")
    task.deadline_text = "Quý II/2025"
    task._history_user = tracker
    task.save()
    return task


@pytest.fixture
def office(client, clerk):
    client.force_login(clerk)
    return client


@pytest.mark.django_db
def test_only_the_standing_office_sees_the_audit_log(client, tracker, reporter):
    for user in (tracker, reporter):
        client.force_login(user)
        assert client.get("/audit/").status_code == 403
        assert client.get("/audit/export.csv").status_code == 403


@pytest.mark.django_db
def test_the_log_lists_changes_across_models_newest_first(
    office, changes, django_assert_max_num_queries
):
    # Two queries per model present on the page; an extension also writes the task's deadline
    # record, and the program's solution groups have a history, so five models are present.
    with django_assert_max_num_queries(20):
        response = office.get("/audit/")

    entries = response.context["entries"]
    labels = [e.model.label for e in entries]
    assert {
        "tasks.task",
        "tasks.progressupdate",
        "followups.deadlineextension",
        "tasks.deadlinechange",
    } <= set(labels)
    assert [e.when for e in entries] == sorted((e.when for e in entries), reverse=True)
    latest = entries[0]
    assert latest.model.label == "tasks.task" and latest.kind == "~"
    assert latest.who.username == "tracker"
    assert any(c.old == "Quý I/2025" and c.new == "Quý II/2025" for c in latest.changes)


@pytest.mark.django_db
def test_the_address_of_a_change_made_through_a_page_is_recorded(client, changes, tracker, clerk):
    client.force_login(tracker)
    client.post(
        f"/tasks/{changes.pk}/extensions/grant/",
        {"new_due_on": "30/09/2025", "reason": "Lần hai"},
        REMOTE_ADDR="10.57.0.8",
    )
    client.force_login(clerk)

    response = client.get("/audit/", {"model": "followups.deadlineextension"})

    assert response.context["entries"][0].ip_address == "10.57.0.8"
    assert "10.57.0.8" in response.content.decode()


@pytest.mark.django_db
def test_filters_by_user_model_object_and_dates(office, changes, reporter):
    def found(**params):
        return office.get("/audit/", params).context["entries"]

    assert {e.who.username for e in found(user="reporter")} == {"reporter"}
    assert {e.model.label for e in found(model="tasks.task")} == {"tasks.task"}
    assert {e.object_id for e in found(model="tasks.task", object_id=changes.pk)} == {changes.pk}
    today = dt.date.today().strftime("%d/%m/%Y")
    assert found(date_from=today, date_to=today)
    assert found(date_to="01/01/2020") == []
    assert found(model="nothing.here") == []


@pytest.mark.django_db
def test_exports_hold_the_same_rows(office, changes):
    response = office.get("/audit/export.csv", {"model": "tasks.task"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1 + 2  # header, created and changed
    assert "Quý I/2025 → Quý II/2025" in rows[1][6]

    xlsx = office.get("/audit/export.xlsx", {"model": "tasks.task"})
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 3


@pytest.mark.django_db
def test_a_page_of_many_changes_costs_a_fixed_number_of_queries(
    office, program, clerk, django_assert_max_num_queries
):
    for i in range(120):
        task = services.create_task(
            program=program, content=f"Nhiệm vụ {i}", assigned_on=dt.date(2025, 1, 22), by=clerk
        )
        task.content = f"Nhiệm vụ {i} (sửa)"
        task._history_user = clerk
        task.save()

    with django_assert_max_num_queries(16):
        response = office.get("/audit/", {"page": 2})

    assert len(response.context["entries"]) == 50
    assert response.context["page"].paginator.count >= 240


def test_every_audited_model_is_listed():
    from dondoc.audit.log import audited_models

    labels = {m.label for m in audited_models()}
    assert {
        "tasks.task",
        "tasks.progressupdate",
        "tasks.directive",
        "orgs.orgunit",
        "orgs.member",
        "accounts.user",
        "accounts.membership",
        "followups.explanationrequest",
        "followups.deadlineextension",
    } <= labels

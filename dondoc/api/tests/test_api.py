"""The JSON API: authentication, scoping, filters, updates and the OpenAPI document."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.urls import reverse

from dondoc.accounts.models import ApiToken
from dondoc.orgs.models import OrgUnit
from dondoc.tasks import manage, services
from dondoc.tasks.models import Attachment, Program, ProgressUpdate, Task, UpdateState

AS_OF = "2025-06-30"


@pytest.fixture
def tasks(program, notice, most, hanoi, member_person, clerk):
    """Three tasks: one of the ministry overdue on 30/06/2025, one of Hà Nội, one completed."""
    rare_earths = services.create_task(
        program=program,
        content="Xây dựng cơ sở dữ liệu quốc gia về đất hiếm",
        assigned_on=dt.date(2025, 1, 22),
        deadline="Quý I/2025",
        sources=[(notice, "(1)", "")],
        leads=[most],
        coordinators=[hanoi],
        members=[member_person],
        group=program.groups.get(number=3),
    )
    hanoi_task = services.create_task(
        program=program,
        content="Thành phố Hà Nội triển khai nền tảng số dùng chung",
        assigned_on=dt.date(2025, 1, 22),
        deadline="Quý III/2025",
        sources=[(notice, "(2)", "")],
        leads=[hanoi],
    )
    done = services.create_task(
        program=program,
        content="Ban hành kế hoạch hành động về chuyển đổi số",
        assigned_on=dt.date(2025, 1, 22),
        deadline="Tháng 3/2025",
        sources=[(notice, "(3)", "")],
        leads=[most],
    )
    services.post_update(
        done,
        by=clerk,
        text="Đã ban hành kế hoạch",
        reported_on=dt.date(2025, 3, 20),
        recorded_on=dt.date(2025, 3, 25),
        status_change="completed",
        effective_on=dt.date(2025, 3, 20),
    )
    return {"rare_earths": rare_earths, "hanoi": hanoi_task, "done": done}


def bearer(user, scopes: str = "read") -> dict:
    _token, key = ApiToken.issue(user, "test", scopes)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


# Authentication ---------------------------------------------------------------------------------


def test_a_valid_token_reads_the_task_list(client, clerk, tasks):
    response = client.get("/api/tasks", {"as_of": AS_OF}, **bearer(clerk))
    assert response.status_code == 200
    assert response.json()["count"] == 3


def test_missing_credentials_answer_401_in_json(client, tasks):
    response = client.get("/api/tasks")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert "Bearer" in response.json()["detail"]
    assert response.json()["errors"] == []


def test_an_unknown_token_is_refused(client, tasks):
    response = client.get("/api/tasks", HTTP_AUTHORIZATION="Bearer not-a-key")
    assert response.status_code == 401
    assert "unknown or has been revoked" in response.json()["detail"]


def test_a_revoked_token_is_refused(client, clerk, tasks):
    headers = bearer(clerk)
    ApiToken.objects.update(revoked_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    assert client.get("/api/tasks", **headers).status_code == 401


def test_a_read_only_token_cannot_post(client, clerk, tasks):
    response = client.post(
        f"/api/tasks/{tasks['hanoi'].pk}/updates",
        {"text": "Đang triển khai"},
        content_type="application/json",
        **bearer(clerk, "read"),
    )
    assert response.status_code == 403
    assert "'write' scope" in response.json()["detail"]
    assert not ProgressUpdate.objects.filter(task=tasks["hanoi"]).exists()


def test_token_use_is_recorded_at_most_once_a_minute(client, clerk, tasks):
    headers = bearer(clerk)
    with time_machine.travel(dt.datetime(2025, 7, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        client.get("/api/programs", **headers)
    first = ApiToken.objects.get().last_used_at
    with time_machine.travel(dt.datetime(2025, 7, 1, 9, 0, 30, tzinfo=dt.UTC), tick=False):
        client.get("/api/programs", **headers)
    assert ApiToken.objects.get().last_used_at == first
    with time_machine.travel(dt.datetime(2025, 7, 1, 9, 2, tzinfo=dt.UTC), tick=False):
        client.get("/api/programs", **headers)
    assert ApiToken.objects.get().last_used_at > first


def test_the_signed_in_session_works_for_reading(client, tracker, tasks):
    client.force_login(tracker)
    response = client.get("/api/dashboard", {"as_of": AS_OF})
    assert response.status_code == 200
    assert response.json()["overdue"] == 1


def test_the_dashboards_in_progress_counts_the_open_tasks_overdue_ones_included(
    client, tracker, tasks
):
    client.force_login(tracker)
    figures = client.get("/api/dashboard", {"as_of": AS_OF}).json()
    listed = client.get("/api/tasks", {"as_of": AS_OF, "status": "open"}).json()
    assert figures["overdue"] == 1
    assert figures["in_progress"] == listed["count"] > figures["by_status"]["in_progress"]


def test_session_writes_need_the_csrf_token(tracker, tasks):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(tracker)
    url = f"/api/tasks/{tasks['hanoi'].pk}/updates"
    refused = browser.post(url, {"text": "x"}, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    secret = _get_new_csrf_string()
    browser.cookies["csrftoken"] = secret
    accepted = browser.post(
        url, {"text": "x"}, content_type="application/json", HTTP_X_CSRFTOKEN=secret
    )
    assert accepted.status_code == 201


def test_the_token_command_prints_a_working_key(client, clerk, tasks, capsys):
    call_command("token", "create", "clerk", "--name", "Cổng tỉnh", "--scopes", "read,write")
    key = capsys.readouterr().out.strip()
    assert ApiToken.objects.get().scopes == "read,write"
    response = client.get("/api/programs", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200


# Scope ------------------------------------------------------------------------------------------


def test_a_reporter_sees_only_tasks_of_their_agency(client, reporter, tasks):
    response = client.get("/api/tasks", {"as_of": AS_OF}, **bearer(reporter))
    ids = {item["id"] for item in response.json()["items"]}
    assert ids == {tasks["rare_earths"].pk, tasks["done"].pk}


def test_a_task_of_another_agency_is_not_found_for_a_reporter(client, reporter, tasks):
    response = client.get(f"/api/tasks/{tasks['hanoi'].pk}", **bearer(reporter))
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": []}


def test_a_reporter_cannot_post_on_another_agencys_task(client, reporter, tasks):
    response = client.post(
        f"/api/tasks/{tasks['hanoi'].pk}/updates",
        {"text": "x"},
        content_type="application/json",
        **bearer(reporter, "read,write"),
    )
    assert response.status_code == 404


def test_the_dashboard_counts_only_visible_tasks(client, reporter, tasks):
    response = client.get("/api/dashboard", {"as_of": AS_OF}, **bearer(reporter))
    body = response.json()
    assert (body["assigned"], body["completed"], body["overdue"]) == (2, 1, 1)
    assert body["by_status"]["completed_on_time"] == 1


def test_the_dashboard_names_the_program_it_counts(client, tracker, tasks, program):
    other = Program.objects.create(code="KHAC", name="Chương trình khác")
    services.create_task(
        program=other,
        content="Nhiệm vụ khác",
        assigned_on=dt.date(2025, 1, 2),
        deadline="Quý I/2025",
    )
    default = client.get("/api/dashboard", {"as_of": AS_OF}, **bearer(tracker)).json()
    named = client.get(
        "/api/dashboard", {"as_of": AS_OF, "program": program.code}, **bearer(tracker)
    ).json()
    assert default["program"] == named["program"] == program.code
    assert default == named
    assert default["assigned"] == 3
    elsewhere = client.get(
        "/api/dashboard", {"as_of": AS_OF, "program": "KHAC"}, **bearer(tracker)
    ).json()
    assert (elsewhere["program"], elsewhere["assigned"]) == ("KHAC", 1)


def test_directive_task_counts_include_only_tasks_the_caller_may_see(client, reporter, tasks):
    listed = client.get("/api/directives", **bearer(reporter)).json()["items"]
    assert [item["task_count"] for item in listed] == [2]  # not Hà Nội's own task
    (item,) = listed
    detail = client.get(f"/api/directives/{item['id']}", **bearer(reporter)).json()
    assert detail["task_count"] == len(detail["tasks"]) == 2


# Filters and shapes -----------------------------------------------------------------------------


def test_status_is_computed_as_of_the_date_asked(client, clerk, tasks):
    before = client.get("/api/tasks", {"as_of": "2025-03-01", "status": "overdue"}, **bearer(clerk))
    after = client.get("/api/tasks", {"as_of": "30/06/2025", "status": "overdue"}, **bearer(clerk))
    assert before.json()["count"] == 0
    assert [i["id"] for i in after.json()["items"]] == [tasks["rare_earths"].pk]


def test_several_statuses_can_be_asked_at_once(client, clerk, tasks):
    response = client.get(
        "/api/tasks?as_of=2025-06-30&status=overdue&status=completed_on_time", **bearer(clerk)
    )
    assert response.json()["count"] == 2


def test_a_list_item_carries_agencies_members_deadline_and_status(client, clerk, tasks):
    response = client.get("/api/tasks", {"as_of": AS_OF, "q": "dat hiem"}, **bearer(clerk))
    [item] = response.json()["items"]
    task = tasks["rare_earths"]
    assert item["lead_agencies"] == [{"id": task.lead_agencies()[0].pk, "name": "Bộ KH&CN"}]
    assert item["coordinating_agencies"][0]["name"] == "Hà Nội"
    assert item["members"][0]["name"] == "Nguyễn Mạnh Hùng"
    assert item["deadline"] == {
        "text": "Quý I/2025",
        "kind": "date",
        "due": "2025-03-31",
        "due_as_of": "2025-03-31",
        "original": {"text": "Quý I/2025", "kind": "date", "due": "2025-03-31"},
    }
    assert item["late_against_original"] is False
    assert item["directives"][0]["number"] == "01-TB/BCĐTW"
    assert item["group"]["number"] == 3
    assert item["status"] == "overdue"
    assert item["completed_on"] is None
    assert item["url"].endswith(f"/tasks/{task.pk}/")
    # Written from one address reversed around a stand-in id: the same as reversing each.
    assert item["url"] == response.wsgi_request.build_absolute_uri(
        reverse("task-detail", args=[task.pk])
    )


def test_a_restated_deadline_keeps_the_original_and_says_late_against_it(
    client, clerk, tasks, notice
):
    task = tasks["rare_earths"]
    manage.change_deadline(
        task,
        by=clerk,
        reason="Nêu lại",
        phrase="Quý III/2025",
        effective_on=dt.date(2025, 4, 10),
        origin="restated",
        source=notice,
    )
    params = {"as_of": AS_OF, "late_against_original": "true"}
    response = client.get("/api/tasks", params, **bearer(clerk))
    [item] = response.json()["items"]
    assert (item["id"], item["status"], item["late_against_original"]) == (
        task.pk,
        "in_progress",
        True,
    )
    assert item["deadline"]["due_as_of"] == "2025-09-30"
    assert item["deadline"]["original"]["due"] == "2025-03-31"
    before = client.get(f"/api/tasks/{task.pk}", {"as_of": "2025-04-09"}, **bearer(clerk))
    assert (before.json()["status"], before.json()["late_against_original"]) == (
        "overdue",
        False,
    )


def test_a_completed_task_reports_its_completion_date(client, clerk, tasks):
    response = client.get("/api/tasks", {"as_of": AS_OF, "status": "completed"}, **bearer(clerk))
    [item] = response.json()["items"]
    assert (item["status"], item["completed_on"]) == ("completed_on_time", "2025-03-20")


def test_the_list_is_paginated(client, clerk, tasks):
    response = client.get("/api/tasks", {"limit": 2, "offset": 2}, **bearer(clerk))
    assert response.json()["count"] == 3
    assert len(response.json()["items"]) == 1


def test_the_list_runs_a_constant_number_of_queries(
    client, clerk, tasks, program, most, django_assert_max_num_queries
):
    for i in range(20):
        services.create_task(
            program=program,
            content=f"Nhiệm vụ bổ sung {i}",
            assigned_on=dt.date(2025, 2, 1),
            deadline="2025",
            leads=[most],
        )
    headers = bearer(clerk)
    # The rows' four relations in one query (they were four); the number of tasks read first
    # from the counts the dashboard keeps (``filters.known_total``).
    with django_assert_max_num_queries(6):
        response = client.get("/api/tasks", {"as_of": AS_OF}, **headers)
    assert response.json()["count"] == 23


def test_the_list_of_an_unknown_program_is_a_404_and_a_known_one_is_read_once(
    client, clerk, tasks, program, django_assert_max_num_queries
):
    headers = bearer(clerk)
    response = client.get("/api/tasks", {"program": "KHONG-CO"}, **headers)
    assert response.status_code == 404
    assert response.json()["detail"] == "No program with code 'KHONG-CO'."
    with django_assert_max_num_queries(5):  # the program read by the filters only
        response = client.get("/api/tasks", {"program": program.code, "as_of": AS_OF}, **headers)
    assert response.json()["count"] == 3


def test_a_bad_date_is_a_readable_422(client, clerk, tasks):
    response = client.get("/api/tasks", {"as_of": "31-13-2025"}, **bearer(clerk))
    assert response.status_code == 422
    body = response.json()
    assert body["detail"].startswith("as_of: ")
    assert "dd/mm/yyyy" in body["detail"]
    assert body["errors"][0]["field"] == "as_of"


def test_an_unknown_status_is_a_422_naming_the_choices(client, clerk, tasks):
    response = client.get("/api/tasks", {"status": "late"}, **bearer(clerk))
    assert response.status_code == 422
    assert "overdue" in response.json()["detail"]


def test_the_detail_has_the_timeline(client, clerk, tasks):
    response = client.get(f"/api/tasks/{tasks['done'].pk}", {"as_of": AS_OF}, **bearer(clerk))
    body = response.json()
    assert body["status"] == "completed_on_time"
    [update] = body["updates"]
    assert update["text"] == "Đã ban hành kế hoạch"
    assert update["status_change"] == "completed"
    assert update["author"]["name"] == "Clerk"
    assert body["sources"][0]["label"] == "(3)"


def test_the_detail_before_the_completion_was_recorded_shows_it_open(client, clerk, tasks):
    response = client.get(
        f"/api/tasks/{tasks['done'].pk}", {"as_of": "2025-03-22"}, **bearer(clerk)
    )
    assert response.json()["status"] == "due_soon"


# Writing ----------------------------------------------------------------------------------------


def test_a_reporter_posts_an_update_on_their_task(client, reporter, most, tasks):
    response = client.post(
        f"/api/tasks/{tasks['rare_earths'].pk}/updates",
        {"text": "Đã hoàn thành dự thảo", "reported_on": "2025-06-15"},
        content_type="application/json",
        **bearer(reporter, "read,write"),
    )
    assert response.status_code == 201
    update = ProgressUpdate.objects.get(pk=response.json()["id"])
    assert (update.author, update.agency, update.reported_on) == (
        reporter,
        most,
        dt.date(2025, 6, 15),
    )


def test_an_update_on_a_merged_task_is_refused_naming_the_task_it_joined(
    client, tracker, program, tasks
):
    dup = services.create_task(
        program=program, content="Trùng lặp", assigned_on=dt.date(2025, 1, 22)
    )
    services.merge_tasks(tasks["rare_earths"], dup)
    response = client.post(
        f"/api/tasks/{dup.pk}/updates",
        {"text": "Đã trình dự thảo"},
        content_type="application/json",
        **bearer(tracker, "read,write"),
    )
    assert response.status_code == 409
    assert str(tasks["rare_earths"].pk) in response.json()["detail"]
    assert not ProgressUpdate.objects.filter(task=dup).exists()


def test_a_reporter_cannot_complete_a_task(client, reporter, tasks):
    response = client.post(
        f"/api/tasks/{tasks['rare_earths'].pk}/updates",
        {"text": "Xong", "status_change": "completed"},
        content_type="application/json",
        **bearer(reporter, "read,write"),
    )
    assert response.status_code == 403
    assert "Working Group" in response.json()["detail"]
    assert not ProgressUpdate.objects.filter(task=tasks["rare_earths"]).exists()


def test_a_tracker_completes_a_task(client, tracker, tasks):
    task = tasks["rare_earths"]
    response = client.post(
        f"/api/tasks/{task.pk}/updates",
        {"text": "Đã hoàn thành", "status_change": "completed", "effective_on": "2025-06-20"},
        content_type="application/json",
        **bearer(tracker, "read,write"),
    )
    assert response.status_code == 201
    task.refresh_from_db()
    assert (task.closure_kind, task.closure_on) == ("completed", dt.date(2025, 6, 20))


def test_an_empty_update_is_refused(client, tracker, tasks):
    response = client.post(
        f"/api/tasks/{tasks['rare_earths'].pk}/updates",
        {"text": ""},
        content_type="application/json",
        **bearer(tracker, "read,write"),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"].endswith("text")


def test_evidence_is_attached_to_an_update(client, reporter, tasks, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    headers = bearer(reporter, "read,write")
    task = tasks["rare_earths"]
    created = client.post(
        f"/api/tasks/{task.pk}/updates",
        {"text": "Kèm báo cáo"},
        content_type="application/json",
        **headers,
    ).json()
    pdf = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = client.post(
        f"/api/tasks/{task.pk}/updates/{created['id']}/attachments", {"files": [pdf]}, **headers
    )
    assert response.status_code == 201
    assert response.json()["attachments"][0]["name"] == "bao-cao.pdf"
    assert Attachment.objects.get().size == len(b"%PDF-1.4 test")


def test_a_published_update_takes_no_more_evidence(client, reporter, tasks, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    headers = bearer(reporter, "read,write")
    task = tasks["rare_earths"]
    created = client.post(
        f"/api/tasks/{task.pk}/updates",
        {"text": "Đã duyệt"},
        content_type="application/json",
        **headers,
    ).json()
    ProgressUpdate.objects.filter(pk=created["id"]).update(state=UpdateState.PUBLISHED)
    pdf = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = client.post(
        f"/api/tasks/{task.pk}/updates/{created['id']}/attachments", {"files": [pdf]}, **headers
    )
    assert response.status_code == 409
    assert "correction" in response.json()["detail"]
    assert not Attachment.objects.exists()


def test_a_file_that_lies_about_its_type_is_refused(client, reporter, tasks, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    headers = bearer(reporter, "read,write")
    task = tasks["rare_earths"]
    created = client.post(
        f"/api/tasks/{task.pk}/updates", {"text": "x"}, content_type="application/json", **headers
    ).json()
    fake = SimpleUploadedFile("bao-cao.pdf", b"MZ not a pdf")
    response = client.post(
        f"/api/tasks/{task.pk}/updates/{created['id']}/attachments", {"files": [fake]}, **headers
    )
    assert response.status_code == 422
    assert response.json()["errors"]
    assert not Attachment.objects.exists()


# Reference data ---------------------------------------------------------------------------------


def test_directives_list_and_detail(client, reporter, notice, tasks):
    headers = bearer(reporter)
    listing = client.get("/api/directives", **headers).json()
    assert listing["items"][0]["number"] == "01-TB/BCĐTW"
    assert listing["items"][0]["task_count"] == 2  # the tasks the reporter may see
    detail = client.get(f"/api/directives/{notice.pk}", **headers).json()
    # The reporter sees the directive, but only the tasks of their agency.
    assert {t["id"] for t in detail["tasks"]} == {tasks["rare_earths"].pk, tasks["done"].pk}


def test_directive_detail_leaves_out_merged_tasks_as_the_page_does(client, clerk, notice, tasks):
    duplicate = tasks["done"]
    Task.objects.filter(pk=duplicate.pk).update(merged_into=tasks["rare_earths"])
    detail = client.get(f"/api/directives/{notice.pk}", **bearer(clerk)).json()
    ids = {t["id"] for t in detail["tasks"]}
    assert duplicate.pk not in ids
    assert ids == {tasks["rare_earths"].pk, tasks["hanoi"].pk}
    listing = client.get("/api/directives", **bearer(clerk)).json()
    assert listing["items"][0]["task_count"] == len(ids)


def test_org_units_are_searched_without_diacritics(client, clerk, most, hanoi):
    response = client.get("/api/org-units", {"q": "khoa hoc"}, **bearer(clerk))
    assert [u["id"] for u in response.json()["items"]] == [most.pk]
    response = client.get("/api/org-units", {"kind": "province"}, **bearer(clerk))
    assert [u["name"] for u in response.json()["items"]] == ["Thành ủy Hà Nội"]


def test_org_units_valid_on_a_date_leave_out_merged_ones(client, clerk, hanoi):
    old = OrgUnit.objects.create(
        code="ha-tay", kind="province", name="Tỉnh ủy Hà Tây", valid_to=dt.date(2008, 7, 31)
    )
    old.successor = hanoi
    old.save()
    response = client.get("/api/org-units", {"valid_on": "2025-01-01"}, **bearer(clerk))
    assert old.pk not in {u["id"] for u in response.json()["items"]}
    detail = client.get(f"/api/org-units/{hanoi.pk}", **bearer(clerk)).json()
    assert detail["predecessors"] == [{"id": old.pk, "name": "Tỉnh ủy Hà Tây"}]


def test_members_and_programs(client, clerk, member_person, tasks):
    headers = bearer(clerk)
    members = client.get("/api/members", **headers).json()
    assert members["items"][0]["name"] == "Nguyễn Mạnh Hùng"
    member = client.get(f"/api/members/{member_person.pk}", **headers).json()
    assert member["task_count"] == 1
    programs = client.get("/api/programs", **headers).json()
    assert programs[0]["code"] == "NQ57"
    assert len(programs[0]["groups"]) == 7


def test_an_unknown_api_path_answers_json_404(client, clerk):
    response = client.get("/api/no-such-thing", **bearer(clerk))
    assert response.status_code == 404
    assert response.json()["detail"] == "No such API endpoint."


# OpenAPI ----------------------------------------------------------------------------------------


def test_the_openapi_document_lists_every_endpoint(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {
        "/api/tasks",
        "/api/tasks/{task_id}",
        "/api/tasks/{task_id}/updates",
        "/api/tasks/{task_id}/updates/{update_id}/attachments",
        "/api/directives",
        "/api/directives/{directive_id}",
        "/api/org-units",
        "/api/org-units/{unit_id}",
        "/api/members",
        "/api/members/{member_id}",
        "/api/programs",
        "/api/dashboard",
    } <= set(paths)


def test_the_api_docs_page_is_served_without_a_cdn(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert b"cdn." not in response.content


def test_merged_tasks_are_left_out_of_lists(client, clerk, tasks, program):
    task_key = "rare_earths"
    dup = services.create_task(
        program=program, content="Trùng lặp", assigned_on=dt.date(2025, 1, 22)
    )
    services.merge_tasks(tasks[task_key], dup)
    response = client.get("/api/tasks", {"as_of": AS_OF}, **bearer(clerk))
    assert dup.pk not in {i["id"] for i in response.json()["items"]}
    detail = client.get(f"/api/tasks/{tasks[task_key].pk}", **bearer(clerk)).json()
    assert detail["merged_tasks"] == [dup.pk]
    assert Task.objects.get(pk=dup.pk).merged_into_id == tasks[task_key].pk


def test_the_list_answers_exactly_the_shape_of_its_schema(client, clerk, tasks):
    # The list is sent without validating it again: each item must already be what the
    # schema says, no field more or less, every value of the declared type.
    from dondoc.api.schemas import TaskPage

    for params in ({"as_of": AS_OF}, {"as_of": AS_OF, "status": "completed"}):
        body = client.get("/api/tasks", params, **bearer(clerk)).json()
        assert body["items"]
        assert TaskPage.model_validate(body).model_dump(mode="json") == body

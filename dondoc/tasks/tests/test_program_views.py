"""The program pages as the Standing Office and a reporter meet them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from dondoc.tasks import programs
from dondoc.tasks.models import Program


def _body(**extra) -> dict:
    body = {
        "code": "NQ66",
        "name": "Nghị quyết 66-NQ/TW",
        "resolution": "66-NQ/TW",
        "adopting_document": "Nghị quyết 66-NQ/TW ngày 30/4/2025",
        "adopted_on": "30/04/2025",
        "description": "",
        "committee_name": "",
        "standing_office": "",
        "updates_need_approval": "on",
        "groups-TOTAL_FORMS": "3",
        "groups-INITIAL_FORMS": "0",
        "groups-0-number": "1",
        "groups-0-title": "Hoàn thiện thể chế",
        "groups-1-number": "2",
        "groups-1-title": "Tổ chức thi hành",
    }
    body.update(extra)
    return body


def test_clerk_creates_a_program_with_groups(client, clerk, committee):
    client.force_login(clerk)
    assert client.get(reverse("program-create")).status_code == 200
    response = client.post(reverse("program-create"), _body(standing_office=committee.pk))
    assert response.status_code == 302
    program = Program.objects.get(code="NQ66")
    assert response["Location"] == reverse("program-detail", args=["NQ66"])
    assert program.adopted_on == dt.date(2025, 4, 30)
    assert program.standing_office == committee
    assert list(program.groups.values_list("number", "title")) == [
        (1, "Hoàn thiện thể chế"),
        (2, "Tổ chức thi hành"),
    ]
    page = client.get(response["Location"]).content.decode()
    assert "Tổ chức thi hành" in page
    assert "?program=NQ66" in page


def test_taken_code_is_shown_on_the_form_and_nothing_saved(client, clerk, program):
    client.force_login(clerk)
    response = client.post(reverse("program-create"), _body(code="nq57"))
    assert response.status_code == 400
    assert "nq57" not in Program.objects.values_list("code", flat=True)
    assert response.context["form"].errors["code"]


def test_edit_renames_a_group_and_refuses_to_remove_a_used_one(client, clerk, program, task):
    client.force_login(clerk)
    url = reverse("program-edit", args=["NQ57"])
    formset = client.get(url).context["formset"]
    body = _body(code="NQ57", name="Nghị quyết 57", updates_need_approval="")
    body["groups-TOTAL_FORMS"] = str(len(formset.forms))
    body["groups-INITIAL_FORMS"] = str(len(formset.initial_forms))
    for i, form in enumerate(formset.initial_forms):
        body[f"groups-{i}-pk"] = form.initial["pk"]
        body[f"groups-{i}-number"] = form.initial["number"]
        body[f"groups-{i}-title"] = form.initial["title"]
    body["groups-0-title"] = "Nâng cao nhận thức"
    body["groups-0-DELETE"] = "on"  # group 1 holds the task
    response = client.post(url, body)
    assert response.status_code == 400
    assert "không xóa được" in str(response.context["formset"].non_form_errors())
    del body["groups-0-DELETE"]
    assert client.post(url, body).status_code == 302
    program.refresh_from_db()
    assert program.name == "Nghị quyết 57"
    assert program.updates_need_approval is False
    assert program.groups.get(number=1).title == "Nâng cao nhận thức"


def test_reporter_reads_active_programs_but_cannot_manage(client, reporter, program):
    client.force_login(reporter)
    listing = client.get(reverse("program-list"))
    assert listing.status_code == 200
    assert "NQ57" in listing.content.decode()
    assert client.get(reverse("program-detail", args=["NQ57"])).status_code == 200
    assert client.get(reverse("program-create")).status_code == 403
    assert client.post(reverse("program-create"), _body()).status_code == 403
    assert client.get(reverse("program-edit", args=["NQ57"])).status_code == 403
    archive = reverse("program-archive", args=["NQ57"])
    assert client.post(archive, {"reason": "x"}).status_code == 403
    assert not Program.objects.filter(code="NQ66").exists()
    assert Program.objects.get(code="NQ57").archived_on is None


def test_archived_program_is_hidden_from_readers_and_listed_for_managers(
    client, clerk, reporter, program
):
    client.force_login(clerk)
    response = client.post(reverse("program-archive", args=["NQ57"]), {"reason": "Kết thúc"})
    assert response.status_code == 302
    assert Program.objects.get(code="NQ57").is_archived
    assert "NQ57" in client.get(reverse("program-list") + "?state=archived").content.decode()
    detail = client.get(reverse("program-detail", args=["NQ57"]))
    assert detail.status_code == 200
    assert reverse("import-upload") + "?program=NQ57" not in detail.content.decode()
    client.force_login(reporter)
    assert "NQ57" not in client.get(reverse("program-list") + "?state=archived").content.decode()
    assert client.get(reverse("program-detail", args=["NQ57"])).status_code == 404
    # Its tasks stay reachable by code.
    tasks = client.get(reverse("task-list") + "?program=NQ57")
    assert tasks.status_code == 200 and tasks.context["program"].code == "NQ57"


def test_archive_needs_a_reason(client, clerk, program):
    client.force_login(clerk)
    client.post(reverse("program-archive", args=["NQ57"]), {"reason": " "})
    assert Program.objects.get(code="NQ57").archived_on is None


def test_unknown_program_is_404(client, clerk, db):
    client.force_login(clerk)
    assert client.get(reverse("program-detail", args=["NOPE"])).status_code == 404
    assert client.get(reverse("program-edit", args=["NOPE"])).status_code == 404


def test_program_list_query_count(client, clerk, program, django_assert_max_num_queries):
    for i in range(5):
        programs.create_program(code=f"P{i}", name=f"P{i}", groups=[(1, "A"), (2, "B")])
    client.force_login(clerk)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("program-list")).status_code == 200


@pytest.fixture
def task(program, notice, most):
    from dondoc.tasks import services

    return services.create_task(
        program=program,
        content="Nâng cao nhận thức.",
        assigned_on=dt.date(2025, 1, 22),
        deadline="2025",
        group=program.groups.get(number=1),
        sources=[(notice, "1", "")],
        leads=[most],
    )

"""The task pages as each kind of user meets them: dashboard, list, detail, posting updates."""

from __future__ import annotations

import datetime as dt
import html
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from dondoc.core.uploads import check_upload
from dondoc.tasks import dashboard, services
from dondoc.tasks.models import DuplicateCandidate, ProgressUpdate, Task

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
APRIL = "2025-04-10"
MARCH = "2025-03-15"


@pytest.fixture
def dataset(program, notice, most, hanoi, member_person):
    """Four tasks assigned on 22/01/2025 and one assigned later.

    As of 10/04/2025: rare earths overdue, land database on track, 5G regular, work program
    completed on time; the May task does not exist yet.
    """

    def task(content, deadline, lead, assigned=dt.date(2025, 1, 22), label=""):
        return services.create_task(
            program=program,
            content=content,
            assigned_on=assigned,
            deadline=deadline,
            group=program.groups.get(number=3),
            sources=[(notice, label, "")],
            leads=[lead],
            members=[member_person],
        )

    rare_earths = task("Quản lý, khai thác hiệu quả đất hiếm.", "Quý I/2025", most, label="(3)")
    land = task("Xây dựng cơ sở dữ liệu quốc gia về đất đai.", "Quý II/2025", hanoi, label="(4)")
    network = task("Phủ sóng 5G toàn quốc.", "Thường xuyên", most, label="(5)")
    work_program = task("Ban hành Chương trình làm việc năm 2025.", "Quý I/2025", most)
    services.post_update(
        work_program,
        by=None,
        text="Đã ban hành.",
        reported_on=dt.date(2025, 3, 25),
        recorded_on=dt.date(2025, 3, 25),
        status_change="completed",
        effective_on=dt.date(2025, 3, 20),
    )
    later = task("Nhiệm vụ giao tháng 5.", "Quý III/2025", most, assigned=dt.date(2025, 5, 2))
    return {
        "rare_earths": rare_earths,
        "land": land,
        "network": network,
        "work_program": work_program,
        "later": later,
    }


def listed(response) -> list[int]:
    return [t.pk for t in response.context["tasks"]]


# Sign-in and security ------------------------------------------------------------------------


def test_pages_require_sign_in(client, dataset):
    for url in ["/", "/tasks/", f"/tasks/{dataset['land'].pk}/", "/directives/", "/orgs/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_login_page_is_in_vietnamese_by_default(client, db):
    response = client.get("/login/")
    assert response.status_code == 200
    assert '<html lang="vi">' in response.content.decode()
    assert "Đăng nhập" in response.content.decode()


def test_every_page_carries_a_content_security_policy_without_inline_script(client, clerk):
    client.force_login(clerk)
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "<script>" not in response.content.decode()


# Dashboard ----------------------------------------------------------------------------------


def test_dashboard_counts_as_the_report_writes_them_on_two_dates(client, clerk, dataset):
    client.force_login(clerk)

    april = client.get("/", {"as_of": APRIL}).context["totals"]
    assert april["assigned"] == 4
    assert april["completed"] == 1
    assert april["completed_on_time"] == 1
    assert april["open"] == 3
    assert april["overdue"] == 1
    assert april["regular"] == 1
    assert april["on_track"] == 1

    march = client.get("/", {"as_of": MARCH}).context["totals"]
    assert march["assigned"] == 4
    assert march["completed"] == 0  # the completion was recorded on 25/03
    assert march["overdue"] == 0
    assert march["open"] == 4


def test_dashboard_lists_overdue_tasks_with_their_lead_agency(client, committee_member, dataset):
    client.force_login(committee_member)
    response = client.get("/", {"as_of": APRIL})
    overdue = response.context["overdue"]
    assert [t.pk for t in overdue] == [dataset["rare_earths"].pk]
    assert overdue[0].days_late == 10
    body = response.content.decode()
    assert "Bộ KH&amp;CN" in body
    assert "10/04/2025" in body


def test_a_committee_member_sees_first_the_tasks_he_supervises(
    client, committee_member, clerk, dataset
):
    client.force_login(committee_member)
    response = client.get("/", {"as_of": APRIL})
    mine = response.context["mine"]
    assert mine.key == committee_member.committee_member_id
    # Four tasks exist on 10/04/2025, all supervised by him: one overdue, one completed.
    assert (mine.n("assigned"), mine.n("overdue"), mine.n("completed")) == (4, 1, 1)
    body = response.content.decode()
    assert "Nhiệm vụ đồng chí chỉ đạo, theo dõi" in body
    assert listed(client.get(mine.links["overdue"])) == [dataset["rare_earths"].pk]

    client.force_login(clerk)  # no member: no such panel
    response = client.get("/", {"as_of": APRIL})
    assert response.context["mine"] is None
    assert "Nhiệm vụ đồng chí chỉ đạo, theo dõi" not in response.content.decode()


def test_dashboard_breakdowns_link_to_the_matching_task_list(client, clerk, dataset, most):
    client.force_login(clerk)
    response = client.get("/", {"as_of": APRIL})
    by_lead = next(b for b in response.context["breakdowns"] if b["by"] == "lead")
    first = by_lead["rows"][0]
    assert first.key == most.pk  # the most overdue agency comes first
    assert first.counts["overdue"] == 1
    link = first.links["overdue"]
    assert f"lead={most.pk}" in link
    assert "status=overdue" in link
    assert f"as_of={APRIL}" in link

    followed = client.get(link)
    assert listed(followed) == [dataset["rare_earths"].pk]


def test_dashboard_bars_link_where_the_table_cells_do(client, clerk, dataset):
    client.force_login(clerk)
    response = client.get("/", {"as_of": APRIL})
    for breakdown in response.context["breakdowns"]:
        rows = breakdown["rows"]
        assert rows
        for series in breakdown["chart"]["series"]:
            key = next(k for k, label, _c in dashboard.SERIES if str(label) == series["name"])
            assert series["links"] == [row.links.get(key, "") for row in rows]
        for row in rows:
            if row.key is None:
                assert row.links == {}
                continue
            for key, _label, status in dashboard.COLUMNS:
                query = parse_qs(urlsplit(row.links[key]).query)
                assert query[breakdown["by"]] == [str(row.key)]
                assert query["status"] == [status]


def test_dashboard_query_count_does_not_grow_with_the_data(
    client, clerk, dataset, django_assert_max_num_queries
):
    client.force_login(clerk)
    # A fixed number, whatever the data: session, user, the programs (one read for the one
    # chosen and those offered), the merged units, the figures (one statement), the labels of
    # the three breakdowns, the overdue tasks and their leads, the indicators (none here: no
    # figures read for them), the portal's submissions (none: no group labels read) and the
    # notification bell.
    with django_assert_max_num_queries(13):
        client.get("/", {"as_of": APRIL})


def test_reporter_dashboard_counts_only_the_agency_tasks(client, other_reporter, dataset):
    client.force_login(other_reporter)
    totals = client.get("/", {"as_of": APRIL}).context["totals"]
    assert totals["assigned"] == 1  # Hà Nội leads only the land database


# Task list ----------------------------------------------------------------------------------


def test_task_list_filters_by_status_as_of_a_date(client, tracker, dataset):
    client.force_login(tracker)
    overdue = client.get("/tasks/", {"as_of": APRIL, "status": "overdue"})
    assert listed(overdue) == [dataset["rare_earths"].pk]

    several = client.get("/tasks/", {"as_of": APRIL, "status": ["overdue", "regular"]})
    assert set(listed(several)) == {dataset["rare_earths"].pk, dataset["network"].pk}

    still_open = client.get("/tasks/", {"as_of": APRIL, "status": "open"})
    assert dataset["work_program"].pk not in listed(still_open)
    assert len(listed(still_open)) == 3

    in_march = client.get("/tasks/", {"as_of": MARCH, "status": "overdue"})
    assert listed(in_march) == []


def test_task_list_leaves_out_tasks_not_yet_assigned(client, tracker, dataset):
    client.force_login(tracker)
    assert dataset["later"].pk not in listed(client.get("/tasks/", {"as_of": APRIL}))
    assert dataset["later"].pk in listed(client.get("/tasks/", {"as_of": "2025-06-01"}))


def test_search_ignores_diacritics(client, tracker, dataset):
    client.force_login(tracker)
    response = client.get("/tasks/", {"as_of": APRIL, "q": "dat hiem"})
    assert listed(response) == [dataset["rare_earths"].pk]
    accented = client.get("/tasks/", {"as_of": APRIL, "q": "ĐẤT HIẾM"})
    assert listed(accented) == [dataset["rare_earths"].pk]


def test_task_list_filters_by_lead_group_member_directive_and_due_range(
    client, tracker, dataset, hanoi, member_person, notice, program
):
    client.force_login(tracker)
    assert listed(client.get("/tasks/", {"as_of": APRIL, "lead": hanoi.pk})) == [dataset["land"].pk]
    group = program.groups.get(number=3)
    assert len(listed(client.get("/tasks/", {"as_of": APRIL, "group": group.pk}))) == 4
    assert len(listed(client.get("/tasks/", {"as_of": APRIL, "member": member_person.pk}))) == 4
    assert len(listed(client.get("/tasks/", {"as_of": APRIL, "directive": notice.pk}))) == 4
    due_in_q2 = client.get(
        "/tasks/", {"as_of": APRIL, "due_from": "01/04/2025", "due_to": "30/06/2025"}
    )
    assert listed(due_in_q2) == [dataset["land"].pk]


def test_task_list_sorts_by_status_most_urgent_first(client, tracker, dataset):
    client.force_login(tracker)
    response = client.get("/tasks/", {"as_of": APRIL, "sort": "status"})
    assert listed(response)[0] == dataset["rare_earths"].pk
    assert listed(response)[-1] == dataset["work_program"].pk


def test_task_list_form_marks_the_asked_statuses_sort_and_kind_of_output(client, tracker, dataset):
    client.force_login(tracker)
    asked = {"as_of": APRIL, "status": ["overdue", "open"], "sort": "-lead"}
    page = client.get("/tasks/", asked | {"output_kind": "decree"}).content.decode()
    checked = [v for v in ("assigned", "open", "overdue", "regular", "completed")
               if f'name="status" value="{v}" checked>' in page]  # fmt: skip
    assert checked == ["open", "overdue"]
    assert (
        '<label class="chip"><input type="checkbox" name="status" value="overdue" checked>' in page
    )
    assert '<option value="-lead" selected>' in page
    assert page.count(" selected>") == 2  # the sort and the kind, none else
    assert '<option value="decree" selected>' in page
    assert '<option value="deadline">' in page


def test_task_list_reports_unreadable_filters_instead_of_failing(client, tracker, dataset):
    client.force_login(tracker)
    response = client.get("/tasks/", {"lead": "abc", "sort": "x"})
    assert response.status_code == 200
    assert len(response.context["state"].problems) == 2


def test_task_list_refuses_a_date_not_on_the_calendar_rather_than_show_today(
    client, tracker, dataset
):
    client.force_login(tracker)
    response = client.get("/tasks/", {"as_of": "31/02/2025", "lead": "abc"})
    assert response.status_code == 400
    assert "31/02/2025" in response.content.decode()


def test_htmx_request_gets_only_the_results(client, tracker, dataset):
    client.force_login(tracker)
    response = client.get("/tasks/", {"as_of": APRIL}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body
    assert 'class="results-body"' in body
    assert "HX-Request" in response["Vary"]


def test_reporter_sees_only_own_agency_tasks(client, reporter, dataset):
    client.force_login(reporter)
    ids = listed(client.get("/tasks/", {"as_of": APRIL}))
    assert dataset["land"].pk not in ids
    assert dataset["rare_earths"].pk in ids


def test_task_list_runs_a_constant_number_of_queries(
    client,
    tracker,
    dataset,
    program,
    most,
    hanoi,
    notice,
    member_person,
    django_assert_max_num_queries,
):
    for n in range(30):
        services.create_task(
            program=program,
            content=f"Nhiệm vụ thêm số {n}",
            assigned_on=dt.date(2025, 2, 1),
            deadline="Quý II/2025",
            sources=[(notice, f"({n + 10})", "")],
            leads=[most, hanoi],
            coordinators=[hanoi],
            members=[member_person],
        )
    client.force_login(tracker)
    # The filter form's four option lists in one query (they were four), the rows' four
    # relations in one (they were four).
    with django_assert_max_num_queries(8):
        response = client.get("/tasks/", {"as_of": APRIL})
    assert len(listed(response)) == 34


def test_task_list_paginates_by_fifty(client, tracker, program, most):
    for n in range(55):
        services.create_task(
            program=program, content=f"Việc {n}", assigned_on=dt.date(2025, 1, 1), leads=[most]
        )
    client.force_login(tracker)
    first = client.get("/tasks/", {"as_of": APRIL})
    assert len(listed(first)) == 50
    second = client.get("/tasks/", {"as_of": APRIL, "page": 2})
    assert len(listed(second)) == 5


# Task detail and progress updates ------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_detail_shows_sources_agencies_members_and_deadline(client, committee_member, dataset):
    client.force_login(committee_member)
    task = dataset["rare_earths"]
    response = client.get(f"/tasks/{task.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "01-TB/BCĐTW" in body
    assert "Đảng ủy Bộ Khoa học và Công nghệ" in body
    assert "Nguyễn Mạnh Hùng" in body
    assert "Quý I/2025" in body
    assert "31/03/2025" in body
    assert response.context["form"] is None  # a committee member follows, does not report


def test_reporter_posts_an_update_with_an_attachment_and_sees_it(client, reporter, dataset, media):
    client.force_login(reporter)
    task = dataset["rare_earths"]
    response = client.post(
        f"/tasks/{task.pk}/",
        {
            "text": "Đã trình dự thảo đề án.",
            "reported_on": "05/04/2025",
            "files": [SimpleUploadedFile("de-an.pdf", PDF, content_type="application/pdf")],
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/tasks/{task.pk}/#timeline"

    update = ProgressUpdate.objects.get(task=task, text="Đã trình dự thảo đề án.")
    assert update.reported_on == dt.date(2025, 4, 5)
    assert update.author == reporter
    assert update.agency.short_name == "Bộ KH&CN"
    attachment = update.attachments.get()
    assert attachment.original_name == "de-an.pdf"

    page = client.get(f"/tasks/{task.pk}/")
    body = page.content.decode()
    assert "Đã trình dự thảo đề án." in body
    assert reverse("attachment-download", args=[attachment.pk]) in body
    assert "de-an.pdf" in body
    assert any(str(m) for m in page.context["messages"])
    history = client.get(reverse("task-history", args=[task.pk])).context["history"]
    assert any(e.subject == "update" and e.kind == "+" and e.who == reporter for e in history)

    download = client.get(reverse("attachment-download", args=[attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_attachment_of_a_wrong_type_is_refused_with_the_reason(client, reporter, dataset, media):
    client.force_login(reporter)
    task = dataset["rare_earths"]
    fake = SimpleUploadedFile(
        "bao-cao.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    response = client.post(
        f"/tasks/{task.pk}/",
        {"text": "Báo cáo", "reported_on": "05/04/2025", "files": [fake]},
    )
    assert response.status_code == 200
    assert not ProgressUpdate.objects.filter(task=task).exists()
    with translation.override("vi"):
        _checked, reasons = check_upload(
            SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00 not a pdf"), "bao-cao.pdf"
        )
    assert html.escape(reasons[0]) in response.content.decode()


def test_attachment_too_large_is_refused(client, reporter, dataset, media, settings):
    settings.DONDOC_MAX_UPLOAD_BYTES = 20
    client.force_login(reporter)
    task = dataset["rare_earths"]
    response = client.post(
        f"/tasks/{task.pk}/",
        {
            "text": "Báo cáo",
            "reported_on": "05/04/2025",
            "files": [SimpleUploadedFile("lon.pdf", PDF)],
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["files"]
    assert not ProgressUpdate.objects.filter(task=task).exists()


def test_reporter_cannot_see_or_post_on_another_agency_task(client, reporter, dataset):
    client.force_login(reporter)
    task = dataset["land"]  # led by Hà Nội
    assert client.get(f"/tasks/{task.pk}/").status_code == 404
    response = client.post(f"/tasks/{task.pk}/", {"text": "x", "reported_on": "05/04/2025"})
    assert response.status_code == 404
    assert not ProgressUpdate.objects.filter(task=task).exists()


def test_other_reporter_cannot_download_the_attachment(
    client, reporter, other_reporter, dataset, media
):
    task = dataset["rare_earths"]
    services.post_update(task, by=reporter, text="Có tệp", files=[])
    client.force_login(reporter)
    client.post(
        f"/tasks/{task.pk}/",
        {
            "text": "Tệp",
            "reported_on": "05/04/2025",
            "files": [SimpleUploadedFile("a.pdf", PDF)],
        },
    )
    attachment = ProgressUpdate.objects.get(text="Tệp").attachments.get()
    client.force_login(other_reporter)
    assert client.get(reverse("attachment-download", args=[attachment.pk])).status_code == 404


def test_only_tracker_or_clerk_can_mark_a_task_completed(client, reporter, tracker, dataset):
    task = dataset["rare_earths"]
    form = {
        "text": "Đã hoàn thành.",
        "reported_on": "05/04/2025",
        "status_change": "completed",
        "effective_on": "04/04/2025",
    }
    client.force_login(reporter)
    assert "status_change" not in client.get(f"/tasks/{task.pk}/").context["form"].fields
    client.post(f"/tasks/{task.pk}/", form)
    task.refresh_from_db()
    assert task.closure_kind == ""  # the update is kept, the status is not the reporter's to set

    client.force_login(tracker)
    client.post(f"/tasks/{task.pk}/", form)
    task.refresh_from_db()
    assert task.closure_kind == "completed"
    assert task.closure_on == dt.date(2025, 4, 4)
    page = client.get(f"/tasks/{task.pk}/")
    assert page.context["task"].status == "completed_late"
    assert "status-change completed" in page.content.decode()


def test_a_committee_member_cannot_post(client, committee_member, dataset):
    client.force_login(committee_member)
    task = dataset["rare_earths"]
    response = client.post(f"/tasks/{task.pk}/", {"text": "x", "reported_on": "05/04/2025"})
    assert response.status_code == 403


def test_history_shows_changed_fields_old_and_new(client, clerk, dataset):
    task = dataset["rare_earths"]
    services.post_update(
        task, by=clerk, text="Xong", status_change="completed", effective_on=dt.date(2025, 4, 2)
    )
    client.force_login(clerk)
    history = client.get(f"/tasks/{task.pk}/history/").context["history"]
    changes = [c for e in history for c in e.changes if e.subject == "task"]
    assert any(c.new == "02/04/2025" for c in changes)


def test_the_task_page_reads_its_history_only_when_the_reader_opens_it(client, clerk, dataset):
    task = dataset["rare_earths"]
    services.post_update(
        task, by=clerk, text="Xong", status_change="completed", effective_on=dt.date(2025, 4, 2)
    )
    client.force_login(clerk)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(f"/tasks/{task.pk}/").content.decode()
    assert not any("_historical" in q["sql"] for q in ctx.captured_queries)
    url = reverse("task-history", args=[task.pk])
    assert f'hx-get="{url}" hx-trigger="toggle once"' in page and f'href="{url}"' in page
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert fragment.content.decode().lstrip().startswith('<ul class="history">')
    assert "02/04/2025" in fragment.content.decode()
    full = client.get(url).content.decode()  # without scripts: a page of its own
    assert "<html" in full and '<ul class="history">' in full


# Exports ------------------------------------------------------------------------------------


def test_xlsx_export_has_the_filtered_rows(client, tracker, dataset):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(tracker)
    response = client.get("/tasks/export.xlsx", {"as_of": APRIL, "status": "open"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    body = rows[2:]
    assert len(body) == 3
    contents = {row[1] for row in body}
    assert "Quản lý, khai thác hiệu quả đất hiếm." in contents
    rare = next(row for row in body if row[1].startswith("Quản lý"))
    assert rare[4] == "Bộ KH&CN"
    assert rare[7] == "Quý I/2025"  # after the expected output
    assert rare[8].date() == dt.date(2025, 3, 31)


def test_csv_export_is_utf8_with_bom_and_dates_dd_mm_yyyy(client, tracker, dataset):
    client.force_login(tracker)
    response = client.get("/tasks/export.csv", {"as_of": APRIL, "status": "completed"})
    assert response.content.startswith("\ufeff".encode())
    text = response.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert len(lines) == 2
    assert "Ban hành Chương trình làm việc năm 2025." in lines[1]
    assert "31/03/2025" in lines[1]
    assert "20/03/2025" in lines[1]  # completion date
    assert "Đã ban hành." in lines[1]  # latest result


def test_reporter_export_holds_only_own_tasks(client, other_reporter, dataset):
    client.force_login(other_reporter)
    text = client.get("/tasks/export.csv", {"as_of": APRIL}).content.decode("utf-8-sig")
    assert "đất đai" in text
    assert "đất hiếm" not in text


# Directives, duplicates, language ------------------------------------------------------------


def test_directive_pages_list_tasks_in_scope(client, reporter, dataset, notice):
    client.force_login(reporter)
    listing = client.get("/directives/")
    assert listing.context["directives"][0].task_count == 4  # Bộ KH&CN's four, not Hà Nội's
    detail = client.get(f"/directives/{notice.pk}/")
    ids = [t.pk for t in detail.context["tasks"]]
    assert dataset["land"].pk not in ids
    assert "(3)" in detail.content.decode()


def test_clerk_confirms_a_duplicate_and_the_tasks_merge(client, clerk, reporter, dataset):
    pair = DuplicateCandidate.objects.create(
        task=dataset["network"], candidate=dataset["rare_earths"], score=0.81
    )
    client.force_login(reporter)
    assert client.get("/duplicates/").status_code == 403
    assert client.post(f"/duplicates/{pair.pk}/decide/", {"decision": "same"}).status_code == 403

    client.force_login(clerk)
    page = client.get("/duplicates/")
    assert list(page.context["pairs"]) == [pair]
    response = client.post(f"/duplicates/{pair.pk}/decide/", {"decision": "same"})
    assert response.status_code == 302
    merged = Task.objects.get(pk=dataset["network"].pk)
    assert merged.merged_into_id == dataset["rare_earths"].pk


def test_clerk_rejects_a_duplicate_from_the_task_page(client, clerk, dataset):
    pair = DuplicateCandidate.objects.create(
        task=dataset["network"], candidate=dataset["rare_earths"], score=0.7
    )
    client.force_login(clerk)
    detail = f"/tasks/{dataset['network'].pk}/"
    assert pair in client.get(detail).context["duplicates"]
    response = client.post(
        f"/duplicates/{pair.pk}/decide/", {"decision": "different", "next": detail}
    )
    assert response["Location"] == detail
    pair.refresh_from_db()
    assert pair.state == "rejected"


def test_a_reporter_does_not_see_duplicate_pairs_naming_another_agencys_task(
    client, reporter, dataset
):
    DuplicateCandidate.objects.create(
        task=dataset["rare_earths"], candidate=dataset["land"], score=0.8
    )
    client.force_login(reporter)
    response = client.get(f"/tasks/{dataset['rare_earths'].pk}/")
    assert list(response.context["duplicates"]) == []
    assert dataset["land"].content not in response.content.decode()


def test_language_switch_to_english_shows_english_labels(client, clerk, dataset):
    client.force_login(clerk)
    assert "Nhiệm vụ quá hạn" in client.get("/", {"as_of": APRIL}).content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/", {"as_of": APRIL}).content.decode()
    assert '<html lang="en">' in body
    assert "Overdue tasks" in body


def test_task_rows_escape_the_text_and_link_each_task_agency_and_member(
    client, tracker, program, most, member_person
):
    task = services.create_task(
        program=program,
        content="Đánh giá <script>alert(1)</script> & công bố",
        assigned_on=dt.date(2025, 1, 22),
        deadline="Quý I/2025",
        leads=[most],
        members=[member_person],
        expected_output="Báo cáo <b>tổng hợp</b>",
    )
    client.force_login(tracker)
    page = client.get("/tasks/", {"as_of": APRIL}).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "Đánh giá &lt;script&gt;alert(1)&lt;/script&gt; &amp; công bố" in page
    assert "Báo cáo &lt;b&gt;tổng hợp&lt;/b&gt;" in page
    assert f'href="{reverse("task-detail", args=[task.pk])}"' in page
    assert f'href="{reverse("org-detail", args=[most.pk])}"' in page
    assert f'href="{reverse("member-detail", args=[member_person.pk])}"' in page
    assert '<td class="num cell-number">1</td>' in page
    assert "31/03/2025" in page  # the deadline, dd/mm/yyyy
    assert 'class="badge status-' in page  # the status badge


def test_task_detail_queries_do_not_grow_with_the_timeline(
    client, clerk, dataset, django_assert_max_num_queries
):
    task = dataset["land"]
    client.force_login(clerk)

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/tasks/{task.pk}/").status_code == 200
        return len(ctx.captured_queries)

    services.post_update(task, by=clerk, text="Lần 1", reported_on=dt.date(2025, 2, 1))
    few = count()
    for n in range(8):
        services.post_update(task, by=clerk, text=f"Lần {n + 2}", reported_on=dt.date(2025, 3, 1))
    with django_assert_max_num_queries(few):
        client.get(f"/tasks/{task.pk}/")


@pytest.mark.django_db
def test_the_filter_forms_option_lists_are_read_in_one_query_in_their_own_orders(
    dataset, program, notice, most, django_assert_num_queries
):
    from dondoc.core import prepared
    from dondoc.core.collation import vi_order
    from dondoc.orgs.models import Member, OrgKind, OrgUnit
    from dondoc.tasks.models import Directive, DirectiveKind, SolutionGroup, TaskAgency
    from dondoc.tasks.views import _option_parts

    commune = OrgUnit.objects.create(code="xa-a", kind=OrgKind.COMMUNE, name="Xã A")
    services.create_task(
        program=program, content="Việc của xã", assigned_on=dt.date(2025, 1, 5), leads=[commune]
    )
    Member.objects.create(program=program, full_name="Âu Văn An", sort_order=0)
    for day in (dt.date(2025, 2, 1), dt.date(2025, 2, 3), dt.date(2024, 5, 1)):
        Directive.objects.create(
            program=program,
            kind=DirectiveKind.NOTICE,
            number=f"{day}/TB",
            date=day,
            issuer=notice.issuer,
        )
    for selected in (0, commune.pk):
        leads = (
            OrgUnit.objects.filter(
                pk__in=TaskAgency.objects.filter(role="lead", task__program=program).values(
                    "org_unit"
                )
            )
            .exclude(kind="commune", pk__in=OrgUnit.objects.exclude(pk=selected).values("pk"))
            .order_by("kind", vi_order("name"))
            .values_list("id", "name", "short_name")
        )
        expected = [
            list(leads),
            list(
                SolutionGroup.objects.filter(program=program).values_list("id", "number", "title")
            ),
            list(Member.objects.filter(program=program).values_list("id", "full_name")),
            list(Directive.objects.filter(program=program).values_list("id", "number", "date")),
        ]
        with django_assert_num_queries(1):
            found = prepared.rows(("list_options",), _option_parts, [program.pk, selected])
        lists = [[], [], [], []]
        for n, _position, pk, number, text, other, day in sorted(found, key=lambda r: r[:2]):
            lists[n].append(((pk, text, other), (pk, number, text), (pk, text), (pk, text, day))[n])
        assert lists == expected
        assert (commune.pk in [row[0] for row in lists[0]]) == bool(selected)
        assert len(lists[3]) >= 4 and len(lists[2]) >= 2


@pytest.mark.django_db
def test_the_task_page_reads_its_sources_and_members_in_one_query(
    client, clerk, program, notice, most, member_person, django_assert_num_queries
):
    from dondoc.core import prepared
    from dondoc.orgs.models import Member
    from dondoc.tasks.models import Directive, DirectiveKind, TaskSource
    from dondoc.tasks.views import _source_and_member_rows

    earlier = Directive.objects.create(
        program=program,
        kind=DirectiveKind.NOTICE,
        number="7/TB",
        date=dt.date(2024, 12, 1),
        issuer=notice.issuer,
        text="Mở đầu. (2) Xây dựng dữ liệu quốc gia về đất đai. Kết thúc.",
    )
    first = Member.objects.create(program=program, full_name="Âu Văn An", sort_order=0)
    task = services.create_task(
        program=program,
        content="Xây dựng dữ liệu",
        assigned_on=dt.date(2025, 1, 22),
        sources=[(notice, "(5)", "Xây dựng dữ liệu đất đai"), (earlier, "(2)", "")],
        leads=[most],
        members=[member_person, first],
    )
    TaskSource.objects.filter(task=task, directive=earlier).update(span_start=8, span_end=49)
    with django_assert_num_queries(1):
        rows = prepared.rows(("task_page", "sources_members"), _source_and_member_rows, [task.pk])
    assert len(rows) == 5  # two sources, two members, the lead agency
    client.force_login(clerk)
    response = client.get(f"/tasks/{task.pk}/")
    sources, members = response.context["sources"], response.context["members"]
    assert [(s.directive.number, s.label) for s in sources] == [
        ("7/TB", "(2)"),
        (notice.number, "(5)"),
    ]
    assert sources[0].passage == "(2) Xây dựng dữ liệu quốc gia về đất đai."
    assert [m.pk for m in members] == [first.pk, member_person.pk]
    page = response.content.decode()
    assert "source-passage" in page and "“Xây dựng dữ liệu đất đai”" in page
    assert f'href="{reverse("member-detail", args=[first.pk])}"' in page

"""The import page for a task table in its own layout: columns confirmed, unknown names
decided once each, the import run as a job with its progress and outcome on a page of its own."""

from __future__ import annotations

import re
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections, transaction
from django.urls import reverse

from dondoc.core.spreadsheet import append_row, csv_bytes, new_workbook, workbook_bytes
from dondoc.core.testing.concurrency import on_postgres
from dondoc.orgs.models import OrgUnit
from dondoc.tasks import services
from dondoc.tasks.importers import staging, views
from dondoc.tasks.importers.jobs import record_progress, run_import, start_import
from dondoc.tasks.models import ImportJob, ImportState, Task
from dondoc.tasks.tests.test_import_report import count_all_rows

HEADINGS = ["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"]
#: A plan's appendix in its own layout: two section rows, three names the system lacks —
#: "Bộ KH và CN" (an existing unit spelt otherwise), "Viện Chiến lược Số" (new) and
#: "Sở Tư pháp tỉnh Mộc Châu" (to drop).
ROWS = [
    ["I", "HOÀN THIỆN THỂ CHẾ", "", "", ""],
    ["1", "Xây dựng cơ sở dữ liệu quốc gia về khoa học.", "Bộ KH và CN", "Hà Nội", "6/2025"],
    ["2", "Ban hành quy chế phối hợp.", "Đảng uỷ Bộ KH&CN", "Sở Tư pháp tỉnh Mộc Châu", "2025"],
    ["II", "PHÁT TRIỂN HẠ TẦNG", "", "", ""],
    ["3", "Xây dựng chiến lược dữ liệu số.", "Viện Chiến lược Số", "Bộ KH và CN", "Tháng 10/2025"],
    ["4", "Nâng cấp mạng lưới 5G.", "Thành ủy Hà Nội", "Viện Chiến lược Số", "Hằng năm"],
]
DIRECTIVE = "03/NQ-CP ngày 09/01/2025"
MAP, CREATE, DROP = "Bộ KH và CN", "Viện Chiến lược Số", "Sở Tư pháp tỉnh Mộc Châu"


def plan_csv() -> bytes:
    return csv_bytes([HEADINGS, *ROWS])


def plan_xlsx() -> bytes:
    """The same plan as an XLSX whose heading row sits under a title line."""
    book = new_workbook()
    sheet = book.active
    append_row(sheet, ["PHỤ LỤC: DANH MỤC NHIỆM VỤ"])
    for row in [HEADINGS, *ROWS]:
        append_row(sheet, row)
    return workbook_bytes(book)


def unknown_indexes(html: str) -> dict[str, int]:
    """Name in the file -> index of its fields in the form of unknown names."""
    return {
        name: int(j)
        for j, name in re.findall(
            r'name="u-(\d+)-name" value="([^"]*)"', html.replace("&amp;", "&")
        )
    }


def resolution_form(html: str, most: OrgUnit) -> dict[str, str]:
    index = unknown_indexes(html)
    form = {"unknowns": str(len(index))}
    for name, j in index.items():
        kind = re.search(rf'name="u-{j}-kind" value="(\w+)"', html).group(1)
        form |= {f"u-{j}-kind": kind, f"u-{j}-name": name}
    form |= {
        f"u-{index[MAP]}-action": "map",
        f"u-{index[MAP]}-search": f"{most.name} ({most.code})",
        f"u-{index[CREATE]}-action": "create",
        f"u-{index[CREATE]}-org_kind": "other",
        f"u-{index[DROP]}-action": "drop",
    }
    return form


@pytest.fixture
def ready(program, most, hanoi):
    return program


@pytest.fixture
def signed_in(client, clerk, ready):
    client.force_login(clerk)
    return client


def upload(client, data: bytes, name: str, **extra):
    return client.post(reverse("import-upload"), {"file": SimpleUploadedFile(name, data), **extra})


def recognised_columns(client) -> dict[str, str]:
    page = client.get(reverse("import-columns")).content.decode()
    selected = re.findall(r'<select name="(col-\d+)".*?<option value="(\w+)" selected', page, re.S)
    return dict(selected)


def test_a_table_in_its_own_layout_goes_to_the_column_step_with_headings_recognised(signed_in):
    response = upload(signed_in, plan_xlsx(), "ke-hoach.xlsx", directive=DIRECTIVE)

    assert response.status_code == 302
    assert response["Location"] == reverse("import-columns")
    page = signed_in.get(reverse("import-columns")).content.decode()
    assert "Thời gian hoàn thành" in page
    assert "HOÀN THIỆN THỂ CHẾ" in page  # a section row, marked in the preview
    assert 'class="section-row"' in page
    assert "Xây dựng cơ sở dữ liệu quốc gia" in page
    columns = recognised_columns(signed_in)
    assert columns["col-1"] == "content"
    assert columns["col-2"] == "lead"


def test_the_columns_need_the_content_and_the_lead(signed_in):
    upload(signed_in, plan_csv(), "ke-hoach.csv", directive=DIRECTIVE)

    response = signed_in.post(reverse("import-columns"), {"col-0": "stt", "col-1": "content"})

    assert response.status_code == 400
    assert "Cơ quan chủ trì" in response.content.decode()  # the lead is required
    twice = signed_in.post(
        reverse("import-columns"), {"col-1": "content", "col-2": "lead", "col-3": "lead"}
    )
    assert twice.status_code == 400


def test_unknown_names_are_listed_once_decided_and_the_job_imports_the_table(
    signed_in, clerk, most, django_capture_on_commit_callbacks
):
    upload(signed_in, plan_csv(), "ke-hoach.csv", directive=DIRECTIVE)
    mapping = {
        f"col-{i}": key
        for i, key in enumerate(["stt", "content", "lead", "coordinating", "deadline"])
    }
    assert signed_in.post(reverse("import-columns"), mapping)["Location"] == reverse("import-check")

    check = signed_in.get(reverse("import-check")).content.decode()

    assert set(unknown_indexes(check)) == {MAP, CREATE, DROP}  # once each, not once per row
    assert reverse("import-confirm") not in check
    decided = signed_in.post(reverse("import-check"), resolution_form(check, most))
    assert decided.status_code == 302
    again = signed_in.get(reverse("import-check")).content.decode()
    assert reverse("import-confirm") in again
    assert Task.objects.count() == 0
    token = signed_in.session[views.SESSION_KEY]["token"]

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = signed_in.post(reverse("import-confirm"))

    job = ImportJob.objects.get(dry_run=False)
    assert confirmed["Location"] == reverse("import-job", args=[job.pk])
    assert job.state == ImportState.DONE, job.summary
    assert job.done == job.total == 4
    assert Task.objects.filter(program=job.program).count() == 4
    assert OrgUnit.objects.filter(name=CREATE).count() == 1
    assert not OrgUnit.objects.filter(name=DROP).exists()
    assert Task.objects.filter(task_agencies__org_unit=most).distinct().count() == 3
    assert not staging.staged(token).exists()
    page = signed_in.get(reverse("import-job", args=[job.pk])).content.decode()
    assert "hx-trigger" not in page  # finished: no more polling
    assert "Xây dựng chiến lược dữ liệu số." in page


def test_the_check_page_follows_a_long_check_then_shows_its_outcome(signed_in):
    upload(signed_in, plan_csv(), "ke-hoach.csv", directive=DIRECTIVE)
    mapping = {"col-1": "content", "col-2": "lead"}
    signed_in.post(reverse("import-columns"), mapping)
    signed_in.get(reverse("import-check"))
    check = ImportJob.objects.get(dry_run=True)
    ImportJob.objects.filter(pk=check.pk).update(state="running", done=100, total=400)

    running = signed_in.get(reverse("import-check"), HTTP_HX_REQUEST="true").content.decode()
    ImportJob.objects.filter(pk=check.pk).update(state="done")
    done = signed_in.get(reverse("import-check"), HTTP_HX_REQUEST="true").content.decode()

    assert 'hx-trigger="every 1s"' in running and 'value="100"' in running
    assert "hx-trigger" not in done and "Viện Chiến lược Số" in done
    assert staging.staged(signed_in.session[views.SESSION_KEY]["token"]).is_file()


def test_a_job_refused_at_run_time_writes_nothing_and_says_why(ready, clerk):
    token = staging.new_token()
    staging.staged(token).write_bytes(plan_csv())
    before = count_all_rows()
    job = start_import(
        program=ready,
        user=clerk,
        token=token,
        filename="ke-hoach.csv",
        options={"columns": {"content": 1, "lead": 2}, "directive": DIRECTIVE},
    )

    run_import(job.pk)  # nobody decided the unknown names

    job.refresh_from_db()
    assert job.state == ImportState.FAILED
    assert job.reason and job.summary["rejected"]
    after = count_all_rows()
    after["tasks.ImportJob"] -= 1
    assert after == before
    assert not staging.staged(token).exists()
    assert run_import(job.pk) is None  # a finished job is not run again


def test_a_job_whose_file_is_gone_fails_with_the_reason(ready, clerk):
    job = start_import(
        program=ready, user=clerk, token=staging.new_token(), filename="x.csv", options={}
    )

    run_import(job.pk)

    job.refresh_from_db()
    assert job.state == ImportState.FAILED
    assert "no longer available" in job.reason


def test_a_running_job_page_polls_every_second(signed_in, ready, clerk):
    job = ImportJob.objects.create(
        program=ready, user=clerk, token="t", filename="x.csv", state="running", done=3, total=10
    )

    page = signed_in.get(reverse("import-job", args=[job.pk]))
    fragment = signed_in.get(reverse("import-job", args=[job.pk]), HTTP_HX_REQUEST="true")

    assert 'hx-trigger="every 1s"' in page.content.decode()
    assert 'value="3"' in fragment.content.decode()
    assert "<html" not in fragment.content.decode()


def test_another_persons_job_does_not_exist_for_them(client, ready, clerk, tracker, reporter):
    other = type(clerk).objects.create_user(username="clerk2", role=clerk.role)
    job = ImportJob.objects.create(program=ready, user=clerk, token="t", filename="x.csv")

    client.force_login(other)
    assert client.get(reverse("import-job", args=[job.pk])).status_code == 404
    client.force_login(reporter)
    assert client.get(reverse("import-job", args=[job.pk])).status_code == 403


@pytest.mark.postgres
@pytest.mark.skipif(not on_postgres(), reason="a second writer needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_progress_written_inside_the_import_transaction_is_seen_by_the_page_at_once(ready, clerk):
    job = ImportJob.objects.create(program=ready, user=clerk, token="t", filename="x.csv")
    seen = []

    def page_reads() -> None:
        seen.append(ImportJob.objects.values_list("done", "total").get(pk=job.pk))
        connections.close_all()

    with transaction.atomic():  # as the import's own transaction
        services.lock_program(ready.pk)
        record_progress(job.pk, 250, 5000)
        reader = threading.Thread(target=page_reads)
        reader.start()
        reader.join()

    assert seen == [(250, 5000)]

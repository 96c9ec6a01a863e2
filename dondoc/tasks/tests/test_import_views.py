"""The import page: upload, dry-run summary, confirm; only for the Standing Office."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dondoc.tasks.importers import views
from dondoc.tasks.models import Task
from dondoc.tasks.tests.test_import_report import count_all_rows
from dondoc.tasks.tests.test_import_template import filled_csv


@pytest.fixture
def ready(program, notice, most, hanoi, member_person):
    return program


def signed_in(client, user):
    client.force_login(user)
    return client


def upload(client, data: bytes, name="tasks.csv"):
    return client.post(reverse("import-upload"), {"file": SimpleUploadedFile(name, data)})


def test_clerk_sees_the_dry_run_then_confirms(
    client, clerk, ready, django_capture_on_commit_callbacks
):
    signed_in(client, clerk)
    before = count_all_rows()

    page = upload(client, filled_csv())

    assert page.status_code == 200
    assert count_all_rows() == before
    assert reverse("import-confirm") in page.content.decode()
    assert "Xây dựng, ban hành Danh mục" in page.content.decode()
    staged = views.staging_dir() / client.session[views.SESSION_KEY]["token"]
    assert staged.is_file()

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(reverse("import-confirm"))
    done = client.get(confirmed["Location"])  # the job's page: it ran

    assert done.status_code == 200
    assert "Xây dựng, ban hành Danh mục" in done.content.decode()
    assert Task.objects.count() == 3
    assert not staged.exists()
    assert views.SESSION_KEY not in client.session
    assert client.post(reverse("import-confirm")).status_code == 302  # nothing left to confirm


def test_a_rejected_file_shows_rows_and_columns_and_cannot_be_confirmed(client, clerk, ready):
    signed_in(client, clerk)
    data = filled_csv([{"stt": "1", "noi_dung": "", "van_ban": "01-TB/BCĐTW"}])

    page = upload(client, data)

    body = page.content.decode()
    assert "Nội dung nhiệm vụ" in body
    assert reverse("import-confirm") not in body
    assert views.SESSION_KEY not in client.session


def test_upload_check_refuses_other_file_types(client, clerk, ready):
    signed_in(client, clerk)

    page = upload(client, b"%PDF-1.4 ...", name="bao-cao.pdf")

    assert page.status_code == 400
    assert Task.objects.count() == 0


def test_template_downloads(client, clerk, ready):
    signed_in(client, clerk)

    xlsx = client.get(reverse("import-template-xlsx"))
    csv = client.get(reverse("import-template-csv"))

    assert xlsx.status_code == csv.status_code == 200
    assert xlsx.content.startswith(b"PK")
    assert "Nội dung nhiệm vụ" in csv.content.decode("utf-8-sig")


@pytest.mark.parametrize("url", ["import-upload", "import-template-csv", "import-template-xlsx"])
def test_a_reporter_is_refused(client, reporter, ready, url):
    signed_in(client, reporter)

    assert client.get(reverse(url)).status_code == 403


def test_a_reporter_cannot_confirm_or_upload(client, reporter, ready):
    signed_in(client, reporter)

    assert upload(client, filled_csv()).status_code == 403
    assert client.post(reverse("import-confirm")).status_code == 403
    assert Task.objects.count() == 0


def test_anonymous_is_sent_to_sign_in(client, ready):
    response = client.get(reverse("import-upload"))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]

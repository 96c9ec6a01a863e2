"""A correction of a published update keeps its evidence and says why it was made."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse

from dondoc.core.uploads import check_upload
from dondoc.tasks import reporting, services
from dondoc.tasks.models import ProgressUpdate, UpdateState
from dondoc.tasks.services import IncomingFile

pytestmark = pytest.mark.django_db
VN = dt.timezone(dt.timedelta(hours=7))
TOKEN = "0123456789abcdef0123456789abcdef"


@pytest.fixture(autouse=True)
def during_the_quarter():
    with time_machine.travel(dt.datetime(2025, 7, 2, 9, tzinfo=VN), tick=False):
        yield


@pytest.fixture
def original(program, notice, most, clerk):
    task = services.create_task(
        program=program,
        content="Xây dựng cơ sở dữ liệu quốc gia về đất hiếm",
        assigned_on=dt.date(2025, 1, 22),
        deadline="Quý IV/2025",
        sources=[(notice, "(1)", "")],
        leads=[most],
    )
    upload = io.BytesIO(b"%PDF-1.4 minh chung")
    checked, _problems = check_upload(upload, "bien-ban.pdf")
    update, _ = reporting.record_update(
        task, by=clerk, text="Đạt 50%", agency=most, files=[IncomingFile(upload, checked)]
    )
    assert update.state == UpdateState.PUBLISHED
    return update


def test_a_correction_carries_the_evidence_and_its_reason_to_the_timeline(client, clerk, original):
    client.force_login(clerk)
    form = client.get(reverse("update-correct", args=[original.pk])).content.decode()
    assert "bien-ban.pdf" in form and 'name="reason"' in form
    client.post(
        reverse("update-correct", args=[original.pk]),
        {
            "text": "Đạt 40%",
            "reported_on": "02/07/2025",
            "reason": "Nhầm số liệu quý",
            "form_token": TOKEN,
        },
    )
    correction = ProgressUpdate.objects.get(corrects=original)
    carried = correction.attachments.get()
    assert carried.original_name == "bien-ban.pdf"
    assert carried.file.name == original.attachments.get().file.name
    page = client.get(reverse("task-detail", args=[original.task_id])).content.decode()
    entry = page[page.index(f'id="update-{correction.pk}"') :]
    entry = entry[: entry.index("</li>")]
    assert "Nhầm số liệu quý" in entry and "bien-ban.pdf" in entry
    download = client.get(reverse("attachment-download", args=[carried.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 minh chung"

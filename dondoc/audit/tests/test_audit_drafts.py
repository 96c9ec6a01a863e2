"""The audit log keeps an agency's drafts inside the agency: the Standing Office, which does not
read drafts, sees publications, corrections and approvals, never unpublished text."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from dondoc.accounts.models import Membership, Role, User
from dondoc.audit.log import AuditFilter, entries, hydrate
from dondoc.conftest import PASSWORD
from dondoc.tasks import reporting, services
from dondoc.tasks.models import UpdateState

FIRST_DRAFT = "Bản nháp đầu: mới xong 10% khối lượng"
PUBLISHED = "Đã hoàn thành 80% khối lượng, trình Bộ trưởng"
WITHDRAWN = "Nháp rút lại: chưa báo cáo"
UPDATES = {"model": "tasks.progressupdate"}


@pytest.fixture
def head(most) -> User:
    user = User.objects.create_user(
        username="head", password=PASSWORD, role=Role.AGENCY_HEAD, full_name="Head"
    )
    Membership.objects.create(user=user, org_unit=most)
    return user


@pytest.fixture
def drafts(program, most, reporter, head):
    task = services.create_task(
        program=program,
        content="Xây dựng Bộ chỉ số",
        assigned_on=dt.date(2025, 1, 22),
        leads=[most],
    )
    update, _created = reporting.record_update(
        task, by=reporter, text=FIRST_DRAFT, agency=most, reported_on=dt.date(2025, 6, 20)
    )
    update = reporting.edit_draft(
        update, by=reporter, text=PUBLISHED, reported_on=dt.date(2025, 6, 30), version=None
    )
    reporting.approve([update], by=head)
    withdrawn, _created = reporting.record_update(
        task, by=reporter, text=WITHDRAWN, agency=most, reported_on=dt.date(2025, 7, 1)
    )
    reporting.withdraw_draft(withdrawn, by=reporter, version=None)
    return update, withdrawn


def _text(found) -> str:
    return " ".join(f"{c.old} {c.new}" for e in found for c in e.changes)


@pytest.mark.django_db
def test_the_standing_office_sees_the_approval_but_no_draft(client, clerk, drafts, head):
    update, _withdrawn = drafts
    client.force_login(clerk)
    found = client.get("/audit/", UPDATES).context["entries"]
    assert [(e.object_id, e.who) for e in found] == [(update.pk, head)]
    assert FIRST_DRAFT not in _text(found) and "20/06/2025" not in _text(found)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.django_db
def test_exports_carry_no_draft_text(client, clerk, drafts, fmt):
    client.force_login(clerk)
    response = client.get(f"/audit/export.{fmt}", UPDATES)
    assert response.status_code == 200
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = [[str(c or "") for c in r] for r in sheet.iter_rows(values_only=True)]
    assert len(rows) == 1 + 1  # header, the approval
    text = " ".join(" ".join(r) for r in rows)
    assert FIRST_DRAFT not in text and WITHDRAWN not in text and "20/06/2025" not in text


@pytest.mark.django_db
def test_a_correction_after_publication_is_shown_against_the_published_record(clerk, drafts):
    update, _withdrawn = drafts
    reporting.record_update(
        update.task,
        by=clerk,
        text="Đính chính: 70%",
        corrects=update,
        reported_on=dt.date(2025, 7, 2),
    )
    found = hydrate(list(entries(AuditFilter(**UPDATES), clerk)), clerk)
    mine = [e for e in found if e.object_id == update.pk]
    assert [e.kind for e in mine] == ["~", "~"]  # corrected, approved
    published, corrected = str(UpdateState.PUBLISHED.label), str(UpdateState.CORRECTED.label)
    assert (published, corrected) in [(c.old, c.new) for c in mine[0].changes]
    assert mine[1].changes == []  # nothing of the draft it was before
    assert any(e.kind == "+" for e in found if e.object_id != update.pk)


@pytest.mark.django_db
def test_the_agency_reads_its_own_drafts_in_the_log(reporter, drafts):
    _update, withdrawn = drafts
    found = hydrate(list(entries(AuditFilter(**UPDATES), reporter)), reporter)
    assert FIRST_DRAFT in _text(found)
    assert withdrawn.pk in {e.object_id for e in found}

"""The task page written in Python (``tasks/page.py``) is the HTML its template wrote.

``task_page_reference.html`` is ``tasks/detail.html`` as it was, its includes written out; each
page is rendered again through it with the view's own context and request, and the two must be
the same bytes (the CSRF tokens, masked afresh on every use, aside) for every role, in both
languages, for tasks with and without each of the page's parts.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines

from dondoc.accounts.models import Membership, Role, User
from dondoc.core.uploads import check_upload
from dondoc.followups import services as followups
from dondoc.orgs.groups import ensure_standard_groups
from dondoc.orgs.models import OrgGroup
from dondoc.tasks import manage, reporting, services
from dondoc.tasks.models import RelationKind, Task
from dondoc.tasks.services import IncomingFile

REFERENCE = (Path(__file__).parent / "task_page_reference.html").read_text(encoding="utf-8")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')

#: What the view gives its template.
NAMES = (
    "task", "relations", "leads", "coordinators", "lead_groups", "coordinating_groups",
    "sources", "members", "subtasks", "merged_tasks", "updates", "timeline", "drafts_only",
    "may_history", "duplicates", "form", "may_set_status", "today",
)  # fmt: skip


#: What the page of the task with every part shows the Standing Office.
PARTS = (
    'id="deadlines"', 'id="changes"', 'id="followups"', "Phần một",
    "related-tasks", "Bản trùng", 'aria-labelledby="dup-title"', "source-passage",
    "update-corrected", 'class="attachments"', "manage-actions", "deadline-reading",
    'class="expected-output">Đề án', "detail-history", 'id="post"',
)  # fmt: skip


def _masked(html: str) -> str:
    return CSRF.sub('name="csrfmiddlewaretoken" value="…"', html)


def _user(username: str, role: str, *units) -> User:
    user = User.objects.create_user(username=username, password="x", role=role, full_name=username)
    for unit in units:
        Membership.objects.create(user=user, org_unit=unit)
    return user


def _file(name: str, content: bytes) -> IncomingFile:
    data = io.BytesIO(content)
    return IncomingFile(data, check_upload(data, name)[0])


@pytest.fixture
def tasks(program, notice, most, hanoi, member_person, clerk, reporter):
    """A task with every part the page shows, a bare one, one merged into another, one
    completed, one led by a collective agency, and one past its first deadline."""
    ensure_standard_groups()
    notice.text = "Mở đầu. (5) Xây dựng <dữ liệu> & “kết nối” quốc gia. Kết thúc."
    notice.save()
    head = _user("head", Role.AGENCY_HEAD, most)

    def task(content, deadline="Quý IV/2030", leads=(most,), coordinators=(hanoi,), **extra):
        return services.create_task(
            program=program,
            content=content,
            assigned_on=dt.date(2025, 1, 22),
            deadline=deadline,
            group=program.groups.get(number=3),
            sources=[(notice, "(5)", "Xây dựng dữ liệu")],
            leads=list(leads),
            coordinators=list(coordinators),
            members=[member_person],
            **extra,
        )

    rich = task("Xây dựng <cơ sở> dữ liệu & “kết nối”.", expected_output="Đề án")
    rich.output_kind = "scheme"
    rich.save()
    bare = task("Nhiệm vụ trống.", deadline="", coordinators=())
    duplicate = task("Bản trùng của nhiệm vụ.")
    other = task("Nhiệm vụ liên quan.")
    candidate = task("Có thể trùng.")
    done = task("Đã hoàn thành.", deadline="Quý I/2025")
    late = task("Quá hạn lần đầu.", deadline="Quý I/2025")
    provinces = OrgGroup.objects.get(code="tinh-thanh-pho")
    collective = task("Các tỉnh thành lập Ban Chỉ đạo.", leads=(provinces,), coordinators=(most,))

    source_of_rich = rich.sources.get()
    source_of_rich.span_start, source_of_rich.span_end = 8, 55
    source_of_rich.save()
    update = services.post_update(
        rich,
        by=clerk,
        agency=most,
        text='Đạt <b>50%</b> & "tốt"',
        reported_on=dt.date(2025, 3, 1),
        files=[_file("biên bản.pdf", b"%PDF-1.4 " + b"x" * 3000)],
    )
    reporting.record_update(
        rich, by=clerk, agency=most, text="Đính chính", reported_on=dt.date(2025, 3, 1),
        corrects=update, reason="Sai số liệu",
    )  # fmt: skip
    reporting.record_update(rich, by=reporter, agency=most, text="Bản nháp", reported_on=None)
    manage.change_deadline(rich, by=clerk, reason="Lùi <hạn>", phrase="Quý III/2031")
    services.relate_tasks(rich, other, kind=RelationKind.RESTATES, by=clerk, source=notice)
    manage.split(
        rich, by=clerk, reason="Tách", parts=[manage.Part("Phần một <a>")], close_original=False
    )
    services.merge_tasks(rich, duplicate, by=clerk)
    services.queue_duplicate(rich, candidate, score=0.87, source=notice)
    asked = followups.request_explanation(
        rich, by=clerk, agency=most, reply_due_on=dt.date(2031, 1, 10), message="Vì sao <chậm>?"
    )
    followups.reply_explanation(asked, by=head, reason="Thiếu kinh phí", proposed_due_on=None)
    followups.grant_extension(rich, by=clerk, new_due_on=dt.date(2032, 6, 30), reason="Đồng ý")
    services.post_update(
        done,
        by=clerk,
        text="Xong.",
        reported_on=dt.date(2025, 3, 25),
        status_change="completed",
        effective_on=dt.date(2025, 3, 20),
    )
    manage.change_deadline(late, by=clerk, reason="Lùi hạn", phrase="Quý IV/2032")
    services.post_update(collective, by=clerk, agency=hanoi, text="Hà Nội đã làm.")
    return {
        "rich": rich,
        "bare": bare,
        "merged": Task.objects.get(pk=duplicate.pk),
        "done": done,
        "late": late,
        "collective": collective,
        "head": head,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_written_page_is_the_templates_html(
    client, tasks, clerk, other_reporter, committee_member, language
):
    users = {
        "standing office": clerk,
        "head of the lead agency": tasks["head"],
        "reporter of a coordinating agency": other_reporter,
        "observer": _user("observer", Role.OBSERVER),
        "committee member": committee_member,
    }
    reference = engines["django"].from_string(REFERENCE)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    compared = 0
    for who, user in users.items():
        client.force_login(user)
        for name in ("rich", "bare", "merged", "done", "late", "collective"):
            response = client.get(f"/tasks/{tasks[name].pk}/")
            if response.status_code == 404:  # outside the user's scope
                continue
            assert response.status_code == 200, (who, name)
            context = {key: response.context[key] for key in NAMES}
            expected = reference.render(context, response.wsgi_request)
            written = response.content.decode()
            assert _masked(written) == _masked(expected), (who, name, language)
            compared += 1
            if who == "standing office" and name == "rich":
                for part in PARTS:
                    assert part in written, part
            if who == "head of the lead agency" and name == "rich":
                assert "update-draft" in written and 'id="post"' in written
            if who == "standing office" and name == "late":
                assert "late-original" in written
            if who == "standing office" and name == "merged":
                assert 'class="notice warn"' in written
            if who == "standing office" and name == "collective":
                assert "group-reporting" in written
    assert compared >= 20

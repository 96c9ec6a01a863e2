"""The rounds pages: a permission matrix over every URL of the app, and the steps of a
submission through the pages."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dondoc.rounds import services
from dondoc.rounds.models import ActionPlan, ReportingRound, SubmissionState
from dondoc.rounds.urls import urlpatterns
from dondoc.tasks.services import IncomingFile

VN = dt.timezone(dt.timedelta(hours=7))
ROLES = ("clerk", "tracker", "committee_member", "observer", "reporter", "head", "other_reporter")


@pytest.fixture(autouse=True)
def during_the_round():
    with time_machine.travel(dt.datetime(2025, 7, 2, 9, tzinfo=VN), tick=False):
        yield


@pytest.fixture
def world(q2, most, hanoi, most_tasks, reporter, other_reporter, clerk, program):
    """The ministry has a draft; Hà Nội has submitted; the ministry has an action plan file."""
    draft = services.start_submission(q2, most, by=reporter)
    services.add_update(draft, most_tasks[0], by=reporter, text="Đang thực hiện")
    sent = services.submit(services.start_submission(q2, hanoi, by=other_reporter), by=clerk)
    upload = io.BytesIO(b"%PDF-1.4 plan")
    from dondoc.core.uploads import check_upload

    signed = io.BytesIO(b"%PDF-1.4 signed")
    services.attach_signed_report(
        sent,
        by=other_reporter,
        number="12/BC-UBND",
        signed_on=dt.date(2025, 7, 1),
        file=IncomingFile(signed, check_upload(signed, "bc.pdf")[0]),
    )
    checked, _ = check_upload(upload, "kh.pdf")
    plan = services.record_action_plan(
        program=program,
        agency=most,
        number="01-KH/ĐU",
        issued_on=dt.date(2025, 2, 1),
        file=IncomingFile(upload, checked),
        by=clerk,
    )
    return {"round": q2, "draft": draft, "sent": sent, "plan": plan, "most": most, "hanoi": hanoi}


A = 200
N = 404
R = 302
#: url name -> (how to build its arguments, expected status per role in ROLES order).
MATRIX = {
    "round-list": (lambda w: [], (A, A, A, A, A, A, A)),
    "round-open": (lambda w: [], (A, N, N, N, N, N, N)),
    "round-dashboard": (lambda w: [w["round"].pk], (A, A, A, A, N, N, N)),
    "round-export": (lambda w: [w["round"].pk], (A, A, A, A, N, N, N)),
    # POST only (the roles are checked by the central permission matrix).
    "round-chase": (lambda w: [w["round"].pk], (405,) * 7),
    # The ministry's draft: only its own people and the Standing Office / Working Group.
    "submission": (lambda w: [w["round"].pk, w["most"].pk], (A, A, N, N, A, A, N)),
    "action-plans": (lambda w: [], (A, A, A, A, A, A, A)),
    "action-plan-file": (lambda w: [w["plan"].pk], (A, A, A, A, A, A, A)),
    "scorecards": (lambda w: [], (A, A, A, A, A, A, A)),
    "agency": (lambda w: [w["most"].pk], (A, A, A, A, A, A, N)),
    "agency-export": (lambda w: [w["most"].pk], (A, A, A, A, A, A, N)),
    "my-agency": (lambda w: [], (N, N, N, N, R, R, R)),
    "home": (lambda w: [], (R, R, R, R, R, R, R)),
    "todo": (lambda w: [], (N, N, N, N, A, A, A)),
    "todo-approve": (lambda w: [], (405, 405, 405, 405, 405, 405, 405)),  # a POST only
    "grid": (lambda w: [w["round"].pk, w["most"].pk], (N, N, N, N, A, A, N)),
    "grid-xlsx": (lambda w: [w["round"].pk, w["most"].pk], (N, N, N, N, A, A, N)),
    "signed-report": (lambda w: [w["round"].pk, w["hanoi"].pk], (A, A, A, A, N, N, A)),
}


def test_every_url_of_the_app_has_a_row_in_the_matrix():
    assert {p.name for p in urlpatterns} == set(MATRIX)


@pytest.fixture
def users(clerk, tracker, committee_member, observer, reporter, head, other_reporter):
    return dict(
        zip(
            ROLES,
            (clerk, tracker, committee_member, observer, reporter, head, other_reporter),
            strict=True,
        )
    )


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permission_matrix(client, world, users, name):
    build, expected = MATRIX[name]
    url = reverse(f"rounds:{name}", args=build(world))
    got = []
    for role in ROLES:
        client.force_login(users[role])
        got.append(client.get(url).status_code)
    assert dict(zip(ROLES, got, strict=True)) == dict(zip(ROLES, expected, strict=True))


def test_a_submitted_report_is_visible_to_the_committee_but_not_to_other_agencies(
    client, world, committee_member, reporter, other_reporter
):
    url = reverse("rounds:submission", args=[world["round"].pk, world["hanoi"].pk])
    client.force_login(committee_member)
    assert client.get(url).status_code == 200
    client.force_login(other_reporter)
    assert client.get(url).status_code == 200
    client.force_login(reporter)
    assert client.get(url).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    response = client.get(reverse("rounds:round-list"))
    assert response.status_code == 302 and "login" in response["Location"]


def _post(client, world, agency, **data):
    url = reverse("rounds:submission", args=[world["round"].pk, world[agency].pk])
    return client.post(url, data)


def test_reporter_records_an_update_with_evidence_through_the_page(
    client, world, reporter, most_tasks
):
    client.force_login(reporter)
    task = most_tasks[1]
    evidence = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 ok", content_type="application/pdf")
    response = _post(
        client, world, "most", action="prepare", task=task.pk,
        **{f"t{task.pk}-text": "Đã trình dự thảo", f"t{task.pk}-reported_on": "2025-07-01",
           f"t{task.pk}-files": evidence},
    )  # fmt: skip
    assert response.status_code == 302
    update = world["draft"].updates.get(task=task)
    assert update.attachments.get().original_name == "bien-ban.pdf"


def test_a_reporter_cannot_post_into_another_agencys_submission(
    client, world, reporter, most_tasks
):
    client.force_login(reporter)
    assert _post(client, world, "hanoi", action="prepare", note="x").status_code == 404


def test_a_reporter_cannot_post_on_a_task_outside_the_submission(
    client, world, reporter, most_tasks
):
    client.force_login(reporter)
    theirs = most_tasks[2]
    response = _post(client, world, "most", action="prepare", task=theirs.pk)
    assert response.status_code == 404


def test_only_the_head_submits(client, world, reporter, head):
    client.force_login(reporter)
    assert _post(client, world, "most", action="submit", note="").status_code == 404
    client.force_login(head)
    assert _post(client, world, "most", action="submit", note="Tóm tắt").status_code == 302
    world["draft"].refresh_from_db()
    assert world["draft"].state == SubmissionState.SUBMITTED


def test_the_working_group_returns_with_a_comment_the_agency_then_sees(
    client, world, tracker, committee_member, other_reporter
):
    client.force_login(committee_member)
    assert _post(client, world, "hanoi", action="review", decision="accept").status_code == 404
    client.force_login(tracker)
    response = _post(client, world, "hanoi", action="review", decision="return", comment="")
    assert response.status_code == 200  # the comment is required
    response = _post(
        client, world, "hanoi", action="review", decision="return", comment="Thiếu minh chứng"
    )
    assert response.status_code == 302
    client.force_login(other_reporter)
    page = client.get(reverse("rounds:submission", args=[world["round"].pk, world["hanoi"].pk]))
    assert "Thiếu minh chứng" in page.content.decode()


def test_a_returned_report_goes_back_to_the_reporter_and_only_the_head_submits_it(
    client, world, tracker, reporter, head
):
    client.force_login(head)
    _post(client, world, "most", action="submit", note="Tóm tắt")
    client.force_login(tracker)
    _post(client, world, "most", action="review", decision="return", comment="Bổ sung số liệu")
    client.force_login(reporter)
    page = client.get(reverse("rounds:submission", args=[world["round"].pk, world["most"].pk]))
    html = page.content.decode()
    assert "Bổ sung số liệu" in html  # the comment is shown to the reporter
    assert 'id="send-to-head"' in html and 'id="approve-submit"' not in html
    assert _post(client, world, "most", action="submit", note="Đã bổ sung").status_code == 404
    assert _post(client, world, "most", action="send", note="Đã bổ sung").status_code == 302
    world["draft"].refresh_from_db()
    assert world["draft"].state == SubmissionState.AWAITING_APPROVAL
    client.force_login(head)
    page = client.get(reverse("rounds:submission", args=[world["round"].pk, world["most"].pk]))
    assert 'id="approve-submit"' in page.content.decode()
    assert _post(client, world, "most", action="submit", note="Đã bổ sung").status_code == 302
    world["draft"].refresh_from_db()
    assert world["draft"].state == SubmissionState.SUBMITTED


def test_the_standing_office_opens_a_round_from_the_form(client, clerk, program, most, hanoi):
    client.force_login(clerk)
    response = client.post(
        reverse("rounds:round-open"),
        {
            "program": program.pk, "title": "Quý III/2025", "period_start": "01/07/2025",
            "period_end": "30/09/2025", "due_on": "05/10/2025", "grace_days": "2",
            "lock_on": "31/10/2025", "kinds": ["province"], "agencies": [most.pk],
            "requires_task_updates": "on",
        },
    )  # fmt: skip
    assert response.status_code == 302
    round_ = ReportingRound.objects.get(title="Quý III/2025")
    assert set(round_.agencies.all()) == {most, hanoi}
    assert round_.opened_by == clerk


def test_the_round_form_refuses_a_lock_date_before_the_due_date(client, clerk, program, most):
    client.force_login(clerk)
    response = client.post(
        reverse("rounds:round-open"),
        {
            "program": program.pk, "title": "Q", "period_start": "01/07/2025",
            "period_end": "30/09/2025", "due_on": "05/10/2025", "grace_days": "0",
            "lock_on": "01/10/2025", "agencies": [most.pk],
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert not ReportingRound.objects.filter(title="Q").exists()


def test_an_agency_records_its_own_action_plan_only(client, reporter, program, most, hanoi):
    client.force_login(reporter)
    url = reverse("rounds:action-plans") + f"?program={program.code}"
    data = {"number": "02-KH", "issued_on": "01/03/2025", "title": ""}
    assert client.post(url, {**data, "agency": hanoi.pk}).status_code == 200  # not a choice
    assert client.post(url, {**data, "agency": most.pk}).status_code == 302
    assert ActionPlan.objects.get().agency == most


def test_round_pages_keep_their_query_count(
    client, world, clerk, tracker, django_assert_max_num_queries
):
    client.force_login(clerk)
    for url in (
        reverse("rounds:round-list"),
        reverse("rounds:round-dashboard", args=[world["round"].pk]),
        reverse("rounds:scorecards"),
    ):
        client.get(url)  # warm caches (sessions, content types)
        with django_assert_max_num_queries(20):
            assert client.get(url).status_code == 200
    client.force_login(tracker)
    url = reverse("rounds:submission", args=[world["round"].pk, world["most"].pk])
    with django_assert_max_num_queries(30):
        assert client.get(url).status_code == 200


def _statements(client, url, data):
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url, data)
    assert response.status_code == 302
    # The test runs in a transaction of its own: the outermost ``atomic`` of the request is
    # a savepoint here where it is BEGIN/COMMIT in production.
    return [q["sql"].split(None, 1)[0].upper() for q in ctx.captured_queries]


def _work(statements):
    return [s for s in statements if s not in ("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT")]


def test_a_progress_update_posted_from_the_submission_page_keeps_its_query_count(
    client, world, reporter, most_tasks
):
    """The post reads the reporter's units (with whether anything was merged into them: no
    lineage query then) and the collective agencies once, only the round's agencies that can
    be this one, the task's program with the round, and opens one savepoint (``record_update``
    inside ``add_update``): 18 statements, where it made 30 (lineage read twice, groups read
    with their units and again for the task list, four savepoints), then 21."""
    client.force_login(reporter)
    task = most_tasks[1]
    url = reverse("rounds:submission", args=[world["round"].pk, world["most"].pk])
    fields = {f"t{task.pk}-reported_on": "2025-07-01"}
    _statements(client, url, {"action": "prepare", "task": task.pk, **fields,
                              f"t{task.pk}-text": "Lần đầu"})  # fmt: skip
    statements = _statements(client, url, {"action": "prepare", "task": task.pk, **fields,
                                           f"t{task.pk}-text": "Lần hai"})  # fmt: skip
    assert statements.count("SAVEPOINT") == 1 + 1  # + the outermost atomic, here
    # 18 with BEGIN, COMMIT and the savepoint with its release
    assert len(_work(statements)) == 18 - 4, statements
    update = world["draft"].updates.get(task=task, text="Lần hai")
    assert update.history.count() == 1  # audited
    assert world["draft"].events.filter(kind="update", task=task).count() == 2


def test_a_progress_update_posted_from_a_task_page_keeps_its_query_count(
    client, world, reporter, most_tasks
):
    """No savepoint without a form token (nothing to collide on); with one, a single savepoint
    so that a second post of the same form finds the first update. The round is open and owes
    the task: 9 more statements file the update in the agency's report (the agency's lineage,
    the open rounds, the round's agency resolved, the groups and whether the task is owed,
    the report under lock, the item and the event)."""
    client.force_login(reporter)
    task = most_tasks[1]
    url = reverse("task-detail", args=[task.pk])
    _statements(client, url, {"text": "Lần đầu", "reported_on": "01/07/2025"})
    statements = _statements(client, url, {"text": "Lần hai", "reported_on": "01/07/2025"})
    assert statements.count("SAVEPOINT") == 0 + 1  # the outermost atomic, here
    # 10 with BEGIN and COMMIT: the units read with whether anything was merged into them
    assert len(_work(statements)) == 10 - 2 + 9, statements
    token = {"text": "Lần ba", "reported_on": "01/07/2025", "form_token": "a" * 32}
    statements = _statements(client, url, token)
    assert statements.count("SAVEPOINT") == 1 + 1, statements
    assert len(_work(statements)) == 10 - 2 + 9 + 1, statements  # + the token's look-up
    assert _statements(client, url, token).count("INSERT") == 0  # the same form again
    update = task.updates.get(text="Lần ba")
    assert update.history.count() == 1


def test_the_agency_page_links_to_the_tasks_it_coordinates(client, clerk, hanoi, most_tasks):
    client.force_login(clerk)
    page = client.get(reverse("rounds:agency", args=[hanoi.pk]), {"program": "NQ57"})
    html = page.content.decode()
    link = f"{reverse('task-list')}?program=NQ57&amp;agency={hanoi.pk}"
    assert f'<a href="{link}"' in html and "và 1 nhiệm vụ phối hợp" in html
    listed = client.get(reverse("task-list"), {"program": "NQ57", "agency": hanoi.pk})
    assert most_tasks[0].content in listed.content.decode()


def test_the_task_page_names_lead_and_coordinating_agencies_alike(client, clerk, most_tasks):
    client.force_login(clerk)
    html = client.get(reverse("task-detail", args=[most_tasks[0].pk])).content.decode()
    assert ">Đảng ủy Bộ Khoa học và Công nghệ</a>" in html  # the lead, by its official name
    assert ">Thành ủy Hà Nội</a>" in html  # and the coordinating agency likewise

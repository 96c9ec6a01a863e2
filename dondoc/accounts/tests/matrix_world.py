"""A small world for the permission matrix: two agencies and one object of each kind.

Agency A (the Party committee of the Ministry of Science and Technology) owns every object
that appears in a URL; agency B (Hà Nội's Party committee) is "another agency". Each role of
the matrix is one user; "own" users belong to agency A, "other" users to agency B.

- tasks: ``task_a`` led by A (overdue: its deadline was Q1/2025), ``task_b`` led by B, and
  ``task_a_twin``, a possible duplicate of ``task_a`` waiting for review;
- ``update_a``: the A reporter's progress update on ``task_a``, with ``attachment_a``;
- ``draft_update_a``: the A reporter's draft update on ``task_a`` in round ``q2``;
- ``explanation_a``: the Working Group asks A to explain why ``task_a`` is late;
- rounds: ``q1`` (A submitted, now locked) and ``q2`` (A's draft, B submitted);
- ``plan_a``: A's action plan with its file; ``report``: a generated quarterly report;
- ``notification_a`` and ``token_a``: the A reporter's own notification and API token;
- ``portal_a``: a citizen's initiative routed to A, with ``portal_attachment_a`` (its tracking
  code ``portal_code_a``); ``portal_public``: a published recommendation.

Every user has a signed-in session and a read+write API token, ready for the test client.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

import time_machine
from django.conf import settings
from django.test import Client

from dondoc.accounts.models import ApiToken, Membership, Role, User
from dondoc.core.uploads import check_upload
from dondoc.followups import services as followups
from dondoc.indicators.models import Indicator
from dondoc.notifications.models import Notification
from dondoc.orgs.models import Member, OrgKind, OrgUnit
from dondoc.reports.periods import Period
from dondoc.reports.services import generate_quarterly
from dondoc.rounds import services as rounds
from dondoc.tasks import services as tasks
from dondoc.tasks.models import Directive, DirectiveKind, ImportJob, Program

VN = dt.timezone(dt.timedelta(hours=7))
#: The matrix runs on this day: Q2/2025 is being reported (due 05/07), Q1 is locked.
NOW = dt.datetime(2025, 7, 2, 9, 0, tzinfo=VN)

ANONYMOUS = "anonymous"
#: The columns of the matrix, and the role each signed-in column holds.
ROLE_OF: dict[str, str | None] = {
    ANONYMOUS: None,
    "standing_office": Role.STANDING_OFFICE,
    "tracker": Role.TRACKER,
    "member": Role.MEMBER,
    "reporter_own": Role.REPORTER,
    "reporter_other": Role.REPORTER,
    "agency_head_own": Role.AGENCY_HEAD,
    "agency_head_other": Role.AGENCY_HEAD,
    "observer": Role.OBSERVER,
}
ROLES = tuple(ROLE_OF)
#: Columns whose user belongs to agency A, the owner of the objects in the URLs.
OWN = frozenset({"reporter_own", "agency_head_own"})
#: Columns whose user belongs to agency B.
OTHER = frozenset({"reporter_other", "agency_head_other"})

PDF = b"%PDF-1.4 minimal evidence"


@dataclass
class World:
    users: dict[str, User]
    sessions: dict[str, str]  # column -> session key
    tokens: dict[str, str]  # column -> API key (read, write)
    ids: dict[str, int] = field(default_factory=dict)

    def __getattr__(self, name: str) -> int:
        try:
            return self.__dict__["ids"][name]
        except KeyError:
            raise AttributeError(name) from None


def pdf_upload(name: str = "minh-chung.pdf"):
    upload = io.BytesIO(PDF)
    checked, problems = check_upload(upload, name)
    assert not problems, problems
    return tasks.IncomingFile(upload, checked)


def _user(username: str, role: str, *units: OrgUnit, **extra) -> User:
    user = User.objects.create_user(
        username=username, password=None, role=role, full_name=username, **extra
    )
    for unit in units:
        Membership.objects.create(user=user, org_unit=unit)
    return user


def build_world() -> World:
    """Create the world (call inside a transaction that is rolled back afterwards)."""
    program = Program.objects.create(
        code="NQ57", name="Nghị quyết 57-NQ/TW", resolution="57", public=True
    )
    committee = OrgUnit.objects.create(
        code="bcd-tw", kind=OrgKind.COMMITTEE, name="Ban Chỉ đạo Trung ương", short_name="BCĐ"
    )
    agency_a = OrgUnit.objects.create(
        code="du-bo-khcn", kind=OrgKind.MINISTRY, name="Đảng ủy Bộ Khoa học và Công nghệ"
    )
    agency_b = OrgUnit.objects.create(code="ha-noi", kind=OrgKind.PROVINCE, name="Thành ủy Hà Nội")
    notice = Directive.objects.create(
        program=program,
        kind=DirectiveKind.NOTICE,
        number="01-TB/BCĐTW",
        date=dt.date(2025, 1, 22),
        issuer=committee,
        title="Thông báo kết luận phiên họp thứ nhất",
        session_number=1,
    )
    person = Member.objects.create(
        program=program, full_name="Nguyễn Mạnh Hùng", position="Bộ trưởng Bộ KH&CN"
    )

    users = {
        "standing_office": _user("clerk", Role.STANDING_OFFICE, is_staff=True),
        "tracker": _user("tracker", Role.TRACKER),
        "member": _user("member", Role.MEMBER, committee_member=person),
        "reporter_own": _user("reporter-a", Role.REPORTER, agency_a),
        "reporter_other": _user("reporter-b", Role.REPORTER, agency_b),
        "agency_head_own": _user("head-a", Role.AGENCY_HEAD, agency_a),
        "agency_head_other": _user("head-b", Role.AGENCY_HEAD, agency_b),
        "observer": _user("observer", Role.OBSERVER),
    }
    clerk, reporter_a = users["standing_office"], users["reporter_own"]

    def task(content: str, deadline: str, lead: OrgUnit, label: str):
        return tasks.create_task(
            program=program,
            content=content,
            assigned_on=notice.date,
            deadline=deadline,
            sources=[(notice, label, "")],
            leads=[lead],
            members=[person],
            by=clerk,
        )

    task_a = task(
        "Xây dựng Luật Khoa học, công nghệ và đổi mới sáng tạo", "Quý I/2025", agency_a, "(1)"
    )
    task_b = task(
        "Triển khai nền tảng số dùng chung của Thành phố", "Quý III/2025", agency_b, "(2)"
    )
    twin = task(  # a possible duplicate of task_a, waiting for review
        "Xây dựng dự thảo Luật Khoa học, công nghệ, đổi mới sáng tạo", "Quý I/2025", agency_a, "(3)"
    )
    pair, _ = tasks.queue_duplicate(twin, task_a, score=0.9, source=notice, by=clerk)
    update_a = tasks.post_update(
        task_a,
        by=reporter_a,
        text="Đã trình dự thảo Luật",
        reported_on=dt.date(2025, 6, 20),
        agency=agency_a,
        files=[pdf_upload()],
    )
    explanation = followups.request_explanation(
        task_a,
        by=users["tracker"],
        agency=agency_a,
        reply_due_on=dt.date(2025, 7, 10),
        message="Đề nghị giải trình lý do chậm",
    )

    def open_round(title: str, quarter: int, due: dt.date):
        period = Period(2025, quarter)
        return rounds.open_round(
            program=program,
            title=title,
            period_start=period.start,
            period_end=period.end,
            due_on=due,
            grace_days=2,
            lock_on=due + dt.timedelta(days=26),
            agencies=[agency_a, agency_b],
            by=clerk,
        )

    with time_machine.travel(dt.datetime(2025, 4, 3, 9, 0, tzinfo=VN), tick=False):
        q1 = open_round("Quý I/2025", 1, dt.date(2025, 4, 5))
        submitted_a = rounds.start_submission(q1, agency_a, by=reporter_a)
        rounds.submit(submitted_a, by=users["agency_head_own"], note="Báo cáo quý I")
        rounds.attach_signed_report(
            submitted_a,
            by=users["agency_head_own"],
            number="15/BC-BKHCN",
            signed_on=dt.date(2025, 4, 3),
            file=pdf_upload("bao-cao-ky.pdf"),
        )
    q2 = open_round("Quý II/2025", 2, dt.date(2025, 7, 5))
    draft_a = rounds.start_submission(q2, agency_a, by=reporter_a)
    # A draft of agency A, awaiting its head's approval.
    draft_update_a = rounds.add_update(draft_a, task_a, by=reporter_a, text="Đang hoàn thiện hồ sơ")
    rounds.submit(
        rounds.start_submission(q2, agency_b, by=users["reporter_other"]),
        by=users["agency_head_other"],
        note="Báo cáo quý II",
    )
    plan = rounds.record_action_plan(
        program=program,
        agency=agency_a,
        number="01-KH/ĐU",
        issued_on=dt.date(2025, 2, 1),
        file=pdf_upload("ke-hoach.pdf"),
        by=clerk,
    )
    report = generate_quarterly(
        program, period=Period(2025, 1), as_of=dt.date(2025, 4, 10), by=clerk
    )
    notification = Notification.objects.filter(user=reporter_a).order_by("pk").first()
    assert notification is not None, "the explanation request notifies agency A's users"
    token_a, _key = ApiToken.issue(reporter_a, "Hệ thống của Bộ")
    # The public portal: a citizen's initiative sent to agency A, and one already published.
    from dondoc.portal import services as portal

    upload = io.BytesIO(PDF)
    checked, _problems = check_upload(upload, "sang-kien.pdf")
    portal_a = portal.route(
        portal.submit(
            program=program,
            kind="initiative",
            title="Bản đồ số tài nguyên",
            description="Đề xuất bản đồ số",
            name="Trần Thị Bình",
            files=[portal.IncomingFile(upload, checked)],
        ),
        agency=agency_a,
        by=clerk,
    )
    portal_public = portal.submit(
        program=program,
        kind="recommendation",
        title="Ưu đãi thuế cho khởi nghiệp",
        description="Kiến nghị",
        name="Lê Văn Cường",
        consent_to_publish=True,
    )
    portal.answer(portal_public, text="Đã tiếp thu", by=clerk)
    portal.publish(portal_public, by=clerk)

    sessions, keys = {}, {}
    for column, user in users.items():
        client = Client()
        client.force_login(user)
        sessions[column] = client.cookies[settings.SESSION_COOKIE_NAME].value
        _token, keys[column] = ApiToken.issue(user, "matrix", scopes="read,write")

    indicator = Indicator.objects.create(
        program=program,
        code="7",
        name="Quy mô kinh tế số so với GDP",
        unit="%",
        levels=["national"],  # agency A enters the national figure
        responsible_agency=agency_a,
    )
    import_job = ImportJob.objects.create(
        program=program, user=clerk, token="matrix", filename="ke-hoach.csv", state="done"
    )

    from dondoc.reader.core.types import Header, Reading
    from dondoc.reader.drafts import create_draft

    reading = create_draft(
        program=program,
        reading=Reading(header=Header(number="02-TB/BCĐTW"), parts=[], tasks=[], text="Văn bản"),
        by=clerk,
    )

    world = World(users=users, sessions=sessions, tokens=keys)
    world.ids.update(
        program=program.pk,
        agency_a=agency_a.pk,
        agency_b=agency_b.pk,
        notice=notice.pk,
        person=person.pk,
        task_a=task_a.pk,
        task_b=task_b.pk,
        pair=pair.pk,
        update_a=update_a.pk,
        draft_update_a=draft_update_a.pk,
        attachment_a=update_a.attachments.get().pk,
        explanation_a=explanation.pk,
        q1=q1.pk,
        q2=q2.pk,
        plan_a=plan.pk,
        report=report.pk,
        notification_a=notification.pk,
        token_a=token_a.pk,
        indicator=indicator.pk,
        reading=reading.pk,
        portal_a=portal_a.pk,
        portal_attachment_a=portal_a.attachments.get().pk,
        portal_public=portal_public.pk,
        import_job=import_job.pk,
    )
    world.ids["portal_code_a"] = portal_a.display_code
    return world

"""A small quarter of tasks: two overdue on 10/04/2025, one completed, two due in Q2; a
reporting round and action plans of six agencies."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from dondoc.orgs.models import OrgKind, OrgUnit
from dondoc.rounds import services as rounds
from dondoc.tasks import services
from dondoc.tasks.models import Directive, DirectiveKind

AS_OF = dt.date(2025, 4, 10)
VN = dt.timezone(dt.timedelta(hours=7))

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def quarter(program, committee, notice, most, hanoi, member_person, clerk):
    notice.session_date = dt.date(2025, 1, 20)
    notice.save()
    second = Directive.objects.create(
        program=program,
        kind=DirectiveKind.NOTICE,
        number="03-TB/BCĐTW",
        date=dt.date(2025, 3, 6),
        issuer=committee,
        session_number=2,
        session_date=dt.date(2025, 3, 4),
    )
    group = program.groups.get(number=2)

    def task(content, deadline, directive, lead, **extra):
        return services.create_task(
            program=program,
            content=content,
            assigned_on=directive.date,
            deadline=deadline,
            sources=[(directive, "", content)],
            leads=[lead],
            members=[member_person],
            **extra,
        )

    tasks = {
        "late_policy": task(
            "Xây dựng chính sách hợp tác công tư về khoa học, công nghệ",
            "Quý I/2025",
            notice,
            most,
            group=group,
        ),
        "late_decree": task(
            "Ban hành Nghị định hướng dẫn Nghị quyết số 193/2025/QH15", "Tháng 3/2025", second, most
        ),
        "done": task("Ban hành Quy chế làm việc của Ban Chỉ đạo", "Quý I/2025", notice, hanoi),
        "q2_data": task(
            "Đưa Trung tâm dữ liệu quốc gia vào vận hành", "Quý II/2025", second, hanoi
        ),
        "q2_ai": task(
            "Rà soát Chiến lược quốc gia về trí tuệ nhân tạo", "Tháng 5/2025", second, most
        ),
        "year": task("Hoàn thành 61 tiện ích trên VNeID", "Năm 2025", second, hanoi),
        "regular": task(
            "Bảo đảm an toàn, an ninh thông tin, dữ liệu", "Thường xuyên", second, most
        ),
    }
    services.post_update(
        tasks["late_decree"],
        by=clerk,
        text="Các thành viên Chính phủ đã cho ý kiến; cơ quan soạn thảo đang tiếp thu.",
        reported_on=dt.date(2025, 4, 8),
        recorded_on=dt.date(2025, 4, 8),
    )
    services.post_update(
        tasks["done"],
        by=clerk,
        text="Đã ban hành Quy chế làm việc.",
        reported_on=dt.date(2025, 3, 28),
        recorded_on=dt.date(2025, 3, 28),
        status_change="completed",
        effective_on=dt.date(2025, 3, 28),
    )
    return tasks


def on_day(day: dt.date):
    """Travel to 09:00 in Hà Nội on ``day``."""
    return time_machine.travel(dt.datetime.combine(day, dt.time(9), tzinfo=VN), tick=False)


@pytest.fixture
def agencies(quarter, program, most, hanoi, clerk):
    """Four provinces and two ministries; the round "Quý I/2025" (due 05/04/2025) opened on
    20/03/2025 for all of them; reports sent at different times; action plans.

    By 05/04: Hà Nội and the ministry of science sent; nothing else yet.
    By 10/04: Bắc Ninh sent (late); Hưng Yên and the Ministry of Public Security have drafts;
    Hà Nam has nothing.
    Plans: Hà Nội 10/02, the ministry 20/02, Bắc Ninh 01/03, Hưng Yên 08/04.
    """
    units = {"ha-noi": hanoi, "bo-khcn": most}
    for code, name in (
        ("bac-ninh", "Tỉnh ủy Bắc Ninh"),
        ("hung-yen", "Tỉnh ủy Hưng Yên"),
        ("ha-nam", "Tỉnh ủy Hà Nam"),
    ):
        units[code] = OrgUnit.objects.create(code=code, kind=OrgKind.PROVINCE, name=name)
    units["bo-ca"] = OrgUnit.objects.create(
        code="bo-ca", kind=OrgKind.MINISTRY, name="Đảng ủy Công an Trung ương"
    )
    with on_day(dt.date(2025, 3, 20)):
        round_ = rounds.open_round(
            program=program,
            title="Quý I/2025",
            period_start=dt.date(2025, 1, 1),
            period_end=dt.date(2025, 3, 31),
            due_on=dt.date(2025, 4, 5),
            kinds=[OrgKind.PROVINCE, OrgKind.MINISTRY],
            by=clerk,
        )

    def draft(code: str, day: dt.date):
        with on_day(day):
            return rounds.start_submission(round_, units[code], by=clerk)

    def send(code: str, day: dt.date):
        submission = draft(code, day)
        with on_day(day):
            return rounds.submit(submission, by=clerk)

    send("ha-noi", dt.date(2025, 4, 3))
    send("bo-khcn", dt.date(2025, 4, 4))
    send("bac-ninh", dt.date(2025, 4, 9))
    draft("hung-yen", dt.date(2025, 4, 8))
    draft("bo-ca", dt.date(2025, 4, 7))

    for code, day in (
        ("ha-noi", dt.date(2025, 2, 10)),
        ("bo-khcn", dt.date(2025, 2, 20)),
        ("bac-ninh", dt.date(2025, 3, 1)),
        ("hung-yen", dt.date(2025, 4, 8)),
    ):
        with time_machine.travel(dt.datetime.combine(day, dt.time(9), tzinfo=VIETNAM)):
            rounds.record_action_plan(
                program=program,
                agency=units[code],
                number=f"01-KH/{code}",
                issued_on=day,
                by=clerk,
            )
    return {"round": round_, "units": units}

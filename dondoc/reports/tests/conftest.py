"""A small quarter of tasks: two overdue on 10/04/2025, one completed, two due in Q2."""

from __future__ import annotations

import datetime as dt

import pytest

from dondoc.tasks import services
from dondoc.tasks.models import Directive, DirectiveKind

AS_OF = dt.date(2025, 4, 10)


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

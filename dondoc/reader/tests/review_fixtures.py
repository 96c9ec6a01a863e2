"""A short conclusion notice and its reading, built with the reader's own dataclasses, for the
tests of the review screen (they do not depend on how well the reader reads)."""

from __future__ import annotations

import datetime as dt

from dondoc.reader.core.types import Field, Header, Proposal, Reading

NOTICE = """BAN CHỈ ĐẠO TRUNG ƯƠNG
Số 01-TB/BCĐTW
Hà Nội, ngày 22 tháng 01 năm 2025

THÔNG BÁO KẾT LUẬN
của Ban Chỉ đạo tại phiên họp thứ nhất

Ngay trong quý I cần phải thực hiện tốt các nhiệm vụ cụ thể sau đây:
(3) Đồng chí Nguyễn Mạnh Hùng chỉ đạo quản lý, khai thác, bảo vệ hiệu quả khoáng sản, đặc biệt là đất hiếm. Đảng ủy Bộ Khoa học và Công nghệ chủ trì, hoàn thành trong quý I/2025.
(5) Đồng chí Nguyễn Mạnh Hùng chỉ đạo:
5.1. Xây dựng Luật Khoa học, công nghệ và đổi mới sáng tạo. Đảng ủy Bộ Khoa học và Công nghệ chủ trì.
5.2. Ban hành danh mục công nghệ chiến lược. Bộ Quốc phòng Xanh chủ trì.
5.3. Đưa Trung tâm dữ liệu quốc gia vào vận hành. Thành ủy Hà Nội phối hợp.
"""  # noqa: E501


def _span(text: str, start_marker: str, end_marker: str | None = None) -> tuple[int, int]:
    start = NOTICE.index(start_marker)
    end = NOTICE.index(end_marker, start) + len(end_marker) if end_marker else len(text)
    return start, end


def _field(value: str, resolved_id: int | None = None) -> Field:
    at = NOTICE.find(value)
    return Field(value, (at, at + len(value)) if at >= 0 else None, 0.9, resolved_id)


def sample_reading(*, member_id: int | None = None, most_id: int | None = None) -> Reading:
    quarter = _field("quý I/2025")
    proposals = [
        Proposal(
            key="3",
            parent_key=None,
            content="Quản lý, khai thác, bảo vệ hiệu quả khoáng sản, đặc biệt là đất hiếm.",
            members=[_field("Nguyễn Mạnh Hùng", member_id)],
            leads=[_field("Đảng ủy Bộ Khoa học và Công nghệ", most_id)],
            deadline=quarter,
            due=dt.date(2025, 3, 31),
            confidence=0.9,
            span=_span(NOTICE, "(3)", "quý I/2025."),
        ),
        Proposal(
            key="5.1",
            parent_key="5",
            content="Xây dựng Luật Khoa học, công nghệ và đổi mới sáng tạo.",
            members=[_field("Nguyễn Mạnh Hùng", member_id)],
            leads=[_field("Đảng ủy Bộ Khoa học và Công nghệ", most_id)],
            deadline=Field("Quý I/2025", None, 0.7),
            due=dt.date(2025, 3, 31),
            confidence=0.85,
            span=_span(NOTICE, "5.1.", "chủ trì."),
        ),
        Proposal(
            key="5.2",
            parent_key="5",
            content="Ban hành danh mục công nghệ chiến lược.",
            members=[_field("Nguyễn Mạnh Hùng", member_id)],
            leads=[_field("Bộ Quốc phòng Xanh")],
            deadline=Field("Quý I/2025", None, 0.7),
            due=dt.date(2025, 3, 31),
            confidence=0.8,
            span=_span(NOTICE, "5.2.", "Xanh chủ trì."),
        ),
        Proposal(
            key="5.3",
            parent_key="5",
            content="Đưa Trung tâm dữ liệu quốc gia vào vận hành.",
            members=[_field("Nguyễn Mạnh Hùng", member_id)],
            coordinators=[_field("Thành ủy Hà Nội")],
            deadline=Field("Quý I/2025", None, 0.7),
            due=dt.date(2025, 3, 31),
            confidence=0.4,
            span=_span(NOTICE, "5.3.", "phối hợp."),
        ),
    ]
    header = Header(
        number="01-TB/BCĐTW",
        symbol="TB/BCĐTW",
        date=dt.date(2025, 1, 22),
        issuer_text="BAN CHỈ ĐẠO TRUNG ƯƠNG",
        kind="notice",
        title="Thông báo kết luận của Ban Chỉ đạo tại phiên họp thứ nhất",
    )
    return Reading(header=header, parts=[], tasks=proposals, text=NOTICE)

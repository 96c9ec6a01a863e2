"""A synthetic national dataset for load tests and benchmarks (program "SYNTH").

``generate`` builds, from a seeded random generator, what the system holds at national scale:
~30 ministries' and central bodies' Party committees, the 63 provinces that became 34 on
01/07/2025 (old units with ``valid_to`` 30/06/2025 and a successor), ~3,300 communes under the
34, ~25 committee members, ~200 directives over 2025–2026, and N tasks with Vietnamese content
built from phrase pools, deadlines as officials write them, lead and coordinating agencies,
supervising members and a timeline of progress updates, some completing or cancelling the task.

Everything lives apart from real data: its own program (code ``SYNTH``) and organisation units
whose codes start with ``synth-``. It is a data generator, not a user's write, so it inserts
rows directly instead of going through the services (no change history is recorded): with
``COPY`` on PostgreSQL, the tables' secondary indexes dropped during the load and built again
after. It fills the cached closure columns exactly as ``services.refresh_closure`` would, and
the status spans with ``spans.task_rows`` from the timeline it has just made (as
``spans.refresh`` would from the database; ``dondoc check-figures`` compares). The same seed
gives the same dataset.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from dondoc.core.text import fold
from dondoc.orgs.models import Member, OrgKind, OrgUnit
from dondoc.tasks import checkpoints, spans
from dondoc.tasks.deadlines import parse_deadline
from dondoc.tasks.models import (
    AgencyRole,
    Directive,
    DirectiveKind,
    DuplicateCandidate,
    Program,
    ProgressUpdate,
    SolutionGroup,
    SpanPart,
    StatusCheckpoint,
    StatusCount,
    Task,
    TaskAgency,
    TaskSource,
    TaskStatusSpan,
    UpdateState,
)
from dondoc.tasks.queries import due_soon_days
from dondoc.tasks.status import Closure

PROGRAM_CODE = "SYNTH"
CODE_PREFIX = "synth-"
MERGER_DAY = dt.date(2025, 7, 1)  # two-level local government: 63 provinces became 34
START = dt.date(2025, 1, 20)
DEFAULT_UNTIL = dt.date(2026, 10, 31)
BATCH = 2000
PROVINCES_FILE = Path(__file__).resolve().parent.parent / "orgs" / "data" / "provinces.json"

GROUPS = [
    "Nâng cao nhận thức, đột phá về đổi mới tư duy, quyết tâm chính trị mạnh mẽ",
    "Khẩn trương, quyết liệt hoàn thiện thể chế; xoá bỏ mọi tư tưởng, quan niệm, rào cản",
    "Tăng cường đầu tư, hoàn thiện hạ tầng cho khoa học, công nghệ, đổi mới sáng tạo",
    "Phát triển, trọng dụng nhân lực chất lượng cao, nhân tài",
    "Đẩy mạnh chuyển đổi số, ứng dụng khoa học, công nghệ trong hoạt động của cơ quan",
    "Tăng cường thúc đẩy hoạt động khoa học, công nghệ, đổi mới sáng tạo trong doanh nghiệp",
    "Tăng cường hợp tác quốc tế về khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số",
]

MINISTRIES = [
    ("ministry", "Đảng ủy Bộ Khoa học và Công nghệ", "Bộ KH&CN"),
    ("ministry", "Đảng ủy Bộ Tài chính", "Bộ Tài chính"),
    ("ministry", "Đảng ủy Bộ Công Thương", "Bộ Công Thương"),
    ("ministry", "Đảng ủy Bộ Nông nghiệp và Môi trường", "Bộ NN&MT"),
    ("ministry", "Đảng ủy Bộ Xây dựng", "Bộ Xây dựng"),
    ("ministry", "Đảng ủy Bộ Giáo dục và Đào tạo", "Bộ GD&ĐT"),
    ("ministry", "Đảng ủy Bộ Y tế", "Bộ Y tế"),
    ("ministry", "Đảng ủy Bộ Nội vụ", "Bộ Nội vụ"),
    ("ministry", "Đảng ủy Bộ Tư pháp", "Bộ Tư pháp"),
    ("ministry", "Đảng ủy Bộ Ngoại giao", "Bộ Ngoại giao"),
    ("ministry", "Đảng ủy Bộ Văn hóa, Thể thao và Du lịch", "Bộ VHTTDL"),
    ("ministry", "Đảng ủy Bộ Dân tộc và Tôn giáo", "Bộ DT&TG"),
    ("ministry", "Đảng ủy Công an Trung ương", "Bộ Công an"),
    ("ministry", "Quân ủy Trung ương", "Bộ Quốc phòng"),
    ("ministry", "Đảng ủy Ngân hàng Nhà nước Việt Nam", "NHNN"),
    ("ministry", "Đảng ủy Thanh tra Chính phủ", "Thanh tra CP"),
    ("ministry", "Đảng ủy Văn phòng Chính phủ", "VPCP"),
    ("ministry", "Đảng ủy Viện Hàn lâm Khoa học và Công nghệ Việt Nam", "Viện Hàn lâm KH&CN"),
    ("ministry", "Đảng ủy Viện Hàn lâm Khoa học xã hội Việt Nam", "Viện Hàn lâm KHXH"),
    ("ministry", "Đảng ủy Đại học Quốc gia Hà Nội", "ĐHQG Hà Nội"),
    ("ministry", "Đảng ủy Đại học Quốc gia Thành phố Hồ Chí Minh", "ĐHQG TP.HCM"),
    ("central", "Đảng ủy Chính phủ", "ĐU Chính phủ"),
    ("central", "Đảng ủy Quốc hội", "ĐU Quốc hội"),
    ("central", "Đảng ủy Mặt trận Tổ quốc, các đoàn thể Trung ương", "ĐU MTTQ"),
    ("central", "Đảng ủy các cơ quan Đảng Trung ương", "ĐU các CQ Đảng TW"),
    ("central", "Ban Tổ chức Trung ương", "Ban Tổ chức TW"),
    ("central", "Ban Tuyên giáo và Dân vận Trung ương", "Ban TG&DV TW"),
    ("central", "Ban Chính sách, chiến lược Trung ương", "Ban CS,CL TW"),
    ("central", "Ban Nội chính Trung ương", "Ban Nội chính TW"),
    ("central", "Ủy ban Kiểm tra Trung ương", "UBKT TW"),
]

#: The units ``--units`` counts besides the communes: the 34 provinces and the ministries.
UNITS_BESIDES_COMMUNES = 34 + len(MINISTRIES)


def _words(text: str) -> list[str]:
    return text.split()


CITIES = {"Hà Nội", "Huế", "Hải Phòng", "Đà Nẵng", "TP Hồ Chí Minh", "Cần Thơ"}
UNCHANGED = [
    "Hà Nội", "Huế", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn",
    "Quảng Ninh", "Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Cao Bằng",
]  # fmt: skip
#: New province (from 01/07/2025) -> the old provinces merged into it.
MERGED = {
    "Tuyên Quang": ["Tuyên Quang", "Hà Giang"],
    "Lào Cai": ["Lào Cai", "Yên Bái"],
    "Thái Nguyên": ["Thái Nguyên", "Bắc Kạn"],
    "Phú Thọ": ["Phú Thọ", "Vĩnh Phúc", "Hòa Bình"],
    "Bắc Ninh": ["Bắc Ninh", "Bắc Giang"],
    "Hưng Yên": ["Hưng Yên", "Thái Bình"],
    "Hải Phòng": ["Hải Phòng", "Hải Dương"],
    "Ninh Bình": ["Ninh Bình", "Hà Nam", "Nam Định"],
    "Quảng Trị": ["Quảng Trị", "Quảng Bình"],
    "Đà Nẵng": ["Đà Nẵng", "Quảng Nam"],
    "Quảng Ngãi": ["Quảng Ngãi", "Kon Tum"],
    "Gia Lai": ["Gia Lai", "Bình Định"],
    "Khánh Hòa": ["Khánh Hòa", "Ninh Thuận"],
    "Lâm Đồng": ["Lâm Đồng", "Đắk Nông", "Bình Thuận"],
    "Đắk Lắk": ["Đắk Lắk", "Phú Yên"],
    "TP Hồ Chí Minh": ["TP Hồ Chí Minh", "Bình Dương", "Bà Rịa - Vũng Tàu"],
    "Đồng Nai": ["Đồng Nai", "Bình Phước"],
    "Tây Ninh": ["Tây Ninh", "Long An"],
    "Cần Thơ": ["Cần Thơ", "Sóc Trăng", "Hậu Giang"],
    "Vĩnh Long": ["Vĩnh Long", "Bến Tre", "Trà Vinh"],
    "Đồng Tháp": ["Đồng Tháp", "Tiền Giang"],
    "Cà Mau": ["Cà Mau", "Bạc Liêu"],
    "An Giang": ["An Giang", "Kiên Giang"],
}
COMMUNE_SYLLABLES = _words(
    "An Bình Châu Đông Đức Hải Hòa Hưng Khánh Lạc Lâm Long Minh Mỹ Nam Ninh Phong Phú "
    "Phúc Phước Quang Sơn Tân Thạnh Thành Thắng Thịnh Thuận Tiến Trung Trường Vĩnh "
    "Xuân Yên"
)

FAMILY = _words("Nguyễn Trần Lê Phạm Hoàng Vũ Đặng Bùi Đỗ Hồ Ngô Dương Lý Phan Trịnh")
MIDDLE = _words("Văn Thị Minh Đức Hữu Thanh Quốc Mạnh Xuân Hoàng Tiến Công")
GIVEN = _words("Hùng Dũng Thắng Quang Hải Lan Hương Tuấn Sơn Long Nam Phong Bình Hà Chính Khải")

VERBS = [
    "Xây dựng", "Hoàn thiện", "Triển khai", "Ban hành", "Nghiên cứu, đề xuất", "Tổ chức thực hiện",
    "Đẩy mạnh", "Rà soát, sửa đổi", "Phát triển", "Thí điểm", "Đầu tư", "Số hóa",
    "Kết nối, chia sẻ", "Đánh giá", "Xây dựng đề án về",
]  # fmt: skip
OBJECTS = [
    "cơ sở dữ liệu quốc gia về đất đai", "cơ sở dữ liệu quốc gia về doanh nghiệp",
    "hạ tầng mạng di động 5G", "trung tâm dữ liệu quốc gia", "nền tảng dữ liệu dùng chung",
    "chiến lược phát triển trí tuệ nhân tạo", "danh mục công nghệ chiến lược",
    "công nghiệp khai thác, chế biến đất hiếm", "chuỗi cung ứng đất hiếm",
    "dịch vụ công trực tuyến toàn trình", "chứng thư chữ ký số cho người dân",
    "ứng dụng định danh điện tử VNeID", "hồ sơ sức khỏe điện tử", "học bạ số",
    "hệ sinh thái khởi nghiệp đổi mới sáng tạo", "quỹ đầu tư mạo hiểm", "khu công nghệ cao",
    "nhân lực chất lượng cao về công nghiệp bán dẫn", "chương trình thu hút chuyên gia",
    "dữ liệu mở của cơ quan nhà nước", "hệ thống bảo đảm an toàn, an ninh mạng",
    "chuyển đổi số doanh nghiệp nhỏ và vừa", "bản đồ số và dữ liệu viễn thám",
    "kinh tế số và thương mại điện tử", "tuyến cáp quang biển quốc tế",
    "cơ chế thử nghiệm có kiểm soát (sandbox)", "cơ sở dữ liệu về dân cư",
    "hệ thống thông tin báo cáo chính phủ", "cơ chế tài chính cho nghiên cứu khoa học",
    "chính sách khuyến khích doanh nghiệp đầu tư cho khoa học, công nghệ",
    "mạng lưới phòng thí nghiệm trọng điểm", "kho dữ liệu về khoa học, công nghệ",
]  # fmt: skip
QUALIFIERS = [
    "giai đoạn 2025–2030", "theo Nghị quyết 57-NQ/TW", "bảo đảm kết nối, liên thông",
    "phục vụ chỉ đạo, điều hành", "cho các bộ, ngành và địa phương", "trong năm 2025",
    "theo hướng đồng bộ, hiện đại", "bảo đảm \"đúng, đủ, sạch, sống\"", "",
]  # fmt: skip
PROGRESS = [
    "Đã tổ chức hội nghị quán triệt, triển khai thực hiện.",
    "Đang xây dựng dự thảo, lấy ý kiến các cơ quan liên quan.",
    "Đã hoàn thành {p}% khối lượng công việc.",
    "Đã trình cấp có thẩm quyền xem xét, cho ý kiến.",
    "Gặp vướng mắc về kinh phí; kiến nghị bổ sung dự toán.",
    "Đã ký kết quy chế phối hợp với các cơ quan liên quan.",
    "Đang khảo sát, đánh giá hiện trạng dữ liệu.",
    "Đã hoàn thành số hóa {p}% hồ sơ, dữ liệu.",
    "Đang lựa chọn nhà thầu, triển khai thực hiện dự án.",
    "Chậm tiến độ do thay đổi tổ chức bộ máy; đã có giải pháp khắc phục.",
]
DONE = [
    "Đã hoàn thành, ban hành văn bản số {n}/QĐ.",
    "Đã hoàn thành; hệ thống chính thức vận hành.",
    "Hoàn thành, đã báo cáo Ban Chỉ đạo.",
]
CANCEL = ["Dừng thực hiện theo kết luận của Ban Chỉ đạo; nội dung chuyển sang nhiệm vụ khác."]
REOPEN = ["Mở lại theo yêu cầu của Tổ giúp việc: kết quả chưa đạt yêu cầu."]
UNRECOGNISED = ["Sau khi có ý kiến của Bộ Chính trị", "Theo tiến độ dự án", "Khi có hướng dẫn"]
ROMAN = ["I", "II", "III", "IV"]
LOCAL_KINDS = (OrgKind.PROVINCE, OrgKind.COMMUNE)


@dataclass
class Summary:
    org_units: int = 0
    members: int = 0
    directives: int = 0
    tasks: int = 0
    updates: int = 0
    indicators: int = 0
    values: int = 0
    seconds: float = 0.0
    counts: dict = field(default_factory=dict)


class SynthExists(Exception):
    """The SYNTH program already exists (use ``replace=True``)."""


def _unit(code: str, kind: str, name: str, short: str = "", **extra) -> OrgUnit:
    return OrgUnit(
        code=f"{CODE_PREFIX}{code}",
        kind=kind,
        name=name,
        short_name=short,
        name_folded=fold(name),
        **extra,
    )


def _slug(text: str) -> str:
    return "-".join(fold(text).replace("&", " ").replace(",", " ").replace(".", " ").split())


Named = tuple[str, str]  # (official name, short name)


def province_table() -> tuple[list[Named], list[tuple[Named, list[Named]]]]:
    """The provinces that stayed as they were, and each new province with those merged into it.

    Read from the organisation data of the real loader (``dondoc/orgs/data/provinces.json``)
    when it is there, else from the table in this module.
    """
    if PROVINCES_FILE.exists():
        data = json.loads(PROVINCES_FILE.read_text(encoding="utf-8"))
        unchanged = [(u["name"], u["short_name"]) for u in data["unchanged"]]
        merged = [
            (
                (m["name"], m["short_name"]),
                [(p["name"], p["short_name"]) for p in m["predecessors"]],
            )
            for m in data["merged"]
        ]
        return unchanged, merged
    unchanged = [(_party_name(n), n) for n in UNCHANGED]
    merged = [
        ((_party_name(n), n), [(_party_name(p), p) for p in parts]) for n, parts in MERGED.items()
    ]
    return unchanged, merged


def _party_name(province: str) -> str:
    if province == "TP Hồ Chí Minh":
        return "Thành ủy Thành phố Hồ Chí Minh"
    return f"{'Thành ủy' if province in CITIES else 'Tỉnh ủy'} {province}"


def _rand_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _deadline_phrase(rng: random.Random, assigned: dt.date) -> str:
    roll = rng.random()
    if roll < 0.12:
        return "Thường xuyên"
    if roll < 0.16:
        return rng.choice(["Hằng quý", "Định kỳ hằng năm", "Hằng tháng"])
    if roll < 0.22:
        return ""
    if roll < 0.23:
        return rng.choice(UNRECOGNISED)
    target = assigned + dt.timedelta(days=rng.randint(20, 420))
    form = rng.random()
    if form < 0.45:
        return f"Quý {ROMAN[(target.month - 1) // 3]}/{target.year}"
    if form < 0.7:
        return f"Tháng {target.month}/{target.year}"
    if form < 0.8:
        return f"Trước ngày {target.day}/{target.month}/{target.year}"
    if form < 0.9:
        return f"6 tháng {'đầu' if target.month <= 6 else 'cuối'} năm {target.year}"
    return f"Năm {target.year}"


def delete_synth(log: Callable[[str], None] = lambda _m: None) -> None:
    """Remove the SYNTH program and its organisation units (raw deletes: no history rows)."""
    program = Program.objects.filter(code=PROGRAM_CODE).first()
    qn = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cur:
        if program is not None:
            from dondoc.indicators import synth as indicator_synth

            indicator_synth.delete(program.pk)
            task_t = qn(Task._meta.db_table)
            in_tasks = f"IN (SELECT id FROM {task_t} WHERE program_id = %s)"
            for model, column in (
                (ProgressUpdate, "task_id"),
                (TaskStatusSpan, "task_id"),
                (TaskAgency, "task_id"),
                (TaskSource, "task_id"),
                (Task.members.through, "task_id"),
                (DuplicateCandidate, "task_id"),
                (DuplicateCandidate, "candidate_id"),
            ):
                cur.execute(
                    f"DELETE FROM {qn(model._meta.db_table)} WHERE {qn(column)} {in_tasks}",
                    [program.pk],
                )
            cur.execute(
                f"UPDATE {task_t} SET parent_id = NULL, merged_into_id = NULL "
                "WHERE program_id = %s",
                [program.pk],
            )
            for model in (StatusCount, StatusCheckpoint, Task, Directive, Member, SolutionGroup):
                cur.execute(
                    f"DELETE FROM {qn(model._meta.db_table)} WHERE program_id = %s", [program.pk]
                )
            cur.execute(f"DELETE FROM {qn(Program._meta.db_table)} WHERE id = %s", [program.pk])
        units = qn(OrgUnit._meta.db_table)
        like = [f"{CODE_PREFIX}%"]
        cur.execute(
            f"UPDATE {units} SET parent_id = NULL, successor_id = NULL WHERE code LIKE %s", like
        )
        cur.execute(f"DELETE FROM {units} WHERE code LIKE %s", like)
    log("Removed the previous SYNTH dataset.")


def _org_units(rng: random.Random, communes: int) -> dict[str, list[OrgUnit]]:
    committee = _unit("bcd", OrgKind.COMMITTEE, "Ban Chỉ đạo (dữ liệu tổng hợp)", "BCĐ SYNTH")
    office = _unit("cqtt", OrgKind.COMMITTEE, "Cơ quan thường trực (dữ liệu tổng hợp)", "CQTT")
    ministries = [_unit(_slug(short), kind, name, short) for kind, name, short in MINISTRIES]
    OrgUnit.objects.bulk_create([committee, office, *ministries])

    unchanged, merged = province_table()
    new: dict[str, OrgUnit] = {}
    for (name, short), since in [
        *((u, None) for u in unchanged),
        *((m, MERGER_DAY) for m, _parts in merged),
    ]:
        new[short] = _unit(f"p-{_slug(short)}", OrgKind.PROVINCE, name, short, valid_from=since)
    OrgUnit.objects.bulk_create(list(new.values()))
    old = [
        _unit(f"p63-{_slug(short)}", OrgKind.PROVINCE, name, short,
              valid_to=MERGER_DAY - dt.timedelta(days=1), successor=new[successor[1]])
        for successor, parts in merged
        for name, short in parts
    ]  # fmt: skip
    OrgUnit.objects.bulk_create(old)

    provinces = list(new.values())
    commune_units = []
    for i in range(communes):
        parent = provinces[i % len(provinces)]
        kind = "Phường" if rng.random() < 0.25 else "Xã"
        name = f"{kind} {rng.choice(COMMUNE_SYLLABLES)} {rng.choice(COMMUNE_SYLLABLES)}"
        commune_units.append(
            _unit(
                f"c-{i + 1:05d}",
                OrgKind.COMMUNE,
                f"Đảng ủy {name}",
                f"{name} ({parent.short_name})",
                parent=parent,
                valid_from=MERGER_DAY,
            )
        )
    OrgUnit.objects.bulk_create(commune_units, batch_size=BATCH)
    before = [new[short] for _name, short in unchanged] + old
    return {
        "committee": [committee, office],
        "ministries": ministries,
        "provinces_before": before,
        "provinces_after": provinces,
        "communes": commune_units,
    }


def _members(rng: random.Random, program: Program, ministries: list[OrgUnit]) -> list[Member]:
    names: list[str] = []
    while len(names) < 25:
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        if name not in names:
            names.append(name)
    members = []
    for i, name in enumerate(names):
        role = "Trưởng Ban" if i == 0 else ("Phó Trưởng Ban" if i < 4 else "Ủy viên")
        unit = ministries[i % len(ministries)]
        members.append(
            Member(
                program=program,
                full_name=name,
                name_folded=fold(name),
                committee_role=role,
                position=f"Lãnh đạo {unit.short_name}",
                org_unit=unit,
                sort_order=i + 1,
            )
        )
    return Member.objects.bulk_create(members)


def _directives(
    rng: random.Random, program: Program, issuer: OrgUnit, until: dt.date, count: int
) -> list[Directive]:
    dates = sorted(_rand_date(rng, START, until) for _ in range(count))
    kinds = [(DirectiveKind.NOTICE, "TB"), (DirectiveKind.PLAN, "KH"), (DirectiveKind.LETTER, "CV")]
    sequence: dict[tuple[str, int], int] = {}
    directives = []
    for day in dates:
        kind, symbol = kinds[min(int(rng.random() * 5), 2)]  # 20 % notices, 20 % plans
        number = sequence[(symbol, day.year)] = sequence.get((symbol, day.year), 0) + 1
        session = number if kind == DirectiveKind.NOTICE else None
        directives.append(
            Directive(
                program=program,
                kind=kind,
                number=f"{number:02d}-{symbol}/BCĐSYNTH",
                date=day,
                issuer=issuer,
                session_number=session,
                title=f"Văn bản {symbol} số {number} năm {day.year} (dữ liệu tổng hợp)",
            )
        )
    return Directive.objects.bulk_create(directives)


def _closure(events: list[tuple[str, dt.date, dt.date]]) -> dict:
    """The cached closure columns from (kind, effective_on, recorded_on) events in timeline
    order, exactly as ``services.refresh_closure`` computes them."""
    if not events:
        return dict(
            closure_kind="", closure_on=None, status_events_from=None, status_events_to=None
        )
    kind, effective, _recorded = events[-1]
    reopened = kind == "reopened"
    return dict(
        closure_kind="" if reopened else kind,
        closure_on=None if reopened else effective,
        status_events_from=events[0][2],
        status_events_to=events[-1][2],
    )


def _timeline(
    rng: random.Random, assigned: dt.date, due: dt.date | None, until: dt.date, n: int
) -> list[tuple[dt.date, dt.date, str, str, dt.date | None]]:
    """``n`` updates (reported_on, recorded_on, text, status_change, effective_on) in the order
    they were recorded; the last ones may complete, cancel, or reopen and complete."""
    recorded = sorted(_rand_date(rng, assigned, until) for _ in range(n))
    entries = []
    for day in recorded:
        reported = day - dt.timedelta(days=rng.randint(0, 7))
        text = rng.choice(PROGRESS).format(p=rng.randint(10, 95))
        entries.append([max(reported, assigned), day, text, "", None])
    if not entries:
        return []
    roll = rng.random()
    long_enough = (until - assigned).days > 60
    if roll < 0.45 and long_enough:
        _finish(rng, entries[-1], "completed", assigned, due)
    elif roll < 0.48 and long_enough:
        _finish(rng, entries[-1], "cancelled", assigned, due)
    elif roll < 0.52 and long_enough and n >= 3:
        _finish(rng, entries[-3], "completed", assigned, due)
        entries[-2][2], entries[-2][3] = rng.choice(REOPEN), "reopened"
        entries[-2][4] = entries[-2][1]
        _finish(rng, entries[-1], "completed", assigned, due)
    return [tuple(e) for e in entries]  # type: ignore[misc]


def _finish(
    rng: random.Random, entry: list, kind: str, assigned: dt.date, due: dt.date | None
) -> None:
    """Make a timeline entry complete or cancel the task, effective a little before it was
    recorded (half of the completions on or before the due date)."""
    texts = DONE if kind == "completed" else CANCEL
    entry[2] = rng.choice(texts).format(n=rng.randint(100, 999))
    entry[3] = kind
    effective = entry[1] - dt.timedelta(days=rng.randint(0, 20))
    if kind == "completed" and due is not None and rng.random() < 0.5:
        effective = min(effective, due)
    entry[4] = max(effective, assigned)


def generate(
    tasks: int = 50_000,
    *,
    seed: int = 1,
    updates_per_task: int = 10,
    until: dt.date = DEFAULT_UNTIL,
    communes: int = 3_300,
    directives: int = 200,
    indicators: int = 0,
    periods: int = 60,
    replace: bool = False,
    log: Callable[[str], None] = lambda _m: None,
) -> Summary:
    """Create the SYNTH dataset; raise ``SynthExists`` if present and ``replace`` is False.

    ``indicators`` > 0 adds that many indicators with ``periods`` monthly values for each of
    their units (``dondoc.indicators.synth``)."""
    started = time.monotonic()
    if Program.objects.filter(code=PROGRAM_CODE).exists():
        if not replace:
            raise SynthExists(f"Program {PROGRAM_CODE} already exists; use --replace.")
        delete_synth(log)
    rng = random.Random(seed)
    summary = Summary()
    with transaction.atomic():
        program = Program.objects.create(
            code=PROGRAM_CODE,
            name="Chương trình tổng hợp (dữ liệu thử nghiệm quy mô quốc gia)",
            resolution="SYNTH",
            adopted_on=START,
        )
        groups = SolutionGroup.objects.bulk_create(
            [SolutionGroup(program=program, number=i, title=t) for i, t in enumerate(GROUPS, 1)]
        )
        units = _org_units(rng, communes)
        program.standing_office = units["committee"][1]
        program.save(update_fields=["standing_office"])
        members = _members(rng, program, units["ministries"])
        docs = _directives(rng, program, units["committee"][0], until, directives)
        summary.org_units = sum(len(v) for v in units.values())
        summary.members, summary.directives = len(members), len(docs)
        log(f"{summary.org_units} org units, {len(members)} members, {len(docs)} directives.")
        deadlines: dict[str, object] = {}
        folded: dict[str, str] = {}
        soon_days = due_soon_days()
        models = (Task, TaskSource, TaskAgency, Task.members.through, ProgressUpdate)
        writer = _Writer((*models, TaskStatusSpan))
        status_spans = 0
        for first in range(0, tasks, BATCH):
            count = min(BATCH, tasks - first)
            updates, written = _task_batch(
                writer,
                rng,
                program,
                groups,
                units,
                members,
                docs,
                deadlines,
                folded,
                soon_days,
                count,
                updates_per_task,
                until,
            )
            summary.updates += updates
            status_spans += written
            summary.tasks += count
            if summary.tasks % 50_000 < BATCH or summary.tasks == tasks:
                log(
                    f"{summary.tasks} tasks, {summary.updates} updates, "
                    f"{status_spans} status spans… ({time.monotonic() - started:.0f} s)"
                )
        writer.finish(log)
        summary.counts["status_spans"] = status_spans
        log(f"Indexes built ({time.monotonic() - started:.0f} s).")
        # The dashboard's counts at checkpoints up to today, counted from the spans in SQL.
        added = checkpoints.extend([program.pk], until=max(until, timezone.localdate()))
        log(f"{added} checkpoints counted ({time.monotonic() - started:.0f} s).")
    if indicators > 0:
        from dondoc.indicators import synth as indicator_synth

        summary.values = indicator_synth.generate(
            program, groups, units, indicators=indicators, periods=periods, seed=seed, log=log
        )
        summary.indicators = indicators
    if connection.vendor == "postgresql" or connection.vendor == "sqlite":
        analysed = time.monotonic()
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
        log(f"Statistics of every table: {time.monotonic() - analysed:.1f} s.")
    summary.seconds = time.monotonic() - started
    return summary


class _Writer:
    """Rows (tuples in the order of ``columns``) into tables: ``COPY`` on PostgreSQL (the
    tables' secondary indexes and foreign keys dropped first and made again by ``finish``:
    one pass each instead of millions of index insertions), ``executemany`` elsewhere."""

    def __init__(self, models: Sequence[type]) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.tables = [m._meta.db_table for m in models]
        self.indexes: list[str] = []
        self.foreign_keys: list[tuple[str, str, str]] = []
        self.now = timezone.now()
        if not self.postgres:
            self.now = connection.ops.adapt_datetimefield_value(self.now)
            return
        with connection.cursor() as cur:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # check what is pending: tables unlock
            for table in self.tables:
                cur.execute(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
                    "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
                    [table],
                )
                for name, definition in cur.fetchall():
                    self.indexes.append(definition)
                    cur.execute(f'DROP INDEX "{name}"')
                cur.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype = 'f'",
                    [table],
                )
                for name, definition in cur.fetchall():
                    self.foreign_keys.append((table, name, definition))
                    cur.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')

    def ids(self, model: type, count: int) -> list[int]:
        """``count`` new primary keys of ``model``'s table."""
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cur:
            if self.postgres:
                cur.execute(
                    f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "
                    "FROM generate_series(1, %s)",
                    [count],
                )
                return [pk for (pk,) in cur.fetchall()]
            cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
            (last,) = cur.fetchone()
            return list(range(last + 1, last + 1 + count))

    def write(self, model: type, columns: Sequence[str], rows: list[tuple]) -> None:
        if not rows:
            return
        qn = connection.ops.quote_name
        table = qn(model._meta.db_table)
        names = ", ".join(qn(c) for c in columns)
        with connection.cursor() as cur:
            if self.postgres:
                with cur.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cur.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)

    def finish(self, log: Callable[[str], None]) -> None:
        """Build the indexes and foreign keys dropped at the start again."""
        if not self.postgres:
            return
        log(f"Building {len(self.indexes)} indexes and {len(self.foreign_keys)} foreign keys…")
        with connection.cursor() as cur:
            for definition in self.indexes:
                cur.execute(definition)
            for table, name, definition in self.foreign_keys:
                cur.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
            cur.execute("SET CONSTRAINTS ALL DEFERRED")


TASK_COLUMNS = (
    "id", "program_id", "group_id", "content", "content_folded", "assigned_on",
    "deadline_text", "deadline_kind", "due_on", "deadline_period", "closure_kind", "closure_on",
    "status_events_from", "status_events_to", "expected_output", "expected_output_folded",
    "output_kind", "created_at", "updated_at",
)  # fmt: skip
UPDATE_COLUMNS = (
    "task_id", "reported_on", "recorded_on", "agency_id", "text", "status_change",
    "effective_on", "state", "version", "created_at",
)  # fmt: skip
SPAN_COLUMNS = (
    "task_id", "program_id", "part", "key", "shared", "valid_from", "valid_to", "status",
    "status_original", "due_on", "task_assigned_on", "task_lead_name",
)  # fmt: skip


def _task_batch(
    writer, rng, program, groups, units, members, docs, deadlines, folded, soon_days,
    count, per_task, until,
):  # fmt: skip
    rows = []
    for _ in range(count):
        directive = rng.choice(docs)
        assigned = directive.date
        phrase = _deadline_phrase(rng, assigned)
        if phrase not in deadlines:
            deadlines[phrase] = parse_deadline(phrase)
        deadline = deadlines[phrase]
        after = assigned >= MERGER_DAY
        provinces = units["provinces_after" if after else "provinces_before"]
        roll = rng.random()
        if roll < 0.5:
            leads = [rng.choice(units["ministries"])]
        elif roll < 0.9 or not after:
            leads = [rng.choice(provinces)]
        else:
            leads = [rng.choice(units["communes"])]
        second = rng.choice(units["ministries"]) if rng.random() < 0.1 else None
        if second is not None and second not in leads:
            leads.append(second)
        pool = units["ministries"] + provinces
        coordinators = [u for u in rng.sample(pool, rng.choice([0, 0, 1, 2, 3])) if u not in leads]
        content = " ".join(
            part
            for part in (
                rng.choice(VERBS),
                rng.choice(OBJECTS),
                rng.choice(QUALIFIERS),
                f"tại {leads[0].short_name}" if leads[0].kind in LOCAL_KINDS else "",
            )
            if part
        )
        extra = rng.choice(docs) if rng.random() < 0.1 else None
        timeline = _timeline(rng, assigned, deadline.due, until, per_task)
        group = rng.choice(groups)
        chosen = rng.sample(members, 2 if rng.random() < 0.15 else 1)
        rows.append(
            (content, assigned, deadline, group, directive, extra, leads, coordinators, chosen,
             timeline)
        )  # fmt: skip
    ids = writer.ids(Task, len(rows))
    tasks, sources, agencies, task_members, updates, span_rows = [], [], [], [], [], []
    now, published = writer.now, UpdateState.PUBLISHED.value
    lead, coordinating = AgencyRole.LEAD.value, AgencyRole.COORDINATING.value
    member_part = SpanPart.MEMBER.value
    for pk, row in zip(ids, rows, strict=True):
        content, assigned, deadline, group, directive, extra, leads, coordinators = row[:8]
        chosen, timeline = row[8:]
        events = [(kind, eff, rec) for _rep, rec, _t, kind, eff in timeline if kind]
        closure = _closure(events)
        if content not in folded:
            folded[content] = fold(content)
        tasks.append(
            (pk, program.pk, group.pk, content, folded[content], assigned, deadline.phrase,
             deadline.kind.value, deadline.due, deadline.period or "", closure["closure_kind"],
             closure["closure_on"], closure["status_events_from"], closure["status_events_to"],
             "", "", "", now, now)
        )  # fmt: skip
        sources.append((pk, directive.pk, f"({pk % 40 + 1})", ""))
        if extra is not None and extra.pk != directive.pk:
            sources.append((pk, extra.pk, "nhắc lại", ""))
        agencies += [(pk, u.pk, lead) for u in leads]
        agencies += [(pk, u.pk, coordinating) for u in coordinators]
        task_members += [(pk, m.pk) for m in chosen]
        agency = leads[0].pk
        updates += [
            (pk, reported, recorded, agency, text, kind, effective, published, 1, now)
            for reported, recorded, text, kind, effective in timeline
        ]
        # The status spans the dashboard counts, as ``spans.refresh`` computes them.
        keys = [(SpanPart.LEAD.value, u.pk) for u in sorted(leads, key=lambda u: u.pk)]
        keys += [(member_part, m.pk) for m in sorted(chosen, key=lambda m: m.pk)]
        span_rows += [
            (pk, r.program_id, r.part, r.key, r.shared, r.valid_from, r.valid_to, r.status,
             r.status_original, r.due_on, r.task_assigned_on, r.task_lead_name)
            for r in spans.task_rows(
                pk,
                program_id=program.pk,
                group_id=group.pk,
                assigned_on=assigned,
                deadline_kind=deadline.kind.value,
                due_on=deadline.due,
                closures=[Closure(kind, eff, rec) for kind, eff, rec in events],
                changes=(),
                keys=keys,
                soon_days=soon_days,
                lead_name=str(leads[0]),  # the first given (``spans.first_lead_name``)
            )
        ]  # fmt: skip
    writer.write(Task, TASK_COLUMNS, tasks)
    writer.write(TaskSource, ("task_id", "directive_id", "label", "wording"), sources)
    writer.write(TaskAgency, ("task_id", "org_unit_id", "role"), agencies)
    writer.write(Task.members.through, ("task_id", "member_id"), task_members)
    writer.write(ProgressUpdate, UPDATE_COLUMNS, updates)
    writer.write(TaskStatusSpan, SPAN_COLUMNS, span_rows)
    return len(updates), len(span_rows)

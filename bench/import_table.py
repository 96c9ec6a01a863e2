"""Import a 5,000-row task table in a plan's own layout, then import it again.

Builds an XLSX like a ministry's plan appendix (a title, the header "TT | Nội dung nhiệm vụ |
Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành | Sản phẩm", section rows, sub-rows,
about 50 agencies, the deadline phrases of plans) and times three imports into a new program
through ``import_file``, as ``dondoc import`` runs it:

1. **create**: the table into the empty program (``--create-missing``: the agencies, the
   directive named with ``--directive`` and the groups are created);
2. **re-import**: the same file again (every row unchanged);
3. **restated**: the same rows under another directive: every row is matched against the
   program's 5,000 tasks (through the candidate index) and linked to its task.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/dondoc_bench
    python bench/import_table.py --prepare          # create the tables (migrate)
    python bench/import_table.py [--rows 5000] [--profile]

Budget: each phase under 30 s on PostgreSQL.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dondoc.settings")
os.environ.setdefault("DONDOC_SECRET_KEY", "benchmark-only-not-a-secret")

MINISTRIES = [
    "Bộ Khoa học và Công nghệ",
    "Bộ Văn hóa, Thể thao và Du lịch",
    "Bộ Tài chính",
    "Bộ Nội vụ",
    "Bộ Tư pháp",
    "Bộ Công an",
    "Bộ Quốc phòng",
    "Bộ Ngoại giao",
    "Bộ Công Thương",
    "Bộ Xây dựng",
    "Bộ Y tế",
    "Bộ Giáo dục và Đào tạo",
    "Bộ Nông nghiệp và Môi trường",
    "Bộ Dân tộc và Tôn giáo",
    "Ngân hàng Nhà nước Việt Nam",
    "Thanh tra Chính phủ",
    "Văn phòng Chính phủ",
    "Đài Truyền hình Việt Nam",
    "Thông tấn xã Việt Nam",
    "Viện Hàn lâm Khoa học và Công nghệ Việt Nam",
]
PROVINCES = [
    "Hà Nội",
    "Thành phố Hồ Chí Minh",
    "Hải Phòng",
    "Đà Nẵng",
    "Cần Thơ",
    "Huế",
    "Quảng Ninh",
    "Thanh Hóa",
    "Nghệ An",
    "Lâm Đồng",
    "Khánh Hòa",
    "Đồng Nai",
    "Tây Ninh",
    "An Giang",
    "Gia Lai",
    "Đắk Lắk",
    "Lào Cai",
    "Thái Nguyên",
    "Phú Thọ",
    "Bắc Ninh",
    "Hưng Yên",
    "Ninh Bình",
    "Quảng Trị",
    "Quảng Ngãi",
    "Vĩnh Long",
    "Đồng Tháp",
    "Cà Mau",
    "Sơn La",
]
AGENCIES = [*MINISTRIES, *(f"UBND tỉnh {p}" for p in PROVINCES), "Các bộ, ngành, địa phương"]
VERBS = [
    "Xây dựng, trình ban hành",
    "Rà soát, sửa đổi, bổ sung",
    "Triển khai",
    "Nghiên cứu, đề xuất",
    "Tổ chức thực hiện",
    "Hoàn thiện",
    "Đánh giá, tổng kết",
]
OBJECTS = [
    "Nghị định quy định chi tiết",
    "Đề án",
    "chương trình",
    "cơ sở dữ liệu",
    "nền tảng số",
    "cơ chế thí điểm",
    "kế hoạch",
    "bộ tiêu chí",
]
FIELDS = [
    "chuyển đổi số ngành {}",
    "đổi mới sáng tạo trong lĩnh vực {}",
    "phát triển nguồn nhân lực {}",
    "quản lý dữ liệu {}",
    "hạ tầng số phục vụ {}",
]
SUBJECTS = [
    "văn hóa",
    "thể thao",
    "du lịch",
    "y tế",
    "giáo dục",
    "nông nghiệp",
    "tài chính",
    "ngân hàng",
    "tư pháp",
    "xây dựng",
    "giao thông",
    "năng lượng",
    "môi trường",
    "công thương",
    "lao động",
    "báo chí",
    "xuất bản",
    "điện ảnh",
    "di sản",
    "thư viện",
]
PHRASES = [
    "6/2025",
    "Tháng 10/2025",
    "12/2028",
    "2025 - 2026",
    "2025 và những năm tiếp theo",
    "Hằng năm",
    "Nhiệm vụ thường xuyên",
    "Quý III/2025",
    "",
]
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


def table_rows(count: int, seed: int = 57) -> list[list[str]]:
    """A title, the header, a numbering row, ten sections, tasks with a sub-row now and then."""
    rng = random.Random(seed)
    rows = [
        ["KẾ HOẠCH THỰC HIỆN CHƯƠNG TRÌNH HÀNH ĐỘNG"],
        [],
        [
            "TT",
            "Nội dung nhiệm vụ",
            "Cơ quan chủ trì",
            "Cơ quan phối hợp",
            "Thời gian hoàn thành",
            "Sản phẩm",
        ],
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"],
    ]
    per_section = count // len(ROMAN)
    number = written = 0
    for roman in ROMAN:
        rows.append([roman, f"NHÓM NHIỆM VỤ {roman}: " + rng.choice(FIELDS).format("số")])
        for _ in range(per_section):
            if written >= count:
                break
            number += 1
            subject = rng.choice(SUBJECTS)
            content = (
                f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} về "
                f"{rng.choice(FIELDS).format(subject)} tại {rng.choice(PROVINCES)}, "
                f"giai đoạn {rng.choice(['2025-2030', '2026-2030', '2025-2027'])} (mục {number})"
            )
            coordinators = ", ".join(rng.sample(AGENCIES, rng.choice([0, 1, 2, 3])))
            rows.append(
                [
                    str(number),
                    content,
                    rng.choice(AGENCIES),
                    coordinators,
                    rng.choice(PHRASES),
                    rng.choice(["Nghị định", "Quyết định của Thủ tướng Chính phủ", "Đề án", ""]),
                ]
            )
            written += 1
            if number % 25 == 0 and written < count:
                rows.append([f"{number}.1", f"Hướng dẫn thực hiện {content[:60]}", "", "", "", ""])
                written += 1
    return rows


def prepare() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print("migrated")


def timed(label: str, rows: int, call, profile: bool):
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    summary = call()
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - started
    counts = ", ".join(
        f"{name} {getattr(summary, name)}" for name in ("created", "linked", "unchanged", "queued")
    )
    print(f"{label:<11} {seconds:7.2f} s  {rows / seconds:7.0f} rows/s  ({counts})")
    if not summary.ok:
        print("  rejected:", summary.rejected[:3])
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--prepare", action="store_true")
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--profile", action="store_true", help="cProfile each phase")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (see the docstring).")
    import django

    django.setup()
    if args.prepare:
        prepare()
        return
    from dondoc.core.spreadsheet import append_row, new_workbook, workbook_bytes
    from dondoc.tasks.importers.service import import_file
    from dondoc.tasks.programs import create_program

    book = new_workbook()
    for row in table_rows(args.rows):
        append_row(book.active, row)
    data = workbook_bytes(book)
    program = create_program(code=f"BENCH{int(time.time())}", name="Benchmark plan")
    print(f"{args.rows} rows, {len(AGENCIES)} agencies, program {program.code}")

    def run(directive: str):
        return lambda: import_file(
            data,
            filename="plan.xlsx",
            program=program,
            directive=directive,
            create_missing=True,
        )

    first = "03/NQ-CP ngày 09/01/2025"
    timed("create", args.rows, run(first), args.profile)
    timed("re-import", args.rows, run(first), args.profile)
    timed("restated", args.rows, run("05/QĐ-TTg ngày 01/02/2025"), args.profile)


if __name__ == "__main__":
    main()

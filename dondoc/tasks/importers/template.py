"""The task import template (mẫu nhập nhiệm vụ), as CSV and as XLSX.

One row per task; the columns have Vietnamese headings for people and stable English keys for
programs (``docs/data-formats.md``). A file may use either as its header. :func:`read_template`
turns the bytes of a filled template into :class:`TemplateRow` values and the problems of the
file itself (encoding, header); checking each row's content is the import service's job.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field

from dondoc.core.spreadsheet import append_row, csv_bytes, new_workbook, workbook_bytes
from dondoc.core.tabular import (
    DEFAULT_LIMITS,
    InputRefused,
    Limits,
    read_csv_table,
    refuse_size,
)
from dondoc.core.text import fold
from dondoc.core.xlsx_reader import read_xlsx_table


@dataclass(frozen=True)
class Column:
    key: str
    heading: str  # Vietnamese heading printed in the template
    required: bool
    width: int
    help_vi: str
    example: str


COLUMNS: tuple[Column, ...] = (
    Column("stt", "STT", False, 6, "Số thứ tự của dòng (tuỳ chọn).", "Ví dụ"),
    Column(
        "noi_dung",
        "Nội dung nhiệm vụ",
        True,
        60,
        "Nội dung nhiệm vụ như văn bản giao (bắt buộc).",
        "Xây dựng, ban hành Danh mục Công nghệ chiến lược.",
    ),
    Column(
        "van_ban",
        "Văn bản giao nhiệm vụ",
        True,
        32,
        "Số và ngày văn bản giao nhiệm vụ, cách nhau bởi dấu chấm phẩy; văn bản phải đã có "
        "trong hệ thống (bắt buộc).",
        "01-TB/BCĐTW ngày 22/01/2025; 03-TB/BCĐTW ngày 06/3/2025",
    ),
    Column(
        "thanh_vien",
        "Thành viên Ban Chỉ đạo chỉ đạo, theo dõi",
        False,
        28,
        "Họ tên các đồng chí thành viên Ban Chỉ đạo, cách nhau bởi dấu phẩy hoặc chấm phẩy.",
        "Phạm Minh Chính, Nguyễn Mạnh Hùng",
    ),
    Column(
        "co_quan_chu_tri",
        "Cơ quan chủ trì",
        True,
        32,
        "Tên cơ quan chủ trì, cách nhau bởi dấu chấm phẩy (bắt buộc).",
        "Đảng ủy Bộ Khoa học và Công nghệ",
    ),
    Column(
        "co_quan_phoi_hop",
        "Cơ quan phối hợp",
        False,
        32,
        "Tên cơ quan phối hợp, cách nhau bởi dấu chấm phẩy.",
        "Đảng ủy Bộ Tài chính",
    ),
    Column(
        "thoi_han",
        "Thời hạn hoàn thành",
        False,
        16,
        "Thời hạn như văn bản ghi: “Quý I/2025”, “Tháng 5/2025”, “30/6/2025”, “2025”, "
        "“Thường xuyên”; để trống nếu không có.",
        "Quý II/2025",
    ),
    Column(
        "san_pham",
        "Sản phẩm",
        False,
        24,
        "Kết quả, sản phẩm của nhiệm vụ như văn bản ghi: “Nghị định”, “Quyết định của Thủ tướng "
        "Chính phủ”, “Đề án”… (tuỳ chọn; tệp theo mẫu cũ không có cột này vẫn nhập được).",
        "Nghị định của Chính phủ",
    ),
    Column(
        "nhom",
        "Nhóm nhiệm vụ, giải pháp",
        False,
        10,
        "Số thứ tự nhóm nhiệm vụ, giải pháp của Nghị quyết (1 đến 7), tuỳ chọn.",
        "3",
    ),
    Column(
        "ket_qua",
        "Kết quả thực hiện",
        False,
        48,
        "Kết quả thực hiện đến ngày ở cột sau (tuỳ chọn).",
        "Đã xây dựng dự thảo, đang lấy ý kiến các bộ, ngành.",
    ),
    Column(
        "ngay_ket_qua",
        "Ngày kết quả",
        False,
        14,
        "Ngày của kết quả thực hiện, dạng dd/mm/yyyy; bắt buộc khi có kết quả.",
        "10/04/2025",
    ),
    Column(
        "hoan_thanh",
        "Ngày hoàn thành",
        False,
        14,
        "Ngày nhiệm vụ hoàn thành, dạng dd/mm/yyyy; để trống nếu chưa hoàn thành.",
        "",
    ),
)

KEYS: tuple[str, ...] = tuple(column.key for column in COLUMNS)
HEADINGS: dict[str, str] = {column.key: column.heading for column in COLUMNS}
DATA_SHEET = "Nhiệm vụ"
HELP_SHEET = "Hướng dẫn"
#: A row whose STT reads like this is the template's example and is not imported.
EXAMPLE_MARKERS = frozenset({"vi du", "vd", "example"})

#: Columns added to the template later: a file made from an older template lacks them and is
#: still read (the values are blank).
LATER_KEYS = frozenset({"san_pham"})
#: Other headings people give these columns.
_ALIASES = {"ket qua, san pham": "san_pham", "san pham du kien": "san_pham"}

_HEADER_LOOKUP = (
    {fold(c.heading): c.key for c in COLUMNS} | {c.key: c.key for c in COLUMNS} | _ALIASES
)


@dataclass
class TemplateRow:
    """One filled row of the template; ``row`` is its 1-based row number in the file."""

    row: int
    values: dict[str, str]


@dataclass
class TemplateProblem:
    row: int
    column: str | None
    reason_vi: str
    reason_en: str


@dataclass
class ReadTemplate:
    rows: list[TemplateRow] = field(default_factory=list)
    problems: list[TemplateProblem] = field(default_factory=list)
    #: The header read, when it is not the template's (the file may be another table).
    foreign_header: list[str] | None = None


def looks_like_template(header: list[str]) -> bool:
    """Whether a header is meant to be the template's: at least half of the template's
    headings are there, word for word (a template with a column renamed or missing is refused
    as a wrong template, not read as some other table)."""
    found = {_HEADER_LOOKUP.get(fold(cell).strip(" :*")) for cell in header} - {None}
    return 2 * len(found) >= len(KEYS)


# --------------------------------------------------------------------------------------------
# Producing the template


def template_csv() -> bytes:
    """The template as CSV (UTF-8 with BOM so spreadsheet programs read the diacritics)."""
    return csv_bytes([[c.heading for c in COLUMNS], [c.example for c in COLUMNS]])


def template_xlsx() -> bytes:
    """The template as XLSX: a sheet to fill, with an example row, and a sheet of instructions."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = new_workbook()
    sheet = book.active
    sheet.title = DATA_SHEET
    append_row(sheet, [c.heading for c in COLUMNS])
    append_row(sheet, [c.example for c in COLUMNS])
    header_fill = PatternFill("solid", fgColor="DDE7F0")
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        head = sheet.cell(row=1, column=index)
        head.font = Font(bold=True)
        head.fill = header_fill
        head.alignment = Alignment(wrap_text=True, vertical="top")
        example = sheet.cell(row=2, column=index)
        example.font = Font(italic=True, color="666666")
        example.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"

    guide = book.create_sheet(HELP_SHEET)
    append_row(guide, ["Cột", "Khoá (key)", "Bắt buộc", "Hướng dẫn"])
    for column in COLUMNS:
        append_row(
            guide, [column.heading, column.key, "Có" if column.required else "", column.help_vi]
        )
    append_row(guide, [])
    append_row(
        guide,
        [
            "Lưu ý",
            "",
            "",
            "Dòng có STT là “Ví dụ” không được nhập. Mỗi dòng là một nhiệm vụ; tệp chỉ được "
            "nhập khi mọi dòng hợp lệ. Ngày viết dạng dd/mm/yyyy.",
        ],
    )
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCD", (34, 18, 10, 90), strict=True):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    return workbook_bytes(book)


# --------------------------------------------------------------------------------------------
# Reading a filled template


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _map_header(cells: list[str], result: ReadTemplate) -> list[str | None] | None:
    """Column keys in the order of ``cells``, or None (with problems) when the header is wrong."""
    keys: list[str | None] = []
    unknown: list[str] = []
    for cell in cells:
        text = fold(cell).strip(" :*")
        if not text:
            keys.append(None)
            continue
        key = _HEADER_LOOKUP.get(text)
        if key is None:
            unknown.append(cell)
        keys.append(key)
    missing = [HEADINGS[k] for k in KEYS if k not in keys and k not in LATER_KEYS]
    if unknown or missing:
        result.foreign_header = list(cells)
        detail_vi, detail_en = [], []
        if missing:
            detail_vi.append("thiếu cột " + ", ".join(f"“{m}”" for m in missing))
            detail_en.append("missing " + ", ".join(f"“{m}”" for m in missing))
        if unknown:
            detail_vi.append("cột không có trong mẫu " + ", ".join(f"“{u}”" for u in unknown))
            detail_en.append("columns not in the template " + ", ".join(f"“{u}”" for u in unknown))
        result.problems.append(
            TemplateProblem(
                1,
                None,
                "Dòng tiêu đề không đúng mẫu: " + "; ".join(detail_vi) + ".",
                "The header row is not the template's: " + "; ".join(detail_en) + ".",
            )
        )
        return None
    return keys


def _rows_from_cells(table: list[list[str]], result: ReadTemplate) -> ReadTemplate:
    first = next((i for i, cells in enumerate(table) if any(cells)), None)
    if first is None:
        result.problems.append(
            TemplateProblem(0, None, "Tệp không có dữ liệu.", "The file holds no data.")
        )
        return result
    keys = _map_header(table[first], result)
    if keys is None:
        return result
    for index in range(first + 1, len(table)):
        cells = table[index]
        if not any(cells):
            continue
        values = {key: "" for key in KEYS}
        for key, cell in zip(keys, cells, strict=False):
            if key is not None:
                values[key] = cell
        if fold(values["stt"]).strip(" .:") in EXAMPLE_MARKERS:
            continue
        result.rows.append(TemplateRow(index + 1, values))
    return result


def _refused(result: ReadTemplate, refusal: InputRefused) -> ReadTemplate:
    result.problems.append(
        TemplateProblem(refusal.row, None, refusal.message_vi, refusal.message_en)
    )
    return result


def read_csv(data: bytes, limits: Limits = DEFAULT_LIMITS) -> ReadTemplate:
    """Rows of a CSV template. The file must be UTF-8 (with or without BOM)."""
    result = ReadTemplate()
    try:
        refuse_size(len(data), limits)
    except InputRefused as refusal:
        return _refused(result, refusal)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        result.problems.append(
            TemplateProblem(
                text_line(data, exc.start),
                None,
                "Tệp không được mã hoá UTF-8; hãy lưu lại tệp dạng “CSV UTF-8” rồi nhập lại.",
                "The file is not UTF-8 encoded; save it as “CSV UTF-8” and import it again.",
            )
        )
        return result
    if "\x00" in text:  # PostgreSQL cannot store it, SQLite would keep it inside a task
        result.problems.append(
            TemplateProblem(
                text.count("\n", 0, text.index("\x00")) + 1,
                None,
                "Tệp CSV có ký tự NUL (mã 0), không phải là văn bản; hãy lưu lại tệp rồi nhập lại.",
                "The CSV file holds a NUL character (code 0), which is not text; save the file "
                "again and import it again.",
            )
        )
        return result
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample.split("\n", 1)[0], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    try:
        cells = read_csv_table(text, delimiter=delimiter, limits=limits)
    except InputRefused as refusal:
        return _refused(result, refusal)
    table = [[cell.strip() for cell in row] for row in cells]
    return _rows_from_cells(table, result)


def text_line(data: bytes, offset: int) -> int:
    """1-based line number of byte ``offset`` in ``data``."""
    return data.count(b"\n", 0, offset) + 1


def read_xlsx(data: bytes, limits: Limits = DEFAULT_LIMITS) -> ReadTemplate:
    """Rows of an XLSX template: the sheet "Nhiệm vụ", or the first sheet."""
    result = ReadTemplate()
    try:
        cells = read_xlsx_table(data, sheet=DATA_SHEET, limits=limits)
    except InputRefused as refusal:
        return _refused(result, refusal)
    table = [[_cell_text(v) for v in row] for row in cells]
    return _rows_from_cells(table, result)

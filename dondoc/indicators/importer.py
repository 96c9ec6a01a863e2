"""Import an indicator catalogue (danh mục chỉ số) from a table in its authors' layout.

The header row is found and its columns recognised by meaning (``dondoc.core.columns``): "STT" /
"Mã", "Chỉ tiêu" / "Tên chỉ tiêu", "Đơn vị tính", "Kết quả" / "Mục tiêu", "Cơ quan chủ trì theo
dõi, đánh giá", … A heading naming a year ("Mục tiêu đến năm 2045") is a target column for that
year's end; otherwise section rows "Đến năm 2030" / "Tầm nhìn đến năm 2045" give the target date
of the rows under them, and a section row "Nhóm 3 …" / "III. …" the solution group. A row
coded "11.1" is a sub-indicator of "11"; a code met again under a later section with the same
name adds that section's targets.

Every row is validated first (numbers, units from ``units.UNITS``, agencies through
``OrgResolver``, groups, kinds, directions, frequencies); a file with any problem writes
nothing, and each problem names the row, the column and the reason in Vietnamese and English.
A cell merged down over several rows (XLSX ``<mergeCell>``, DOCX ``<w:vMerge/>``) in a column
that describes rather than names the indicator (unit, agency, group, kind, direction, source,
frequency, base year) holds its value for every row it covers, as a reader of the table sees it.
Accepted files are written in one transaction through ``services``; a dry run writes and rolls
back, so its counts are exact. Importing the same file again changes nothing; a changed
definition creates a new version of the indicator.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import transaction

from dondoc.core.columns import (
    find_header_row,
    fold_heading,
    is_numbering_row,
    recognise_columns,
)
from dondoc.core.dates import DateError, parse_date
from dondoc.core.docx_reader import read_docx_tables
from dondoc.core.tabular import InputRefused, decode_text, read_csv_table
from dondoc.core.text import fold
from dondoc.core.xlsx_reader import read_xlsx_sheet
from dondoc.indicators import services
from dondoc.indicators.derived import formula_problem, looks_like_formula, parse_formula
from dondoc.indicators.models import Direction, Frequency, IndicatorKind
from dondoc.indicators.targets import ParsedTarget, parse_number, parse_targets
from dondoc.indicators.units import RANK_UNITS, resolve_unit
from dondoc.tasks.importers.names import OrgResolver

#: key -> headings that mean it (compared without diacritics, case or punctuation).
INDICATOR_COLUMNS: dict[str, list[str]] = {
    "code": ["Mã", "Mã chỉ tiêu", "Mã chỉ số", "STT", "TT", "Số thứ tự"],
    "name": ["Chỉ tiêu", "Tên chỉ tiêu", "Chỉ số", "Tên chỉ số", "Nội dung chỉ tiêu"],
    "unit": ["Đơn vị tính", "Đơn vị", "ĐVT"],
    "target": [
        "Kết quả",
        "Mục tiêu",
        "Chỉ tiêu đến năm 2030",
        "Giá trị mục tiêu",
        "Kết quả cần đạt",
    ],
    "agency": [
        "Cơ quan chủ trì theo dõi, đánh giá",
        "Cơ quan chủ trì",
        "Cơ quan theo dõi",
        "Cơ quan chịu trách nhiệm",
    ],
    "group": ["Nhóm giải pháp", "Nhóm", "Nhóm nhiệm vụ, giải pháp"],
    "kind": ["Loại", "Loại chỉ tiêu"],
    "direction": ["Chiều", "Xu hướng", "Chiều đánh giá"],
    "data_source": ["Nguồn số liệu", "Nguồn dữ liệu"],
    "frequency": ["Tần suất", "Kỳ báo cáo", "Tần suất thu thập"],
    "baseline": ["Giá trị cơ sở", "Số liệu cơ sở"],
    "baseline_year": ["Năm cơ sở", "Thời điểm cơ sở"],
    "definition": ["Định nghĩa", "Khái niệm"],
    "formula": ["Công thức", "Công thức tính", "Cách tính", "Phương pháp tính"],
    "weight": ["Trọng số", "Mức độ ưu tiên"],
}

#: What each key's column is called in messages (vi, en).
LABELS = {
    "code": ("Mã", "Code"),
    "name": ("Chỉ tiêu", "Indicator"),
    "unit": ("Đơn vị tính", "Unit"),
    "target": ("Mục tiêu", "Target"),
    "agency": ("Cơ quan chủ trì", "Responsible agency"),
    "group": ("Nhóm giải pháp", "Solution group"),
    "kind": ("Loại", "Kind"),
    "direction": ("Chiều", "Direction"),
    "frequency": ("Tần suất", "Frequency"),
    "baseline": ("Giá trị cơ sở", "Baseline"),
    "baseline_year": ("Năm cơ sở", "Baseline year"),
    "weight": ("Trọng số", "Weight"),
    "formula": ("Công thức", "Formula"),
    "file": ("Tệp", "File"),
}

_KINDS = {
    "chien luoc": "strategic",
    "vi mo": "strategic",
    "tac nghiep": "operational",
    "van hanh": "operational",
    "strategic": "strategic",
    "operational": "operational",
}
_DIRECTIONS = {
    "tang": "higher",
    "cang cao cang tot": "higher",
    "cao hon la tot": "higher",
    "↑": "higher",
    "higher": "higher",
    "giam": "lower",
    "cang thap cang tot": "lower",
    "thap hon la tot": "lower",
    "↓": "lower",
    "lower": "lower",
    "dinh tinh": "qualitative",
    "qualitative": "qualitative",
}
_FREQUENCIES = {
    "thang": "month",
    "hang thang": "month",
    "quy": "quarter",
    "hang quy": "quarter",
    "6 thang": "half_year",
    "nua nam": "half_year",
    "sau thang": "half_year",
    "nam": "year",
    "hang nam": "year",
}
_WEIGHTS = {"cao": Decimal("2.0"), "trung binh": Decimal("1.5"), "thap": Decimal("1.0")}
_YEAR_SECTION = re.compile(r"(?:den|tam nhin)\s+(?:nam\s+)?((?:19|20|21)\d\d)")
_HEADING_YEAR = re.compile(r"\b((?:20|21)\d\d)\b")
_GROUP_SECTION = re.compile(
    r"^(?:nhom(?:\s+nhiem vu)?(?:,?\s*giai phap)?\s+)?(\d{1,2}|[ivx]{1,4})\s*[.:)\-]\s*\S"
)
_ROMAN = {
    "i": 1,
    "ii": 2,
    "iii": 3,
    "iv": 4,
    "v": 5,
    "vi": 6,
    "vii": 7,
    "viii": 8,
    "ix": 9,
    "x": 10,
}
_CODE = re.compile(r"^[0-9A-Za-z]+(?:[.\-][0-9A-Za-z]+)*$")


@dataclass
class Problem:
    row: int
    column: str  # the heading as written in the file
    reason_vi: str
    reason_en: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "reason_vi": self.reason_vi,
            "reason_en": self.reason_en,
        }


@dataclass
class Entry:
    """One indicator read from the file (its first row, targets from every row of it)."""

    row: int
    code: str
    name: str
    fields: dict[str, Any]
    targets: list[services.TargetSpec] = field(default_factory=list)


@dataclass
class CatalogueImport:
    """The outcome: problems (nothing written when any), counts, the columns used."""

    problems: list[Problem] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    columns: dict[str, str] = field(default_factory=dict)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "counts": dict(self.counts),
            "columns": self.columns,
            "problems": [p.as_dict() for p in self.problems],
        }


#: Columns whose merged-down cells stand for every row they cover: what an indicator shares
#: with its neighbours. A merged code, name, target or value is left to the row it starts on.
SHARED_KEYS = frozenset(
    {"unit", "agency", "group", "kind", "direction", "data_source", "frequency", "baseline_year"}
)


@dataclass
class Rows:
    """A file's rows as text cells, and the (row, column) indexes (0-based) of the empty cells
    continuing a merged range from the row above."""

    rows: list[list[str]]
    continued: frozenset[tuple[int, int]] = frozenset()


def read_rows(data: bytes, filename: str) -> Rows:
    """The file's rows as text cells (CSV, XLSX, DOCX tables). Raises ``InputRefused``."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        sheet = read_xlsx_sheet(data)
        return Rows([[_cell(v) for v in row] for row in sheet.rows], frozenset(sheet.continued))
    if name.endswith(".docx"):
        tables = read_docx_tables(data)
        found = [t for t in tables if find_header_row(t.rows, INDICATOR_COLUMNS) is not None]
        table = (found or tables or [None])[0]
        return Rows(table.rows, frozenset(table.continued)) if table else Rows([[]])
    if name.endswith((".csv", ".tsv", ".txt")):
        text = decode_text(data)
        first = text.split("\n", 1)[0]
        delimiter = max(("\t", ";", ","), key=first.count)
        return Rows(read_csv_table(text, delimiter=delimiter))
    raise InputRefused(
        "Chỉ nhận tệp CSV, XLSX hoặc DOCX.", "Only CSV, XLSX or DOCX files are accepted."
    )


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


class _Reader:
    def __init__(
        self,
        program,
        rows: list[list[str]],
        source: str,
        continued: frozenset[tuple[int, int]] = frozenset(),
    ) -> None:
        self.program, self.rows, self.source = program, rows, source
        self.continued = continued
        self.result = CatalogueImport()
        self.entries: dict[str, Entry] = {}
        self.groups = {g.number: g for g in program.groups.all()}
        self.group_titles = {fold(g.title): g for g in program.groups.all()}
        self.orgs = OrgResolver()

    def problem(self, row: int, key: str, vi: str, en: str) -> None:
        column = self.headings[self.columns[key]] if key in self.columns else LABELS[key][0]
        self.result.problems.append(Problem(row, column.strip() or LABELS[key][0], vi, en))

    def cell(self, cells: list[str], key: str) -> str:
        index = self.columns.get(key)
        return str(cells[index]).strip() if index is not None and index < len(cells) else ""

    def read(self) -> CatalogueImport:
        header = find_header_row(self.rows, INDICATOR_COLUMNS)
        if header is None:
            self.result.problems.append(
                Problem(
                    0,
                    "",
                    "Không tìm thấy dòng tiêu đề (cần ít nhất "
                    "hai cột như “STT”, “Chỉ tiêu”, “Đơn vị tính”, “Mục tiêu”).",
                    "No header row found (at least two columns such as “STT”, “Chỉ tiêu”, "
                    "“Đơn vị tính”, “Mục tiêu”).",
                )
            )
            return self.result
        self.headings = [str(h) for h in self.rows[header]]
        self.columns = recognise_columns(self.headings, INDICATOR_COLUMNS)
        # Target columns: the recognised one, and any heading naming a target and a year.
        self.target_columns: dict[int, dt.date | None] = {}
        for index, heading in enumerate(self.headings):
            folded = fold_heading(heading)
            year = _HEADING_YEAR.search(folded)
            is_target = index == self.columns.get("target") or (
                year
                and any(w in folded for w in ("muc tieu", "chi tieu", "ket qua"))
                and index not in self.columns.values()
            )
            if is_target:
                self.target_columns[index] = _year_end(int(year.group(1))) if year else None
        self.result.columns = {
            k: self.headings[i] for k, i in sorted(self.columns.items(), key=lambda ki: ki[1])
        }
        for index, due in self.target_columns.items():
            self.result.columns.setdefault("target", self.headings[index])
            if due and index != self.columns.get("target"):
                self.result.columns[f"target {due.year}"] = self.headings[index]
        if "name" not in self.columns:
            self.problem(header + 1, "name", "Thiếu cột tên chỉ tiêu.", "No indicator name column.")
            return self.result
        self.fill_merged_down()
        section_due: dt.date | None = None
        group = None
        for number, cells in enumerate(self.rows[header + 1 :], start=header + 2):
            get = partial(self.cell, cells)
            filled = [str(c).strip() for c in cells if str(c).strip()]
            if not filled:
                continue
            name, code = get("name"), get("code")
            if (
                len(filled) <= 2
                and not re.match(r"\d", code)
                and not get("unit")
                and not any(str(cells[i]).strip() for i in self.target_columns if i < len(cells))
            ):
                title = fold(" ".join(filled))
                year = _YEAR_SECTION.search(title)
                if year:
                    section_due = _year_end(int(year.group(1)))
                    continue
                match = _GROUP_SECTION.match(title)
                if match:
                    key = match.group(1)
                    group = self.groups.get(int(key) if key.isdigit() else _ROMAN.get(key))
                    if group is None:
                        self.problem(
                            number,
                            "group",
                            f"Không có nhóm giải pháp “{filled[-1]}” trong chương trình.",
                            f"The program has no solution group “{filled[-1]}”.",
                        )
                    continue
            if not name or is_numbering_row(cells):
                continue
            has_target = any(str(cells[i]).strip() for i in self.target_columns if i < len(cells))
            if not code and not get("unit") and not has_target:
                continue  # a note ("Trong đó:") or a heading without a code
            self.entry(number, code, name, get, cells, section_due, group)
        self.check_parents()
        self.check_formulas()
        return self.result

    def fill_merged_down(self) -> None:
        """Give each merged-down cell of a shared column the value of the cell above it (already
        filled when the range covers several rows: the cells are visited top to bottom)."""
        shared = {self.columns[key] for key in SHARED_KEYS if key in self.columns}
        for row, column in sorted(self.continued):
            if column not in shared or not 0 < row < len(self.rows):
                continue
            cells, above = self.rows[row], self.rows[row - 1]
            if column < len(above) and not (column < len(cells) and str(cells[column]).strip()):
                cells.extend("" for _ in range(column + 1 - len(cells)))
                cells[column] = above[column]

    def entry(self, number, code, name, get, cells, section_due, group) -> None:
        if not code or not _CODE.match(code.rstrip(".")):
            self.problem(
                number,
                "code",
                f"Mã chỉ tiêu “{code}” không hợp lệ (ví dụ: 11, 11.1).",
                f"Indicator code “{code}” is not valid (e.g. 11, 11.1).",
            )
            return
        code = code.rstrip(".")
        targets = []
        for index, due in self.target_columns.items():
            text = str(cells[index]).strip() if index < len(cells) else ""
            if not text:
                continue
            due = due or section_due
            if due is None:
                self.problem(
                    number,
                    "target",
                    "Không biết mục tiêu này đến năm nào: thêm dòng "
                    "“Đến năm 2030” phía trên hoặc ghi năm ở tiêu đề cột.",
                    "No year for this target: add a row “Đến năm 2030” above or a year in "
                    "the column heading.",
                )
                continue
            for parsed in parse_targets(text):
                targets.append(services.TargetSpec(due, parsed, self.source))
        existing = self.entries.get(code)
        if existing is not None:
            if fold(existing.name) != fold(name):
                self.problem(
                    number,
                    "code",
                    f"Mã “{code}” đã dùng ở dòng {existing.row} cho chỉ tiêu khác.",
                    f"Code “{code}” is already used on row {existing.row} for another indicator.",
                )
            existing.targets.extend(targets)
            return
        fields = self.fields(number, get, targets, group)
        self.entries[code] = Entry(number, code, name, fields, targets)

    def fields(self, number, get, targets: list[services.TargetSpec], group) -> dict[str, Any]:
        unit = resolve_unit(get("unit"))
        if unit is None:
            self.problem(
                number,
                "unit",
                f"Đơn vị “{get('unit')}” không có trong danh mục đơn vị.",
                f"Unit “{get('unit')}” is not in the units vocabulary.",
            )
            unit = ""
        agency = None
        agency_text = get("agency")
        if agency_text:
            names = [n.strip() for n in re.split(r"[;\n]", agency_text) if n.strip()]
            for agency_name in names:
                found = self.orgs.resolve(agency_name)
                if found is None:
                    self.problem(
                        number,
                        "agency",
                        f"Không tìm thấy cơ quan “{agency_name}”.",
                        f"Unknown agency “{agency_name}”.",
                    )
                agency = agency or found
        if get("group"):
            text = get("group")
            digits = re.match(r"\D*(\d{1,2})", text)
            group = (
                self.groups.get(int(digits.group(1))) if digits else None
            ) or self.group_titles.get(fold(text))
            if group is None:
                self.problem(
                    number,
                    "group",
                    f"Không có nhóm giải pháp “{text}”.",
                    f"No solution group “{text}”.",
                )
        kind = _KINDS.get(fold(get("kind"))) if get("kind") else IndicatorKind.STRATEGIC
        if kind is None:
            self.problem(
                number,
                "kind",
                f"Loại “{get('kind')}” không rõ (chiến lược hoặc tác nghiệp).",
                f"Kind “{get('kind')}” is unknown (strategic or operational).",
            )
        direction = (
            _DIRECTIONS.get(fold(get("direction")))
            if get("direction")
            else infer_direction(unit or "", [t.parsed for t in targets])
        )
        if direction is None:
            self.problem(
                number,
                "direction",
                f"Chiều “{get('direction')}” không rõ (tăng, giảm, định tính).",
                f"Direction “{get('direction')}” is unknown (higher, lower, qualitative).",
            )
        frequency = _FREQUENCIES.get(fold(get("frequency"))) if get("frequency") else Frequency.YEAR
        if frequency is None:
            self.problem(
                number,
                "frequency",
                f"Tần suất “{get('frequency')}” không rõ (tháng, quý, 6 tháng, năm).",
                f"Frequency “{get('frequency')}” is unknown (month, quarter, half-year, year).",
            )
        baseline = None
        if get("baseline"):
            baseline = parse_number(get("baseline").rstrip("% "))
            if baseline is None:
                self.problem(
                    number,
                    "baseline",
                    f"“{get('baseline')}” không phải là số.",
                    f"“{get('baseline')}” is not a number.",
                )
        baseline_on = None
        if get("baseline_year"):
            text = get("baseline_year")
            if re.fullmatch(r"(19|20|21)\d\d", text):
                baseline_on = _year_end(int(text))
            else:
                try:
                    baseline_on = parse_date(text)
                except (DateError, ValueError):
                    self.problem(
                        number,
                        "baseline_year",
                        f"“{text}” không phải là năm hay ngày.",
                        f"“{text}” is not a year or a date.",
                    )
        weight = Decimal("1.0")
        if get("weight"):
            text = get("weight")
            weight = _WEIGHTS.get(fold(text)) or parse_number(text)
            if weight is None or not Decimal(0) < weight <= Decimal(10):
                self.problem(
                    number,
                    "weight",
                    f"Trọng số “{text}” không hợp lệ (Cao, Trung bình, Thấp hoặc một số).",
                    f"Weight “{text}” is not valid (High, Medium, Low or a number).",
                )
                weight = Decimal("1.0")
        fields = {
            "name": "",  # filled by the caller
            "definition": get("definition"),
            "unit": unit or "",
            "group": group,
            "kind": kind or IndicatorKind.STRATEGIC,
            "direction": direction or Direction.HIGHER,
            "frequency": frequency or Frequency.YEAR,
            "data_source": get("data_source"),
            "responsible_agency": agency,
            "responsible_text": agency_text[:400],
            "baseline_value": baseline,
            "baseline_on": baseline_on,
            "weight": weight,
            "source": self.source[:300],
        }
        if "formula" in self.columns:
            fields.update(self.formula(number, get("formula"), fields))
        return fields

    def formula(self, number: int, text: str, fields: dict[str, Any]) -> dict[str, Any]:
        """A derived indicator's codes and factor ("= 3.1 / 3.2 × 100"); a text that is no
        formula ("Tổng số … chia cho …") is the definition when the row has none."""
        formula = parse_formula(text)
        if formula is None:
            if looks_like_formula(text):
                self.problem(
                    number,
                    "formula",
                    f"Không đọc được công thức “{text}” (ví dụ: = 3.1 / 3.2 × 100).",
                    f"Cannot read the formula “{text}” (e.g. = 3.1 / 3.2 × 100).",
                )
            elif text and not fields["definition"]:
                fields["definition"] = text
            return {"numerator_code": "", "denominator_code": "", "scale": None}
        return {
            "numerator_code": formula.numerator,
            "denominator_code": formula.denominator,
            "scale": formula.factor,
        }

    def check_formulas(self) -> None:
        """Inputs of each formula exist in the program (or the file), differ from the
        indicator, and no formula leads back to itself."""
        graph = {
            code: (numerator, denominator)
            for code, numerator, denominator in self.program.indicators.values_list(
                "code", "numerator_code", "denominator_code"
            )
        }
        for entry in self.entries.values():
            if "numerator_code" in entry.fields:
                graph[entry.code] = (
                    entry.fields["numerator_code"],
                    entry.fields["denominator_code"],
                )
            else:
                graph.setdefault(entry.code, ("", ""))
        for entry in self.entries.values():
            numerator, denominator = graph[entry.code]
            if not (numerator and denominator) or "numerator_code" not in entry.fields:
                continue
            problem = formula_problem(entry.code, numerator, denominator, graph)
            if problem:
                self.problem(entry.row, "formula", *problem)

    def check_parents(self) -> None:
        known = set(self.entries) | set(self.program.indicators.values_list("code", flat=True))
        for entry in self.entries.values():
            entry.fields["name"] = entry.name
            if "." in entry.code:
                parent = entry.code.rsplit(".", 1)[0]
                if parent not in known:
                    self.problem(
                        entry.row,
                        "code",
                        f"Chỉ tiêu “{entry.code}” là chỉ tiêu con của "
                        f"“{parent}” nhưng không có chỉ tiêu “{parent}”.",
                        f"Indicator “{entry.code}” is a sub-indicator of “{parent}”, "
                        f"which does not exist.",
                    )


def infer_direction(unit: str, targets: list[ParsedTarget]) -> str:
    """Lower is better for ranks and "≤"/"<" targets; qualitative when no target is a number."""
    if unit in RANK_UNITS or any(t.rank or t.operator in ("le", "lt") for t in targets):
        return Direction.LOWER
    if targets and all(t.qualitative for t in targets):
        return Direction.QUALITATIVE
    return Direction.HIGHER


def import_catalogue(
    data: bytes, filename: str, *, program, dry_run: bool = False, by=None, source: str = ""
) -> CatalogueImport:
    """Validate the whole file, then write it in one transaction (rolled back on a dry run)."""
    try:
        read = read_rows(data, filename)
    except InputRefused as exc:
        result = CatalogueImport(dry_run=dry_run)
        result.problems.append(Problem(exc.row, "", exc.message_vi, exc.message_en))
        return result
    reader = _Reader(program, read.rows, source or filename, read.continued)
    result = reader.read()
    result.dry_run = dry_run
    if not result.ok:
        return result
    with transaction.atomic():
        type(program).objects.select_for_update().filter(pk=program.pk).first()
        write_entries(program, list(reader.entries.values()), result.counts, by=by)
        if dry_run:
            transaction.set_rollback(True)
    return result


def write_entries(program, entries: list[Entry], counts: Counter, *, by=None) -> None:
    """Write entries parents first (codes sorted by depth); counts what happened."""
    written: dict[str, Any] = {}
    for entry in sorted(entries, key=lambda e: (e.code.count("."), e.row)):
        fields = dict(entry.fields)
        if "." in entry.code:
            parent_code = entry.code.rsplit(".", 1)[0]
            fields["parent"] = written.get(parent_code) or program.indicators.get(code=parent_code)
        else:
            fields["parent"] = None
        indicator, outcome = services.upsert_indicator(
            program=program, code=entry.code, fields=fields, by=by
        )
        written[entry.code] = indicator
        counts[outcome] += 1
        counts["targets changed"] += services.set_targets(indicator, entry.targets, by=by)
    services.check_formulas(program, [e.code for e in entries])

"""The entry form of one agency and period (phiếu nhập số liệu), on screen and as an XLSX file.

``entry_rows`` lists the values the agency reports for the period (only its own indicators),
each with the previous period's value and the value saved so far. The page's form and an
uploaded workbook are both read into ``Entry`` records by ``entries_from_post`` and
``entries_from_xlsx``; ``validate`` checks them all (required unless "not available" with a
reason, ranges, the jump from the last period, sub-indicators against a sum parent) and
``save_entries`` writes them in one transaction, or nothing: a refused upload names each cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font

from dondoc.core.params import is_id
from dondoc.core.spreadsheet import append_row, new_workbook, workbook_bytes
from dondoc.core.tabular import InputRefused, Limits
from dondoc.core.xlsx_reader import iter_xlsx_rows
from dondoc.indicators import services
from dondoc.indicators.checks import NotANumber, parse_number
from dondoc.indicators.collection import (
    ReportPeriod,
    Slot,
    check_consistency,
    check_entry,
    current_values,
    previous_values,
    slots_for_agency,
)
from dondoc.indicators.models import Indicator, IndicatorValue, ValueState

#: An uploaded template: a few hundred rows at most.
ENTRY_LIMITS = Limits(max_bytes=5 * 1024 * 1024, max_rows=2000, max_columns=20, seconds=10.0)
MAX_TEXT = 2000

#: The template's columns: (heading, width). The value is column F, the row key column I.
COLUMNS = (
    ("Mã chỉ tiêu", 10),
    ("Chỉ tiêu", 50),
    ("Đơn vị tính", 14),
    ("Đơn vị báo cáo", 24),
    ("Kỳ trước", 14),
    ("Giá trị", 14),
    ("Không có số liệu: lý do", 28),
    ("Ghi chú", 30),
    ("Mã dòng (không sửa)", 12),
)
VALUE, REASON, NOTE, KEY = 6, 7, 8, 9
FIRST_ROW = 3
LETTERS = "ABCDEFGHI"


def slot_key(slot: Slot) -> str:
    return f"{slot.indicator.pk}-{slot.unit.pk if slot.unit else 'n'}"


@dataclass
class EntryRow:
    slot: Slot
    previous: IndicatorValue | None
    current: IndicatorValue | None

    @property
    def key(self) -> str:
        return slot_key(self.slot)

    @property
    def indicator(self) -> Indicator:
        return self.slot.indicator

    @property
    def name(self) -> str:
        """How a problem names the row: "21", or "21 (Phường Minh Xuân)" for a unit's."""
        unit = self.slot.unit
        return self.indicator.code + (f" ({unit.name})" if unit else "")

    @property
    def locked(self) -> bool:
        """Submitted or approved: the reporter no longer changes it."""
        return self.current is not None and self.current.state in (
            ValueState.SUBMITTED,
            ValueState.APPROVED,
        )


def entry_rows(
    indicators, agency, period: ReportPeriod, *, communes: bool = False
) -> list[EntryRow]:
    """The form's rows; ``communes``: a province's form of its communes' values."""
    slots = slots_for_agency(
        indicators.select_related("responsible_agency", "parent"),
        agency,
        period,
        communes=communes,
    )
    current = current_values(slots, period)
    previous = previous_values(slots, period)
    rows = []
    for slot in slots:
        key = (slot.indicator.pk, slot.unit.pk if slot.unit else None)
        rows.append(EntryRow(slot, previous.get(key), current.get(key)))
    return rows


@dataclass
class Entry:
    """What the form or a file says of one row."""

    row: EntryRow
    value: Decimal | None
    not_available: str
    comment: str
    version: int | None
    where: str  # how a problem names it: the indicator's code, or the cell ("F7")

    def changes(self) -> bool:
        current = self.row.current
        if current is None:
            return self.value is not None or bool(self.not_available)
        same_value = (current.value is None and self.value is None) or (
            current.value is not None and self.value is not None and current.value == self.value
        )
        return not (
            same_value
            and current.not_available == self.not_available
            and current.comment == self.comment
        )


@dataclass
class Checked:
    entries: list[Entry] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _problem(where: str, message: str) -> str:
    return f"{where}: {message}"


def entries_from_post(post, rows: list[EntryRow]) -> Checked:
    """The rows of the page's form (fields ``v-``, ``na-``, ``r-``, ``c-``, ``ver-`` + key)."""
    checked = Checked()
    for row in rows:
        if row.locked:
            continue
        key = row.key
        where = row.name
        text = (post.get(f"v-{key}") or "").strip()
        reason = (post.get(f"r-{key}") or "").strip()[:300] if post.get(f"na-{key}") else ""
        comment = (post.get(f"c-{key}") or "").strip()[:MAX_TEXT]
        version = post.get(f"ver-{key}") or ""
        try:
            value = parse_number(text)
        except NotANumber as error:
            checked.errors.append(_problem(where, str(error)))
            continue
        if post.get(f"na-{key}") and not reason:
            checked.errors.append(_problem(where, _("give the reason the value is not available")))
            continue
        entry = Entry(row, value, reason, comment, int(version) if is_id(version) else None, where)
        if entry.changes() or (row.current and row.current.state == ValueState.RETURNED):
            checked.entries.append(entry)
    return checked


def entries_from_xlsx(data: bytes, rows: list[EntryRow]) -> Checked:
    """The rows of an uploaded template; each problem names its cell ("F7")."""
    checked = Checked()
    by_key = {row.key: row for row in rows}
    try:
        read = list(iter_xlsx_rows(data, limits=ENTRY_LIMITS))
    except InputRefused as refusal:
        english = translation.get_language() == "en"
        checked.errors.append(refusal.message_en if english else refusal.message_vi)
        return checked
    seen: set[str] = set()
    for number, values in read:
        if number < FIRST_ROW:
            continue
        values = (list(values) + [None] * len(COLUMNS))[: len(COLUMNS)]
        key = str(values[KEY - 1] or "").strip()
        raw, reason, note = values[VALUE - 1], values[REASON - 1], values[NOTE - 1]
        if not key and raw in (None, "") and not reason:
            continue

        def cell(column: int, number: int = number) -> str:
            return f"{LETTERS[column - 1]}{number}"

        row = by_key.get(key)
        if row is None:
            checked.errors.append(
                _problem(
                    cell(KEY), _("not a row of this agency and period; download the template again")
                )
            )
            continue
        if key in seen:
            checked.errors.append(_problem(cell(KEY), _("the row appears twice")))
            continue
        seen.add(key)
        if row.locked:
            continue
        try:
            value = parse_number(raw)
        except NotANumber as error:
            checked.errors.append(_problem(cell(VALUE), str(error)))
            continue
        reason = str(reason or "").strip()
        note = str(note or "").strip()
        if len(reason) > 300 or len(note) > MAX_TEXT:
            checked.errors.append(_problem(cell(NOTE), _("the text is too long")))
            continue
        if value is not None and reason:
            checked.errors.append(
                _problem(cell(REASON), _("a value and “not available” cannot be given together"))
            )
            continue
        entry = Entry(row, value, reason, note, None, cell(VALUE))
        if entry.changes():
            checked.entries.append(entry)
    return checked


def validate(checked: Checked, rows: list[EntryRow], *, all_required: bool = False) -> Checked:
    """Add the checks of each entry's value, and of sub-indicators against their parent, to
    ``checked``; ``all_required`` (submitting): every row must then hold an answer."""
    for entry in checked.entries:
        previous = entry.row.previous.value if entry.row.previous else None
        verdict = check_entry(
            entry.row.indicator,
            value=entry.value,
            not_available=entry.not_available,
            previous=previous,
        )
        checked.errors.extend(_problem(entry.where, e) for e in verdict.errors)
        checked.warnings.extend(_problem(entry.where, w) for w in verdict.warnings)
    posted = {
        (e.row.slot.unit.pk if e.row.slot.unit else None, e.row.indicator.pk): e
        for e in checked.entries
    }
    by_unit: dict = {}
    names: dict = {}
    for row in rows:
        unit_id = row.slot.unit.pk if row.slot.unit else None
        entry = posted.get((unit_id, row.indicator.pk))
        value = entry.value if entry else (row.current.value if row.current else None)
        by_unit.setdefault(unit_id, {})[row.indicator.pk] = value
        names[(unit_id, row.indicator.pk)] = row.name
    indicators = [row.indicator for row in rows]
    for unit_id, values in by_unit.items():
        for parent_id, errors in check_consistency(values, indicators).items():
            checked.errors.extend(_problem(names[(unit_id, parent_id)], e) for e in errors)
    if all_required:
        answered = {(e.row.key) for e in checked.entries}
        for row in rows:
            if row.key not in answered and row.current is None:
                checked.errors.append(
                    _problem(
                        row.name,
                        _("Enter a value, or tick “not available” and give the reason."),
                    )
                )
    return checked


@transaction.atomic
def save_entries(checked: Checked, period: ReportPeriod, *, by, confirmed: bool) -> int:
    """Write every entry as a draft (all or nothing); returns how many changed."""
    changed = 0
    for entry in checked.entries:
        _row, did = services.save_value(
            entry.row.indicator,
            org_unit=entry.row.slot.unit,
            period_start=period.start,
            period_end=period.end,
            period_label=period.label,
            value=entry.value,
            not_available=entry.not_available,
            comment=entry.comment,
            jump_confirmed=confirmed and bool(checked.warnings),
            by=by,
            version=entry.version,
        )
        changed += did
    return changed


def write_template(rows: list[EntryRow], title: str) -> bytes:
    """The agency's template for the period: code, name, unit, unit reported for, previous
    value, an empty value column (or the draft so far), the reason, a note, the row key."""
    book = new_workbook()
    sheet = book.active
    sheet.title = "Số liệu"
    append_row(sheet, [title], font=Font(bold=True))
    append_row(sheet, [label for label, _width in COLUMNS], font=Font(bold=True))
    for index, (_label, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[LETTERS[index - 1]].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        current = row.current
        append_row(
            sheet,
            [
                row.indicator.code,
                row.indicator.name,
                row.indicator.unit,
                row.slot.unit.name if row.slot.unit else "Toàn quốc",
                row.previous.value if row.previous else None,
                current.value if current else None,
                current.not_available if current else "",
                current.comment if current else "",
                row.key,
            ],
            alignment=wrap,
        )
    sheet.freeze_panes = "F3"
    return workbook_bytes(book)

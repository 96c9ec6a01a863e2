"""Task list exports: one exporter yields typed rows, the XLSX and CSV renderers write them.

``TaskExporter(queryset, as_of)`` takes the queryset ``filters.filter_tasks`` returns (already
scoped to the user, limited to the date and annotated with ``status``) and yields ``TaskRow``s
in its order. Both files therefore hold the same rows and figures as the page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import astuple, dataclass

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Alignment, Font, PatternFill

from dondoc.core.spreadsheet import append_row, csv_bytes, new_workbook, workbook_bytes, xlsx_cell
from dondoc.tasks.filters import with_display_relations
from dondoc.tasks.models import ProgressUpdate
from dondoc.tasks.status import COMPLETED_STATUSES, Status
from dondoc.tasks.templatetags.dondoc import status_text

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


@dataclass(frozen=True)
class TaskRow:
    """One task as the export writes it (dates stay dates until a renderer formats them)."""

    number: int  # STT
    content: str  # nội dung
    directives: str  # văn bản giao
    members: str  # thành viên BCĐ chỉ đạo, theo dõi
    leads: str  # cơ quan chủ trì
    coordinators: str  # cơ quan phối hợp
    expected_output: str  # kết quả, sản phẩm
    deadline_text: str  # thời hạn, as written
    due_on: dt.date | None  # hạn, normalised, as first assigned
    due_on_as_of: dt.date | None  # hạn đang áp dụng: the deadline in force on the date
    status: str  # trạng thái
    completed_on: dt.date | None  # ngày hoàn thành
    latest_result: str  # kết quả mới nhất


#: Column headings (English message ids), in ``TaskRow`` order, with XLSX widths.
COLUMNS: tuple[tuple[object, int], ...] = (
    (gettext_lazy("No."), 6),
    (gettext_lazy("Content"), 60),
    (gettext_lazy("Assigning documents"), 22),
    (gettext_lazy("Committee members"), 22),
    (gettext_lazy("Lead agencies"), 26),
    (gettext_lazy("Coordinating agencies"), 26),
    (gettext_lazy("Expected output"), 24),
    (gettext_lazy("Deadline (as written)"), 16),
    (gettext_lazy("Due date"), 12),
    (gettext_lazy("Deadline in force"), 12),
    (gettext_lazy("Status"), 18),
    (gettext_lazy("Completion date"), 12),
    (gettext_lazy("Latest result"), 60),
)


class TaskExporter:
    """Yields the rows of a task list as of a date."""

    def __init__(self, queryset: QuerySet, as_of: dt.date) -> None:
        self.queryset = queryset
        self.as_of = as_of

    def headings(self) -> list[str]:
        return [str(label) for label, _width in COLUMNS]

    def _queryset(self) -> QuerySet:
        latest = (
            ProgressUpdate.objects.in_force_on(self.as_of)
            .filter(task=OuterRef("pk"))
            .order_by("-reported_on", "-id")
            .values("text")[:1]
        )
        return with_display_relations(self.queryset).annotate(latest_result=Subquery(latest))

    def rows(self) -> Iterator[TaskRow]:
        for number, task in enumerate(self._queryset().iterator(chunk_size=500), start=1):
            agencies = list(task.task_agencies.all())
            groups = list(task.task_groups.all())  # collective agencies, by name
            status = Status(task.status)
            yield TaskRow(
                number=number,
                content=task.content,
                directives="; ".join(
                    " ".join(filter(None, [s.directive.number, s.label]))
                    for s in task.sources.all()
                ),
                members="; ".join(m.full_name for m in task.members.all()),
                leads="; ".join(
                    [str(a.org_unit) for a in agencies if a.role == "lead"]
                    + [tg.group.name for tg in groups if tg.role == "lead"]
                ),
                coordinators="; ".join(
                    [str(a.org_unit) for a in agencies if a.role == "coordinating"]
                    + [tg.group.name for tg in groups if tg.role == "coordinating"]
                ),
                expected_output=task.expected_output,
                deadline_text=task.deadline_text,
                due_on=task.due_on,
                due_on_as_of=getattr(task, "due_on_as_of", task.due_on),
                status=status_text(status),
                completed_on=task.closure_on_as_of if status in COMPLETED_STATUSES else None,
                latest_result=task.latest_result or "",
            )


def _ddmmyyyy(value: object) -> object:
    return value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else value


def render_csv(exporter: TaskExporter) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens the Vietnamese text correctly."""
    rows = ([_ddmmyyyy(v) for v in astuple(row)] for row in exporter.rows())
    return csv_bytes([exporter.headings(), *rows])


def render_xlsx(exporter: TaskExporter, title: str = "") -> bytes:
    """A workbook with one sheet: a title line, the headings, one row per task."""
    workbook = new_workbook(write_only=True)
    sheet = workbook.create_sheet(_("Tasks")[:31])
    for index, (_label, width) in enumerate(COLUMNS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "C3"

    bold = Font(bold=True)
    heading_fill = PatternFill("solid", fgColor="DCE3EC")
    wrap = Alignment(wrap_text=True, vertical="top")
    append_row(sheet, [title or _("Tasks")], font=Font(bold=True, size=13))
    append_row(sheet, exporter.headings(), font=bold, fill=heading_fill, alignment=wrap)
    for row in exporter.rows():
        cells = []
        for value in astuple(row):
            cell = xlsx_cell(sheet, value, alignment=wrap)
            if isinstance(value, dt.date):
                cell.number_format = "DD/MM/YYYY"
            cells.append(cell)
        sheet.append(cells)
    return workbook_bytes(workbook)

"""Exports of the rounds app: exporter classes yield rows, one XLSX renderer writes them.

``RoundExporter`` writes who has reported in a round (the same lines and counts as the round
dashboard); ``AgencyExporter`` writes an agency's own dashboard: its tasks, its rounds and its
scorecard. Each sheet is a ``Sheet`` of headings and rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import astuple, dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font, PatternFill

from dondoc.core.spreadsheet import append_row, new_workbook, workbook_bytes, xlsx_cell
from dondoc.rounds.completeness import Completeness
from dondoc.rounds.scorecards import ScorecardRow
from dondoc.tasks.exports import COLUMNS as TASK_COLUMNS
from dondoc.tasks.exports import XLSX_CONTENT_TYPE, TaskExporter

__all__ = ["XLSX_CONTENT_TYPE", "AgencyExporter", "RoundExporter", "Sheet", "render_xlsx"]


@dataclass
class Sheet:
    title: str
    headings: Sequence[str]
    rows: Iterable[Sequence[object]]
    widths: Sequence[int] = ()


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


class RoundExporter:
    """Rows of a round's completeness: one per expected agency, then the counts per kind."""

    def __init__(self, data: Completeness) -> None:
        self.data = data

    def agency_rows(self) -> Iterator[tuple]:
        for number, line in enumerate(self.data.lines, start=1):
            s = line.submission
            yield (
                number,
                line.agency.name,
                line.agency.get_kind_display(),
                line.label,
                s.get_state_display() if s else "",
                _local(s.first_submitted_at) if s else None,
                _local(s.submitted_at) if s else None,
                _local(s.reviewed_at) if s else None,
            )

    def count_rows(self) -> Iterator[tuple]:
        for count in [*self.data.by_kind, self.data.total]:
            yield (
                count.label or _("All agencies"),
                count.expected,
                count.on_time,
                count.late,
                count.drafts,
                count.nothing,
                count.sentence if count.kind else "",
            )

    def sheets(self) -> list[Sheet]:
        return [
            Sheet(
                _("Agencies"),
                [
                    _("No."),
                    _("Agency"),
                    _("Kind"),
                    _("Standing"),
                    _("State"),
                    _("First submitted"),
                    _("Last submitted"),
                    _("Reviewed"),
                ],
                self.agency_rows(),
                (6, 50, 28, 20, 24, 18, 18, 18),
            ),
            Sheet(
                _("Counts"),
                [
                    _("Kind of agency"),
                    _("Expected"),
                    _("On time"),
                    _("Late"),
                    _("Draft only"),
                    _("Nothing"),
                    _("As the report writes it"),
                ],
                self.count_rows(),
                (30, 10, 10, 10, 10, 10, 60),
            ),
        ]


class AgencyExporter:
    """An agency's own figures: its tasks as of a date, its rounds, its scorecard."""

    def __init__(
        self, *, tasks: TaskExporter, lines: Sequence, scorecard: ScorecardRow | None
    ) -> None:
        self.tasks = tasks
        self.lines = lines
        self.scorecard = scorecard

    def sheets(self) -> list[Sheet]:
        sheets = [
            Sheet(
                _("Tasks"),
                self.tasks.headings(),
                (astuple(row) for row in self.tasks.rows()),
                [width for _label, width in TASK_COLUMNS],
            ),
            Sheet(
                _("Reporting rounds"),
                [_("Round"), _("Due date"), _("Standing"), _("State"), _("First submitted")],
                (
                    (
                        line.round.title,
                        line.round.due_on,
                        line.label,
                        line.submission.get_state_display() if line.submission else "",
                        _local(line.submission.first_submitted_at) if line.submission else None,
                    )
                    for line in self.lines
                ),
                (24, 12, 22, 24, 18),
            ),
        ]
        card = self.scorecard
        if card is not None:
            sheets.append(
                Sheet(
                    _("Scorecard"),
                    [_("Measure"), _("Value")],
                    [
                        (_("Rank"), card.rank),
                        (_("Score"), None if card.score is None else round(card.score, 1)),
                        (_("Tasks completed on time"), card.on_time),
                        (_("Tasks completed late"), card.late),
                        (_("Tasks overdue"), card.overdue),
                        (_("Tasks open within the deadline"), card.within),
                        (_("Rounds reported on time"), card.rounds_on_time),
                        (_("Rounds reported late"), card.rounds_late),
                        (_("Rounds not reported"), card.rounds_missed),
                    ],
                    (40, 14),
                )
            )
        return sheets


def render_xlsx(sheets: Sequence[Sheet], title: str) -> bytes:
    """One worksheet per ``Sheet``: a title line, the headings, then the rows."""
    workbook = new_workbook(write_only=True)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DCE3EC")
    wrap = Alignment(wrap_text=True, vertical="top")
    for spec in sheets:
        sheet = workbook.create_sheet(spec.title[:31])
        for index, width in enumerate(spec.widths):
            sheet.column_dimensions[chr(ord("A") + index)].width = width
        append_row(sheet, [title], font=Font(bold=True, size=13))
        append_row(sheet, spec.headings, font=bold, fill=fill, alignment=wrap)
        for row in spec.rows:
            out = []
            for value in row:
                cell = xlsx_cell(sheet, value, alignment=wrap)
                if isinstance(value, dt.datetime):
                    cell.number_format = "DD/MM/YYYY HH:MM"
                elif isinstance(value, dt.date):
                    cell.number_format = "DD/MM/YYYY"
                out.append(cell)
            sheet.append(out)
    return workbook_bytes(workbook)

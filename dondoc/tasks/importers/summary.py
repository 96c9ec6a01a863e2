"""What an import did, or would do, or why it refused the file (tổng hợp kết quả nhập): the
summary the page, the CLI and the job show, each of its rows, rejections and warnings."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from dondoc.tasks.importers import template as tpl
from dondoc.tasks.importers.appendix import COLUMN_LABELS_VI

#: Column key -> the heading a rejection or warning names when the file gave none.
COLUMN_LABELS = {
    **COLUMN_LABELS_VI,
    **tpl.HEADINGS,
    "coordinating": "Cơ quan phối hợp",
    "group": "Nhóm nhiệm vụ, giải pháp",
    "directive": "Văn bản giao (--directive)",
    "file": "Tệp",
}


@dataclass
class RowOutcome:
    row: int
    label: str
    action: str  # created | linked | unchanged | queued
    content: str
    task_id: int | None = None
    matched_task_id: int | None = None
    score: float | None = None
    updates: int = 0


@dataclass
class ImportSummary:
    """What an import did, or would do (``dry_run``), or why it was refused (``rejected``)."""

    filename: str
    kind: str
    dry_run: bool = False
    report: str = ""
    report_id: int | None = None
    created: int = 0
    linked: int = 0
    unchanged: int = 0
    updated: int = 0
    queued: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    rows: list[RowOutcome] = field(default_factory=list)
    #: Column key -> the heading of the table read for it (tables only).
    columns: dict[str, str] = field(default_factory=dict)
    #: Unknown names, each once: kind, name, rows, column, resolution, suggestions.
    unknowns: list[dict[str, Any]] = field(default_factory=list)
    #: Some unknown name is neither mapped, created nor dropped: nothing was written.
    needs_resolution: bool = False
    #: Agencies, members, documents and groups the import created: kind, name, id.
    created_references: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected

    def reject(self, row: int, column: str | None, reason: str, reason_en: str, label="") -> None:
        self.rejected.append(_entry(row, column, reason, reason_en, label, self.columns))

    def warn(self, row: int, column: str | None, reason: str, reason_en: str, label="") -> None:
        self.warnings.append(_entry(row, column, reason, reason_en, label, self.columns))

    def count(self, outcome: RowOutcome) -> None:
        """Add a written row's outcome to the rows and the totals."""
        self.updated += outcome.updates
        if outcome.action in ("created", "queued"):
            self.created += 1
        elif outcome.action == "linked":
            self.linked += 1
        else:
            self.unchanged += 1
        self.rows.append(outcome)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["ok"] = self.ok
        return data


def _entry(
    row: int, column: str | None, reason: str, reason_en: str, label: str, headings: dict
) -> dict:
    column = column or ""
    return {
        "row": row,
        "label": label,
        "column": column,
        "column_label": headings.get(column) or COLUMN_LABELS.get(column, column),
        "reason": reason,
        "reason_en": reason_en,
    }

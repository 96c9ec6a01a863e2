"""The bulk entry grid: every task an agency reports on in a round, in one screen, and the same
as an XLSX file to download, fill in and upload.

Each row is the agency's draft update of the task for the round; saving creates or changes the
drafts (the head's submission publishes them). An uploaded file is read whole and checked first:
any refused cell names its row, column and reason, and nothing is written. A row carries the
version of the draft it was made from, so a file or a page older than a later change is a
conflict, not an overwrite.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Alignment, Font

from dondoc.accounts.policy import can
from dondoc.core.forms import DateField, DateInput
from dondoc.core.params import is_id
from dondoc.core.spreadsheet import append_row, new_workbook, workbook_bytes
from dondoc.core.tabular import InputRefused, Limits
from dondoc.core.xlsx_reader import iter_xlsx_rows
from dondoc.rounds import services
from dondoc.rounds.models import ReportingRound, Submission
from dondoc.rounds.queries import tasks_to_report
from dondoc.tasks.exports import XLSX_CONTENT_TYPE
from dondoc.tasks.models import ProgressUpdate, Task
from dondoc.tasks.templatetags.dondoc import status_text

MAX_TEXT = 10000
MAX_ROWS = 2000
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
#: What an uploaded grid may hold: a real one has a row per task and seven columns.
GRID_LIMITS = Limits(
    max_bytes=MAX_UPLOAD_BYTES,
    max_uncompressed=50 * 1024 * 1024,
    max_rows=MAX_ROWS + 2,
    max_columns=20,
    max_cell_chars=MAX_TEXT * 2,
    seconds=10.0,
)

#: The columns of the file; the update (F) is the one to fill in.
COLUMNS = (
    (gettext_lazy("Task no."), 9),
    (gettext_lazy("Task"), 60),
    (gettext_lazy("Deadline"), 16),
    (gettext_lazy("Status"), 18),
    (gettext_lazy("Latest published result"), 50),
    (gettext_lazy("Progress this round (fill in)"), 60),
    (gettext_lazy("Draft version (do not change)"), 10),
)
TEXT_COLUMN = 6


@dataclass
class GridRow:
    task: Task
    draft: ProgressUpdate | None
    published: str


@dataclass(frozen=True)
class Entry:
    """What the user typed for one task, from the version of the draft they saw (0: none)."""

    task_id: int
    text: str
    version: int


def grid_rows(round_: ReportingRound, agency, submission: Submission | None) -> list[GridRow]:
    tasks = list(tasks_to_report(round_, agency).order_by("due_on", "pk"))
    drafts: dict[int, ProgressUpdate] = {}
    if submission is not None:
        for update in (
            ProgressUpdate.objects.drafts()
            .filter(submission_items__submission=submission)
            .order_by("reported_on", "pk")
        ):
            drafts[update.task_id] = update  # the latest draft of each task
    published: dict[int, str] = {}
    for task_id, text in (
        ProgressUpdate.objects.current()
        .filter(task__in=tasks)
        .order_by("task_id", "reported_on", "pk")
        .values_list("task_id", "text")
    ):
        published[task_id] = text
    return [GridRow(t, drafts.get(t.pk), published.get(t.pk, "")) for t in tasks]


def entries_from_post(post, rows: list[GridRow]) -> tuple[list[Entry], list[str]]:
    entries, problems = [], []
    for row in rows:
        text = (post.get(f"t{row.task.pk}-text") or "").strip()
        version = post.get(f"t{row.task.pk}-version") or "0"
        if not is_id(version):
            problems.append(_("Task #%(id)s: the page was out of date.") % {"id": row.task.pk})
            continue
        if len(text) > MAX_TEXT:
            problems.append(
                _("Task #%(id)s: at most %(n)s characters.") % {"id": row.task.pk, "n": MAX_TEXT}
            )
            continue
        entries.append(Entry(row.task.pk, text, int(version)))
    return entries, problems


def write_xlsx(rows: list[GridRow], title: str) -> bytes:
    """The grid as a workbook; every text goes through the shared safe-cell writer, so a task
    or an update that reads like a formula stays text."""
    book = new_workbook()
    sheet = book.active
    sheet.title = _("Progress")[:31]
    append_row(sheet, [title], font=Font(bold=True))
    append_row(sheet, [str(label) for label, _width in COLUMNS], font=Font(bold=True))
    for index, (_label, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[chr(64 + index)].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        task = row.task
        append_row(
            sheet,
            [
                task.pk,
                task.content,
                task.deadline_text,
                status_text(task.status),
                row.published,
                row.draft.text if row.draft else "",
                row.draft.version if row.draft else 0,
            ],
            alignment=wrap,
        )
    sheet.freeze_panes = "C3"
    return workbook_bytes(book)


def read_xlsx(data: bytes, rows: list[GridRow]) -> tuple[list[Entry], list[str]]:
    """The entries of an uploaded grid, or the problems (row, column, reason) that refuse it."""
    expected = {row.task.pk for row in rows}
    entries: list[Entry] = []
    problems: list[str] = []
    seen: set[int] = set()
    column_text = str(COLUMNS[TEXT_COLUMN - 1][0])
    try:
        read = list(iter_xlsx_rows(data, limits=GRID_LIMITS))
    except InputRefused as refusal:
        english = translation.get_language() == "en"
        return [], [refusal.message_en if english else refusal.message_vi]
    for number, values in read:
        if number < 3:
            continue
        values = (list(values) + [None] * 7)[:7]
        task_id, text, version = values[0], values[TEXT_COLUMN - 1], values[6]
        if task_id is None and not text:
            continue

        def refuse(column: str, reason: str, number: int = number) -> None:
            problems.append(
                _("Row %(row)s, column %(column)s: %(reason)s")
                % {"row": number, "column": column, "reason": reason}
            )

        if type(task_id) is not int or task_id not in expected:
            refuse(str(COLUMNS[0][0]), _("not a task the agency reports on in this round"))
            continue
        if task_id in seen:
            refuse(str(COLUMNS[0][0]), _("the task appears twice"))
            continue
        seen.add(task_id)
        if text is not None and not isinstance(text, str):
            text = str(text)
        text = (text or "").strip()
        if len(text) > MAX_TEXT:
            refuse(column_text, _("at most %(n)s characters") % {"n": MAX_TEXT})
            continue
        if "\x00" in text:
            refuse(column_text, _("contains a character that is not text"))
            continue
        if version is None:
            version = 0
        if type(version) is not int or version < 0:
            refuse(str(COLUMNS[6][0]), _("changed by hand; download the grid again"))
            continue
        entries.append(Entry(task_id, text, version))
    return entries, problems


class GridDateForm(forms.Form):
    reported_on = DateField(label=gettext_lazy("Date of the updates"), widget=DateInput())

    def clean_reported_on(self) -> dt.date:
        day = self.cleaned_data["reported_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day


def _prepared(request: HttpRequest, pk: int, agency_pk: int):
    """The round, agency and submission, or 404 unless the user may prepare it now."""
    from dondoc.rounds.submission_views import get_submission_for_user

    round_, agency, submission = get_submission_for_user(request, pk, agency_pk)
    probe = submission or Submission(round=round_, agency=agency)
    probe.round = round_
    today = timezone.localdate()
    may_change = (
        services.agency_may_change(submission, today)
        if submission
        else services.round_accepts_new_work(round_, today)
    )
    if not (can(request.user, "submission.grid", probe) and may_change):
        raise Http404
    if not can(request.user, "submission.prepare", probe):
        raise Http404
    return round_, agency, submission


@login_required
def grid(request: HttpRequest, pk: int, agency_pk: int) -> HttpResponse:
    round_, agency, submission = _prepared(request, pk, agency_pk)
    rows = grid_rows(round_, agency, submission)
    date_form = GridDateForm(request.POST or None, initial={"reported_on": timezone.localdate()})
    problems: list[str] = []
    here = reverse("rounds:grid", args=[round_.pk, agency.pk])
    if request.method == "POST" and date_form.is_valid():
        if request.POST.get("action") == "upload":
            upload = request.FILES.get("file")
            if upload is None:
                problems = [_("Choose the XLSX file to upload.")]
            else:
                entries, problems = read_xlsx(upload.read(), rows)
        else:
            entries, problems = entries_from_post(request.POST, rows)
        if not problems:
            try:
                current = submission or services.start_submission(round_, agency, by=request.user)
                created, changed = services.save_grid(
                    current,
                    entries,
                    by=request.user,
                    reported_on=date_form.cleaned_data["reported_on"],
                )
            except (services.RoundError, services.UpdateConflict) as error:
                messages.error(request, str(error))
                return redirect(here)
            messages.success(
                request,
                _("Drafts saved: %(created)s new, %(changed)s changed.")
                % {"created": created, "changed": changed},
            )
            return redirect(here)
        messages.error(request, _("Nothing was saved: please correct the problems below."))
    return render(
        request,
        "rounds/grid.html",
        {
            "round": round_,
            "agency": agency,
            "submission": submission,
            "rows": rows,
            "date_form": date_form,
            "problems": problems,
            "filled": sum(1 for r in rows if r.draft),
            "today": timezone.localdate(),
        },
    )


@login_required
def grid_xlsx(request: HttpRequest, pk: int, agency_pk: int) -> HttpResponse:
    round_, agency, submission = _prepared(request, pk, agency_pk)
    rows = grid_rows(round_, agency, submission)
    content = write_xlsx(rows, f"{agency.name} · {round_.title}")
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="bang-nhap-{round_.pk}-{agency.pk}.xlsx"'
    )
    return response

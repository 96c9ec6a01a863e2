"""Writing the checked rows (ghi nhiệm vụ), inside the import's transaction.

Two paths share the pieces below: a report or template (:func:`write_rows`) is written row by
row, each matched against every task known so far, its own file's earlier rows included; a
table (:func:`write_table`) lists each task once, so its new rows are created together, in
batches. Both link a row that restates a known task to it (recording a restated deadline,
warning about another expected output) and queue the pairs that only look alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from dondoc.core.text import fold
from dondoc.orgs.models import OrgGroup
from dondoc.tasks import manage, services
from dondoc.tasks.grouping import group_keywords, suggest_group
from dondoc.tasks.importers.references import real, real_all
from dondoc.tasks.importers.rows import ImportContext, Planned, SourceRow
from dondoc.tasks.importers.summary import ImportSummary, RowOutcome
from dondoc.tasks.matching import CandidateIndex, MatchDecision
from dondoc.tasks.models import Directive, DirectiveKind, ProgressUpdate, RelationKind, Task

#: Call ``progress(done, total)`` after this many rows written (and after the last).
PROGRESS_EVERY = 50
#: Tasks created in one batch when writing a table.
BATCH = 500


@dataclass(frozen=True)
class Related:
    """A hand-made link (``import_file``'s ``links``) saying a row restates ``task`` in other
    substance: the row stays a task of its own, linked to ``task`` as related."""

    task: Task


class TaskIndex:
    """The program's tasks as match candidates: each task's content and every wording of it,
    indexed by their words (a row is scored against the tasks sharing its rarer words only)."""

    def __init__(self, program) -> None:
        self.candidates = CandidateIndex()
        self.leads: dict[int, list[str]] = {}
        self.tasks: dict[int, Task] = {}
        self.wordings: dict[int, set[str]] = {}
        #: (directive id, row label) -> task: where a table's row was imported before.
        self.by_source: dict[tuple[int, str], Task] = {}
        self.group_keywords = group_keywords(program)
        queryset = Task.objects.filter(program=program, merged_into__isnull=True).prefetch_related(
            "sources", "task_agencies__org_unit", "task_groups", "members"
        )
        for task in queryset:
            sources = list(task.sources.all())
            for source in sources:
                if source.label:
                    self.by_source.setdefault((source.directive_id, source.label), task)
            self.add(task, [s.wording for s in sources])

    def add(self, task: Task, wordings: list[str] = (), *, leads: list | None = None) -> None:
        self.tasks[task.pk] = task
        self.leads[task.pk] = (
            [unit.name for unit in leads]
            if leads is not None
            else [ta.org_unit.name for ta in task.task_agencies.all() if ta.role == "lead"]
        )
        self.wordings[task.pk] = set()
        for text in [task.content, *wordings]:
            self.add_wording(task, text)

    def add_wording(self, task: Task, wording: str) -> None:
        key = fold(wording)
        if key and key not in self.wordings[task.pk]:
            self.wordings[task.pk].add(key)
            self.candidates.add(task.pk, wording)

    def match(self, plan: Planned) -> MatchDecision:
        """The known task the row most likely restates, its lead agencies weighing in."""
        return self.candidates.match(
            plan.source.content,
            lead_agencies=[unit.name for unit in plan.leads],
            candidate_leads=self.leads,
        )


class _Progress:
    """Calls ``progress(done, total)`` each time the rows written pass a multiple of
    :data:`PROGRESS_EVERY`, and after the last."""

    def __init__(self, progress: Callable[[int, int], None] | None, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0

    def advance(self, count: int = 1) -> None:
        before, self.done = self.done, self.done + count
        if self.progress is not None and (
            self.done // PROGRESS_EVERY > before // PROGRESS_EVERY or self.done == self.total
        ):
            self.progress(self.done, self.total)


# --------------------------------------------------------------------------------------------
# The two paths


def write_rows(
    planned: list[Planned],
    context: ImportContext,
    *,
    by,
    links: Mapping[str, Task | Related],
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Write a report's or a template's rows, one by one."""
    summary, program = context.summary, context.program
    report = None
    if context.report_number:
        report, _created = services.ensure_directive(
            program=program,
            kind=DirectiveKind.REPORT,
            number=context.report_number,
            date=context.report_date,
            issuer=program.standing_office,
            title=context.report_title,
            source_name=summary.filename,
            by=by,
        )
        summary.report_id = report.pk
    index = TaskIndex(program)
    written = _Progress(progress, len(planned))
    for plan in planned:
        row = plan.source
        _settle(plan)
        linked_to = links.get(row.label)
        related_to = linked_to.task if isinstance(linked_to, Related) else None
        if linked_to is not None and related_to is None:
            kind, candidate_id, score = "same", linked_to.pk, 1.0
            index.tasks.setdefault(linked_to.pk, linked_to)
        else:
            decision = index.match(plan)
            kind, candidate_id, score = decision.kind, decision.candidate, decision.score
            if related_to is not None and candidate_id == related_to.pk:
                kind = "new"  # checked by hand: related, not the same task
        sources = _sources_for(plan, report)
        outcome = RowOutcome(row.row, row.label, "created", row.content[:200], score=score)
        if kind == "same":
            task = index.tasks[candidate_id]
            sources = [
                s for s in sources if s[1] or not task.sources.filter(directive=s[0]).exists()
            ]
            changed = _link(task, plan, sources, by=by)
            _linked(task, plan, report, outcome, summary, changed=changed, by=by)
            index.add_wording(task, row.content)
        else:
            task = services.create_task(**_new_task(plan, program, index, sources), by=by)
            index.add(task, leads=plan.leads)
            if kind == "maybe":
                candidate = index.tasks[candidate_id]
                source = report or plan.documents[0]
                _queue(task, candidate, outcome, summary, score=score, source=source, by=by)
                _relate(task, candidate, plan, report, by=by)
        if related_to is not None and related_to.pk != task.pk:
            _relate(task, related_to, plan, report, by=by)
            outcome.matched_task_id = related_to.pk
        outcome.task_id = task.pk
        outcome.updates = _record_updates(task, plan, report, context, by=by)
        summary.count(outcome)
        written.advance()


def write_table(
    planned: list[Planned],
    context: ImportContext,
    *,
    by,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Write a table's rows. A table lists each task once: a row imported before is found
    again by its document and label; any other row is matched against the tasks known before
    the import (never against its own table's rows), and the new ones are created together,
    parents before their sub-rows, in batches."""
    summary, program = context.summary, context.program
    index = TaskIndex(program)
    written = _Progress(progress, len(planned))
    task_of: dict[str, Task] = {}  # row number -> its task, for the sub-rows
    new: list[tuple[Planned, RowOutcome, Any]] = []

    for plan in planned:
        _settle(plan)
        row = plan.source
        sources = _sources_for(plan, None)
        outcome = RowOutcome(row.row, row.label, "created", row.content[:200])
        task = index.by_source.get((plan.documents[0].pk, row.label)) if plan.documents else None
        decision = None
        if task is not None:
            outcome.score = 1.0
            changed = not _unchanged(task, plan, sources) and _link(task, plan, sources, by=by)
        else:
            decision = index.match(plan)
            outcome.score = decision.score
            if decision.kind == "same":
                task = index.tasks[decision.candidate]
                changed = _link(task, plan, sources, by=by)
        if task is None:
            new.append((plan, outcome, decision))
            continue
        _linked(task, plan, None, outcome, summary, changed=changed, by=by)
        outcome.task_id = task.pk
        if row.number:
            task_of.setdefault(row.number, task)
        summary.count(outcome)
        written.advance()

    def depth(item: tuple[Planned, RowOutcome, Any]) -> int:  # "3" 0, "3.1" 1, "3.1.2" 2
        return item[0].source.number.count(".")

    for level in sorted({depth(item) for item in new}):
        batch = [item for item in new if depth(item) == level]
        for start in range(0, len(batch), BATCH):
            chunk = batch[start : start + BATCH]
            specs = [
                services.NewTask(
                    **_new_task(
                        plan,
                        program,
                        index,
                        _sources_for(plan, None),
                        parent=task_of.get(plan.source.parent_number or ""),
                    )
                )
                for plan, _outcome, _decision in chunk
            ]
            for (plan, outcome, decision), task in zip(
                chunk, services.create_tasks(specs, by=by), strict=True
            ):
                if plan.source.number:
                    task_of.setdefault(plan.source.number, task)
                if decision is not None and decision.kind == "maybe":
                    candidate = index.tasks[decision.candidate]
                    source = plan.documents[0]
                    _queue(
                        task,
                        candidate,
                        outcome,
                        summary,
                        score=decision.score,
                        source=source,
                        by=by,
                    )
                outcome.task_id = task.pk
                summary.count(outcome)
            written.advance(len(chunk))
    summary.rows.sort(key=lambda outcome: outcome.row)


# --------------------------------------------------------------------------------------------
# Pieces both paths use


def _settle(plan: Planned) -> None:
    """Put the references created for the import in place of their placeholders."""
    plan.documents = real_all(plan.documents)
    plan.leads, plan.coordinators = real_all(plan.leads), real_all(plan.coordinators)
    plan.members, plan.group = real_all(plan.members), real(plan.group)


def _sources_for(plan: Planned, report: Directive | None) -> list[tuple[Directive, str, str]]:
    row = plan.source
    sources: list[tuple[Directive, str, str]] = []
    if report is not None:
        sources.append((report, row.label, row.content))
        # The assigning documents, when the task has no source from them yet (wording unknown).
        sources += [(d, "", "") for d in plan.documents]
    else:
        # A table's row keeps its label, so importing the table again finds the row's task.
        label = row.label if row.origin == "table" else ""
        sources += [(d, label, row.content) for d in plan.documents]
    return sources


def _new_task(
    plan: Planned, program, index: TaskIndex, sources: list, *, parent: Task | None = None
) -> dict[str, Any]:
    """The task a new row creates, as ``services.create_task`` and ``services.NewTask`` take
    it; a row without a group gets the one its words suggest."""
    row = plan.source
    return {
        "program": program,
        "content": row.content,
        "assigned_on": plan.assigned_on,
        "deadline": row.deadline_text,
        "expected_output": row.expected_output,
        "group": plan.group or suggest_group(row.content, index.group_keywords),
        "parent": parent,
        "sources": sources,
        "leads": plan.leads,
        "coordinators": plan.coordinators,
        "members": plan.members,
    }


def _link(task: Task, plan: Planned, sources: list, *, by) -> bool:
    return services.link_task(
        task,
        sources=sources,
        leads=plan.leads,
        coordinators=plan.coordinators,
        members=plan.members,
        assigned_on=plan.assigned_on,
        deadline=plan.source.deadline_text,
        expected_output=plan.source.expected_output,
        by=by,
    )


def _unchanged(task: Task, plan: Planned, sources: list) -> bool:
    """Whether linking ``plan`` to ``task`` would change nothing, read from what the index
    prefetched (a re-imported table's rows skip the locked re-read of their tasks)."""
    have_sources = {(s.directive_id, s.label) for s in task.sources.all()}
    have_units = {("unit", ta.org_unit_id, ta.role) for ta in task.task_agencies.all()}
    have_units |= {("group", tg.group_id, tg.role) for tg in task.task_groups.all()}
    have_members = {m.pk for m in task.members.all()}

    def key(agency: Any, role: str) -> tuple[str, int, str]:
        return ("group" if isinstance(agency, OrgGroup) else "unit", agency.pk, role)

    return (
        all((d.pk, label) in have_sources for d, label, _w in sources)
        and all(key(u, "lead") in have_units for u in plan.leads)
        and all(key(u, "coordinating") in have_units for u in plan.coordinators)
        and all(m.pk in have_members for m in plan.members)
        and plan.assigned_on >= task.assigned_on
        and not (plan.source.deadline_text and task.deadline_kind == "none")
        and not (plan.source.expected_output.strip() and not task.expected_output)
    )


def _linked(
    task: Task,
    plan: Planned,
    report: Directive | None,
    outcome: RowOutcome,
    summary: ImportSummary,
    *,
    changed: bool,
    by,
) -> None:
    """A row linked to the task it restates (``changed`` when the link added anything): its
    deadline may be restated, its expected output is compared, and the outcome says which."""
    changed |= _restate_deadline(task, plan, report, summary, by=by)
    _warn_output(task, plan.source, summary)
    outcome.action = "linked" if changed else "unchanged"
    outcome.matched_task_id = task.pk


def _queue(
    task: Task,
    candidate: Task,
    outcome: RowOutcome,
    summary: ImportSummary,
    *,
    score: float,
    source: Directive,
    by,
) -> None:
    """A new task that only looks like ``candidate``: the pair waits for a human."""
    _pair, queued = services.queue_duplicate(task, candidate, score=score, source=source, by=by)
    outcome.action = "queued"
    outcome.matched_task_id = candidate.pk
    summary.queued += int(queued)


def _relate(task: Task, other: Task, plan: Planned, report: Directive | None, *, by) -> None:
    """A row that may restate ``other`` in other substance, from a later document: the two
    tasks stay apart, linked as related (``RESTATES``), until a reviewer says otherwise."""
    document = report or (plan.documents[0] if plan.documents else None)
    if document is not None and document.date > other.assigned_on:
        services.relate_tasks(task, other, kind=RelationKind.RESTATES, source=document, by=by)


# --------------------------------------------------------------------------------------------
# Restated deadlines, expected outputs, progress updates


def _restate_deadline(
    task: Task, plan: Planned, report: Directive | None, summary: ImportSummary, *, by
) -> bool:
    """A row restating ``task`` with another deadline: when its document (the report, else
    the latest assigning document) is dated after the task's assignment, the new deadline
    governs from that date (``manage.restate_deadline``); otherwise, or when the phrase cannot
    be read, the deadline in force is kept and the row warned about. Returns whether a
    restatement was recorded."""
    row = plan.source
    phrase = row.deadline_text.strip()
    documents = [report] if report is not None else sorted(plan.documents, key=lambda d: d.date)
    if not phrase or not documents:
        return False
    document = documents[-1]
    done, _change = manage.restate_deadline(
        task, phrase=phrase, document=document, label=row.label if report else "", by=by
    )
    column = row.column("deadline")
    if done == manage.RESTATED:
        summary.warn(
            row.row,
            column,
            f"{row.label}: thời hạn “{phrase}” nêu lại tại {document} có hiệu lực từ ngày "
            f"{document.date:%d/%m/%Y} (thời hạn đã giao “{task.deadline_text}” vẫn được lưu).",
            f"{row.label}: deadline “{phrase}” restated by {document} is in force from "
            f"{document.date:%d/%m/%Y} (the assigned “{task.deadline_text}” is kept on record).",
            row.label,
        )
    elif done in (manage.UNREADABLE, manage.NOT_LATER, manage.ALREADY):
        summary.warn(
            row.row,
            column,
            f"{row.label}: thời hạn “{phrase}” khác thời hạn đã giao “{task.deadline_text}”; "
            f"giữ thời hạn đã giao.",
            f"{row.label}: deadline “{phrase}” differs from the assigned “{task.deadline_text}”; "
            f"the assigned deadline was kept.",
            row.label,
        )
    return done == manage.RESTATED


def _warn_output(task: Task, row: SourceRow, summary: ImportSummary) -> None:
    """A row naming another expected output than the task's: the task's is kept, and said."""
    product = row.expected_output.strip()
    if not product or fold(product) == fold(task.expected_output):
        return
    summary.warn(
        row.row,
        "san_pham",
        f"{row.label}: sản phẩm “{product}” khác sản phẩm đã ghi “{task.expected_output}”; "
        f"giữ sản phẩm đã ghi.",
        f"{row.label}: expected output “{product}” differs from the recorded "
        f"“{task.expected_output}”; the recorded one was kept.",
        row.label,
    )


def _record_updates(task: Task, plan: Planned, report, context: ImportContext, *, by) -> int:
    """Progress updates stated by the row, each at most once (task, source, text)."""
    row, added = plan.source, 0
    lead = next((u for u in plan.leads if not isinstance(u, OrgGroup)), None)  # not a group
    if report is not None:
        if row.result:
            added += _post_once(
                task,
                {"source": report, "text": row.result},
                by=by,
                text=row.result,
                reported_on=context.report_date,
                recorded_on=context.report_date,
                agency=lead,
                source=report,
            )
        return added
    today = timezone.localdate()
    if row.result and not plan.completed_on:
        added += _post_once(
            task,
            {"source": None, "text": row.result, "reported_on": plan.result_on},
            by=by,
            text=row.result,
            reported_on=plan.result_on,
            recorded_on=today,
            agency=lead,
        )
    if plan.completed_on:
        added += _post_once(
            task,
            {"status_change": "completed", "effective_on": plan.completed_on},
            by=by,
            text=row.result or "Hoàn thành",
            reported_on=plan.result_on or plan.completed_on,
            recorded_on=today,
            agency=lead,
            status_change="completed",
            effective_on=plan.completed_on,
        )
    return added


def _post_once(task: Task, recorded: dict[str, Any], *, by, **update: Any) -> int:
    """Post ``update`` unless the task has an update matching ``recorded`` already: 1 when
    posted, else 0."""
    if ProgressUpdate.objects.filter(task=task, **recorded).exists():
        return 0
    services.post_update(task, by=by, **update)
    return 1

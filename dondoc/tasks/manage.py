"""Managing tasks in the app: create, edit, reassign, change the deadline, split, merge, cancel.

Each function is one transaction that re-reads the task under a lock, makes the change through
the task services, and leaves a ``TaskChange``: the date, the user and the required reason, with
a one-line summary of what changed. The fields themselves are in the change history (and so in
the audit) as well.

The past stays as it was: a deadline change is a ``DeadlineChange`` in force from the day it is
made, a cancellation is a timeline entry recorded today (effective on the date given), and the
parts of a split task are assigned on the day of the split. The status of a task on an earlier
date is therefore the same before and after any of these changes.

Permission is the caller's business (``policy.can``); input is valid (the forms check it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dondoc.tasks import services, spans
from dondoc.tasks.deadlines import DeadlineKind, parse_deadline
from dondoc.tasks.models import (
    AgencyRole,
    ChangeKind,
    ClosureKind,
    DeadlineChange,
    DeadlineOrigin,
    Directive,
    DuplicateCandidate,
    DuplicateState,
    Task,
    TaskAgency,
    TaskChange,
    TaskSource,
)
from dondoc.tasks.status import DeadlineInForce, deadline_as_of


class StaleTask(Exception):
    """The task changed since the form was loaded: the user must look again."""


def version_of(task: Task) -> str:
    """A stamp of the task's state, carried by a form so a stale form is noticed: the number
    of its latest history record (every save of the task, and every change here, adds one)."""
    latest = task.history.order_by("-history_id").values_list("history_id", flat=True).first()
    return str(latest or "")


def _locked(task: Task, version: str | None) -> Task:
    fresh = Task.objects.select_for_update().get(pk=task.pk)
    if version is not None and version != version_of(fresh):
        raise StaleTask(task.pk)
    return fresh


def _record(
    task: Task, kind: str, *, by, reason: str, summary: str = "", related=None, on=None
) -> TaskChange:
    assert reason.strip(), "a change needs a reason"
    change = TaskChange(
        task=task,
        kind=kind,
        changed_on=on or timezone.localdate(),
        reason=reason.strip(),
        summary=summary,
        related=related,
        by=by,
    )
    services._as_user(change, by).save()
    return change


def _touch(task: Task, by) -> None:
    """Move the task's version on, so other open forms of it become stale."""
    services._as_user(task, by).save(update_fields=["updated_at"])


def _names(units: Iterable) -> str:
    return "; ".join(str(u) for u in units) or "—"


@dataclass(frozen=True)
class SourceRef:
    """A directive that assigned the task, and the item (mục, STT) it was in."""

    directive: Directive
    label: str = ""


def _set_sources(task: Task, sources: Sequence[SourceRef]) -> bool:
    wanted = {(s.directive.pk, s.label) for s in sources}
    existing = {(s.directive_id, s.label): s for s in task.sources.all()}
    removed = [s.pk for key, s in existing.items() if key not in wanted]
    if removed:
        TaskSource.objects.filter(pk__in=removed).delete()
    added = [s for s in sources if (s.directive.pk, s.label) not in existing]
    for source in added:
        TaskSource.objects.create(
            task=task, directive=source.directive, label=source.label, wording=task.content
        )
    return bool(removed or added)


# -- Create, edit, reassign --------------------------------------------------------------------


@transaction.atomic
def create(
    *,
    program,
    content: str,
    sources: Sequence[SourceRef],
    by,
    reason: str,
    group=None,
    members: Iterable = (),
    leads: Iterable = (),
    coordinators: Iterable = (),
    deadline: str = "",
    assigned_on: dt.date | None = None,
    expected_output: str = "",
) -> Task:
    """A new task, assigned by ``sources``, recorded with the reason it was added by hand."""
    task = services.create_task(
        expected_output=expected_output,
        program=program,
        content=content,
        assigned_on=assigned_on or timezone.localdate(),
        deadline=deadline,
        group=group,
        sources=[(s.directive, s.label, content) for s in sources],
        leads=leads,
        coordinators=coordinators,
        members=members,
        by=by,
    )
    _record(task, ChangeKind.CREATED, by=by, reason=reason)
    return task


@transaction.atomic
def edit(
    task: Task,
    *,
    by,
    reason: str,
    content: str,
    group,
    sources: Sequence[SourceRef],
    version: str | None = None,
    expected_output: str | None = None,
) -> Task:
    """Change the task's wording, solution group, expected output (left as it is when None)
    and assigning documents."""
    task = _locked(task, version)
    changed: list[str] = []
    if content != task.content:
        task.content = content
        changed.append(_("content"))
    if expected_output is not None and expected_output != task.expected_output:
        changed.append(
            _("expected output: %(old)s → %(new)s")
            % {"old": task.expected_output or "—", "new": expected_output or "—"}
        )
        task.expected_output = expected_output
    if (group.pk if group else None) != task.group_id:
        changed.append(
            _("solution group: %(old)s → %(new)s") % {"old": task.group or "—", "new": group or "—"}
        )
        task.group = group
    services._as_user(task, by).save()
    spans.refresh([task.pk])  # counted under its (new) solution group
    if _set_sources(task, sources):
        changed.append(_("assigning documents"))
    _record(task, ChangeKind.EDITED, by=by, reason=reason, summary="; ".join(changed))
    return task


@transaction.atomic
def reassign(
    task: Task,
    *,
    by,
    reason: str,
    leads: Sequence,
    coordinators: Sequence,
    members: Sequence,
    version: str | None = None,
) -> Task:
    """Set exactly these lead and coordinating agencies and supervising members."""
    task = _locked(task, version)
    lines: list[str] = []
    for role, units, key in (
        (AgencyRole.LEAD, leads, "lead"),
        (AgencyRole.COORDINATING, coordinators, "coordinating"),
    ):
        current = [ta.org_unit for ta in task.task_agencies.filter(role=role).order_by("id")]
        if {u.pk for u in current} == {u.pk for u in units}:
            continue
        TaskAgency.objects.filter(task=task, role=role).exclude(
            org_unit__in=[u.pk for u in units]
        ).delete()
        services.set_agencies(
            task, **({"leads": units} if role == AgencyRole.LEAD else {"coordinators": units})
        )
        lines.append(f"{key}: {_names(current)} → {_names(units)}")
    current_members = list(task.members.all())
    if {m.pk for m in current_members} != {m.pk for m in members}:
        task.members.set(list(members))
        lines.append(f"members: {_names(current_members)} → {_names(members)}")
    _touch(task, by)
    _record(task, ChangeKind.REASSIGNED, by=by, reason=reason, summary="\n".join(lines))
    return task


#: What a line of a reassignment's summary is about: the line starts with the key ("lead:
#: — → Hà Nội") and the page shows the label in the reader's language (``shown_summary``).
REASSIGNED_LABELS = {
    "lead": gettext_lazy("Lead agency"),
    "coordinating": gettext_lazy("Coordinating agencies"),
    "members": gettext_lazy("Supervising members"),
}


def shown_summary(change: TaskChange) -> str:
    """The summary of ``change`` as the task page shows it: a reassignment's labels in the
    reader's language, whether its lines start with their key or, written earlier, with the
    label in the language of the user who made the change."""
    if change.kind != ChangeKind.REASSIGNED:
        return change.summary
    keys = _reassigned_keys()
    lines = []
    for line in change.summary.split("\n"):
        head, colon, rest = line.partition(": ")
        key = keys.get(head) if colon else None
        lines.append(f"{REASSIGNED_LABELS[key]}: {rest}" if key else line)
    return "\n".join(lines)


def _reassigned_keys() -> dict[str, str]:
    """Each key of ``REASSIGNED_LABELS``, and its label in every language, to the key."""
    keys = {key: key for key in REASSIGNED_LABELS}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            keys.update({str(label): key for key, label in REASSIGNED_LABELS.items()})
    return keys


# -- The deadline ------------------------------------------------------------------------------


def deadline_in_force(task: Task, as_of: dt.date) -> tuple[str, dt.date | None]:
    """(kind, due date) of the deadline in force on ``as_of``, computed by ``status``."""
    changes = [
        DeadlineInForce(c.deadline_kind, c.due_on, c.effective_on)
        for c in task.deadline_changes.order_by("effective_on", "id")
    ]
    return deadline_as_of(task.deadline_kind, task.due_on, changes, as_of)


def _deadline_label(text: str, due: dt.date | None) -> str:
    return f"{text or '—'}" + (f" ({due:%d/%m/%Y})" if due and text != f"{due:%d/%m/%Y}" else "")


@transaction.atomic
def change_deadline(
    task: Task,
    *,
    by,
    reason: str,
    phrase: str,
    effective_on: dt.date | None = None,
    origin: str = DeadlineOrigin.CHANGED,
    source: Directive | None = None,
    source_label: str = "",
    version: str | None = None,
) -> DeadlineChange:
    """A new deadline in force from ``effective_on`` (today by default); earlier dates keep
    the deadline they had. The deadline as first assigned stays on the task. ``source`` is the
    document that set it, with its item ``source_label``."""
    task = _locked(task, version)
    day = effective_on or timezone.localdate()
    before = task.deadline_changes.filter(effective_on__lte=day).order_by("-effective_on", "-id")
    previous = before.first()
    old = (
        _deadline_label(previous.deadline_text, previous.due_on)
        if previous
        else _deadline_label(task.deadline_text, task.due_on)
    )
    probe = Task(deadline_text="")
    services.apply_deadline(probe, phrase)
    change = DeadlineChange(
        task=task,
        origin=origin,
        effective_on=day,
        deadline_text=probe.deadline_text,
        deadline_kind=probe.deadline_kind,
        due_on=probe.due_on,
        deadline_period=probe.deadline_period,
        reason=reason.strip(),
        source=source,
        source_label=source_label,
        by=by,
    )
    services._as_user(change, by).save()
    spans.refresh([task.pk])
    _touch(task, by)
    new = _deadline_label(change.deadline_text, change.due_on)
    _record(task, ChangeKind.DEADLINE, by=by, reason=reason, summary=f"{old} → {new}", on=day)
    return change


#: What ``restate_deadline`` did.
RESTATED = "restated"  # recorded
SAME = "same"  # the phrase says the deadline already in force (or none): nothing to do
UNREADABLE = "unreadable"  # the phrase could not be read: kept for a human, never guessed
NOT_LATER = "not_later"  # the document is not dated after the assignment: the assigned stays
ALREADY = "already"  # a change already takes over on the document's date


@transaction.atomic
def restate_deadline(
    task: Task, *, phrase: str, document: Directive, label: str = "", by=None
) -> tuple[str, DeadlineChange | None]:
    """A later document (a report, a plan) that restates ``task`` with the deadline ``phrase``
    governs from its date: a ``RESTATED`` deadline change in force from ``document.date``,
    naming the document and its item ``label``, recorded through ``change_deadline``.

    Returns what was done (``RESTATED``, or why nothing: ``SAME``, ``UNREADABLE``,
    ``NOT_LATER``, ``ALREADY``) and the change recorded. Running it again records nothing.
    """
    new = parse_deadline(phrase)
    if new.kind == DeadlineKind.NONE:
        return SAME, None
    day = document.date
    kind, due = deadline_in_force(task, day)
    if new.kind.value == kind and new.due == due:
        return SAME, None
    if new.kind == DeadlineKind.UNRECOGNISED:
        return UNREADABLE, None
    if day <= task.assigned_on:
        return NOT_LATER, None
    if task.deadline_changes.filter(effective_on=day).exists():
        return ALREADY, None
    reason = f"{document.number} ngày {day:%d/%m/%Y}" + (f", {label}" if label else "")
    change = change_deadline(
        task,
        by=by,
        reason=f"Nêu lại thời hạn: {reason}",
        phrase=new.phrase,
        effective_on=day,
        origin=DeadlineOrigin.RESTATED,
        source=document,
        source_label=label,
    )
    return RESTATED, change


# -- Split, merge, cancel ----------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One of the tasks a task is split into; agencies default to the original's."""

    content: str
    deadline: str = ""
    leads: Sequence = field(default_factory=tuple)


@transaction.atomic
def split(
    task: Task,
    *,
    by,
    reason: str,
    parts: Sequence[Part],
    close_original: bool = True,
    version: str | None = None,
) -> list[Task]:
    """Split ``task`` into ``parts``: each a sub-task with the original's program, group,
    documents, members and coordinating agencies, assigned today. With ``close_original`` the
    original stops being followed (a cancellation recorded today, naming its parts), so the
    figures count the parts instead of it from today on."""
    task = _locked(task, version)
    assert parts, "a split needs parts"
    today = timezone.localdate()
    leads = task.lead_agencies()
    coordinators = task.coordinating_agencies()
    members = list(task.members.all())
    sources = [(s.directive, s.label, s.wording) for s in task.sources.all()]
    new_tasks = []
    for part in parts:
        child = services.create_task(
            program=task.program,
            content=part.content,
            assigned_on=today,
            deadline=part.deadline if part.deadline else task.deadline_text,
            group=task.group,
            parent=task,
            sources=sources,
            leads=part.leads or leads,
            coordinators=coordinators,
            members=members,
            by=by,
        )
        _record(
            child,
            ChangeKind.SPLIT_FROM,
            by=by,
            reason=reason,
            summary=_("Split from task #%(id)s") % {"id": task.pk},
            related=task,
        )
        new_tasks.append(child)
    numbers = ", ".join(f"#{t.pk}" for t in new_tasks)
    summary = _("Split into tasks %(ids)s") % {"ids": numbers}
    if close_original and not task.closure_kind:
        services.post_update(
            task,
            by=by,
            text=f"{summary}. {reason.strip()}",
            status_change=ClosureKind.CANCELLED,
            effective_on=today,
        )
    else:
        _touch(task, by)
    _record(task, ChangeKind.SPLIT, by=by, reason=reason, summary=summary)
    return new_tasks


@transaction.atomic
def merge(keep: Task, duplicate: Task, *, by, reason: str, version: str | None = None) -> Task:
    """Fold ``duplicate`` into ``keep`` (``services.merge_tasks``), with the reason on both.

    As ``services.decide_duplicate`` does, the merge holds the program's lock (it never
    interleaves with an import) and locks both tasks in id order (two merges of the same pair
    in opposite directions wait for each other instead of deadlocking). Either task merged
    elsewhere meanwhile, or ``keep`` changed since ``version``, raises :class:`StaleTask`.
    """
    services.lock_program(keep.program_id)
    tasks = {t.pk: t for t in services._locked_tasks([keep.pk, duplicate.pk])}
    keep, duplicate = tasks[keep.pk], tasks[duplicate.pk]
    if version is not None and version != version_of(keep):
        raise StaleTask(keep.pk)
    if duplicate.merged_into_id is not None or keep.merged_into_id is not None:
        raise StaleTask(keep.pk)
    services.merge_tasks(keep, duplicate, by=by)
    # A pair of these two queued by an import is answered by this merge.
    for pair in DuplicateCandidate.objects.filter(
        task__in=(keep, duplicate),
        candidate__in=(keep, duplicate),
        state=DuplicateState.PENDING,
    ):
        pair.state, pair.decided_by, pair.decided_at = DuplicateState.CONFIRMED, by, timezone.now()
        services._as_user(pair, by).save(update_fields=["state", "decided_by", "decided_at"])
    _record(
        keep,
        ChangeKind.MERGED,
        by=by,
        reason=reason,
        summary=_("Task #%(id)s merged into this one") % {"id": duplicate.pk},
        related=duplicate,
    )
    _record(
        duplicate,
        ChangeKind.MERGED_INTO,
        by=by,
        reason=reason,
        summary=_("Merged into task #%(id)s") % {"id": keep.pk},
        related=keep,
    )
    return keep


@transaction.atomic
def cancel(
    task: Task, *, by, reason: str, effective_on: dt.date, version: str | None = None
) -> Task:
    """Stop following the task (dừng thực hiện) from ``effective_on``. The cancellation is
    recorded today: the status on earlier dates, as reported then, stays as it was."""
    task = _locked(task, version)
    services.post_update(
        task,
        by=by,
        text=reason.strip(),
        status_change=ClosureKind.CANCELLED,
        effective_on=effective_on,
    )
    _record(
        task,
        ChangeKind.CANCELLED,
        by=by,
        reason=reason,
        summary=_("Cancelled with effect from %(date)s") % {"date": f"{effective_on:%d/%m/%Y}"},
    )
    return task

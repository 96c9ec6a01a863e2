"""Every write to tasks goes through these functions.

Each runs in one transaction and leaves its trace in the change history (django-simple-history
records the user given as ``by``). Views, the API, the importers and the commands call the same
functions, so behaviour cannot drift between them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from simple_history.utils import bulk_create_with_history

from dondoc.core.text import fold, normalize_spaces
from dondoc.core.transitions import Conflict, locked
from dondoc.core.uploads import CheckedUpload
from dondoc.orgs.models import OrgGroup
from dondoc.tasks import spans
from dondoc.tasks.deadlines import parse_deadline
from dondoc.tasks.models import (
    AgencyRole,
    Attachment,
    ClosureKind,
    Directive,
    DuplicateCandidate,
    DuplicateState,
    Program,
    ProgressUpdate,
    RelationKind,
    SolutionGroup,
    Task,
    TaskAgency,
    TaskAgencyGroup,
    TaskRelation,
    TaskSource,
    UpdateState,
)

#: ``history_change_reason`` holds this many characters (a correction's reason).
MAX_CHANGE_REASON = 100


def _as_user(instance: Any, by: Any) -> Any:
    """Attribute the history record of ``instance`` to ``by`` (a User, or None for the system)."""
    if by is not None:
        instance._history_user = by
    return instance


def apply_deadline(task: Task, phrase: str | None) -> None:
    """Set the deadline phrase and its normalised form (does not save)."""
    deadline = parse_deadline(phrase)
    task.deadline_text = deadline.phrase
    task.deadline_kind = deadline.kind.value
    task.due_on = deadline.due
    task.deadline_period = deadline.period or ""


@transaction.atomic
def create_task(
    *,
    program,
    content: str,
    assigned_on: dt.date,
    deadline: str | None = None,
    group=None,
    parent: Task | None = None,
    sources: Sequence[tuple[Directive, str, str]] = (),
    leads: Iterable = (),
    coordinators: Iterable = (),
    members: Iterable = (),
    expected_output: str = "",
    by=None,
) -> Task:
    """Create a task with its sources ``(directive, label, wording)``, agencies and members;
    ``expected_output`` is its product as written (kết quả, sản phẩm: "Nghị định", "Đề án").

    ``leads`` and ``coordinators`` hold organisation units and collective agencies
    (``OrgGroup``, "Các bộ, ngành, địa phương") in any mix."""
    task = Task(
        program=program,
        content=content,
        assigned_on=assigned_on,
        group=group,
        parent=parent,
        expected_output=normalize_spaces(expected_output),
    )
    apply_deadline(task, deadline)
    _as_user(task, by).save()
    with spans.deferred():  # one recomputation of its spans, not one per kind of link
        # A new task has no sources, agencies or members yet: each kind is one insert.
        _add_sources(task, sources, have=set())
        _add_agencies(task, leads=leads, coordinators=coordinators, have=set())
        members = list(dict.fromkeys(members))
        if members:
            task.members.add(*members)
        spans.refresh([task.pk])
    return task


@dataclass(frozen=True)
class NewTask:
    """What :func:`create_tasks` needs of each task: the arguments of :func:`create_task`."""

    program: Any
    content: str
    assigned_on: dt.date
    deadline: str | None = None
    expected_output: str = ""
    group: Any = None
    parent: Task | None = None
    sources: Sequence[tuple[Directive, str, str]] = ()
    leads: Sequence = ()
    coordinators: Sequence = ()
    members: Sequence = ()


@transaction.atomic
def create_tasks(specs: Sequence[NewTask], *, by=None) -> list[Task]:
    """Create many tasks at once (the rows of an imported table), each as :func:`create_task`
    would, with its history record, in a few inserts. Parents must exist already."""
    tasks = []
    for spec in specs:
        task = Task(
            program=spec.program,
            content=spec.content,
            assigned_on=spec.assigned_on,
            group=spec.group,
            parent=spec.parent,
            expected_output=normalize_spaces(spec.expected_output),
        )
        task.derive()  # bulk inserts skip save()
        apply_deadline(task, spec.deadline)
        tasks.append(task)
    bulk_create_with_history(tasks, Task, batch_size=500, default_user=by)
    sources, agencies, groups, members = {}, {}, {}, {}
    for task, spec in zip(tasks, specs, strict=True):
        for directive, label, wording in spec.sources:
            sources.setdefault(
                (task.pk, directive.pk, label),
                TaskSource(task=task, directive=directive, label=label, wording=wording),
            )
        for role, units in (
            (AgencyRole.LEAD, spec.leads),
            (AgencyRole.COORDINATING, spec.coordinators),
        ):
            for unit in units:
                if isinstance(unit, OrgGroup):
                    groups.setdefault(
                        (task.pk, unit.pk, role.value),
                        TaskAgencyGroup(task=task, group=unit, role=role),
                    )
                    continue
                agencies.setdefault(
                    (task.pk, unit.pk, role.value), TaskAgency(task=task, org_unit=unit, role=role)
                )
        for member in spec.members:
            members.setdefault(
                (task.pk, member.pk), Task.members.through(task_id=task.pk, member_id=member.pk)
            )
    TaskSource.objects.bulk_create(sources.values(), batch_size=1000)
    TaskAgency.objects.bulk_create(agencies.values(), batch_size=1000)
    TaskAgencyGroup.objects.bulk_create(groups.values(), batch_size=1000)
    Task.members.through.objects.bulk_create(members.values(), batch_size=1000)
    spans.refresh([task.pk for task in tasks])
    return tasks


def set_agencies(task: Task, *, leads: Iterable = (), coordinators: Iterable = ()) -> bool:
    """Add the agencies (units or groups) the task lacks in each role; whether any was added."""
    return _add_agencies(task, leads=leads, coordinators=coordinators)


def _add_sources(task: Task, sources: Iterable, *, have: set | None = None) -> bool:
    """Add the sources ``(directive, label, wording)`` the task lacks; whether any was added."""
    if have is None:
        have = set(TaskSource.objects.filter(task=task).values_list("directive_id", "label"))
    new: dict[tuple[int, str], TaskSource] = {}
    for directive, label, wording in sources:
        key = (directive.pk, label)
        if key not in have and key not in new:
            new[key] = TaskSource(task=task, directive=directive, label=label, wording=wording)
    TaskSource.objects.bulk_create(new.values(), ignore_conflicts=True)
    return bool(new)


def _add_agencies(
    task: Task, *, leads: Iterable = (), coordinators: Iterable = (), have: set | None = None
) -> bool:
    """Add the lead and coordinating agencies (units or collective groups) the task lacks;
    whether any was added."""
    if have is None:
        have = set(TaskAgency.objects.filter(task=task).values_list("org_unit_id", "role"))
    new: dict[tuple[int, str], TaskAgency] = {}
    groups: list[tuple[OrgGroup, str]] = []
    for role, units in ((AgencyRole.LEAD, leads), (AgencyRole.COORDINATING, coordinators)):
        for unit in units:
            if isinstance(unit, OrgGroup):
                groups.append((unit, role))
                continue
            key = (unit.pk, role.value)
            if key not in have and key not in new:
                new[key] = TaskAgency(task=task, org_unit=unit, role=role)
    TaskAgency.objects.bulk_create(new.values(), ignore_conflicts=True)
    added = bool(new)
    if any(role == AgencyRole.LEAD for _unit, role in new):
        spans.refresh([task.pk])  # a bulk insert sends no signal
    for group, role in groups:
        _link, created = TaskAgencyGroup.objects.get_or_create(task=task, group=group, role=role)
        added |= created
    return added


@transaction.atomic
def refresh_closure(task: Task) -> None:
    """Recompute the cached closure columns of ``task`` from its timeline.

    The task row is locked first, so that two updates recorded at once are both read by the
    second recomputation (it waits for the first to commit), never one lost from the cache.
    """
    locked(Task, task.pk, no_key=True)
    events = list(
        task.updates.published()
        .exclude(status_change="")
        .order_by("recorded_on", "id")
        .values_list("status_change", "effective_on", "recorded_on")
    )
    if events:
        kind, effective, _recorded = events[-1]
        task.closure_kind = "" if kind == ClosureKind.REOPENED else kind
        task.closure_on = None if kind == ClosureKind.REOPENED else effective
        task.status_events_from = events[0][2]
        task.status_events_to = events[-1][2]
    else:
        task.closure_kind, task.closure_on = "", None
        task.status_events_from = task.status_events_to = None
    task.save(
        update_fields=[
            "closure_kind",
            "closure_on",
            "status_events_from",
            "status_events_to",
            "updated_at",
        ]
    )
    spans.refresh([task.pk])


@dataclass(frozen=True)
class IncomingFile:
    """An upload that ``dondoc.core.uploads.check_upload`` has accepted."""

    file: File
    checked: CheckedUpload


@transaction.atomic(savepoint=False)  # no savepoint of its own when nested
def post_update(
    task: Task,
    *,
    by,
    text: str,
    reported_on: dt.date | None = None,
    recorded_on: dt.date | None = None,
    agency=None,
    source: Directive | None = None,
    status_change: str = "",
    effective_on: dt.date | None = None,
    files: Sequence[IncomingFile] = (),
    state: str = UpdateState.PUBLISHED,
    corrects: ProgressUpdate | None = None,
    form_token: str | None = None,
    reason: str = "",
) -> ProgressUpdate:
    """Add an entry to the task's timeline, optionally completing, cancelling or reopening it.

    A correction (``corrects``) carries the original's attachments, so the evidence stays with
    the text in force; ``reason`` (why it was corrected) is kept in the entry's history.

    Permission is the caller's business (``policy.can(user, "task.set_status", task)``);
    this function assumes valid input. Pages and the API go through
    ``dondoc.tasks.reporting.record_update``, which decides draft or published; importers and
    loaders record what an official document already published.
    """
    today = timezone.localdate()
    if status_change:
        assert status_change in ClosureKind.values, status_change
    update = ProgressUpdate(
        task=task,
        reported_on=reported_on or today,
        recorded_on=recorded_on or today,
        author=by,
        agency=agency,
        source=source,
        text=text,
        status_change=status_change,
        effective_on=(effective_on or reported_on or today) if status_change else None,
        state=state,
        corrects=corrects,
        form_token=form_token,
        published_at=timezone.now() if state == UpdateState.PUBLISHED else None,
    )
    if reason:
        update._change_reason = reason[:MAX_CHANGE_REASON]
    _as_user(update, by).save()
    add_attachments(update, files=files, by=by)
    if corrects is not None:
        _carry_attachments(corrects, update)
    if status_change and state == UpdateState.PUBLISHED:
        _as_user(task, by)
        refresh_closure(task)
    return update


def _carry_attachments(original: ProgressUpdate, correction: ProgressUpdate) -> None:
    """The original's files, attached to its correction too (the same stored file; a file
    uploaded again with the correction is not listed twice)."""
    have = set(correction.attachments.values_list("sha256", flat=True))
    Attachment.objects.bulk_create(
        Attachment(
            update=correction,
            file=a.file.name,
            original_name=a.original_name,
            content_type=a.content_type,
            size=a.size,
            sha256=a.sha256,
        )
        for a in original.attachments.order_by("pk")
        if a.sha256 not in have
    )


@transaction.atomic(savepoint=False)  # no savepoint of its own when nested
def add_attachments(
    update: ProgressUpdate, *, files: Sequence[IncomingFile], by=None
) -> list[Attachment]:
    """Attach checked files (evidence) to an existing timeline entry."""
    attachments = []
    for incoming in files:
        attachment = Attachment(
            update=update,
            original_name=incoming.checked.name,
            content_type=incoming.checked.content_type,
            size=incoming.checked.size,
            sha256=incoming.checked.sha256,
        )
        attachment.file.save(incoming.checked.name, incoming.file, save=False)
        attachment.save()
        attachments.append(attachment)
    return attachments


@transaction.atomic
def merge_tasks(keep: Task, duplicate: Task, *, by=None) -> Task:
    """Fold ``duplicate`` into ``keep``: sources, agencies, members and timeline move over."""
    assert keep.pk != duplicate.pk
    for source in duplicate.sources.all():
        TaskSource.objects.get_or_create(
            task=keep,
            directive=source.directive,
            label=source.label,
            defaults={"wording": source.wording},
        )
    for ta in duplicate.task_agencies.all():
        TaskAgency.objects.get_or_create(task=keep, org_unit=ta.org_unit, role=ta.role)
    for tg in duplicate.task_groups.all():
        TaskAgencyGroup.objects.get_or_create(task=keep, group=tg.group, role=tg.role)
    keep.members.add(*duplicate.members.all())
    _move_relations(keep, duplicate, by=by)
    for update in duplicate.updates.all():  # one by one, so each move is in the history
        update.task = keep
        _as_user(update, by).save(update_fields=["task"])
    if duplicate.assigned_on < keep.assigned_on:
        keep.assigned_on = duplicate.assigned_on
        _as_user(keep, by).save(update_fields=["assigned_on", "updated_at"])
    duplicate.merged_into = keep
    _as_user(duplicate, by).save(update_fields=["merged_into", "updated_at"])
    refresh_closure(keep)
    spans.refresh([duplicate.pk])  # its timeline moved to ``keep``
    return keep


def _move_relations(keep: Task, duplicate: Task, *, by=None) -> None:
    """The duplicate's related tasks become the kept task's; a relation between the two goes."""
    pair = (keep.pk, duplicate.pk)
    for relation in TaskRelation.objects.filter(Q(task=duplicate) | Q(related=duplicate)):
        other = relation.related_id if relation.task_id == duplicate.pk else relation.task_id
        if other in pair or _relation_between(keep.pk, other) is not None:
            _as_user(relation, by).delete()
            continue
        if relation.task_id == duplicate.pk:
            relation.task = keep
        else:
            relation.related = keep
        _as_user(relation, by).save(update_fields=["task", "related"])


def _relation_between(a: int, b: int) -> TaskRelation | None:
    return TaskRelation.objects.filter(
        Q(task_id=a, related_id=b) | Q(task_id=b, related_id=a)
    ).first()


@transaction.atomic
def relate_tasks(
    task: Task,
    related: Task,
    *,
    kind: str = RelationKind.RELATED,
    source: Directive | None = None,
    by=None,
) -> tuple[TaskRelation, bool]:
    """Keep ``task`` and ``related`` apart but linked (once per pair, in either order):
    ``task`` restates ``related`` in other substance (``RESTATES``, named by ``source``), or
    the two are related but not the same (``RELATED``). Returns the relation and whether it
    was created."""
    assert task.pk != related.pk, "a task is not related to itself"
    assert kind in RelationKind.values, kind
    existing = _relation_between(task.pk, related.pk)
    if existing is not None:
        return existing, False
    relation = TaskRelation(task=task, related=related, kind=kind, source=source)
    _as_user(relation, by).save()
    return relation, True


@transaction.atomic
def decide_duplicate(
    pair: DuplicateCandidate, *, same: bool, by, related: bool = False
) -> DuplicateCandidate:
    """A human's answer to a queued near-duplicate: merge the two tasks, or keep both —
    as different tasks, or (``related``) as related tasks linked on both pages.

    The pair is re-read under a lock: a pair decided meanwhile, or (to merge) a task of it
    merged elsewhere meanwhile, raises :class:`Conflict` and changes nothing. A merge also
    holds the program's lock, so that it never interleaves with an import into the program.
    """
    if same:
        lock_program(pair.task.program_id)
    current = locked(DuplicateCandidate.objects.select_related("decided_by"), pair.pk)
    if current.state != DuplicateState.PENDING:
        raise Conflict(
            gettext(
                "These two tasks were already reviewed (%(state)s) by %(who)s on %(date)s; "
                "nothing was changed."
            )
            % {
                "state": current.get_state_display(),
                "who": current.decided_by or "—",
                "date": f"{timezone.localtime(current.decided_at):%d/%m/%Y %H:%M}"
                if current.decided_at
                else "—",
            },
            current=current,
        )
    if same:
        tasks = {t.pk: t for t in _locked_tasks([current.task_id, current.candidate_id])}
        for task in tasks.values():
            if task.merged_into_id is not None:
                raise Conflict(
                    gettext(
                        "Task #%(task)s was merged into task #%(into)s meanwhile; this pair "
                        "can no longer be merged."
                    )
                    % {"task": task.pk, "into": task.merged_into_id},
                    current=current,
                )
    if same:
        current.state = DuplicateState.CONFIRMED
    else:
        current.state = DuplicateState.RELATED if related else DuplicateState.REJECTED
    current.decided_by = by
    current.decided_at = timezone.now()
    _as_user(current, by).save(update_fields=["state", "decided_by", "decided_at"])
    if same:
        merge_tasks(tasks[current.candidate_id], tasks[current.task_id], by=by)
    elif related:
        relate_tasks(
            current.task, current.candidate, kind=RelationKind.RELATED, source=current.source, by=by
        )
    else:  # different tasks: a link the import made while the pair waited goes
        found = _relation_between(current.task_id, current.candidate_id)
        if found is not None:
            _as_user(found, by).delete()
    pair.state, pair.decided_by, pair.decided_at = (
        current.state,
        current.decided_by,
        current.decided_at,
    )
    return pair


def lock_program(program_id: int) -> None:
    """Serialise the writers of a whole program (imports, merges) until the transaction ends.

    ``FOR NO KEY UPDATE`` on the program row: other writers of tasks, rounds and updates that
    merely refer to the program go on.
    """
    locked(Program, program_id, no_key=True)


def _locked_tasks(ids: Iterable[int]) -> list[Task]:
    """Lock tasks in id order (one order for every caller: no deadlock between two merges)."""
    return list(Task.objects.filter(pk__in=sorted(set(ids))).order_by("pk").select_for_update())


# -- Used by the importers and the data loaders ---------------------------------------------


def number_key(number: str) -> str:
    """A directive's number and symbol as compared: without diacritics, case or spaces."""
    return "".join(fold(number).split())


@transaction.atomic
def ensure_directive(
    *, program, kind: str, number: str, date: dt.date, issuer, by=None, **details: Any
) -> tuple[Directive, bool]:
    """The directive identified by number, date and issuer, created with ``details`` if new.

    The number is compared as :func:`number_key` folds it: "01-TB/BCDTW" read from a PDF whose
    font lost the "Đ" is the notice "01-TB/BCĐTW" of the same day and issuer, not a second one.
    An existing directive is left as it is (a second import changes nothing).
    """
    key = number_key(number)
    for directive in Directive.objects.filter(date=date, issuer=issuer).order_by("pk"):
        if number_key(directive.number) == key:
            return directive, False
    directive = Directive(
        program=program, kind=kind, number=number, date=date, issuer=issuer, **details
    )
    _as_user(directive, by).save()
    return directive, True


@transaction.atomic
def record_directive_text(directive: Directive, text: str, *, by=None) -> bool:
    """Keep the text a directive was read from (the spans of its tasks' sources point into
    it), when it has none yet; whether it was recorded."""
    if directive.text or not text:
        return False
    directive.text = text
    _as_user(directive, by).save(update_fields=["text"])
    return True


@transaction.atomic
def add_group(*, program, title: str, by=None) -> SolutionGroup:
    """A new solution group of ``program`` (nhóm nhiệm vụ, giải pháp), numbered after the
    existing ones; an imported table's section that matches none of them."""
    last = SolutionGroup.objects.filter(program=program).order_by("-number").first()
    group = SolutionGroup(
        program=program, number=(last.number + 1) if last else 1, title=title[:400]
    )
    _as_user(group, by).save()
    return group


@transaction.atomic
def link_task(
    task: Task,
    *,
    sources: Sequence[tuple[Directive, str, str]] = (),
    leads: Iterable = (),
    coordinators: Iterable = (),
    members: Iterable = (),
    assigned_on: dt.date | None = None,
    deadline: str | None = None,
    expected_output: str = "",
    by=None,
) -> bool:
    """Record that a document restates ``task``: add what is missing, never duplicate.

    Adds sources ``(directive, label, wording)``, agencies (units or groups) and members the
    task lacks, moves
    ``assigned_on`` earlier when the document shows an earlier assignment, and sets the deadline
    and the expected output when the task had none (a different one is kept: the caller warns,
    as the importer does). Returns whether anything changed.

    The task is re-read under a lock first: a manual edit committed meanwhile (a deadline set
    by hand) is seen and kept, never overwritten from the importer's older copy.
    """
    fresh = locked(Task, task.pk, no_key=True)
    for name in (
        "assigned_on",
        "deadline_text",
        "deadline_kind",
        "due_on",
        "deadline_period",
        "expected_output",
    ):
        setattr(task, name, getattr(fresh, name))
    changed = _add_sources(task, sources) if sources else False
    leads, coordinators, members = list(leads), list(coordinators), list(members)
    if leads or coordinators:
        changed |= _add_agencies(task, leads=leads, coordinators=coordinators)
    if members:
        current = set(task.members.values_list("pk", flat=True))
        missing = [member for member in dict.fromkeys(members) if member.pk not in current]
        if missing:
            task.members.add(*missing)
            changed = True
    fields: list[str] = []
    refresh_spans = False
    if assigned_on is not None and assigned_on < task.assigned_on:
        task.assigned_on = assigned_on
        fields.append("assigned_on")
        refresh_spans = True
    if deadline and task.deadline_kind == "none" and not task.deadline_text:
        apply_deadline(task, deadline)
        fields += ["deadline_text", "deadline_kind", "due_on", "deadline_period"]
        refresh_spans = True
    expected_output = normalize_spaces(expected_output)
    if expected_output and not task.expected_output:
        task.expected_output = expected_output
        fields.append("expected_output")
    if fields:
        _as_user(task, by).save(update_fields=[*fields, "updated_at"])
        changed = True
    if refresh_spans:
        spans.refresh([task.pk])
    return changed


def queue_duplicate(
    task: Task, candidate: Task, *, score: float, source: Directive | None = None, by=None
) -> tuple[DuplicateCandidate, bool]:
    """Queue a possible duplicate pair for a human (once per pair, in either order)."""
    existing = DuplicateCandidate.objects.filter(
        task__in=(task, candidate), candidate__in=(task, candidate)
    ).first()
    if existing is not None:
        return existing, False
    pair = DuplicateCandidate(task=task, candidate=candidate, score=score, source=source)
    _as_user(pair, by).save()
    return pair, True

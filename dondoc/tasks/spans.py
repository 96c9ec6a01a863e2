"""Status spans (khoảng trạng thái): each task's status on every date, kept in the database.

A task's status on a date depends only on its timeline and that date: the closure in force
(updates *recorded* by then, ``status.closure_as_of``), the deadline in force
(``status.deadline_as_of``) and how far the date is from it. Between two of the dates where one
of these can change — an update recorded, a deadline change taking effect, the first day a
deadline is "due soon", the day after it (overdue) — the status is constant. ``TaskStatusSpan``
rows record these pieces: on any date D with ``valid_from <= D < valid_to`` the task's status
is ``status`` (against the deadline in force), ``status_original`` (against the deadline as
first assigned), with ``due_on`` the deadline in force. A task's spans cover every date from
its assignment (``assigned_on``) on, exactly once; a task merged into another has none.

Each piece is written once per way the dashboard counts the task (``SpanPart``): once as the
task (``key``: its solution group), once per lead unit, per collective lead group and per
supervising member, so that counting by any of them is one scan of the rows covering a date,
without joining the task's agencies and members (the collective groups' member units valid on
the date, and the units merged into another by then, are applied when reading).

``refresh(task_ids)`` recomputes the rows of the tasks in the caller's transaction; every
service that changes a timeline, a deadline, an assignment date, a solution group, the lead
agencies or the members calls it (agencies and members also through the model signals
``connect_signals`` registers, which the admin's inlines send), so the figures are never stale
and no daily job is needed: "today" is just a date a span covers. ``differences`` recomputes
every row from scratch and compares (``dondoc check-figures``).

The spans are computed with ``status.status_as_of`` for ``settings.DONDOC_DUE_SOON_DAYS``;
after changing that setting, ``rebuild()`` them (``dondoc check-figures --repair``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, F, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf

from dondoc.tasks.models import (
    PUBLISHED_STATES,
    AgencyRole,
    DeadlineChange,
    ProgressUpdate,
    SpanPart,
    Task,
    TaskAgency,
    TaskAgencyGroup,
    TaskStatusSpan,
)
from dondoc.tasks.queries import due_soon_days
from dondoc.tasks.status import (
    Closure,
    DeadlineInForce,
    closure_as_of,
    deadline_as_of,
    status_as_of,
)

__all__ = [
    "FIRST_DAY",
    "LAST_DAY",
    "Span",
    "compute",
    "differences",
    "first_lead_name",
    "group_renamed",
    "rebuild",
    "refresh",
    "renamed",
    "shown_name",
    "stored_rows",
    "task_rows",
]

#: The spans of a task start on this day and end (exclusive) on ``LAST_DAY``: every date a
#: page can ask for (``core.dates`` admits 1945–2100) lies between.
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2200, 1, 1)

#: Tasks read and written per batch.
BATCH = 2000


@dataclass(frozen=True)
class Span:
    """From ``valid_from`` (inclusive) to ``valid_to`` (exclusive)."""

    valid_from: dt.date
    valid_to: dt.date
    status: str
    status_original: str
    due_on: dt.date | None


def compute(
    *,
    deadline_kind: str,
    due_on: dt.date | None,
    closures: Sequence[Closure],
    changes: Sequence[DeadlineInForce],
    soon_days: int,
) -> list[Span]:
    """The spans of a task with this original deadline, its published closures (timeline
    order) and its deadline changes (order of ``effective_on``, then entry)."""
    dues = {due_on, *(c.due for c in changes)} - {None}
    cuts = {FIRST_DAY}
    cuts.update(c.recorded_on for c in closures)
    cuts.update(c.effective_on for c in changes)
    for due in dues:
        # Due soon from ``soon_days`` before the due date; overdue from the day after.
        for day in (due - dt.timedelta(days=soon_days), due + dt.timedelta(days=1)):
            cuts.add(day)
    days = sorted(d for d in cuts if FIRST_DAY <= d < LAST_DAY)
    spans: list[Span] = []
    for i, day in enumerate(days):
        end = days[i + 1] if i + 1 < len(days) else LAST_DAY
        closure = closure_as_of(closures, day)
        kind, due = deadline_as_of(deadline_kind, due_on, changes, day)
        status = status_as_of(
            as_of=day, deadline_kind=kind, due=due, closure=closure, due_soon_days=soon_days
        )
        original = status_as_of(
            as_of=day,
            deadline_kind=deadline_kind,
            due=due_on,
            closure=closure,
            due_soon_days=soon_days,
        )
        last = spans[-1] if spans else None
        if last and (last.status, last.status_original, last.due_on) == (status, original, due):
            spans[-1] = Span(last.valid_from, end, status.value, original.value, due)
        else:
            spans.append(Span(day, end, status.value, original.value, due))
    return spans


@dataclass(frozen=True)
class Row:
    """One stored row: a span of a task counted under ``part`` and ``key``."""

    task_id: int
    part: str
    key: int | None
    valid_from: dt.date
    valid_to: dt.date
    status: str
    status_original: str
    due_on: dt.date | None
    shared: bool
    program_id: int
    #: The task's assignment date, on its rows of part "task" (a sort column of the task
    #: list); None on the other parts.
    task_assigned_on: dt.date | None = None
    #: The name shown of its first lead unit, else of its first lead collective agency
    #: (``first_lead_name``), on its rows of part "task".
    task_lead_name: str | None = None

    def sort_key(self) -> tuple:
        return (self.task_id, self.part, self.key or 0, self.valid_from)


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), BATCH):
        yield list(ids[start : start + BATCH])


def _computed(ids: list[int], soon_days: int, models: dict | None = None) -> list[Row]:
    """The rows of the tasks ``ids`` computed from their timeline and assignment now.
    ``models`` replaces the models by name (the historical ones of a migration)."""
    m = {
        "Task": Task,
        "ProgressUpdate": ProgressUpdate,
        "DeadlineChange": DeadlineChange,
        "TaskAgency": TaskAgency,
        "TaskAgencyGroup": TaskAgencyGroup,
    }
    m.update(models or {})
    closures: dict[int, list[Closure]] = defaultdict(list)
    events = (
        m["ProgressUpdate"]
        .objects.filter(task_id__in=ids, state__in=PUBLISHED_STATES)
        .exclude(status_change="")
        .order_by("task_id", "recorded_on", "id")
        .values_list("task_id", "status_change", "effective_on", "recorded_on")
    )
    for task_id, kind, effective, recorded in events:
        closures[task_id].append(Closure(kind, effective, recorded))
    changes: dict[int, list[DeadlineInForce]] = defaultdict(list)
    rows = (
        m["DeadlineChange"]
        .objects.filter(task_id__in=ids)
        .order_by("task_id", "effective_on", "id")
        .values_list("task_id", "deadline_kind", "due_on", "effective_on")
    )
    for task_id, kind, due, effective in rows:
        changes[task_id].append(DeadlineInForce(kind, due, effective))
    keys: dict[int, list[tuple[str, int]]] = defaultdict(list)
    lead = AgencyRole.LEAD.value
    lead_names: dict[int, str] = {}
    # In the order of ``first_lead_name``, the first row of a task names its first lead unit;
    # the keys are in the order of the units' ids.
    for task_id, unit, name in (
        m["TaskAgency"]
        .objects.filter(task_id__in=ids, role=lead)
        .order_by("task_id", "id")
        .values_list("task_id", "org_unit_id", shown_name("org_unit__"))
    ):
        keys[task_id].append((SpanPart.LEAD.value, unit))
        lead_names.setdefault(task_id, name)
    for unit_keys in keys.values():
        unit_keys.sort()
    # A task no unit leads is named by its first lead collective agency (``first_lead_name``).
    group_names: dict[int, tuple[int, str]] = {}
    for task_id, group, link, name in (
        m["TaskAgencyGroup"]
        .objects.filter(task_id__in=ids, role=lead)
        .order_by("task_id", "group_id")
        .values_list("task_id", "group_id", "id", "group__name")
    ):
        keys[task_id].append((SpanPart.LEAD_GROUP.value, group))
        if task_id not in group_names or link < group_names[task_id][0]:
            group_names[task_id] = (link, name)
    for task_id, (_link, name) in group_names.items():
        lead_names.setdefault(task_id, name)
    through = m["Task"].members.through
    for task_id, member in (
        through.objects.filter(task_id__in=ids)
        .order_by("task_id", "member_id")
        .values_list("task_id", "member_id")
    ):
        keys[task_id].append((SpanPart.MEMBER.value, member))
    tasks = (
        m["Task"]
        .objects.filter(pk__in=ids, merged_into__isnull=True)
        .order_by("pk")
        .values_list("pk", "program_id", "group_id", "assigned_on", "deadline_kind", "due_on")
    )
    result: list[Row] = []
    for pk, program_id, group_id, assigned_on, kind, due in tasks:
        result += task_rows(
            pk,
            program_id=program_id,
            group_id=group_id,
            assigned_on=assigned_on,
            deadline_kind=kind,
            due_on=due,
            closures=closures.get(pk, ()),
            changes=changes.get(pk, ()),
            keys=keys.get(pk, ()),
            soon_days=soon_days,
            lead_name=lead_names.get(pk),
        )
    return result


def task_rows(
    pk: int,
    *,
    program_id: int,
    group_id: int | None,
    assigned_on: dt.date,
    deadline_kind: str,
    due_on: dt.date | None,
    closures: Sequence[Closure],
    changes: Sequence[DeadlineInForce],
    keys: Sequence[tuple[str, int]],
    soon_days: int,
    lead_name: str | None = None,
) -> list[Row]:
    """The rows of one task from what they depend on: its assignment, original deadline,
    published closures (timeline order), deadline changes, the (part, key) pairs it is
    counted under besides its solution group (lead units, lead groups, members) and the name
    shown of its first lead unit (``first_lead_name``). Used both when reading from the database
    (``refresh``) and by a generator that has them in hand."""
    task_spans = compute(
        deadline_kind=deadline_kind,
        due_on=due_on,
        closures=closures,
        changes=changes,
        soon_days=soon_days,
    )
    parts = [(SpanPart.TASK.value, group_id), *keys]
    leads = sum(1 for part, _key in parts if part != SpanPart.MEMBER and part != "task")
    shared = leads > 1 or any(part == SpanPart.LEAD_GROUP for part, _key in parts)
    result: list[Row] = []
    for span in task_spans:
        if span.valid_to <= assigned_on:
            continue  # before the task was assigned
        start = max(span.valid_from, assigned_on)
        for part, key in parts:
            result.append(
                Row(
                    task_id=pk,
                    part=part,
                    key=key,
                    valid_from=start,
                    valid_to=span.valid_to,
                    status=span.status,
                    status_original=span.status_original,
                    due_on=span.due_on,
                    shared=shared and part in (SpanPart.LEAD, SpanPart.LEAD_GROUP),
                    program_id=program_id,
                    task_assigned_on=assigned_on if part == SpanPart.TASK else None,
                    task_lead_name=lead_name if part == SpanPart.TASK else None,
                )
            )
    return result


def stored_rows(ids: list[int]) -> list[Row]:
    """The stored rows of the tasks ``ids``."""
    fields = [f.name for f in dataclasses.fields(Row)]
    rows = TaskStatusSpan.objects.filter(task_id__in=ids).values_list(*fields)
    return [Row(*values) for values in rows]


#: The tasks whose refresh waits for the end of the :func:`deferred` block in progress.
_deferred: ContextVar[set[int] | None] = ContextVar("spans_deferred", default=None)


@contextmanager
def deferred() -> Iterator[None]:
    """Recompute each task's spans once, at the end of the block, however many writes inside
    it ask for a refresh (creating a task adds its agencies and members: one refresh, not
    three). The block must run inside the writes' transaction; nothing in it may read the
    spans it changes. Nested blocks leave the work to the outermost one; an exception drops it,
    as the transaction is rolled back.
    """
    if _deferred.get() is not None:
        yield
        return
    ids: set[int] = set()
    token = _deferred.set(ids)
    try:
        yield
    finally:
        _deferred.reset(token)
    refresh(ids)


@transaction.atomic
def refresh(task_ids: Iterable[int], *, models: dict | None = None) -> int:
    """Recompute the spans of the tasks ``task_ids`` from their timeline, in the caller's
    transaction; returns the number of spans written (none for tasks whose rows are already
    those, and 0 inside a :func:`deferred` block, which does the work at its end).

    The task rows are locked first (in id order), so that two writes to one task at once
    recompute one after the other, the second reading what the first committed.
    """
    pending = _deferred.get()
    if pending is not None and models is None:
        pending.update(int(pk) for pk in task_ids)
        return 0
    ids = sorted({int(pk) for pk in task_ids})
    if not ids:
        return 0
    written = 0
    soon = due_soon_days()
    m = {"Task": Task, "TaskStatusSpan": TaskStatusSpan, **(models or {})}
    for chunk in _chunks(ids):
        list(
            m["Task"]
            .objects.select_for_update(no_key=True)
            .filter(pk__in=chunk)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        computed = _computed(chunk, soon, models)
        before = stored_rows(chunk) if models is None else None
        if before is not None and sorted(before, key=Row.sort_key) == sorted(
            computed, key=Row.sort_key
        ):
            continue  # unchanged (an update without a status change): nothing to write
        m["TaskStatusSpan"].objects.filter(task_id__in=chunk).delete()
        model = m["TaskStatusSpan"]
        # A migration's model may predate some columns of ``Row``: those it has.
        names = {f.attname for f in model._meta.concrete_fields}
        rows = [
            model(**{k: v for k, v in dataclasses.asdict(row).items() if k in names})
            for row in computed
        ]
        model.objects.bulk_create(rows, batch_size=1000)
        written += len(rows)
        if before is not None:  # not in a migration, before checkpoints exist
            _count_at_checkpoints(before, computed)
    return written


def _count_at_checkpoints(before: list[Row], after: list[Row]) -> None:
    """The counts kept at checkpoints follow the rows, in the same transaction."""
    from dondoc.tasks import checkpoints

    checkpoints.apply(before, after)


def rebuild(program_ids: Iterable[int] | None = None) -> int:
    """Recompute the spans of every task (of the programs ``program_ids``)."""
    tasks = Task.objects.all()
    if program_ids is not None:
        tasks = tasks.filter(program_id__in=list(program_ids))
    return refresh(tasks.order_by("pk").values_list("pk", flat=True))


@dataclass(frozen=True)
class Difference:
    """A task whose stored rows are not those its timeline and assignment give."""

    task_id: int
    stored: list[Row]
    expected: list[Row]

    def describe(self) -> str:
        def show(rows: list[Row]) -> str:
            return "; ".join(
                f"{r.part} {r.key}{' shared' if r.shared else ''} "
                f"{r.valid_from:%d/%m/%Y}–{r.valid_to:%d/%m/%Y} {r.status}/{r.status_original}"
                + (f" due {r.due_on:%d/%m/%Y}" if r.due_on else "")
                for r in rows
            )

        return (
            f"task #{self.task_id}: stored [{show(self.stored)}], expected [{show(self.expected)}]"
        )


def differences(program_ids: Iterable[int] | None = None) -> Iterator[Difference]:
    """Each task whose stored rows differ from those recomputed now."""
    tasks = Task.objects.all()
    if program_ids is not None:
        tasks = tasks.filter(program_id__in=list(program_ids))
    ids = list(tasks.order_by("pk").values_list("pk", flat=True))
    soon = due_soon_days()
    for chunk in _chunks(ids):
        stored: dict[int, list[Row]] = defaultdict(list)
        expected: dict[int, list[Row]] = defaultdict(list)
        for row in stored_rows(chunk):
            stored[row.task_id].append(row)
        for row in _computed(chunk, soon):
            expected[row.task_id].append(row)
        for pk in chunk:
            a = sorted(stored.get(pk, []), key=Row.sort_key)
            b = sorted(expected.get(pk, []), key=Row.sort_key)
            if a != b:
                yield Difference(pk, a, b)
    # Rows of tasks that no longer exist cannot be: the foreign key deletes them.


def shown_name(prefix: str = "") -> Coalesce:
    """An org unit's name as the lists show it (``OrgUnit.__str__``): its short name, or its
    official name when it has none; ``prefix`` leads to the unit ("org_unit__")."""
    return Coalesce(NullIf(F(f"{prefix}short_name"), Value("")), F(f"{prefix}name"))


def first_lead_name(task: str = "pk") -> Coalesce:
    """The name shown (``shown_name``) of the first lead unit of the task ``OuterRef(task)``,
    the first the task's rows show (in the order the leads were given); when no unit leads
    it, the name of its first lead collective agency ("Các bộ, ngành, địa phương"), which its
    row shows in that place; None when nothing leads it. What the task list sorts by "lead
    agency" (in Vietnamese order), and what the rows of part "task" keep as
    ``task_lead_name``."""
    unit = (
        TaskAgency.objects.filter(task=OuterRef(task), role=AgencyRole.LEAD)
        .order_by("id")
        .values_list(shown_name("org_unit__"))[:1]
    )
    group = (
        TaskAgencyGroup.objects.filter(task=OuterRef(task), role=AgencyRole.LEAD)
        .order_by("id")
        .values_list("group__name")[:1]
    )
    return Coalesce(Subquery(unit), Subquery(group))


@transaction.atomic
def renamed(unit_id: int) -> int:
    """The rows of part "task" of the tasks whose first lead unit is ``unit_id``, given its name
    again (``first_lead_name``) after the unit's name or short name changed: one statement, in
    the caller's transaction, the tasks locked first as ``refresh`` locks them (so that a
    refresh at the same time is not left with the old name); the statuses do not change.
    Returns the rows changed. Only a unit's save calls it (``connect_signals``): a rename by
    ``QuerySet.update``, a raw load or a data migration must call it, or
    ``dondoc check-figures --repair`` puts the names right."""
    earlier = TaskAgency.objects.filter(
        task_id=OuterRef("task_id"), role=AgencyRole.LEAD, id__lt=OuterRef("id")
    )
    first = (
        TaskAgency.objects.filter(org_unit_id=unit_id, role=AgencyRole.LEAD)
        .exclude(Exists(earlier))
        .values_list("task_id", flat=True)
    )
    return _named_again(first)


@transaction.atomic
def group_renamed(group_id: int) -> int:
    """``renamed`` for a collective agency: the tasks no unit leads whose first lead
    collective agency is ``group_id``."""
    earlier = TaskAgencyGroup.objects.filter(
        task_id=OuterRef("task_id"), role=AgencyRole.LEAD, id__lt=OuterRef("id")
    )
    units = TaskAgency.objects.filter(task_id=OuterRef("task_id"), role=AgencyRole.LEAD)
    first = (
        TaskAgencyGroup.objects.filter(group_id=group_id, role=AgencyRole.LEAD)
        .exclude(Exists(earlier))
        .exclude(Exists(units))
        .values_list("task_id", flat=True)
    )
    return _named_again(first)


def _named_again(first: QuerySet) -> int:
    """The rows of part "task" of the tasks ``first`` (ids), their lead's name read again."""
    locked = Task.objects.select_for_update(no_key=True).filter(pk__in=first).order_by("pk")
    if not list(locked.values_list("pk", flat=True)):
        return 0
    rows = TaskStatusSpan.objects.filter(part=SpanPart.TASK, task_id__in=first)
    return rows.update(task_lead_name=first_lead_name("task_id"))


def _names(sender) -> tuple[str, ...]:
    return ("name", "short_name") if hasattr(sender, "short_name") else ("name",)


def _names_before(sender, instance, raw=False, **kwargs) -> None:
    """Note an org unit's or collective agency's names as stored, before a save that may
    change them."""
    instance._stored_names = (
        None
        if raw or instance.pk is None
        else sender.objects.filter(pk=instance.pk).values_list(*_names(sender)).first()
    )


def _renamed(sender, instance, created, raw=False, **kwargs) -> None:
    """An org unit or collective agency renamed: the lists sorted by lead agency follow
    (``renamed``, ``group_renamed``)."""
    before = getattr(instance, "_stored_names", None)
    now = tuple(getattr(instance, name) for name in _names(sender))
    if not created and not raw and before not in (None, now):
        (renamed if hasattr(sender, "short_name") else group_renamed)(instance.pk)


def _direct(sender, kwargs) -> bool:
    """Not a row deleted because its task or program is (``origin``: what was deleted)."""
    origin = kwargs.get("origin")
    return origin is None or getattr(origin, "model", type(origin)) is sender


def _refresh_task(sender, instance, **kwargs) -> None:
    """A lead agency (unit or group) added or removed: count the task under it, or not."""
    if instance.role == AgencyRole.LEAD and _direct(sender, kwargs):
        refresh([instance.task_id])


def _refresh_members(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """Supervising members added or removed (either side of the relation)."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        refresh([instance.pk])
    elif pk_set:
        refresh(pk_set)
    elif action == "post_clear":
        refresh(Task.objects.values_list("pk", flat=True))  # rare: a member's tasks cleared


def _ungroup(sender, instance, **kwargs) -> None:
    """A solution group deleted: its tasks become unclassified, counted so."""
    ids = list(instance.tasks.values_list("pk", flat=True))
    if ids and _direct(sender, kwargs):
        Task.objects.filter(pk__in=ids).update(group=None)
        refresh(ids)


def connect_signals() -> None:
    """Keep the rows when agencies, members or groups change through the models (the admin's
    inlines, related managers): called once, from the app's ``ready``."""
    from django.db.models.signals import (
        m2m_changed,
        post_delete,
        post_save,
        pre_delete,
        pre_save,
    )

    from dondoc.orgs.models import OrgGroup, OrgUnit
    from dondoc.tasks.models import SolutionGroup

    for named in (OrgUnit, OrgGroup):
        uid = named.__name__
        pre_save.connect(_names_before, sender=named, dispatch_uid=f"spans-{uid}-names")
        post_save.connect(_renamed, sender=named, dispatch_uid=f"spans-{uid}-renamed")
    for model in (TaskAgency, TaskAgencyGroup):
        post_save.connect(_refresh_task, sender=model, dispatch_uid=f"spans-{model.__name__}-s")
        post_delete.connect(_refresh_task, sender=model, dispatch_uid=f"spans-{model.__name__}-d")
    m2m_changed.connect(_refresh_members, sender=Task.members.through, dispatch_uid="spans-m")
    pre_delete.connect(_ungroup, sender=SolutionGroup, dispatch_uid="spans-group")

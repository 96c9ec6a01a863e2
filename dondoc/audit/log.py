"""The audit log: every change history of every audited model, as one list.

Each model whose history has an ``ip_address`` (``dondoc.core.history.AuditedHistory``) is
audited, so a new app's models appear here without a change to this module. The list is a
UNION of one small SELECT per history table, ordered by date and cut into pages in the
database; only the rows of the page are then loaded whole, with the record before each one to
show what changed (old → new), in two queries per model present on the page.

A progress update is a draft of its agency until the agency head approves it: its history
rows of the draft period (and of a withdrawn draft) are read only by those who may read the
agency's drafts (``update_history_visible``). For everyone else, the Standing Office included,
the log shows the publication, the corrections and the approvals, never unpublished text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import CharField, F, OuterRef, Q, QuerySet, Subquery, Value
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from dondoc.core.history import AuditedHistory

#: Fields that change on every save and say nothing to a reader.
HIDDEN_FIELDS = frozenset(
    {"updated_at", "status_events_from", "status_events_to", "name_folded", "alias_folded"}
)
#: Pages of objects that have one, by model label.
DETAIL_URLS = {
    "tasks.task": "task-detail",
    "tasks.directive": "directive-detail",
    "orgs.orgunit": "org-detail",
    "orgs.member": "member-detail",
}


@dataclass(frozen=True)
class AuditedModel:
    label: str  # "tasks.task"
    model: type[models.Model]
    history: type[models.Model]

    @property
    def name(self) -> str:
        return str(self.model._meta.verbose_name)


@cache
def audited_models() -> tuple[AuditedModel, ...]:
    found = []
    for model in apps.get_models():
        if issubclass(model, AuditedHistory):
            continue
        attribute = getattr(model._meta, "simple_history_manager_attribute", None)
        if not attribute:
            continue
        history = getattr(model, attribute).model
        if issubclass(history, AuditedHistory):
            found.append(AuditedModel(model._meta.label_lower, model, history))
    return tuple(sorted(found, key=lambda m: m.label))


def audited(label: str) -> AuditedModel | None:
    return next((m for m in audited_models() if m.label == label), None)


@dataclass(frozen=True)
class AuditFilter:
    user: str = ""  # user name, exact
    model: str = ""  # an ``AuditedModel.label``
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    object_id: int | None = None


def update_history_visible(reader: Any) -> Q:
    """The ProgressUpdate history rows ``reader`` may read: those of the published record, plus
    every row of the updates of agencies whose drafts ``reader`` may read. A row of the draft
    period (or of a withdrawn draft) is left out for anyone else, even once the draft is
    approved. ``reader`` None reads no draft."""
    from dondoc.accounts.policy import scope_of, user_org_ids
    from dondoc.tasks.models import PUBLISHED_STATES

    published = Q(state__in=PUBLISHED_STATES)
    if reader is None or scope_of(reader, "update.view_draft") is None:
        return published
    return published | Q(agency_id__in=user_org_ids(reader))


def _readable(target: AuditedModel, reader: Any) -> QuerySet:
    qs = target.history.objects.all()
    if target.label == "tasks.progressupdate":
        qs = qs.filter(update_history_visible(reader))
    return qs


def entries(filters: AuditFilter, reader: Any = None) -> QuerySet:
    """Rows (dicts) of every matching history record ``reader`` may read, newest first: a lazy
    UNION."""
    targets = [m for m in audited_models() if not filters.model or m.label == filters.model]
    selects = []
    tz = timezone.get_current_timezone()
    for target in targets:
        qs = _readable(target, reader)
        if filters.user:
            qs = qs.filter(history_user__username=filters.user)
        if filters.date_from:
            start = dt.datetime.combine(filters.date_from, dt.time.min, tzinfo=tz)
            qs = qs.filter(history_date__gte=start)
        if filters.date_to:
            end = filters.date_to + dt.timedelta(days=1)
            qs = qs.filter(history_date__lt=dt.datetime.combine(end, dt.time.min, tzinfo=tz))
        if filters.object_id is not None:
            qs = qs.filter(id=filters.object_id)
        selects.append(
            qs.order_by().values(
                "history_id",
                "history_date",
                "history_user_id",
                "history_type",
                "ip_address",
                object_pk=F("id"),
                model_label=Value(target.label, output_field=CharField()),
            )
        )
    if not selects:
        return targets[0].history.objects.none() if targets else _empty()
    union = selects[0].union(*selects[1:], all=True) if len(selects) > 1 else selects[0]
    return union.order_by("-history_date", "-history_id")


def _empty() -> QuerySet:
    from dondoc.accounts.models import User

    return User.history.none()


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class Entry:
    when: dt.datetime
    who: Any
    ip_address: str | None
    kind: str  # "+", "~", "-"
    model: AuditedModel
    object_id: int
    url: str = ""
    changes: list[Change] = field(default_factory=list)

    @property
    def action(self) -> str:
        return {"+": "created", "~": "changed", "-": "deleted"}.get(self.kind, self.kind)


def display(model: type[models.Model], name: str, value: Any) -> str:
    if value in (None, ""):
        return "—"
    try:
        model_field = model._meta.get_field(name)
    except Exception:
        return str(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, dt.datetime):
        return f"{timezone.localtime(value):%d/%m/%Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    if model_field.is_relation:
        return f"#{value}"
    text = str(value)
    return text if len(text) <= 300 else text[:299] + "…"


def hydrate(rows: Sequence[dict], reader: Any = None) -> list[Entry]:
    """Whole entries, with their changes, for rows of ``entries`` (one page of them). Each row
    is compared with the record before it that ``reader`` may read, so a change shown never
    carries a value from a row left out."""
    from dondoc.accounts.models import User

    by_model: dict[str, list[int]] = {}
    for row in rows:
        by_model.setdefault(row["model_label"], []).append(row["history_id"])
    records: dict[tuple[str, int], Any] = {}
    previous: dict[tuple[str, int], Any] = {}
    for label, ids in by_model.items():
        target = audited(label)
        if target is None:
            continue
        hist = target.history
        before = (
            _readable(target, reader)
            .filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
            .order_by("-history_id")
            .values("history_id")[:1]
        )
        found = list(hist.objects.filter(history_id__in=ids).annotate(prev_id=Subquery(before)))
        prev_ids = [r.prev_id for r in found if r.prev_id is not None]
        prevs = {p.history_id: p for p in hist.objects.filter(history_id__in=prev_ids)}
        for record in found:
            records[(label, record.history_id)] = record
            if record.prev_id in prevs:
                previous[(label, record.history_id)] = prevs[record.prev_id]
    users = User.objects.in_bulk({row["history_user_id"] for row in rows} - {None})
    out = []
    for row in rows:
        target = audited(row["model_label"])
        key = (row["model_label"], row["history_id"])
        record = records.get(key)
        if target is None or record is None:
            continue
        entry = Entry(
            when=row["history_date"],
            who=users.get(row["history_user_id"]),
            ip_address=row["ip_address"],
            kind=row["history_type"],
            model=target,
            object_id=row["object_pk"],
            url=_detail_url(target.label, row["object_pk"]) if row["history_type"] != "-" else "",
        )
        prev = previous.get(key)
        if prev is not None and record.history_type == "~":
            delta = record.diff_against(prev, excluded_fields=list(HIDDEN_FIELDS))
            entry.changes = [
                Change(
                    field=_verbose(target.model, c.field),
                    old=display(target.model, c.field, c.old),
                    new=display(target.model, c.field, c.new),
                )
                for c in delta.changes
            ]
        out.append(entry)
    return out


def _verbose(model: type[models.Model], name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:
        return name


def _detail_url(label: str, pk: int) -> str:
    name = DETAIL_URLS.get(label)
    if not name:
        return ""
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def iter_entries(
    filters: AuditFilter, limit: int, chunk: int = 500, reader: Any = None
) -> Iterator[Entry]:
    """Up to ``limit`` entries ``reader`` may read, newest first, loaded ``chunk`` at a time
    (for exports)."""
    qs = entries(filters, reader)
    for start in range(0, limit, chunk):
        rows = list(qs[start : min(start + chunk, limit)])
        if not rows:
            return
        yield from hydrate(rows, reader)
        if len(rows) < chunk:
            return

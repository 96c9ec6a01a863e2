"""The one reporting path: drafts, approval, withdrawal and dated corrections of progress updates.

Every page and API operation that records progress calls ``record_update``. What an agency
writes is a draft of that agency until its head approves it (``approve``), alone or with a round
submission; only then does anyone outside the agency see it. A program may let reporters publish
directly (``Program.updates_need_approval``); the path stays the same, only the state differs.

    draft ──approve──▶ published ──(a correction is approved)──▶ corrected
      │
      └──withdraw──▶ withdrawn

Every transition re-reads the row under a lock and checks the state it expects and the version
the user's form was loaded at, so two clicks give one success and one clear message, and a stale
form never silently replaces a later change. A form posted twice creates one update (its
one-time token is unique).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dondoc.accounts.policy import can
from dondoc.tasks.models import ProgressUpdate, Task, UpdateState
from dondoc.tasks.services import IncomingFile, _as_user, post_update, refresh_closure


class UpdateConflict(Exception):
    """A step the update's state or version does not allow; the message is for the user."""


def publishes_directly(user: Any, task: Task) -> bool:
    """Does an update by ``user`` on ``task`` go straight to the published record?

    The Standing Office, the Working Group and an agency head publish their own updates; a
    reporter does only when the program does not ask for the head's approval.
    """
    if can(user, "update.publish", task):
        return True
    return not task.program.updates_need_approval and can(user, "task.post_update", task)


# What the apps above ``tasks`` do with an update recorded on a task's own page or through the
# API, filled when they are ready (``rounds`` counts it in the agency's report of the round that
# owes it). Each runs in the recording transaction.
_RECORDED_HOOKS: list[Callable[[ProgressUpdate, Any], None]] = []


def when_recorded(hook: Callable[[ProgressUpdate, Any], None]) -> None:
    """Register ``hook(update, by)``, called once for each update ``record_update`` creates."""
    if hook not in _RECORDED_HOOKS:
        _RECORDED_HOOKS.append(hook)


def _token_key(by: Any, token: str | None) -> str | None:
    """The stored one-time token: scoped to its user, so nobody can spoil another's form."""
    if not token:
        return None
    return f"{getattr(by, 'pk', '-')}:{token}"[:64]


@transaction.atomic
def record_update(
    task: Task,
    *,
    by: Any,
    text: str,
    agency: Any = None,
    reported_on: dt.date | None = None,
    files: Sequence[IncomingFile] = (),
    status_change: str = "",
    effective_on: dt.date | None = None,
    corrects: ProgressUpdate | None = None,
    form_token: str | None = None,
    hooks: bool = True,
    reason: str = "",
) -> tuple[ProgressUpdate, bool]:
    """Record a progress update as a draft of ``agency`` or, for those who may, published.

    Returns ``(update, created)``: a form posted a second time with the same token returns the
    update the first post created, and ``created`` is False. ``hooks=False``: the caller files
    the update itself (a round's submission page), so the registered hooks are not called.
    """
    key = _token_key(by, form_token)
    if key is not None:
        existing = ProgressUpdate.objects.filter(form_token=key).first()
        if existing is not None:
            return existing, False
    if corrects is not None:
        corrects = ProgressUpdate.objects.select_for_update().get(pk=corrects.pk)
        if corrects.state != UpdateState.PUBLISHED:
            raise UpdateConflict(_("Only the current published update can be corrected."))
    direct = publishes_directly(by, task)
    state = UpdateState.PUBLISHED if direct else UpdateState.DRAFT
    try:
        # A savepoint only where a second post of the same form may collide on its token.
        with transaction.atomic(savepoint=key is not None):
            update = post_update(
                task,
                by=by,
                text=text,
                reported_on=reported_on,
                agency=agency,
                status_change=status_change,
                effective_on=effective_on,
                files=files,
                state=state,
                corrects=corrects,
                form_token=key,
                reason=reason,
            )
    except IntegrityError:
        if key is None:
            raise
        return ProgressUpdate.objects.get(form_token=key), False
    if direct:
        update.approved_by = by
        update.save(update_fields=["approved_by"])
        if corrects is not None:
            _mark_corrected(corrects, by)
    if hooks:
        for hook in _RECORDED_HOOKS:
            hook(update, by)
    return update, True


def _mark_corrected(original: ProgressUpdate, by: Any) -> None:
    original.state = UpdateState.CORRECTED
    original.version += 1
    _as_user(original, by).save(update_fields=["state", "version"])


def _locked(update: ProgressUpdate) -> ProgressUpdate:
    return ProgressUpdate.objects.select_for_update().select_related("task").get(pk=update.pk)


def _check(update: ProgressUpdate, version: int | None) -> None:
    if update.state != UpdateState.DRAFT:
        if update.state == UpdateState.WITHDRAWN:
            raise UpdateConflict(_("This draft has been withdrawn."))
        raise UpdateConflict(_("This update has already been approved and published."))
    if version is not None and version != update.version:
        raise UpdateConflict(
            _("This draft was changed after you opened it; reload the page to see the latest text.")
        )


@transaction.atomic
def edit_draft(
    update: ProgressUpdate,
    *,
    by: Any,
    text: str,
    reported_on: dt.date,
    version: int | None,
) -> ProgressUpdate:
    """The author changes a draft (only a draft, and only from the version they loaded)."""
    update = _locked(update)
    _check(update, version)
    update.text, update.reported_on = text, reported_on
    update.version += 1
    _as_user(update, by).save(update_fields=["text", "reported_on", "version"])
    return update


@transaction.atomic
def withdraw_draft(update: ProgressUpdate, *, by: Any, version: int | None) -> ProgressUpdate:
    """The author takes a draft back; it stays in the change history only."""
    update = _locked(update)
    _check(update, version)
    update.state = UpdateState.WITHDRAWN
    update.version += 1
    _as_user(update, by).save(update_fields=["state", "version"])
    return update


@transaction.atomic
def approve(
    updates: Iterable[ProgressUpdate], *, by: Any, versions: dict[int, int] | None = None
) -> list[ProgressUpdate]:
    """The agency head approves drafts: they are published, recorded on today's date.

    All or nothing: a draft already approved, withdrawn, or changed after the head's page was
    loaded (``versions``: pk -> version seen) is a conflict and nothing is approved.
    """
    ids = sorted({u.pk for u in updates})
    locked = list(
        ProgressUpdate.objects.select_for_update().select_related("task").filter(pk__in=ids)
    )
    if len(locked) != len(ids):
        raise UpdateConflict(_("One of these updates no longer exists."))
    versions = versions or {}
    for update in locked:
        _check(update, versions.get(update.pk))
    now, today = timezone.now(), timezone.localdate()
    closing: dict[int, Task] = {}
    for update in locked:
        update.state = UpdateState.PUBLISHED
        update.approved_by = by
        update.published_at = now
        # Outside the agency it became known today: "as of" an earlier date it did not exist.
        update.recorded_on = max(update.recorded_on, today)
        if update.status_change and update.effective_on is None:
            update.effective_on = update.reported_on
        update.version += 1
        _as_user(update, by).save(
            update_fields=[
                "state",
                "approved_by",
                "published_at",
                "recorded_on",
                "effective_on",
                "version",
            ]
        )
        if update.corrects_id is not None:
            original = ProgressUpdate.objects.select_for_update().get(pk=update.corrects_id)
            if original.state == UpdateState.PUBLISHED:
                _mark_corrected(original, by)
        if update.status_change:
            closing[update.task_id] = update.task
    for task in closing.values():
        _as_user(task, by)
        refresh_closure(task)
    return locked

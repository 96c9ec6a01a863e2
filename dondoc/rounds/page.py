"""What the submission page (``rounds/submission.html``) reads and writes on every view.

A reporter's page is asked for after every update it posts, and it grows with the draft: each
update and each event of the submission's history went through the template engine (a ``{%
url %}``, filters, a ``linebreaksbr`` and a few ``{% if %}`` per row: about 0.3 ms a row), and
each of the page's queries was built and compiled by the ORM on every request although only
its ids change. Here the queries are compiled once per shape (``core.prepared``: every call
runs the statement, so the rows are always the database's current ones) and the rows are
written as joined strings, escaped as the template escaped them and byte for byte the same
HTML (``tasks/timeline.py`` does the same for a task's timeline).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.template.defaultfilters import linebreaksbr, urlencode
from django.utils.html import conditional_escape as esc
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from dondoc.accounts.policy import update_visibility_key, visible_updates
from dondoc.core import prepared
from dondoc.rounds.models import EventKind, SubmissionEvent, SubmissionUpdate
from dondoc.rounds.queries import agency_tasks
from dondoc.tasks.models import Attachment, ProgressUpdate
from dondoc.tasks.status import OPEN_STATUSES
from dondoc.tasks.templatetags.dondoc import ddmmyyyy
from dondoc.tasks.timeline import attachment_items, show_attachments, url_pattern, url_with_id


def reported_tasks(
    agency: Any,
    as_of: dt.date,
    *,
    program_id: int | None,
    lineage: set[int],
    group_ids: set[int],
    submission_id: int | None,
) -> list:
    """The tasks the agency reports on, with their status on ``as_of``: those still open, and
    those the submission ``submission_id`` speaks of; by due date. The statement is compiled
    once per date and shape (the number of units and groups, a program, a submission)."""
    units, groups = sorted(lineage), sorted(group_ids)
    open_values = [s.value for s in OPEN_STATUSES]

    def build(ids: list[int]) -> QuerySet:
        given = list(ids)
        unit_ids = given[: len(units)]
        group_part = given[len(units) : len(units) + len(groups)]
        rest = given[len(units) + len(groups) :]
        program = rest.pop(0) if program_id is not None else None
        reported = Q(status__in=open_values)
        if submission_id is not None:
            spoken_of = SubmissionUpdate.objects.filter(submission_id=rest[0])
            reported |= Q(pk__in=spoken_of.values("update__task_id"))
        return (
            agency_tasks(
                agency,
                as_of,
                program=program,
                lineage=set(unit_ids),
                group_ids=set(group_part),
            )
            .filter(reported)
            .order_by("due_on", "pk")
        )

    ids = [*units, *groups]
    if program_id is not None:
        ids.append(program_id)
    if submission_id is not None:
        ids.append(submission_id)
    key = (
        "submission_page",
        "tasks",
        as_of,
        len(units),
        len(groups),
        program_id is not None,
        submission_id is not None,
    )
    return prepared.instances(key, build, ids)


def submission_updates(user: Any, submission_id: int) -> list:
    """The progress updates of the submission the user may read (``visible_updates``), with
    their author and ``attachments_shown`` (a list), by date reported; the attachments are
    read in one query, only for the updates that have any."""

    def build(ids: list[int]) -> QuerySet:
        qs = ProgressUpdate.objects.filter(submission_items__submission_id=ids[0])
        return (
            visible_updates(user, qs)
            .select_related("author")
            .annotate(has_files=Exists(Attachment.objects.filter(update=OuterRef("pk"))))
            .order_by("reported_on", "id")
        )

    key = ("submission_page", "updates", update_visibility_key(user))
    updates = prepared.instances(key, build, [submission_id])
    show_attachments(updates)
    return updates


def _events(ids: list[int]) -> QuerySet:
    return (
        SubmissionEvent.objects.filter(submission_id=ids[0])
        .select_related("by")
        .order_by("-at", "-pk")
    )


def submission_events(submission_id: int) -> list:
    """The submission's history, latest first, with who took each step."""
    return prepared.instances(("submission_page", "events"), _events, [submission_id])


class SubmissionWriter:
    """Writes the submission page's per-row HTML: a task's updates (the ``<li>`` of
    ``report-updates``) and the events of the history. The translated words and the link
    patterns are prepared once per page."""

    def __init__(self, request: Any, *, may_prepare: bool) -> None:
        self.user_pk = request.user.pk
        self.may_prepare = may_prepare
        self.path = esc(urlencode(request.path))
        self.edit = url_pattern("update-edit")
        self.download = url_pattern("attachment-download")
        self.words = {"draft": esc(_("Draft")), "edit": esc(_("Edit the draft"))}
        # What ``get_kind_display`` gives, translated once per page rather than once per event
        # (it builds the choices' dictionary on every call).
        self.kinds = {value: esc(label) for value, label in EventKind.choices}

    def update(self, update: Any, task_pk: int) -> str:
        w = self.words
        out = [
            f'\n          <li id="update-{int(update.pk)}" class="update-{esc(update.state)}">'
            f'<span class="when">{esc(ddmmyyyy(update.reported_on))}</span>'
        ]
        author = update.author
        if author:
            out.append(f" · {esc(author)}")
        if update.state == "draft":
            out.append(f' <span class="badge status-due-soon">{w["draft"]}</span>')
            if update.author_id == self.user_pk and self.may_prepare:
                link = url_with_id(self.edit, update.pk)
                out.append(
                    f' · <a href="{link}?next={self.path}%23task-{int(task_pk)}">{w["edit"]}</a>'
                )
        text = linebreaksbr(update.text, autoescape=True)
        out.append(f"\n            <p>{text}</p>\n            ")
        if update.attachments_shown:
            out.append('<ul class="attachments">')
            out.append(attachment_items(update.attachments_shown, self.download))
            out.append("</ul>")
        out.append("\n          </li>\n          ")
        return "".join(out)

    def updates(self, updates: Iterable[Any], task_pk: int) -> SafeString:
        return mark_safe("".join(self.update(u, task_pk) for u in updates))

    def events(self, events: Iterable[Any]) -> SafeString:
        out = []
        for event in events:
            by = esc(event.by) if event.by else "—"
            task = (
                f' <a href="#task-{int(event.task_id)}">#{int(event.task_id)}</a>'
                if event.task_id
                else ""
            )
            comment = (
                f'<p class="text">{linebreaksbr(event.comment, autoescape=True)}</p>'
                if event.comment
                else ""
            )
            out.append(
                f'\n        <li class="event-{esc(event.kind)}">'
                f'<span class="when">{esc(ddmmyyyy(event.at))}</span> '
                f'<span class="by">· {by}</span>\n'
                f"          <div>{self.kinds.get(event.kind) or esc(event.kind)}{task}</div>\n"
                f"          {comment}</li>\n        "
            )
        return mark_safe("".join(out))

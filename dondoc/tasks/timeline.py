"""The entries of a task's progress timeline (``tasks/detail.html``), written in Python.

An entry shows the date, the state (draft, corrected, a correction), who reported it and for
which agency, its source, the status change it carries, the text, what the reader may do with
it (edit, withdraw, approve, correct) and its attachments. Through the template engine an entry
cost an include, up to five ``{% url %}`` and two ``{% csrf_token %}``; a task with a few dozen
updates spent more on its timeline than on all of its queries. Here the translated words and the
link patterns are prepared once per page and each entry is a few joined strings, escaped as the
template escaped them (``tasks/rows.py`` does the same for the task table).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from typing import Any

from django.middleware.csrf import get_token
from django.template.defaultfilters import filesizeformat
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from dondoc.core.addresses import attribute_pattern, with_id
from dondoc.tasks.models import Attachment, ProgressUpdate
from dondoc.tasks.templatetags.dondoc import ddmmyyyy

_pattern, _link = attribute_pattern, with_id


def esc(value: Any) -> str:
    """``conditional_escape(value)``, the same text, without the lazy-argument check it makes
    first: a page escapes a few hundred plain strings."""
    if type(value) is str:
        return html.escape(value)
    return conditional_escape(value)


#: Public names for the pages that write updates outside a task's timeline (a submission).
url_pattern, url_with_id = _pattern, _link


def show_attachments(updates: list) -> None:
    """Set ``attachments_shown`` (a list) on each update, reading the attachments of those
    annotated ``has_files`` in one query (none when none has)."""
    files: dict[int, list] = {}
    with_files = [u.pk for u in updates if u.has_files]
    if with_files:
        for attachment in Attachment.objects.filter(update_id__in=with_files).order_by("pk"):
            files.setdefault(attachment.update_id, []).append(attachment)
    for update in updates:
        update.attachments_shown = files.get(update.pk, [])
    # Why each correction was made, from its first history record (none when none is one).
    corrections = [u.pk for u in updates if u.corrects_id]
    reasons: dict[int, str] = {}
    if corrections:
        records = ProgressUpdate.history.filter(id__in=corrections, history_type="+")
        reasons = dict(records.values_list("id", "history_change_reason"))
    for update in updates:
        update.correction_reason = reasons.get(update.pk) or ""


def attachment_items(attachments: Iterable[Any], download: tuple[str, str]) -> str:
    """The ``<li>`` of each attachment: its download link and size."""
    return "".join(
        f'<li><a href="{_link(download, a.pk)}">{esc(a.original_name)}</a> '
        f"<small>({esc(filesizeformat(a.size))})</small></li>"
        for a in attachments
    )


class TimelineWriter:
    """Writes the ``<li>`` of a task's progress updates, fetched with their ``author``,
    ``agency``, ``source`` and ``corrects`` and with ``attachments_shown`` (a list) set on each.

    ``form`` says whether the reader may post on the task (the page shows the update form);
    ``own_org_ids`` is called only when a published entry asks whether it is the reader's.
    """

    def __init__(
        self,
        request: Any,
        *,
        form: bool,
        may_approve: bool,
        may_correct_any: bool,
        own_org_ids: Callable[[], set[int]],
    ) -> None:
        self.request = request
        self.user_pk = request.user.pk
        self.form = form
        self.may_approve = may_approve
        self.may_correct_any = may_correct_any
        self._own_org_ids = own_org_ids
        self._own: set[int] | None = None
        self._csrf: str | None = None
        self._next: str | None = None
        self.urls = {
            name: _pattern(name)
            for name in (
                "directive-detail",
                "update-edit",
                "update-withdraw",
                "update-approve",
                "update-correct",
                "attachment-download",
            )
        }
        self.words = {
            "draft": esc(_("Draft: awaiting the agency head's approval")),
            "corrected": esc(_("Corrected")),
            "source": esc(_("source")),
            "reopened": esc(_("Reopened")),
            "edit": esc(_("Edit the draft")),
            "withdraw": esc(_("Withdraw")),
            "approve": esc(_("Approve and publish")),
            "correct": esc(_("Correct")),
        }

    # What the template took from the request, asked for once and only when an entry needs it.

    def own(self) -> set[int]:
        if self._own is None:
            self._own = self._own_org_ids()
        return self._own

    def csrf(self) -> str:
        if self._csrf is None:
            token = esc(get_token(self.request))
            self._csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
        return self._csrf

    def next(self) -> str:
        if self._next is None:
            self._next = esc(self.request.get_full_path())
        return self._next

    def _post(self, url: str, update: Any, css: str, label: str) -> str:
        return (
            f'<form method="post" action="{_link(self.urls[url], update.pk)}" class="inline">'
            f'{self.csrf()}<input type="hidden" name="version" value="{int(update.version)}">'
            f'<input type="hidden" name="next" value="{self.next()}#timeline">'
            f'<button class="{css}" type="submit">{self.words[label]}</button></form>'
        )

    def actions(self, update: Any) -> str:
        """What ``tasks/_update_actions.html`` showed for ``update``."""
        w = self.words
        if update.state == "draft":
            out = ['\n<div class="btn-row update-actions">\n  ']
            if update.author_id == self.user_pk and self.form:
                out.append(
                    f'\n  <a class="btn secondary small" '
                    f'href="{_link(self.urls["update-edit"], update.pk)}">{w["edit"]}</a>\n  '
                    + self._post("update-withdraw", update, "btn secondary small", "withdraw")
                    + "\n  "
                )
            out.append("\n  ")
            if self.may_approve:
                out.append(
                    "\n  " + self._post("update-approve", update, "btn small", "approve") + "\n  "
                )
            out.append("\n</div>\n")
            return "".join(out)
        if update.state == "published" and self.form:
            if self.may_correct_any or update.agency_id in self.own():
                return (
                    '\n\n<div class="btn-row update-actions"><a class="btn secondary small" '
                    f'href="{_link(self.urls["update-correct"], update.pk)}">{w["correct"]}</a>'
                    "</div>\n\n"
                )
            return "\n\n\n"
        return "\n\n"

    def entry(self, update: Any) -> str:
        w = self.words
        state = esc(update.state)
        change = esc(update.status_change)
        out = [
            f'\n      <li id="update-{int(update.pk)}" class="update-{state}'
            f'{f" change-{change}" if change else ""}">\n'
            f'        <span class="when">{esc(ddmmyyyy(update.reported_on))}</span>\n        '
        ]
        if update.state == "draft":
            out.append(f'<span class="badge status-due-soon">{w["draft"]}</span>')
        elif update.state == "corrected":
            out.append(f'<span class="badge status-muted">{w["corrected"]}</span>')
        out.append("\n        ")
        if update.corrects_id:
            date = esc(ddmmyyyy(update.corrects.reported_on))
            text = _("Correction of the update of %(date)s") % {"date": date}
            out.append(f'<span class="badge status-regular">{text}</span>')
            if getattr(update, "correction_reason", ""):
                reason = _("Reason: %(reason)s") % {"reason": esc(update.correction_reason)}
                out.append(f' <span class="correction-reason">{reason}</span>')
        out.append('\n        <span class="by">· ')
        agency, author = update.agency, update.author
        if agency:
            out.append(esc(agency))
        if author:
            out.append(f", {esc(author)}" if agency else esc(author))
        if update.source:
            link = _link(self.urls["directive-detail"], update.source_id)
            out.append(f' · {w["source"]}: <a href="{link}">{esc(update.source.number)}</a>')
        if update.recorded_on != update.reported_on:
            date = esc(ddmmyyyy(update.recorded_on))
            out.append(" · " + _("recorded %(date)s") % {"date": date})
        out.append("</span>\n        ")
        if update.status_change:
            date = esc(ddmmyyyy(update.effective_on))
            if update.status_change == "completed":
                what = _("Marked completed (on %(date)s)") % {"date": date}
            elif update.status_change == "cancelled":
                what = _("Marked cancelled (on %(date)s)") % {"date": date}
            else:
                what = w["reopened"]
            out.append(
                f'\n        <div><span class="status-change {change}">{what}</span></div>\n        '
            )
        text = esc(update.text)
        if update.state == "corrected":
            out.append(f'\n        <p class="text"><del>{text}</del></p>\n        ')
        else:
            out.append(f'\n        <p class="text">{text}</p>\n        ')
        out.append(self.actions(update))
        out.append("\n        ")
        if update.attachments_shown:
            out.append('\n        <ul class="attachments">\n          ')
            out.append(attachment_items(update.attachments_shown, self.urls["attachment-download"]))
            out.append("\n        </ul>\n        ")
        out.append("\n      </li>\n      ")
        return "".join(out)

    def entries(self, updates: Iterable[Any]) -> SafeString:
        return mark_safe("".join(self.entry(u) for u in updates))

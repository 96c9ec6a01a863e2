"""The task page's content (``tasks/detail.html``), written in Python.

Every view of a task went through about 170 template nodes: the facts, the update form's
fields, the manage buttons, the panels that are empty for most tasks, each with its
``{% translate %}``, filters and escaping. Here the page is a few joined strings, escaped as
the template escaped them and byte for byte the HTML it wrote (``tests/test_task_page_html``
compares the two for every role and both languages). The parts that only a few tasks have
(collective agencies, pending duplicates, explanations and extensions, the deadline history
and the changes made to the task) keep their templates, rendered only when there is something
to show. What the user may do comes, as before, from ``dondoc.accounts.policy``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language, trans_real
from django.utils.translation import gettext as _

from dondoc.core.addresses import address, attribute_pattern, with_id
from dondoc.followups.templatetags.followups import followups_panel
from dondoc.tasks.templatetags.dondoc import (
    _text,
    ddmmyyyy,
    deadline_reading,
    field_block,
    output_kind_text,
    status_badge,
)
from dondoc.tasks.templatetags.task_manage import manage_panel
from dondoc.tasks.timeline import esc


def _translator() -> Callable[[str], str]:
    """``gettext`` for the page: the active language's catalogue looked up once, where each
    ``gettext`` call finds the active language again (a page has about fifty)."""
    language = get_language()
    if not settings.USE_I18N or language is None:
        return _
    return trans_real.translation(language).gettext


def _cut(value: Any, length: int) -> str:
    """``{{ value|truncatechars:length }}``."""
    return esc(Truncator(value).chars(length))


def _units(units: list, groups: list, org: tuple[str, str]) -> str:
    """The links of a fact's agencies and collective agencies ("—" when none)."""
    out = []
    for i, unit in enumerate(units):
        out.append(f'<a href="{with_id(org, unit.pk)}">{esc(unit.name)}</a>')
        if i < len(units) - 1 or groups:
            out.append("; ")
    for i, g in enumerate(groups):
        out.append(
            f'<a href="#group-{esc(g.group.pk)}-{esc(g.role)}" class="agency-group">'
            f'{esc(g.group.name)}</a> <span class="muted">({esc(g.summary)})</span>'
        )
        if i < len(groups) - 1:
            out.append("; ")
    if not units and not groups:
        out.append("—")
    return "".join(out)


class TaskPageWriter:
    """Writes the content block of the task page from the view's context (``request`` and
    the names ``tasks/detail.html`` read)."""

    def __init__(self, request: Any, context: dict[str, Any]) -> None:
        self.request = request
        self.c = context
        self.task = context["task"]
        self._ = _translator()
        self.words = self._words()
        self._patterns: dict[str, tuple[str, str]] = {}

    def pattern(self, name: str) -> tuple[str, str]:
        found = self._patterns.get(name)
        if found is None:
            found = self._patterns[name] = attribute_pattern(name)
        return found

    def link(self, name: str, pk: Any) -> str:
        """``{% address name pk %}``: the address of URL ``name`` for the id ``pk``."""
        return with_id(self.pattern(name), pk)

    def csrf_token(self) -> str:
        """The request's CSRF token, masked once for the page: kept in the context, where the
        base template's forms take it too."""
        token = self.c.get("csrf_token")
        if token is None:
            token = self.c["csrf_token"] = get_token(self.request)
        return token

    def content(self) -> SafeString:
        _, w = self._, self.words
        task = self.task
        manage = manage_panel(self.request.user, task)
        out = ["\n\n\n", self._head(manage), "\n"]
        if task.merged_into:
            text = _(
                "This task was recognised as a duplicate and merged into task #%(id)s; "
                "follow that one."
            ) % {"id": esc(task.merged_into_id)}
            out.append(
                f'\n<p class="notice warn">{text} '
                f'<a href="{self.link("task-detail", task.merged_into_id)}">'
                f"{esc(w['Open it'])}</a></p>\n"
            )
        out.append('\n\n<div class="detail-layout">\n')
        out.append(self._facts(manage))
        out.append(self._side())
        out.append(self._timeline())
        out.append("  ")
        out.append(self._followups())
        out.append("\n\n  ")
        out.append(self._manage_panel(manage))
        out.append("\n\n  ")
        if self.c["may_history"]:
            history = self.link("task-history", task.pk)
            out.append(
                "\n  \n"
                '  <section class="card detail-history" aria-labelledby="history-title">\n'
                f'    <details hx-get="{history}" hx-trigger="toggle once" '
                'hx-target="find .history-body">\n'
                '      <summary><h2 id="history-title" class="inline-heading">'
                f"{esc(w['Change history'])}</h2></summary>\n"
                '      <div class="history-body" aria-live="polite"><p>'
                f'<a href="{history}">{esc(w["Show the change history"])}</a></p></div>\n'
                "    </details>\n"
                "  </section>\n  "
            )
        out.append("\n</div>\n")
        return mark_safe("".join(out))

    def _words(self) -> dict[str, str]:
        """The page's words in the reader's language, each asked for once (and written
        where ``makemessages`` finds them)."""
        _ = self._
        return {
            "Open it": _("Open it"),
            "Change history": _("Change history"),
            "Show the change history": _("Show the change history"),
            "Task #%(id)s": _("Task #%(id)s"),
            "Tasks": _("Tasks"),
            "Manage the task": _("Manage the task"),
            "Task": _("Task"),
            "Status today": _("Status today"),
            "completed on %(date)s": _("completed on %(date)s"),
            "stopped on %(date)s": _("stopped on %(date)s"),
            "Past the deadline as first assigned, within the deadline in force": _(
                "Past the deadline as first assigned, within the deadline in force"
            ),
            "Late against the original deadline": _("Late against the original deadline"),
            "Deadline": _("Deadline"),
            "None stated": _("None stated"),
            "Deadline not understood: needs review": _("Deadline not understood: needs review"),
            "In force now:": _("In force now:"),
            "deadline history": _("deadline history"),
            "Expected output": _("Expected output"),
            "Lead agency": _("Lead agency"),
            "Coordinating agencies": _("Coordinating agencies"),
            "Supervising members": _("Supervising members"),
            "Assigned by": _("Assigned by"),
            "of": _("of"),
            "Source": _("Source"),
            "Assigned on": _("Assigned on"),
            "Program": _("Program"),
            "Solution group": _("Solution group"),
            "Part of": _("Part of"),
            "Sub-tasks": _("Sub-tasks"),
            "Related tasks": _("Related tasks"),
            "Restates task": _("Restates task"),
            "Restated by task": _("Restated by task"),
            "Related to task": _("Related to task"),
            "Merged duplicates": _("Merged duplicates"),
            "optional": _("optional"),
            "Report progress": _("Report progress"),
            "Record the update": _("Record the update"),
            "Progress and results": _("Progress and results"),
            "No progress has been reported yet.": _("No progress has been reported yet."),
        }

    # The head: the way back, the title and the manage buttons ---------------------------------

    def _head(self, manage: dict[str, Any]) -> str:
        _, w = self._, self.words
        task = self.task
        title = w["Task #%(id)s"] % {"id": esc(task.pk)}
        out = [
            '<div class="page-head">\n'
            "  <div>\n"
            f'    <p class="subtitle"><a href="{address("task-list")}?program='
            f'{esc(task.program.code)}">← {esc(w["Tasks"])}</a></p>\n'
            f"    <h1>{title} {status_badge(task.status)}</h1>\n"
            "  </div>\n  "
        ]
        if manage["actions"]:
            label = esc(w["Manage the task"])
            out.append(
                f'\n<nav class="btn-row manage-actions" aria-label="{label}">\n  '
                + "".join(
                    f'<a class="btn small secondary{" danger" if url == "task-cancel" else ""}" '
                    f'href="{esc(href)}">{esc(_(name))}</a>'
                    for url, name, href in manage["actions"]
                )
                + "\n</nav>\n"
            )
        out.append("\n\n</div>\n")
        return "".join(out)

    # The facts -------------------------------------------------------------------------------

    def _facts(self, manage: dict[str, Any]) -> str:
        _, w = self._, self.words
        task, c = self.task, self.c
        out = [
            '  <section class="card detail-facts" aria-labelledby="facts-title">\n'
            f'    <h2 id="facts-title" class="visually-hidden">{esc(w["Task"])}</h2>\n'
            f'    <p class="task-title">{esc(task.content)}</p>\n'
            '    <dl class="facts">\n'
            f"      <dt>{esc(w['Status today'])}</dt>\n"
            f"      <dd>{status_badge(task.status)}"
        ]
        if task.closure_kind == "completed" and task.closure_on:
            date = esc(ddmmyyyy(task.closure_on))
            out.append(" · " + w["completed on %(date)s"] % {"date": date})
        elif task.closure_kind == "cancelled" and task.closure_on:
            date = esc(ddmmyyyy(task.closure_on))
            out.append(" · " + w["stopped on %(date)s"] % {"date": date})
        out.append("\n        ")
        if task.late_against_original:
            out.append(
                '<br><span class="badge status-due-soon late-original" title="'
                f'{esc(w["Past the deadline as first assigned, within the deadline in force"])}">'
                f"{esc(w['Late against the original deadline'])}</span>\n"
            )
        out.append("</dd>\n\n")

        out.append(
            f"      <dt>{esc(w['Deadline'])}</dt>\n"
            "      <dd>\n"
            f"        {esc(task.deadline_text or w['None stated'])}\n        "
        )
        reading = deadline_reading(task)
        if reading:
            out.append(f'<span class="muted deadline-reading"> → {esc(reading)}</span>')
        out.append("\n        ")
        if task.deadline_needs_review:
            out.append(
                f' <span class="flag">{esc(w["Deadline not understood: needs review"])}</span>'
            )
        out.append("\n        ")
        if manage["deadline_now"]:
            out.append(
                f"<br><strong>{esc(w['In force now:'])} {esc(manage['deadline_now'])}</strong> "
                f'<a href="#deadlines">{esc(w["deadline history"])}</a>'
            )
        out.append("\n      </dd>\n\n")

        out.append(
            f'      <dt>{esc(w["Expected output"])}</dt>\n      <dd class="expected-output">'
        )
        if task.expected_output:
            out.append(esc(task.expected_output))
            if task.output_kind and task.output_kind != "other":
                out.append(
                    f' <a class="muted" href="{address("task-list")}?program='
                    f"{esc(_urlencode(task.program.code))}&amp;output_kind="
                    f'{esc(task.output_kind)}">({esc(output_kind_text(task.output_kind))})</a>'
                )
        else:
            out.append("—")
        out.append("</dd>\n\n")

        org = self.pattern("org-detail")
        out.append(
            f"      <dt>{esc(w['Lead agency'])}</dt>\n"
            f"      <dd>{_units(c['leads'], c['lead_groups'], org)}</dd>\n\n"
            f"      <dt>{esc(w['Coordinating agencies'])}</dt>\n"
            f"      <dd>{_units(c['coordinators'], c['coordinating_groups'], org)}</dd>\n\n"
            f"      <dt>{esc(w['Supervising members'])}</dt>\n      <dd>"
        )
        members = c["members"]
        for i, m in enumerate(members):
            out.append(f'<a href="{self.link("member-detail", m.pk)}">{esc(m.full_name)}</a>')
            if m.position:
                out.append(f" <small>({esc(m.position)})</small>")
            if i < len(members) - 1:
                out.append("<br>")
        if not members:
            out.append("—")
        out.append("</dd>\n\n")

        out.append(
            f"      <dt>{esc(w['Assigned by'])}</dt>\n"
            "      <dd>\n"
            '        <ul class="inline-list">\n          '
        )
        sources = c["sources"]
        of = esc(w["of"])
        for source in sources:
            number = esc(source.directive.number)
            label = f", {esc(source.label)}" if source.label else ""
            out.append(
                f'\n          <li><a href="{self.link("directive-detail", source.directive_id)}">'
                f"{number}</a> {of} {esc(ddmmyyyy(source.directive.date))}{label}\n            "
            )
            passage = source.passage
            if passage:
                out.append(
                    '\n            <figure class="source-passage"><figcaption>'
                    f"{esc(w['Source'])}: {number}{label}</figcaption><blockquote>"
                    f"“{_cut(passage, 1500)}”</blockquote></figure>\n            "
                )
            elif source.wording and source.wording != task.content:
                out.append(f'<span class="wording">“{_cut(source.wording, 400)}”</span>')
            out.append("</li>\n          ")
        if not sources:
            out.append("<li>—</li>\n          ")
        out.append("\n        </ul>\n      </dd>\n\n")

        out.append(
            f"      <dt>{esc(w['Assigned on'])}</dt>\n"
            f"      <dd>{esc(ddmmyyyy(task.assigned_on))}</dd>\n\n"
            f"      <dt>{esc(w['Program'])}</dt>\n"
            f"      <dd>{esc(str(task.program))}"
        )
        if task.group:
            out.append(f"<br><small>{esc(w['Solution group'])} {esc(str(task.group))}</small>")
        out.append("</dd>\n\n      ")
        if task.parent:
            out.append(
                f"\n      <dt>{esc(w['Part of'])}</dt>\n"
                f'      <dd><a href="{self.link("task-detail", task.parent_id)}">'
                f"#{esc(task.parent_id)} {_cut(task.parent.content, 120)}</a></dd>\n      "
            )
        out.append("\n      ")
        if c["subtasks"]:
            out.append(
                f"\n      <dt>{esc(w['Sub-tasks'])}</dt>\n"
                '      <dd><ul class="inline-list">'
                + "".join(
                    f'<li><a href="{self.link("task-detail", sub.pk)}">'
                    f"#{esc(sub.pk)} {_cut(sub.content, 120)}</a></li>"
                    for sub in c["subtasks"]
                )
                + "</ul></dd>\n      "
            )
        out.append("\n      ")
        if c["relations"]:
            out.append(
                f"\n      <dt>{esc(w['Related tasks'])}</dt>\n"
                '      <dd><ul class="inline-list related-tasks">'
            )
            for rel in c["relations"]:
                if rel.kind == "restates":
                    kind = w["Restates task"]
                elif rel.kind == "restated_by":
                    kind = w["Restated by task"]
                else:
                    kind = w["Related to task"]
                out.append(
                    f"<li>{esc(kind)} "
                    f'<a href="{self.link("task-detail", rel.task.pk)}">#{esc(rel.task.pk)}</a> '
                    f"{_cut(rel.task.content, 120)}"
                )
                if rel.source:
                    out.append(
                        f' <small class="muted">({esc(rel.source.number)} {of} '
                        f"{esc(ddmmyyyy(rel.source.date))})</small>"
                    )
                out.append("</li>")
            out.append("</ul></dd>\n      ")
        out.append("\n      ")
        if c["merged_tasks"]:
            out.append(
                f"\n      <dt>{esc(w['Merged duplicates'])}</dt>\n"
                '      <dd><ul class="inline-list">'
                + "".join(
                    f'<li><a href="{self.link("task-detail", dup.pk)}">#{esc(dup.pk)}</a> '
                    f"{_cut(dup.content, 120)}</li>"
                    for dup in c["merged_tasks"]
                )
                + "</ul></dd>\n      "
            )
        out.append("\n    </dl>\n  </section>\n\n")
        return "".join(out)

    # The side: the update form, the collective agencies, the duplicates -----------------------

    def _side(self) -> str:
        c = self.c
        out = ['  <aside class="detail-side">\n    ']
        form = c["form"]
        if form:
            out.append(self._form(form))
        out.append("\n\n    ")
        if c["lead_groups"] or c["coordinating_groups"]:  # ends with the loop's last line
            out.append(self._fragment("tasks/_task_groups.html"))
        out.append("\n\n    " if not (c["lead_groups"] or c["coordinating_groups"]) else "\n    ")
        if c["duplicates"]:  # the section and its line ends
            out.append(self._fragment("tasks/_task_duplicates.html") + "    ")
        out.append("\n  </aside>\n\n")
        return "".join(out)

    def _form(self, form: Any) -> str:
        _, w = self._, self.words
        context = {"optional_text": w["optional"]}
        out = [
            '\n    <section class="card" aria-labelledby="post-title" id="post">\n'
            f'      <h2 id="post-title">{esc(w["Report progress"])}</h2>\n      '
        ]
        errors = form.non_field_errors()
        if errors:
            out.append(
                '<ul class="errorlist" role="alert">'
                + "".join(f"<li>{_text(e)}</li>" for e in errors)
                + "</ul>"
            )
        token = esc(self.csrf_token())
        out.append(
            '\n      <form method="post" enctype="multipart/form-data" '
            f'action="{self.link("task-detail", self.task.pk)}#post">\n'
            f'        <input type="hidden" name="csrfmiddlewaretoken" value="{token}">\n'
            f"        {_text(form['form_token'])}\n"
            f"        {field_block(context, form['text'])}\n"
            f"        {field_block(context, form['reported_on'])}\n"
            f"        {field_block(context, form['files'])}\n        "
        )
        # ``{% if form.status_change %}``: a bound field is true when its select has options.
        if "status_change" in form.fields and form.fields["status_change"].choices:
            field = form["status_change"]
            value = field.value()
            label_for = _text(field.id_for_label)
            options = "".join(
                f'<option value="{_text(choice)}"{" selected" if value == choice else ""}>'
                f"{_text(label)}</option>"
                for choice, label in field.field.choices
            )
            out.append(
                f'\n        <div class="field{" has-error" if field.errors else ""}">\n'
                f'          <label for="{label_for}">{_text(field.label)}</label>\n'
                f'          <select name="{_text(field.html_name)}" id="{label_for}" '
                'data-status-change="effective-field">\n'
                f"            {options}\n"
                "          </select>\n"
                f"          {_text(field.errors)}\n"
                "        </div>\n"
                f"        {field_block(context, form['effective_on'], 'effective-field')}\n        "
            )
        out.append("\n        ")
        if self.c["drafts_only"]:
            note = _(
                "Your update is a draft of your agency until your agency head approves it; "
                "nobody outside the agency sees it before."
            )
            out.append(f'<p class="muted"><small>{esc(note)}</small></p>')
        out.append(
            f'\n        <button class="btn" type="submit">{esc(w["Record the update"])}</button>\n'
            "      </form>\n"
            "    </section>\n    "
        )
        return "".join(out)

    # The timeline and the panels below it -----------------------------------------------------

    def _timeline(self) -> str:
        _, w = self._, self.words
        out = [
            '  <section class="card detail-timeline" aria-labelledby="timeline-title" '
            'id="timeline">\n'
            f'    <h2 id="timeline-title">{esc(w["Progress and results"])}</h2>\n    '
        ]
        if self.c["updates"]:
            out.append(f'\n    <ol class="timeline">\n      {self.c["timeline"]}\n    </ol>\n    ')
        else:
            out.append(
                f'\n    <p class="muted">{esc(w["No progress has been reported yet."])}</p>\n    '
            )
        out.append("\n  </section>\n\n")
        return "".join(out)

    def _followups(self) -> str:
        panel = followups_panel({"request": self.request}, self.task)
        if not panel:
            return "\n"
        return self._fragment("followups/task_panel.html", panel=panel)

    def _manage_panel(self, manage: dict[str, Any]) -> str:
        if not (manage["deadlines"] or manage["changes"]):
            return "\n\n\n"
        return self._fragment("tasks/manage/_panel.html", manage=manage)

    def _fragment(self, name: str, **extra: Any) -> str:
        """A part of the page that keeps its template, with the page's context."""
        return get_template(name).render({**self.c, **extra}, self.request)


def _urlencode(value: Any) -> str:
    from django.template.defaultfilters import urlencode

    return urlencode(value)

"""The permission matrix: every role × every page and API operation × own/other agency.

One table, ``ROWS``, names for each endpoint and method the policy actions its view asks
(``dondoc.accounts.policy.PERMISSIONS``) and whether the object in the URL belongs to agency A.
The expected answer for each column of the matrix is computed from the permission table:

- a role that does not hold an action at all is refused: 403 (``denied``), or 404 where the
  view hides what it refuses (the rounds pages);
- a role that holds it only for its own agency (scope ``OWN``) gets 404 for agency A's object
  unless it belongs to agency A: "another agency's object does not exist";
- an anonymous visitor is sent to sign in (401 from the API).

Each expectation is then checked against the real HTTP answer of the test client. An endpoint
without a row fails ``test_every_url_has_a_row`` or ``test_every_api_operation_has_a_row``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from dondoc.accounts.policy import PERMISSIONS, Scope
from dondoc.accounts.tests.matrix_world import (
    ANONYMOUS,
    NOW,
    OTHER,
    OWN,
    PDF,
    ROLE_OF,
    ROLES,
    World,
    build_world,
)


class Outcome(StrEnum):
    ALLOWED = "allowed"  # 2xx; 3xx to a page other than sign-in; 400/422: past the checks
    LOGIN = "login"  # 401, or a redirect to the sign-in page
    FORBIDDEN = "forbidden"  # 403
    NOT_FOUND = "not found"  # 404


ALLOWED, LOGIN, FORBIDDEN, NOT_FOUND = Outcome


# The checks a view makes, in order; the first that refuses decides the answer -------------


@dataclass(frozen=True)
class Needs:
    """The view asks ``can(user, action, obj)``; ``own``: ``obj`` belongs to agency A."""

    action: str
    own: bool = False

    def verdict(self, column: str, denied: Outcome) -> Outcome | None:
        scope = PERMISSIONS[self.action].get(ROLE_OF[column])
        if scope is None:
            return denied
        if scope is Scope.OWN and self.own and column not in OWN:
            return NOT_FOUND
        return None


@dataclass(frozen=True)
class Mine:
    """A personal object (a notification, an API token) of the user of column ``owner``:
    everybody else gets 404, whatever their role."""

    owner: str

    def verdict(self, column: str, denied: Outcome) -> Outcome | None:
        return None if column == self.owner else NOT_FOUND


@dataclass(frozen=True)
class AuthorOr:
    """Only the author of the object (the user of column ``author``), or a role holding
    ``action`` everywhere."""

    author: str
    action: str

    def verdict(self, column: str, denied: Outcome) -> Outcome | None:
        if column == self.author:
            return None
        return Needs(self.action).verdict(column, FORBIDDEN)


@dataclass(frozen=True)
class Always:
    """The endpoint answers ``outcome`` to everybody (``why`` says why)."""

    outcome: Outcome
    why: str

    def verdict(self, column: str, denied: Outcome) -> Outcome | None:
        return self.outcome


@dataclass(frozen=True)
class InAgency:
    """The user must belong to an agency (an organisation unit); else 404."""

    def verdict(self, column: str, denied: Outcome) -> Outcome | None:
        return None if column in OWN | OTHER else NOT_FOUND


@dataclass(frozen=True)
class AnyOf:
    """The view lets through whoever passes one of ``checks``; the first refusal otherwise."""

    checks: tuple[Needs, ...]

    def verdict(self, column: str, denied: Outcome) -> Outcome | None:
        verdicts = [check.verdict(column, denied) for check in self.checks]
        return None if None in verdicts else verdicts[0]


Check = Needs | Mine | AuthorOr | Always | InAgency | AnyOf


@dataclass(frozen=True)
class Row:
    """One endpoint and method (and, where one is not enough, one case of it)."""

    endpoint: str  # URL name ("rounds:submission"), or the API path ("/api/tasks/{task_id}")
    method: str = "GET"
    checks: tuple[Check, ...] = ()
    args: Callable[[World], Any] | None = None  # URL args (pages) or path parameters (API)
    body: Callable[[World], dict] | dict | None = None
    denied: Outcome = FORBIDDEN  # the answer to a role without the action
    anonymous: Outcome = LOGIN
    case: str = ""
    path: str | Callable[[World], str] = ""  # for a URL pattern without a name, or a query
    multipart: bool = False  # API only: a multipart body instead of JSON
    # column -> a known permission bug not fixed yet: the cell is xfail(strict=True)
    bugs: dict[str, str] = field(default_factory=dict, hash=False)

    @property
    def api(self) -> bool:
        return self.endpoint.startswith("/")

    @property
    def id(self) -> str:
        return f"{self.method} {self.endpoint}" + (f" [{self.case}]" if self.case else "")

    def expected(self, column: str) -> Outcome:
        if column == ANONYMOUS:
            return self.anonymous
        for check in self.checks:
            verdict = check.verdict(column, self.denied)
            if verdict is not None:
                return verdict
        return ALLOWED


def page(name: str, *checks: Check, **options) -> Row:
    """A GET of the page named ``name``."""
    return Row(name, "GET", checks, **options)


def post(name: str, *checks: Check, **options) -> Row:
    """A POST to the page named ``name``: an empty form unless ``body`` is given."""
    return Row(name, "POST", checks, body=options.pop("body", {}), **options)


def op(method: str, path: str, *checks: Check, **options) -> Row:
    """An API operation, called with the column's bearer token (scopes read and write)."""
    return Row(path, method, checks, **options)


PUBLIC = {"anonymous": ALLOWED}
HIDDEN = {"denied": NOT_FOUND}  # the view answers 404 to what it refuses


def task_a(w: World) -> list[int]:
    return [w.task_a]


VIEW_TASK_A = Needs("task.view", own=True)


ENTER_OR_REVIEW_A = AnyOf(
    (Needs("indicator.enter", own=True), Needs("indicator.approve", own=True))
)


def entry_a(w: World) -> str:
    return reverse("indicators:entry") + f"?agency={w.agency_a}&period=2025-Q3"


def observer(w: World) -> list[int]:
    return [w.users["observer"].pk]


ROWS: list[Row] = [
    # Signing in and out, passwords: open to everybody, or to anybody signed in. ------------
    page("login", **PUBLIC),  # a signed-in user is sent on to the dashboard
    post("logout", **PUBLIC),
    page("login-code", **PUBLIC),  # with no password step pending: back to the sign-in page
    page("password_reset", **PUBLIC),
    post("password_reset", body={"email": "nobody@example.org"}, **PUBLIC),
    page("password_reset_done", **PUBLIC),
    page("password_reset_confirm", args=lambda w: ["MQ", "not-a-token"], **PUBLIC),
    page("password_reset_complete", **PUBLIC),
    page("password_change"),
    page("password_change_done"),
    page("two-factor", Needs("account.two_factor")),
    page("api-tokens", Needs("account.tokens")),
    post("api-tokens", Needs("account.tokens")),
    post(
        "api-token-revoke",
        Needs("account.tokens"),
        Mine("reporter_own"),
        args=lambda w: [w.token_a],
    ),
    post("set_language", body={"language": "vi"}, **PUBLIC),
    page("favicon", **PUBLIC),  # the browsers' /favicon.ico: the site's icon
    # People: the Standing Office's pages; the invitation link is public (its token decides).
    page("people-list", Needs("user.manage")),
    page("people-invite", Needs("user.manage")),
    post("people-invite", Needs("user.manage")),
    page("people-edit", Needs("user.manage"), args=observer),
    post("people-edit", Needs("user.manage"), args=observer),
    post("people-set-active", Needs("user.manage"), args=observer, body={"active": "0"}),
    post("people-reset-two-factor", Needs("user.manage"), args=observer),
    post("people-invite-again", Needs("user.manage"), args=observer),
    page("invitation-accept", args=lambda w: ["MQ", "not-a-token"], **PUBLIC),
    page("invitation-done", **PUBLIC),
    # Tasks, directives, duplicates. ----------------------------------------------------------
    page("dashboard", Needs("dashboard.view")),
    page("task-list", Needs("task.view")),
    page("task-export-xlsx", Needs("task.export")),
    page("task-export-csv", Needs("task.export")),
    page("task-detail", VIEW_TASK_A, args=task_a),
    post("task-detail", VIEW_TASK_A, Needs("task.post_update", own=True), args=task_a),
    page("task-history", VIEW_TASK_A, Needs("task.history", own=True), args=task_a),
    page("attachment-download", VIEW_TASK_A, args=lambda w: [w.attachment_a]),
    # Steps on one progress update: another agency's draft does not exist for anybody else.
    page(
        "update-edit",
        Needs("update.view_draft", own=True),
        Mine("reporter_own"),  # only its author edits a draft
        args=lambda w: [w.draft_update_a],
        **HIDDEN,
    ),
    post(
        "update-withdraw",
        Needs("update.view_draft", own=True),
        Mine("reporter_own"),
        args=lambda w: [w.draft_update_a],
        body=lambda w: {"version": "1"},
        **HIDDEN,
    ),
    post(
        "update-approve",
        Needs("update.view_draft", own=True),
        Needs("update.approve", own=True),
        args=lambda w: [w.draft_update_a],
        body=lambda w: {"version": "1"},
        **HIDDEN,
    ),
    page(
        "update-correct",
        Needs("task.view", own=True),
        Needs("task.post_update", own=True),
        args=lambda w: [w.update_a],
        **HIDDEN,
    ),
    # Task management: a page and an (empty, so refused) form per change of agency A's task.
    page("task-create", Needs("task.create")),
    post("task-create", Needs("task.create")),
    page("task-deadline-preview", Needs("task.change_deadline")),
    *(
        row(name, VIEW_TASK_A, Needs(action, own=True), args=task_a)
        for name, action in (
            ("task-edit", "task.edit"),
            ("task-reassign", "task.reassign"),
            ("task-deadline", "task.change_deadline"),
            ("task-split", "task.split"),
            ("task-merge", "task.merge"),
            ("task-cancel", "task.set_status"),
        )
        for row in (page, post)
    ),
    page("directive-list", Needs("directive.view")),
    page("directive-detail", Needs("directive.view"), args=lambda w: [w.notice]),
    # Reading a directive into proposed tasks: the Standing Office and the Working Group.
    page("reader-start", Needs("directive.read")),
    post("reader-start", Needs("directive.read")),
    page("reader-review", Needs("directive.read"), args=lambda w: [w.reading]),
    post("reader-review", Needs("directive.read"), args=lambda w: [w.reading]),
    page("duplicate-list", Needs("duplicate.review")),
    post(
        "duplicate-decide",
        Needs("duplicate.review"),
        args=lambda w: [w.pair],
        body={"decision": "different"},
    ),
    # Organisation units and committee members. -----------------------------------------------
    page("org-list", Needs("org.view")),
    page("org-detail", Needs("org.view"), args=lambda w: [w.agency_a]),
    page("org-create", Needs("org.manage")),
    post("org-create", Needs("org.manage")),
    page("org-edit", Needs("org.manage"), args=lambda w: [w.agency_a]),
    post("org-edit", Needs("org.manage"), args=lambda w: [w.agency_a]),
    # Programs: everybody signed in reads the active ones; the Standing Office manages them.
    page("program-list", Needs("program.view")),
    page("program-detail", Needs("program.view"), args=lambda w: ["NQ57"]),
    page("program-create", Needs("program.manage")),
    post("program-create", Needs("program.manage")),
    page("program-edit", Needs("program.manage"), args=lambda w: ["NQ57"]),
    post("program-edit", Needs("program.manage"), args=lambda w: ["NQ57"]),
    post("program-archive", Needs("program.manage"), args=lambda w: ["NQ57"]),
    post("program-unarchive", Needs("program.manage"), args=lambda w: ["NQ57"]),
    page("member-list", Needs("member.view")),
    page("member-detail", Needs("member.view"), args=lambda w: [w.person]),
    # The indicator set: every signed-in user reads it. ---------------------------------------
    page("indicators:list", Needs("indicator.view")),
    page("indicators:detail", Needs("indicator.view"), args=lambda w: [w.indicator]),
    # Collection: agency A's values for a period; its reporter and head, and the reviewers.
    page("indicators:entry", ENTER_OR_REVIEW_A, path=entry_a, **HIDDEN),
    post(
        "indicators:entry",
        ENTER_OR_REVIEW_A,
        Needs("indicator.enter", own=True),
        path=entry_a,
        body={"action": "save"},
        case="save A's drafts",
        **HIDDEN,
    ),
    post(
        "indicators:entry",
        ENTER_OR_REVIEW_A,
        Needs("indicator.enter", own=True),
        Needs("indicator.submit", own=True),
        path=entry_a,
        body={"action": "submit"},
        case="submit A's values",
        **HIDDEN,
    ),
    post(
        "indicators:entry",
        ENTER_OR_REVIEW_A,
        Needs("indicator.approve", own=True),
        path=entry_a,
        body={"action": "approve"},
        case="approve A's values",
        **HIDDEN,
    ),
    page(
        "indicators:entry-template",
        Needs("indicator.enter", own=True),
        path=lambda w: (
            reverse("indicators:entry-template") + f"?agency={w.agency_a}&period=2025-Q3"
        ),
        **HIDDEN,
    ),
    page("indicators:reporting-status", Needs("indicator.view")),
    page("indicators:scores", Needs("indicator.view")),
    page("indicators:export", Needs("indicator.view"), args=lambda w: [w.indicator, "xlsx"]),
    page(
        "indicators:export",
        Needs("indicator.view"),
        args=lambda w: [w.indicator, "csv"],
        case="csv",
    ),
    # Overriding a status and changing a weight: the Standing Office only.
    post(
        "indicators:override",
        Needs("indicator.override_status"),
        args=lambda w: [w.indicator],
        body={"status": "on_track", "set_on": "01/07/2025", "reason": "Đánh giá của Tổ"},
    ),
    post(
        "indicators:weight",
        Needs("indicator.change_weight"),
        args=lambda w: [w.indicator],
        body={"weight": "2.0", "effective_on": "01/07/2025", "reason": "Ưu tiên"},
    ),
    post(
        "indicators:public",
        Needs("indicator.publish"),
        args=lambda w: [w.indicator],
        body={"public": "1"},
    ),
    # Importing the indicator catalogue: the Standing Office only (nothing uploaded: the
    # confirmation goes back to the upload).
    page("indicators:import", Needs("indicator.import")),
    post("indicators:import", Needs("indicator.import")),
    post("indicators:import-confirm", Needs("indicator.import")),
    # Importing tasks: the Standing Office only. ----------------------------------------------
    page("import-upload", Needs("import.run")),
    post("import-upload", Needs("import.run")),
    page("import-columns", Needs("import.run")),  # nothing uploaded: back to the upload
    post("import-columns", Needs("import.run")),
    page("import-check", Needs("import.run")),
    post("import-check", Needs("import.run")),
    post("import-confirm", Needs("import.run")),
    # An import job is its author's alone: another clerk gets 404.
    page(
        "import-job",
        Needs("import.run"),
        Mine("standing_office"),
        args=lambda w: [w.import_job],
    ),
    page("import-template-csv", Needs("import.run")),
    page("import-template-xlsx", Needs("import.run")),
    # Reporting rounds, submissions, action plans, scorecards, an agency's own view. ----------
    page("rounds:round-list", Needs("round.view"), **HIDDEN),
    page("rounds:round-open", Needs("round.open"), **HIDDEN),
    post("rounds:round-open", Needs("round.open"), **HIDDEN),
    page("rounds:round-dashboard", Needs("round.dashboard"), args=lambda w: [w.q2], **HIDDEN),
    page("rounds:round-export", Needs("round.dashboard"), args=lambda w: [w.q2], **HIDDEN),
    post(
        "rounds:round-chase",
        Needs("round.dashboard"),
        Needs("round.chase"),
        args=lambda w: [w.q2],
        **HIDDEN,
    ),
    page(
        "rounds:submission",
        Needs("submission.view_draft", own=True),
        args=lambda w: [w.q2, w.agency_a],
        case="A's draft",
        **HIDDEN,
    ),
    page(
        "rounds:submission",
        Needs("submission.view", own=True),
        args=lambda w: [w.q1, w.agency_a],
        case="A's submitted report",
        **HIDDEN,
    ),
    post(
        "rounds:submission",
        Needs("submission.view_draft", own=True),
        Needs("submission.prepare", own=True),
        args=lambda w: [w.q2, w.agency_a],
        body={"action": "prepare", "note": "Đang tổng hợp"},
        case="save A's draft",
        **HIDDEN,
    ),
    post(
        "rounds:submission",
        Needs("submission.view_draft", own=True),
        Needs("submission.submit", own=True),
        args=lambda w: [w.q2, w.agency_a],
        body={"action": "submit", "note": "Tóm tắt"},
        case="submit A's draft",
        **HIDDEN,
    ),
    post(
        "rounds:submission",
        Needs("submission.view", own=True),
        Needs("submission.review", own=True),
        args=lambda w: [w.q1, w.agency_a],
        body={"action": "review"},
        case="review A's report",
        **HIDDEN,
    ),
    post(
        "rounds:submission",
        Needs("submission.view", own=True),
        Needs("submission.reopen", own=True),
        args=lambda w: [w.q1, w.agency_a],
        body={"action": "reopen", "comment": "Mở lại để bổ sung"},
        case="reopen A's report",
        **HIDDEN,
    ),
    page("rounds:action-plans", Needs("actionplan.view"), **HIDDEN),
    post("rounds:action-plans", Needs("actionplan.view"), Needs("actionplan.edit"), **HIDDEN),
    page(
        "rounds:action-plan-file",
        Needs("actionplan.view", own=True),
        args=lambda w: [w.plan_a],
        **HIDDEN,
    ),
    page("rounds:scorecards", Needs("scorecard.view"), **HIDDEN),
    page(
        "rounds:agency",
        Needs("agency_dashboard.view", own=True),
        args=lambda w: [w.agency_a],
        **HIDDEN,
    ),
    page(
        "rounds:agency-export",
        Needs("agency_dashboard.view", own=True),
        args=lambda w: [w.agency_a],
        **HIDDEN,
    ),
    page("rounds:home"),  # everybody signed in: on to the to-do or the dashboard
    page("rounds:todo", Needs("submission.home"), **HIDDEN),
    post(
        "rounds:todo-approve",
        Needs("update.approve", own=True),
        body=lambda w: {f"u{w.draft_update_a}": "1"},
        **HIDDEN,
    ),
    page(
        "rounds:grid",
        Needs("submission.view_draft", own=True),
        Needs("submission.grid", own=True),
        args=lambda w: [w.q2, w.agency_a],
        **HIDDEN,
    ),
    post(
        "rounds:grid",
        Needs("submission.view_draft", own=True),
        Needs("submission.grid", own=True),
        args=lambda w: [w.q2, w.agency_a],
        body={"action": "save", "reported_on": "01/07/2025"},
        **HIDDEN,
    ),
    page(
        "rounds:grid-xlsx",
        Needs("submission.view_draft", own=True),
        Needs("submission.grid", own=True),
        args=lambda w: [w.q2, w.agency_a],
        **HIDDEN,
    ),
    page(
        "rounds:signed-report",
        Needs("submission.view", own=True),
        args=lambda w: [w.q1, w.agency_a],
        **HIDDEN,
    ),
    post(
        "rounds:submission",
        Needs("submission.view", own=True),
        Needs("submission.prepare", own=True),
        args=lambda w: [w.q1, w.agency_a],
        body={"action": "sign", "signed_number": "16/BC", "signed_on": "03/04/2025"},
        case="attach A's signed report",
        **HIDDEN,
    ),
    page(
        "rounds:my-agency",
        Needs("agency_dashboard.view"),
        InAgency(),  # the signed-in user's own agency: a user of no agency has none
        **HIDDEN,
    ),
    # Explanations for late tasks and deadline extensions. ------------------------------------
    page("explanation-list", Needs("explanation.list")),
    post("explanation-request", VIEW_TASK_A, Needs("explanation.request", own=True), args=task_a),
    page(
        "explanation-reply",
        VIEW_TASK_A,
        Needs("explanation.reply", own=True),
        args=lambda w: [w.explanation_a],
    ),
    post(
        "explanation-reply",
        VIEW_TASK_A,
        Needs("explanation.reply", own=True),
        args=lambda w: [w.explanation_a],
    ),
    post(
        "explanation-decide",
        VIEW_TASK_A,
        Needs("extension.grant", own=True),
        args=lambda w: [w.explanation_a],
    ),
    post("extension-grant", VIEW_TASK_A, Needs("extension.grant", own=True), args=task_a),
    # Notifications: the user's own. ------------------------------------------------------------
    page("notification-list", Needs("notification.view")),
    post("notification-read-all", Needs("notification.view")),
    post(
        "notification-read",
        Needs("notification.view"),
        Mine("reporter_own"),
        args=lambda w: [w.notification_a],
    ),
    page("notification-preferences", Needs("notification.view")),
    post("notification-preferences", Needs("notification.view")),
    # Reports and briefs. ---------------------------------------------------------------------
    page("reports:list", Needs("report.view")),
    page("reports:new", Needs("report.generate")),
    post("reports:new", Needs("report.generate")),
    page("reports:detail", Needs("report.view"), args=lambda w: [w.report]),
    post(
        "reports:texts", Needs("report.view"), Needs("report.generate"), args=lambda w: [w.report]
    ),
    page("reports:download", Needs("report.view"), args=lambda w: [w.report, "docx"]),
    page("reports:member-brief", Needs("brief.member"), args=lambda w: [w.person]),
    page("reports:agency-brief", Needs("brief.agency", own=True), args=lambda w: [w.agency_a]),
    # Audit. ----------------------------------------------------------------------------------
    page("audit:list", Needs("audit.view")),
    page("audit:export-csv", Needs("audit.view")),
    page("audit:export-xlsx", Needs("audit.view")),
    # The public portal: open to everybody; a citizen's file only to whom may see the item.
    page("portal:submit", **PUBLIC),
    post("portal:submit", **PUBLIC),  # an empty form: 400 with the errors
    page("portal:receipt", **PUBLIC),  # no receipt in the session: on to the follow page
    page("portal:track", **PUBLIC),
    post("portal:track", body=lambda w: {"code": w.portal_code_a}, **PUBLIC),
    page("portal:published", **PUBLIC),
    page("portal:published-atom", **PUBLIC),
    page("portal:published-json", **PUBLIC),
    page("portal:published-detail", args=lambda w: [w.portal_public], **PUBLIC),
    post("portal:report", args=lambda w: [w.portal_public], **PUBLIC),
    page("portal:progress", **PUBLIC),  # the program's public progress page
    # The public pages' language switch: no CSRF token, so that they set no cookie.
    post("portal:language", body={"language": "vi"}, **PUBLIC),
    page(
        "portal:attachment",
        Needs("portal.view", own=True),
        args=lambda w: [w.portal_attachment_a],
        denied=NOT_FOUND,
        anonymous=NOT_FOUND,
    ),
    # The portal's back office: the item is routed to agency A.
    page("portal:queue", Needs("portal.view")),
    page("portal:stats", Needs("portal.view")),
    post("portal:bulk", Needs("portal.triage")),
    page("portal:detail", Needs("portal.view", own=True), args=lambda w: [w.portal_a]),
    *(
        post(
            name,
            Needs("portal.view", own=True),
            Needs(action, own=True),
            args=lambda w: [w.portal_a],
        )
        for name, action in [
            ("portal:classify", "portal.triage"),
            ("portal:route", "portal.triage"),
            ("portal:reject", "portal.triage"),
            ("portal:step", "portal.triage"),
            ("portal:answer", "portal.answer"),
        ]
    ),
    post("portal:note", Needs("portal.view", own=True), args=lambda w: [w.portal_a]),
    # The Django admin (see EXCLUDED_PREFIXES): it answers a refusal with its own sign-in page.
    page("admin:index", Needs("admin.access"), denied=LOGIN),
    page(
        "admin-login",
        Always(LOGIN, "the admin's sign-in page leads to the two-step sign-in"),
        anonymous=LOGIN,
    ),
    page("admin:accounts_user_changelist", Needs("admin.access"), denied=LOGIN),
    # The API's own URLs: its description is public (no data in it), the rest is per operation.
    page("api:openapi-json", **PUBLIC),
    page("api:openapi-view", **PUBLIC),
    page(
        "api:api-root",
        Always(NOT_FOUND, "Django Ninja's root only anchors the prefix"),
        anonymous=NOT_FOUND,
    ),
    page(
        r"api/^(?P<rest>.*)$",
        Always(NOT_FOUND, "an unknown API path is a JSON 404"),
        path="/api/no-such-endpoint",
        anonymous=NOT_FOUND,
    ),
    # API operations (bearer token with the read and write scopes). ---------------------------
    op("GET", "/api/tasks", Needs("task.view")),
    op("GET", "/api/tasks/{task_id}", VIEW_TASK_A, args=lambda w: {"task_id": w.task_a}),
    op(
        "POST",
        "/api/tasks/{task_id}/updates",
        VIEW_TASK_A,
        Needs("task.post_update", own=True),
        args=lambda w: {"task_id": w.task_a},
        body={"text": "Đã hoàn thiện dự thảo"},
    ),
    op(
        "POST",
        "/api/tasks/{task_id}/updates",
        VIEW_TASK_A,
        Needs("task.post_update", own=True),
        Needs("task.set_status", own=True),
        args=lambda w: {"task_id": w.task_a},
        body={"text": "Đã ban hành", "status_change": "completed"},
        case="completing the task",
    ),
    op(
        "POST",
        "/api/tasks/{task_id}/updates/{update_id}/attachments",
        VIEW_TASK_A,
        # Evidence goes on a draft, which nobody outside agency A sees.
        Needs("update.view_draft", own=True),
        Needs("task.post_update", own=True),
        AuthorOr("reporter_own", "task.edit"),  # the draft is the A reporter's
        args=lambda w: {"task_id": w.task_a, "update_id": w.draft_update_a},
        body=lambda w: {"files": SimpleUploadedFile("bb.pdf", PDF, "application/pdf")},
        multipart=True,
        **HIDDEN,
    ),
    op(
        "POST",
        "/api/explanations/{explanation_id}/reply",
        VIEW_TASK_A,
        Needs("explanation.reply", own=True),
        args=lambda w: {"explanation_id": w.explanation_a},
        body={"reason": "Chờ ý kiến của Chính phủ"},
    ),
    op(
        "POST",
        "/api/explanations/{explanation_id}/decision",
        VIEW_TASK_A,
        Needs("extension.grant", own=True),
        args=lambda w: {"explanation_id": w.explanation_a},
        body={"decision": "refuse", "note": "Không gia hạn"},
    ),
    op("GET", "/api/dashboard", Needs("dashboard.view")),
    op("GET", "/api/directives", Needs("directive.view")),
    op(
        "GET",
        "/api/directives/{directive_id}",
        Needs("directive.view"),
        args=lambda w: {"directive_id": w.notice},
    ),
    op("GET", "/api/org-units", Needs("org.view")),
    op(
        "GET",
        "/api/org-units/{unit_id}",
        Needs("org.view"),
        args=lambda w: {"unit_id": w.agency_a},
    ),
    op("GET", "/api/members", Needs("member.view")),
    op(
        "GET",
        "/api/members/{member_id}",
        Needs("member.view"),
        args=lambda w: {"member_id": w.person},
    ),
    op("GET", "/api/programs", Needs("task.view")),
    op("GET", "/api/indicators", Needs("indicator.view")),
    op(
        "GET",
        "/api/indicators/{indicator_id}/values",
        Needs("indicator.view"),
        args=lambda w: {"indicator_id": w.indicator},
    ),
    op(
        "POST",
        "/api/indicators/{indicator_id}/values",
        Needs("indicator.enter", own=True),
        args=lambda w: {"indicator_id": w.indicator},
        body={"period": "2025-Q3", "value": "18,3"},
    ),
]

#: URL prefixes left to a few representative rows, with the reason.
EXCLUDED_PREFIXES = {
    # Django's admin generates a dozen URLs per registered model, all behind one gate
    # (``admin.site.has_permission`` asks ``admin.access``); rows above cover the gate.
    "admin/": "the Django admin",
}


# Coverage: every URL pattern and every API operation has a row ------------------------------


def _walk(patterns: list, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    """(key, route) of every URL pattern; the key is the namespaced name, else the route."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            if pattern.name:
                yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), route
            else:
                yield route, route


def _api_url_name(row: Row) -> str:
    match = resolve(re.sub(r"\{[^}]+\}", "1", row.endpoint))
    return match.view_name


def _api_operations() -> set[tuple[str, str]]:
    from dondoc.api.api import api

    paths = api.get_openapi_schema()["paths"]
    return {
        (method.upper(), path)
        for path, operations in paths.items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }


def test_every_url_has_a_row():
    urls = {
        key: route
        for key, route in _walk(get_resolver().url_patterns)
        if not route.startswith(tuple(EXCLUDED_PREFIXES))
    }
    covered = {row.endpoint for row in ROWS if not row.api}
    covered |= {_api_url_name(row) for row in ROWS if row.api}
    missing = sorted(f"{key} ({urls[key]})" for key in set(urls) - covered)
    assert not missing, "URL patterns without a row in the permission matrix: " + ", ".join(missing)
    known = {key for key, _route in _walk(get_resolver().url_patterns)}
    stale = sorted(covered - known)
    assert not stale, "rows naming no URL pattern: " + ", ".join(stale)


def test_every_api_operation_has_a_row():
    operations = _api_operations()
    rows = {(row.method, row.endpoint) for row in ROWS if row.api}
    missing = sorted(f"{m} {p}" for m, p in operations - rows)
    assert not missing, "API operations without a row in the permission matrix: " + ", ".join(
        missing
    )
    stale = sorted(f"{m} {p}" for m, p in rows - operations)
    assert not stale, "rows naming no API operation: " + ", ".join(stale)


def test_every_action_named_in_the_matrix_is_in_the_permission_table():
    named = {
        check.action for row in ROWS for check in row.checks if isinstance(check, Needs | AuthorOr)
    }
    assert named <= set(PERMISSIONS), sorted(named - set(PERMISSIONS))


# The matrix -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """The world, built once for the module inside a transaction rolled back at its end; each
    test runs in a savepoint of it, so what a POST changes is undone before the next one."""
    traveller = time_machine.travel(NOW, tick=False)
    traveller.start()
    outer = transaction.atomic()
    with django_db_blocker.unblock():
        outer.__enter__()
        try:
            built = build_world()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            traveller.stop()
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
        traveller.stop()


@pytest.fixture(scope="module")
def browser() -> Client:
    """One test client for the module: building a client's middleware chain costs more than
    most of the requests (static-file finders); its cookies are reset for each request."""
    return Client()


def _login_paths() -> set[str]:
    return {reverse("login"), reverse("admin:login")}


def classify(response: HttpResponse) -> Outcome | str:
    """The outcome class of an answer. A redirect counts as "sign in first" only when it goes
    to a sign-in page with ``next`` (to come back here); 400 and 422 mean the request got
    past the permission checks and only its (deliberately empty) input was refused."""
    status = response.status_code
    if status == 401:
        return LOGIN
    if 300 <= status < 400:
        target = urlsplit(response["Location"])
        if target.path in _login_paths() and "next" in parse_qs(target.query):
            return LOGIN
        return ALLOWED
    if status == 403:
        return FORBIDDEN
    if status == 404:
        return NOT_FOUND
    if 200 <= status < 300 or status in (400, 422):
        return ALLOWED
    return f"HTTP {status}"


def call(client: Client, world: World, row: Row, column: str) -> HttpResponse:
    args = row.args(world) if row.args else None
    body = row.body(world) if callable(row.body) else dict(row.body or {})
    headers = {}
    client.cookies.clear()
    if row.api:
        url = row.endpoint.format(**(args or {}))
        if column != ANONYMOUS:
            headers["Authorization"] = f"Bearer {world.tokens[column]}"
    else:
        path = row.path(world) if callable(row.path) else row.path
        url = path or reverse(row.endpoint, args=args or [])
        if column != ANONYMOUS:
            client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[column]
    if row.method == "GET":
        return client.get(url, headers=headers)
    if row.api and not row.multipart:
        return client.generic(
            row.method, url, json.dumps(body), content_type="application/json", headers=headers
        )
    assert row.method == "POST", row.id
    return client.post(url, body, headers=headers)


def _cases() -> Iterator[Any]:
    for row in ROWS:
        for column in ROLES:
            marks = []
            if column in row.bugs:
                marks.append(pytest.mark.xfail(strict=True, reason=row.bugs[column]))
            yield pytest.param(row, column, id=f"{row.id}|{column}", marks=marks)


@pytest.mark.parametrize(("row", "column"), list(_cases()))
def test_permission_matrix(browser, world, db, row: Row, column: str):
    response = call(browser, world, row, column)
    got = classify(response)
    where = response.get("Location", "")
    assert got == row.expected(column), (
        f"{row.id} as {column}: HTTP {response.status_code} {where}".strip()
    )


# Lists: what a page or operation lets through must not show another agency's things -------

TASK_A = "Xây dựng Luật Khoa học, công nghệ và đổi mới sáng tạo"  # agency A's task
AGENCY_A = "Đảng ủy Bộ Khoa học và Công nghệ"

#: Endpoints open to every role that list tasks or agencies, narrowed to what a user may see:
#: the marker of agency A shows to A's reporter and never to B's users.
LISTS: list[tuple[Row, str]] = [
    (page("dashboard"), TASK_A),  # its overdue list: agency A's task is late
    (page("task-list"), TASK_A),
    (page("task-export-csv"), TASK_A),
    (page("directive-detail", args=lambda w: [w.notice]), TASK_A),
    (page("org-detail", args=lambda w: [w.agency_a]), TASK_A),
    (page("member-detail", args=lambda w: [w.person]), TASK_A),
    (page("explanation-list"), TASK_A),
    (page("rounds:scorecards"), AGENCY_A),
    (page("portal:queue"), "Bản đồ số tài nguyên"),  # the citizen's item routed to A
    (op("GET", "/api/tasks"), TASK_A),
    (
        op("GET", "/api/directives/{directive_id}", args=lambda w: {"directive_id": w.notice}),
        TASK_A,
    ),
]


def _text(response: HttpResponse) -> str:
    if response["Content-Type"].startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode("utf-8-sig")


@pytest.mark.parametrize(("row", "marker"), LISTS, ids=[row.id for row, _m in LISTS])
def test_lists_never_show_another_agencys_things(browser, world, db, row: Row, marker: str):
    seen = {}
    for column in ("reporter_own", "reporter_other", "agency_head_other"):
        response = call(browser, world, row, column)
        assert response.status_code == 200, (column, response.status_code)
        seen[column] = marker in _text(response)
    assert seen == {"reporter_own": True, "reporter_other": False, "agency_head_other": False}

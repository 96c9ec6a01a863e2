"""``dondoc tasks``: list tasks with their status as of a date, as a table or as JSON.

    dondoc tasks --as-of 30/06/2025 --status overdue --status due_soon
    dondoc tasks --program NQ57 --json > tasks.json

An operator's tool: it sees every task (no user scope), filtered and computed exactly as the
task list page and the API do (``dondoc.tasks.filters.filter_tasks``). JSON items have the
shape of the API's ``GET /api/tasks`` items, sorted by id.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder

from dondoc.accounts.models import Role, User
from dondoc.api.serialize import task_item, with_related
from dondoc.core.dates import parse_date
from dondoc.tasks import programs
from dondoc.tasks.filters import SORTS, STATUS_GROUPS, filter_tasks
from dondoc.tasks.models import AgencyRole, Program
from dondoc.tasks.outputs import OUTPUT_KINDS
from dondoc.tasks.status import Status

CONTENT_WIDTH = 70


def operator() -> User:
    """An unsaved user standing for the operator at the console: sees every task."""
    return User(username="console", role=Role.STANDING_OFFICE, is_superuser=True)


def _date_arg(text: str) -> str:
    try:
        return parse_date(text).isoformat()
    except ValueError as exc:
        raise CommandError(str(exc)) from exc


def _truncate(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


class Command(BaseCommand):
    help = "List tasks with their status as of a date (table or --json)."

    def add_arguments(self, parser: CommandParser) -> None:
        statuses = sorted({s.value for s in Status} | set(STATUS_GROUPS))
        parser.add_argument("--as-of", help="YYYY-MM-DD or dd/mm/yyyy (default: today).")
        parser.add_argument(
            "--status", action="append", default=[], choices=statuses, help="Repeatable."
        )
        parser.add_argument("--program", help="Program code (default: the first program).")
        parser.add_argument("--lead", type=int, help="Lead agency id.")
        parser.add_argument("--q", help="Text search, diacritics ignored.")
        parser.add_argument("--output", help="Search the expected output, diacritics ignored.")
        parser.add_argument(
            "--output-kind", action="append", default=[], choices=OUTPUT_KINDS, help="Repeatable."
        )
        parser.add_argument("--due-from", help="Due on or after this date.")
        parser.add_argument("--due-to", help="Due on or before this date.")
        parser.add_argument(
            "--sort", default="deadline", choices=[*SORTS, *(f"-{s}" for s in SORTS)]
        )
        parser.add_argument("--json", action="store_true", help="JSON list sorted by id.")

    def handle(self, *args, **options) -> None:
        if options["program"] and not Program.objects.filter(code=options["program"]).exists():
            raise CommandError(programs.unknown_code(options["program"]))
        params: dict[str, str | list[str]] = {
            "status": options["status"],
            "output_kind": options["output_kind"],
        }
        for name in ("as_of", "due_from", "due_to"):
            if options[name]:
                params[name] = _date_arg(options[name])
        for name in ("program", "lead", "q", "output", "sort"):
            if options[name]:
                params[name] = str(options[name])
        queryset, state = filter_tasks(operator(), params)
        for problem in state.problems:
            self.stderr.write(problem)
        if options["json"]:
            counts: dict[int, int] = {}
            items = [
                task_item(t, group_counts=counts) for t in with_related(queryset.order_by("id"))
            ]
            self.stdout.write(
                json.dumps(items, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
            )
            return
        self._table(with_related(queryset), state.as_of)

    def _table(self, queryset, as_of) -> None:
        rows = []
        for task in queryset:
            leads = [
                ta.org_unit.short_name or ta.org_unit.name
                for ta in task.task_agencies.all()
                if ta.role == AgencyRole.LEAD
            ] + [tg.group.name for tg in task.task_groups.all() if tg.role == AgencyRole.LEAD]
            due = f"{task.due_on:%d/%m/%Y}" if task.due_on else (task.deadline_text or "—")
            in_force = getattr(task, "due_on_as_of", task.due_on)
            if in_force and in_force != task.due_on:  # changed: the one the status is judged by
                due = f"{in_force:%d/%m/%Y} ({due})"
            rows.append(
                (
                    str(task.pk),
                    task.status,
                    due,
                    _truncate(", ".join(leads) or "—", 28),
                    _truncate(task.content, CONTENT_WIDTH),
                )
            )
        header = ("ID", "STATUS", "DUE", "LEAD", "CONTENT")
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
        for row in [header, *rows]:
            cells = [row[i].ljust(widths[i]) for i in range(4)]
            self.stdout.write("  ".join([*cells, row[4]]).rstrip())
        self.stdout.write(f"\n{len(rows)} tasks as of {as_of:%d/%m/%Y}.")

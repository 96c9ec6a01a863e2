"""``read_directive``: the reader's entry point (pure: no Django, no database)."""

from __future__ import annotations

import logging

from dondoc.reader.core.assign import propose_tasks
from dondoc.reader.core.normalise import fold_same_length, normalise
from dondoc.reader.core.resolve import Resolver
from dondoc.reader.core.structure import parse_structure
from dondoc.reader.core.types import Header, Reading, Register
from dondoc.reader.core.when import meeting_month, since_issue, week_end, weekday_of
from dondoc.tasks.deadlines import DeadlineKind, parse_deadline

log = logging.getLogger(__name__)


def read_directive(text: str, *, register: Register | None = None) -> Reading:
    """Read ``text`` into a header, parts and proposed tasks. Never raises on text: a failure
    of the rules is logged and gives a reading without tasks."""
    normalised = normalise(text if isinstance(text, str) else "")
    clean = normalised.text
    folded = fold_same_length(clean)
    try:
        structure = parse_structure(clean, folded)
    except Exception:
        log.exception("reader: structure failed")
        return Reading(Header(), [], [], clean)
    try:
        resolver = Resolver(register, structure.header.date)
        tasks = propose_tasks(clean, folded, structure, resolver)
    except Exception:
        log.exception("reader: task detection failed")
        tasks = []
    for task in tasks:
        if task.deadline is not None:
            deadline = parse_deadline(task.deadline.value)
            if deadline.kind != DeadlineKind.DATE and (month := meeting_month(task.deadline.value)):
                deadline = parse_deadline(month)
            elif deadline.kind != DeadlineKind.DATE and (
                day := weekday_of(task.deadline.value, structure.header.date)
            ):
                deadline = parse_deadline(day)
            elif deadline.kind != DeadlineKind.DATE and (
                week := week_end(task.deadline.value, structure.header.date)
            ):
                deadline = parse_deadline(week)
            elif deadline.kind != DeadlineKind.DATE and (
                days := since_issue(task.deadline.value, structure.header.date)
            ):
                deadline = parse_deadline(days)
            task.due = deadline.due if deadline.kind == DeadlineKind.DATE else None
    return Reading(structure.header, structure.parts, tasks, clean)

"""Programs (chương trình) and their solution groups: create, edit, archive; the default one.

Every write is one transaction attributed to who made it, so the change history (and the audit
log) shows each step of a program and of its groups. The rules a program's data must follow are
checked here, once, for the pages and the console alike: a refused change raises
``ProgramError`` (a ``ValidationError`` keyed by field) and writes nothing.

A group's number is what the tasks, the reports and the imported tables refer to, so a group
that tasks use keeps its number and cannot be removed; its title may change. An archived
program (``archived_on`` set) keeps its tasks and stays reachable by its code, but is no longer
offered by default (``default_program``, ``picker_programs``) and takes no import.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dondoc.core import prepared
from dondoc.tasks.models import Program, SolutionGroup

#: A code as links and the console write it: "NQ57", "KH-03", "nq66".
CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}")
#: The fields of a program its form and ``update_program`` set.
PROGRAM_FIELDS = (
    "code",
    "name",
    "resolution",
    "adopting_document",
    "adopted_on",
    "description",
    "committee_name",
    "standing_office",
    "updates_need_approval",
    "public",
)
MAX_GROUP_NUMBER = 999
#: ``history_change_reason`` holds this many characters.
MAX_REASON = 100
_GROUP_LINE = re.compile(r"\s*(\d{1,4})\s*[.):-]?\s+(.*\S)\s*$", re.S)


class ProgramError(ValidationError):
    """The change breaks a rule of programs; nothing was written. ``message_dict`` names the
    field of each problem ("code", "name", "groups", "__all__")."""


class StaleProgram(Exception):
    """The program changed after the form was loaded: saving would undo that change."""


@dataclass(frozen=True)
class GroupSpec:
    """A solution group as wanted: ``pk`` names an existing group (rename or renumber it);
    without it, the program's group of that number is kept (and renamed), or a new one made."""

    number: int
    title: str
    pk: int | None = None


def parse_group(text: str) -> GroupSpec:
    """A group written as on the console or in a plan: "1. Title" (also "1) Title", "1 Title")."""
    match = _GROUP_LINE.match(text or "")
    if match is None:
        message = _("“%(text)s”: write a group as its number and title, e.g. “1. Title”.")
        raise ProgramError({"groups": message % {"text": text}})
    return GroupSpec(int(match.group(1)), " ".join(match.group(2).split()))


def _as_specs(groups: Iterable[GroupSpec | tuple]) -> list[GroupSpec]:
    specs = []
    for item in groups:
        if isinstance(item, GroupSpec):
            specs.append(item)
        elif len(item) == 3:
            specs.append(GroupSpec(int(item[1]), str(item[2]), item[0]))
        else:
            specs.append(GroupSpec(int(item[0]), str(item[1])))
    return [GroupSpec(s.number, " ".join(s.title.split()), s.pk) for s in specs]


# -- Which program ----------------------------------------------------------------------------


def default_program() -> Program | None:
    """The program a page or an export shows when none is named: the first active one."""
    return Program.objects.active().order_by("pk").first()


def choose_program(code: str | None, active: list[Program] | None = None) -> Program | None:
    """The program of ``code`` (an archived one too: it stays reachable by its code), else
    the default program. ``active``: the active programs in their order, when already read."""
    if code:
        found = next((p for p in active if p.code == code), None) if active else None
        if found is None:
            found = Program.objects.filter(code=code).first()
        if found is not None:
            return found
    if active is not None:
        return active[0] if active else None  # ``default_program`` from the rows in hand
    return default_program()


def picker_programs(
    current: Program | None = None, active: list[Program] | None = None
) -> list[Program]:
    """The programs a filter offers: the active ones (``active`` when already read), and
    ``current`` when it is archived."""
    programs = list(Program.objects.active().order_by("pk")) if active is None else [*active]
    if current is not None and current.is_archived:
        programs.append(current)
    return programs


def chosen_and_offered(code: str | None) -> tuple[Program | None, list[Program]]:
    """``choose_program(code)`` and ``picker_programs`` of it, reading the active programs
    once (one query, compiled once: ``prepared.instances``; two when ``code`` names no active
    program)."""
    active = prepared.instances(
        ("programs", "active"),
        lambda _ids: Program.objects.active().order_by("pk"),
        [],
        constant=True,
    )
    program = choose_program(code, active)
    return program, picker_programs(program, active)


def with_counts(queryset) -> Any:
    """Programs annotated with ``task_count`` (tasks not merged into another) and
    ``group_count``."""
    return queryset.annotate(
        task_count=Count("tasks", filter=Q(tasks__merged_into__isnull=True), distinct=True),
        group_count=Count("groups", distinct=True),
    )


def unknown_code(code: str) -> str:
    """The console's message for a program code that names nothing, with the known codes."""
    known = ", ".join(Program.objects.order_by("pk").values_list("code", flat=True))
    return (
        f"Không có chương trình mã {code!r} (no program with code {code!r}). "
        f"Các mã có / known codes: {known or '—'}."
    )


def with_group_counts(program: Program) -> Any:
    """The program's groups, in order, annotated with ``task_count``."""
    return (
        SolutionGroup.objects.filter(program=program)
        .annotate(task_count=Count("tasks"))
        .order_by("number")
    )


def version_of(program: Program) -> str:
    """A mark that changes whenever the program or one of its groups changes (form versions)."""
    own = program.history.order_by("-history_id").values_list("history_id", flat=True).first()
    groups = (
        SolutionGroup.history.filter(program_id=program.pk)
        .order_by("-history_id")
        .values_list("history_id", flat=True)
        .first()
    )
    return f"{own or 0}.{groups or 0}"


# -- Checks -----------------------------------------------------------------------------------


def check_code(code: str, *, exclude: Program | None = None) -> str:
    """The code, trimmed, or ProgramError: slug-like, at most 32 characters, unique (letter
    case ignored, so "nq57" cannot stand beside "NQ57")."""
    code = (code or "").strip()
    if not code:
        raise ProgramError({"code": _("Enter the program's code, e.g. NQ57.")})
    if not CODE_PATTERN.fullmatch(code):
        raise ProgramError(
            {
                "code": _(
                    "A code is 1 to 32 letters without diacritics, digits, hyphens or "
                    "underscores, starting with a letter or a digit (e.g. NQ57, KH-03)."
                )
            }
        )
    taken = Program.objects.filter(code__iexact=code)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    other = taken.first()
    if other is not None:
        raise ProgramError(
            {
                "code": _("The code “%(code)s” is already used by the program “%(name)s”.")
                % {"code": other.code, "name": other.name}
            }
        )
    return code


def _check_groups(specs: Sequence[GroupSpec]) -> None:
    problems = []
    seen: set[int] = set()
    for spec in specs:
        if not 1 <= spec.number <= MAX_GROUP_NUMBER:
            problems.append(
                _("A group's number is a whole number from 1 to %(max)d (not %(number)s).")
                % {"max": MAX_GROUP_NUMBER, "number": spec.number}
            )
        elif spec.number in seen:
            problems.append(_("Group number %(number)d appears twice.") % {"number": spec.number})
        seen.add(spec.number)
        if not spec.title:
            problems.append(_("Group %(number)d needs a title.") % {"number": spec.number})
        elif len(spec.title) > 400:
            problems.append(
                _("The title of group %(number)d is longer than 400 characters.")
                % {"number": spec.number}
            )
    if problems:
        raise ProgramError({"groups": problems})


def _check_fields(data: dict[str, Any], program: Program | None) -> dict[str, Any]:
    data = dict(data)
    problems: dict[str, list[str]] = {}
    if "code" in data:
        try:
            data["code"] = check_code(data["code"], exclude=program)
        except ProgramError as exc:
            problems.update(exc.message_dict)
    if "name" in data:
        data["name"] = " ".join((data["name"] or "").split())
        if not data["name"]:
            problems["name"] = [_("Enter the program's name.")]
    for name, limit in (
        ("name", 300),
        ("resolution", 100),
        ("adopting_document", 300),
        ("committee_name", 400),
    ):
        value = data.get(name)
        if value is not None:
            data[name] = value = value.strip()
            if len(value) > limit:
                problems.setdefault(name, []).append(_("At most %(n)d characters.") % {"n": limit})
    if any("\x00" in str(v) for v in data.values() if isinstance(v, str)):
        problems.setdefault("__all__", []).append(_("The text holds a NUL character."))
    if problems:
        raise ProgramError(problems)
    return data


# -- Writes -----------------------------------------------------------------------------------


def _save(instance, by, reason: str = "") -> None:
    if by is not None:
        instance._history_user = by
    if reason:
        instance._change_reason = reason[:MAX_REASON]
    instance.save()


@transaction.atomic
def create_program(
    *,
    code: str,
    name: str,
    by=None,
    resolution: str = "",
    adopting_document: str = "",
    adopted_on: dt.date | None = None,
    committee_name: str = "",
    standing_office=None,
    groups: Iterable[GroupSpec | tuple] = (),
    description: str = "",
    updates_need_approval: bool = True,
    public: bool = False,
) -> Program:
    """A new program with its solution groups (``(number, title)`` pairs, or none)."""
    data = _check_fields(
        {
            "code": code,
            "name": name,
            "resolution": resolution,
            "adopting_document": adopting_document,
            "committee_name": committee_name,
            "description": description,
        },
        None,
    )
    specs = _as_specs(groups)
    _check_groups(specs)
    program = Program(
        **data,
        adopted_on=adopted_on,
        standing_office=standing_office,
        updates_need_approval=updates_need_approval,
        public=public,
    )
    _save(program, by)
    for spec in specs:
        _save(SolutionGroup(program=program, number=spec.number, title=spec.title), by)
    return program


@transaction.atomic
def update_program(
    program: Program,
    *,
    by=None,
    groups: Iterable[GroupSpec | tuple] | None = None,
    version: str | None = None,
    **fields: Any,
) -> Program:
    """Change the fields given (names of ``PROGRAM_FIELDS``) and, when ``groups`` is given,
    make the program's groups exactly those: groups named by ``pk`` are renamed or renumbered,
    others matched by number (renamed) or added; a group left out is removed. A group that
    tasks use keeps its number and stays. With ``version`` (``version_of`` when the form was
    loaded), refuse with ``StaleProgram`` if somebody changed the program since."""
    unknown = set(fields) - set(PROGRAM_FIELDS)
    assert not unknown, f"not fields of a program: {unknown}"
    program = Program.objects.select_for_update().get(pk=program.pk)
    if version is not None and version != version_of(program):
        raise StaleProgram(program.pk)
    data = _check_fields(fields, program)
    changed = [name for name, value in data.items() if getattr(program, name) != value]
    for name in changed:
        setattr(program, name, data[name])
    if changed:
        _save(program, by)
    if groups is not None:
        _set_groups(program, _as_specs(groups), by)
    return program


def _set_groups(program: Program, specs: list[GroupSpec], by) -> None:
    _check_groups(specs)
    # Lock the rows first: PostgreSQL refuses FOR UPDATE on a grouped (counted) query.
    list(SolutionGroup.objects.select_for_update().filter(program=program).values_list("pk"))
    existing = {
        g.pk: g
        for g in SolutionGroup.objects.filter(program=program).annotate(task_count=Count("tasks"))
    }
    by_number = {g.number: g for g in existing.values()}
    claimed = {spec.pk for spec in specs if spec.pk is not None}
    if not claimed <= set(existing):
        raise ProgramError({"groups": _("A group named is not a group of this program.")})
    plan: list[tuple[SolutionGroup | None, GroupSpec]] = []
    for spec in specs:
        if spec.pk is not None:
            group = existing[spec.pk]
        else:
            group = by_number.get(spec.number)
            if group is not None and group.pk in claimed:
                group = None
            if group is not None:
                claimed.add(group.pk)
        plan.append((group, spec))
    problems = []
    for group, spec in plan:
        if group is not None and group.number != spec.number and group.task_count:
            problems.append(
                _(
                    "Group %(number)d has %(count)d tasks: it keeps its number (its title may "
                    "change)."
                )
                % {"number": group.number, "count": group.task_count}
            )
    removed = [g for pk, g in existing.items() if pk not in claimed]
    for group in removed:
        if group.task_count:
            problems.append(
                _("Group %(number)d has %(count)d tasks: it cannot be removed.")
                % {"number": group.number, "count": group.task_count}
            )
    if problems:
        raise ProgramError({"groups": problems})
    for group in removed:
        if by is not None:
            group._history_user = by
        group.delete()
    # Numbers may be swapped: move the renumbered groups out of the way first.
    moving = [(g, s) for g, s in plan if g is not None and g.number != s.number]
    for offset, (group, _spec) in enumerate(moving):
        SolutionGroup.objects.filter(pk=group.pk).update(number=30000 + offset)
    for group, spec in plan:
        if group is None:
            _save(SolutionGroup(program=program, number=spec.number, title=spec.title), by)
        elif group.number != spec.number or group.title != spec.title:
            group.number, group.title = spec.number, spec.title
            _save(group, by)


@transaction.atomic
def archive_program(
    program: Program, *, by=None, reason: str = "", on: dt.date | None = None
) -> Program:
    """Archive the program from ``on`` (today): kept, reachable by its code, offered nowhere."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.archived_on is not None:
        raise ProgramError(
            {
                "__all__": _("The program was already archived on %(date)s.")
                % {"date": f"{program.archived_on:%d/%m/%Y}"}
            }
        )
    program.archived_on = on or timezone.localdate()
    _save(program, by, reason.strip() or "archived")
    return program


@transaction.atomic
def unarchive_program(program: Program, *, by=None, reason: str = "") -> Program:
    """Make an archived program active again."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.archived_on is None:
        raise ProgramError({"__all__": _("The program is not archived.")})
    program.archived_on = None
    _save(program, by, reason.strip() or "unarchived")
    return program

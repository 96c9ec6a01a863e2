"""Load Resolution 57's program: organisation units, committee, notices, tasks and the Q1 report.

The hand-curated data lives in readable files, each noting its sources:
``dondoc/orgs/data/units.json`` (committee bodies, central Party bodies, Party committees of
ministries), ``dondoc/orgs/data/provinces.json`` (63 provinces until 30/06/2025, 34 from
01/07/2025, with successors), ``dondoc/orgs/data/groups.json`` (collective agencies, "Các
tỉnh, thành phố"; a migration creates them too), ``dondoc/tasks/data/nq57.json`` (program,
solution groups, members, notices 01 and 03 and their tasks, what the report records beyond its
appendices) and the packaged report text ``dondoc/tasks/data/seeds/001_…txt``, read by the
report importer so its rows link to the notices' tasks. Everything is written in one
transaction and only when missing: loading twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

import dondoc.orgs
import dondoc.tasks
from dondoc.core.text import fold
from dondoc.orgs.groups import ensure_standard_groups
from dondoc.orgs.models import Member, OrgAlias, OrgGroup, OrgUnit
from dondoc.tasks import services
from dondoc.tasks.grouping import group_keywords, suggest_group
from dondoc.tasks.importers.service import ImportSummary, import_file
from dondoc.tasks.models import (
    Directive,
    DuplicateCandidate,
    Program,
    ProgressUpdate,
    SolutionGroup,
    Task,
    TaskSource,
)

ORG_DATA = Path(dondoc.orgs.__file__).parent / "data"
TASK_DATA = Path(dondoc.tasks.__file__).parent / "data"


@dataclass
class LoadSummary:
    """What a load added (``created``), and the totals in the database afterwards."""

    created: Counter = field(default_factory=Counter)
    report: ImportSummary | None = None
    totals: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(self.created.values())


def _read(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def totals() -> dict[str, int]:
    return {
        "org_units": OrgUnit.objects.count(),
        "members": Member.objects.count(),
        "directives": Directive.objects.count(),
        "tasks": Task.objects.filter(merged_into__isnull=True).count(),
        "updates": ProgressUpdate.objects.count(),
        "queued_duplicates": DuplicateCandidate.objects.filter(state="pending").count(),
    }


# --------------------------------------------------------------------------------------------
# Organisation units


def _unit(summary: LoadSummary, spec: dict, **extra: Any) -> OrgUnit:
    unit = OrgUnit.objects.filter(code=spec["code"]).first()
    if unit is None:
        unit = OrgUnit(
            code=spec["code"],
            kind=spec.get("kind", extra.pop("kind", "other")),
            name=spec["name"],
            short_name=spec.get("short_name", ""),
            **extra,
        )
        unit.save()
        summary.created["org_units"] += 1
    for alias in spec.get("aliases", []):
        if not OrgAlias.objects.filter(alias_folded=fold(alias)).exists():
            OrgAlias(org_unit=unit, alias=alias).save()
            summary.created["aliases"] += 1
    return unit


def load_org_units(summary: LoadSummary) -> dict[str, OrgUnit]:
    data = _read(ORG_DATA / "units.json")
    units: dict[str, OrgUnit] = {}
    for spec in data["units"]:
        extra = {"valid_to": _day(spec.get("valid_to"))}
        if spec.get("parent"):
            extra["parent"] = units[spec["parent"]]
        units[spec["code"]] = _unit(summary, spec, **extra)
    for spec in data["units"]:
        if spec.get("successor"):
            unit = units[spec["code"]]
            if unit.successor_id is None:
                unit.successor = units[spec["successor"]]
                unit.save(update_fields=["successor", "name_folded"])
    return units


def load_provinces(summary: LoadSummary) -> dict[str, OrgUnit]:
    data = _read(ORG_DATA / "provinces.json")
    old_to, new_from = _day(data["old_valid_to"]), _day(data["new_valid_from"])
    units: dict[str, OrgUnit] = {}
    for spec in data["unchanged"]:
        units[spec["code"]] = _unit(summary, {**spec, "kind": "province"})
    for spec in data["merged"]:
        new = _unit(summary, {**spec, "kind": "province"}, valid_from=new_from)
        units[spec["code"]] = new
        for old_spec in spec["predecessors"]:
            old = _unit(summary, {**old_spec, "kind": "province"}, valid_to=old_to)
            if old.successor_id is None:
                old.successor = new
                old.save(update_fields=["successor", "name_folded"])
            units[old_spec["code"]] = old
    return units


# --------------------------------------------------------------------------------------------
# Program, committee, directives, tasks


def load_program(summary: LoadSummary, units: dict[str, OrgUnit], data: dict) -> Program:
    spec = data["program"]
    program = Program.objects.filter(code=spec["code"]).first()
    if program is None:
        program = Program(
            code=spec["code"],
            name=spec["name"],
            resolution=spec["resolution"],
            adopted_on=_day(spec["adopted_on"]),
            committee_name=spec["committee_name"],
            standing_office=units[spec["standing_office"]],
            public=True,  # the resolution's progress is public (trang tiến độ công khai)
        )
        program.save()
        summary.created["programs"] += 1
    elif program.standing_office_id is None:
        program.standing_office = units[spec["standing_office"]]
        program.save(update_fields=["standing_office"])
        summary.created["program settings"] += 1
    for group in data["groups"]:
        _obj, created = SolutionGroup.objects.get_or_create(
            program=program,
            number=group["number"],
            defaults={"title": group["title"], "keywords": "\n".join(group["keywords"])},
        )
        summary.created["solution_groups"] += int(created)
    for spec in data["members"]:
        _obj, created = Member.objects.get_or_create(
            program=program,
            full_name=spec["full_name"],
            defaults={
                "position": spec["position"],
                "committee_role": spec["committee_role"],
                "org_unit": units.get(spec["org_unit"]) if spec["org_unit"] else None,
                "sort_order": spec["sort_order"],
            },
        )
        summary.created["members"] += int(created)
    return program


def load_directives(
    summary: LoadSummary, program: Program, units: dict[str, OrgUnit], data: dict
) -> dict[str, Directive]:
    directives = {}
    for spec in data["directives"]:
        directive, created = services.ensure_directive(
            program=program,
            kind=spec["kind"],
            number=spec["number"],
            date=_day(spec["date"]),
            issuer=units[spec["issuer"]],
            title=spec["title"],
            session_number=spec.get("session_number"),
            session_date=_day(spec.get("session_date")),
        )
        directives[spec["key"]] = directive
        summary.created["directives"] += int(created)
    return directives


def _task_by_label(directive: Directive, label: str) -> Task:
    return TaskSource.objects.select_related("task").get(directive=directive, label=label).task


def load_tasks(
    summary: LoadSummary,
    program: Program,
    units: dict[str, OrgUnit],
    directives: dict[str, Directive],
    data: dict,
) -> None:
    members = {m.full_name: m for m in Member.objects.filter(program=program)}
    groups = {group.number: group for group in program.groups.all()}
    keywords = group_keywords(program)
    groups_by_code = {group.code: group for group in OrgGroup.objects.all()}  # collective
    for spec in data["tasks"]:
        directive = directives[spec["directive"]]
        if "restates" in spec:
            key, label = spec["restates"]
            task = _task_by_label(directives[key], label)
            changed = services.link_task(
                task, sources=[(directive, spec["label"], spec["content"])]
            )
            summary.created["task sources"] += int(changed)
            continue
        if TaskSource.objects.filter(directive=directive, label=spec["label"]).exists():
            continue
        services.create_task(
            program=program,
            content=spec["content"],
            assigned_on=directive.date,
            deadline=spec["deadline"],
            group=groups.get(spec.get("group")) or suggest_group(spec["content"], keywords),
            sources=[(directive, spec["label"], spec["content"])],
            leads=[units[code] for code in spec["leads"]]
            + [groups_by_code[code] for code in spec.get("lead_groups", [])],
            coordinators=[units[code] for code in spec.get("coordinators", [])],
            members=[members[name] for name in spec["members"]],
        )
        summary.created["tasks"] += 1


def load_report(
    summary: LoadSummary, program: Program, directives: dict[str, Directive], data: dict
) -> None:
    spec = data["report"]
    path = TASK_DATA / spec["file"]
    links = {
        label: _task_by_label(directives[key], item) for label, (key, item) in spec["links"].items()
    }
    report = import_file(path, filename=path.name, program=program, links=links)
    summary.report = report
    if not report.ok:
        reasons = "; ".join(f"{r['row']} {r['column']}: {r['reason_en']}" for r in report.rejected)
        raise ValueError(f"The packaged report was rejected: {reasons}")
    summary.created["tasks"] += report.created
    summary.created["task links"] += report.linked
    summary.created["updates"] += report.updated
    summary.created["queued duplicates"] += report.queued
    source = Directive.objects.get(pk=report.report_id)
    for item in spec["completions"] + spec["updates"]:
        key, label = item["task"]
        task = _task_by_label(directives[key], label)
        if ProgressUpdate.objects.filter(task=task, source=source, text=item["text"]).exists():
            continue
        services.post_update(
            task,
            by=None,
            text=item["text"],
            reported_on=source.date,
            recorded_on=source.date,
            agency=task.lead_agencies()[0] if task.lead_agencies() else None,
            source=source,
            status_change="completed" if "effective_on" in item else "",
            effective_on=_day(item.get("effective_on")),
        )
        summary.created["updates"] += 1


#: Further steps of the load, each ``step(program, created_counter)``, registered by the apps
#: above ``tasks`` when they start (``indicators`` adds the indicator set), so this module
#: does not import them.
EXTRA_STEPS: list = []


@transaction.atomic
def load_nq57() -> LoadSummary:
    """Load everything (idempotent); the summary says what was added and the totals."""
    summary = LoadSummary()
    units = load_org_units(summary)
    units |= load_provinces(summary)
    summary.created["agency groups"] += ensure_standard_groups()
    data = _read(TASK_DATA / "nq57.json")
    program = load_program(summary, units, data)
    directives = load_directives(summary, program, units, data)
    load_tasks(summary, program, units, directives, data)
    load_report(summary, program, directives, data)
    for step in EXTRA_STEPS:
        step(program, summary.created)
    summary.totals = totals()
    return summary

"""A register built from the NQ57 data files, without the database (for the benchmark,
tests and the CLI without ``--program``)."""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from pathlib import Path

from dondoc.reader.core.offices import split_offices
from dondoc.reader.core.types import Register, RegisterAgency, RegisterGroup, RegisterMember

_ROOT = Path(__file__).resolve().parents[2]
UNITS = _ROOT / "orgs" / "data" / "units.json"
GROUPS = _ROOT / "orgs" / "data" / "groups.json"
PROGRAM = _ROOT / "tasks" / "data" / "nq57.json"
PROVINCES = _ROOT / "orgs" / "data" / "provinces.json"


def _provinces() -> list[dict]:
    """The provinces as units (their Party committees): the 63 until 30/06/2025, each merged
    one succeeded by the province it joined, and the 34 from 01/07/2025."""
    data = json.loads(PROVINCES.read_text(encoding="utf-8"))
    out = [dict(spec) for spec in data["unchanged"]]
    for spec in data["merged"]:
        out.append({**spec, "valid_from": data["new_valid_from"]})
        for old in spec["predecessors"]:
            out.append({**old, "valid_to": data["old_valid_to"], "successor": spec["code"]})
    return out


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


@cache
def nq57_register() -> Register:
    units = json.loads(UNITS.read_text(encoding="utf-8"))["units"] + _provinces()
    ids = {unit["code"]: n for n, unit in enumerate(units, start=1)}
    agencies = [
        RegisterAgency(
            id=ids[unit["code"]],
            name=unit["name"],
            aliases=tuple(a for a in [unit.get("short_name"), *unit.get("aliases", [])] if a),
            valid_from=_date(unit.get("valid_from")),
            valid_to=_date(unit.get("valid_to")),
            successor_id=ids.get(unit.get("successor") or ""),
        )
        for unit in units
    ]
    names = {ids[u["code"]]: u["name"] for u in units}
    data = json.loads(PROGRAM.read_text(encoding="utf-8"))
    members = [
        RegisterMember(
            id=n,
            name=m["full_name"],
            offices=tuple(split_offices(m.get("position", ""))),
            agency_id=ids.get(m.get("org_unit") or ""),
            agency_name=names.get(ids.get(m.get("org_unit") or ""), ""),
            committee_role=m.get("committee_role") or "",
        )
        for n, m in enumerate(data["members"], start=1)
    ]
    groups = [
        RegisterGroup(id=n, name=g["name"], phrases=tuple(g.get("phrases", [])))
        for n, g in enumerate(json.loads(GROUPS.read_text(encoding="utf-8"))["groups"], start=1)
    ]
    return Register(members=members, agencies=agencies, groups=groups)

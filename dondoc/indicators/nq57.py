"""Resolution 57's indicator set, shipped as data (``data/nq57.json``) and loaded with the rest
of the program by ``dondoc load-nq57``.

The file holds every quantified 2030 and 2045 target of 57-NQ/TW section II, as written
("tối thiểu 30%", "≤ 3 Đông Nam Á; ≤ 50 Thế giới"), read by ``targets.parse_targets`` unless the
entry spells out how to read it (``parsed``: "Phủ sóng 5G toàn quốc" is 100 %), and the
operational figures of report 02-BC/CQTTBCĐ (at 31/03/2025) and of the half-year review (at
30/06/2025) as approved national values. Each target and value names its source. Writes go
through ``services`` and only where something differs, so a second load adds nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

from dondoc.indicators import services
from dondoc.indicators.importer import infer_direction
from dondoc.indicators.models import ValueState
from dondoc.indicators.targets import ParsedTarget, parse_targets
from dondoc.orgs.models import OrgUnit
from dondoc.tasks.models import Directive, Program

DATA = Path(__file__).parent / "data" / "nq57.json"


def _targets(spec: dict) -> list[services.TargetSpec]:
    due = dt.date.fromisoformat(spec["due_on"])
    if "parsed" in spec:
        p = spec["parsed"]
        value = Decimal(p["value"]) if "value" in p else None
        parsed = [ParsedTarget(p["operator"], value=value, text=spec["text"])]
    else:
        parsed = parse_targets(spec["text"])
    return [services.TargetSpec(due, item, spec["source"]) for item in parsed]


def load_indicators(program: Program, counts: Counter) -> None:
    """Load the catalogue, its targets and the seed values into ``program`` (idempotent)."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    groups = {g.number: g for g in program.groups.all()}
    units = {
        u.code: u
        for u in OrgUnit.objects.filter(
            code__in={i["responsible"] for i in data["indicators"] if i["responsible"]}
        )
    }
    directives = {d.number: d for d in Directive.objects.filter(program=program)}
    for spec in data["indicators"]:
        targets = [t for item in spec["targets"] for t in _targets(item)]
        agency = units.get(spec["responsible"])
        fields = {
            "name": spec["name"],
            "definition": spec["definition"],
            "unit": spec["unit"],
            "group": groups.get(spec["group"]),
            "kind": spec["kind"],
            "direction": spec.get("direction")
            or infer_direction(spec["unit"], [t.parsed for t in targets]),
            "frequency": spec["frequency"],
            "levels": ["national"],
            "responsible_agency": agency,
            "responsible_text": agency.name if agency else "",
            "source": spec["source"],
            "public": True,
        }
        indicator, outcome = services.upsert_indicator(
            program=program, code=spec["code"], fields=fields
        )
        if outcome != "unchanged":
            counts[f"indicators {outcome}"] += 1
        counts["indicator targets"] += services.set_targets(indicator, targets)
        for value in spec["values"]:
            end = dt.date.fromisoformat(value["period_end"])
            _row, created = services.record_value(
                indicator,
                period_start=dt.date.fromisoformat(value["period_start"]),
                period_end=end,
                period_label=value["period_label"],
                value=Decimal(value["value"]),
                state=ValueState.APPROVED,
                source=value["source"],
                source_directive=directives.get(value.get("directive", "")),
                recorded_on=end,
            )
            counts["indicator values"] += int(created)

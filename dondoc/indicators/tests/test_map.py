"""The shipped province maps match the recorded provinces: 63 before 01/07/2025, 34 after."""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from dondoc.indicators import rollup, views
from dondoc.indicators.models import Indicator, IndicatorValue
from dondoc.indicators.national import national_figures
from dondoc.indicators.views import MAP_DIR
from dondoc.indicators.views import _geometry as _shipped
from dondoc.orgs.models import OrgKind, OrgUnit

PROVINCES = Path(__file__).resolve().parents[2] / "orgs" / "data" / "provinces.json"


def test_the_maps_name_every_province_of_both_periods_by_its_code():
    recorded = json.loads(PROVINCES.read_text(encoding="utf-8"))
    unchanged = {p["code"] for p in recorded["unchanged"]}
    before = unchanged | {p["code"] for m in recorded["merged"] for p in m["predecessors"]}
    after = unchanged | {m["code"] for m in recorded["merged"]}
    for name, codes in (("vn-63.json", before), ("vn-34.json", after)):
        features = json.loads((MAP_DIR / name).read_text(encoding="utf-8"))["features"]
        assert sorted(f["properties"]["code"] for f in features) == sorted(codes)
        assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in features)
    assert (MAP_DIR / "LICENSE.md").exists() and "ODbL" in (MAP_DIR / "NOTICE.md").read_text()


@pytest.mark.django_db
def test_the_map_colours_a_province_without_its_own_value_by_its_communes_roll_up(program):
    _geometry, names = _shipped("vn-34.json")
    first, second, third = sorted(names)[:3]
    own, by_communes, both = (
        OrgUnit.objects.create(code=code, kind=OrgKind.PROVINCE, name=names[code])
        for code in (first, second, third)
    )
    communes = {
        unit: [
            OrgUnit.objects.create(
                code=f"{unit.code}-x{n}", kind=OrgKind.COMMUNE, name=f"Xã {n}", parent=unit
            )
            for n in range(2)
        ]
        for unit in (by_communes, both)
    }
    start, end = dt.date(2026, 3, 1), dt.date(2026, 3, 31)
    for aggregation, expected in (("sum", Decimal(9)), ("mean", Decimal("4.5"))):
        indicator = Indicator.objects.create(
            program=program, code=aggregation, name=aggregation, unit="%",
            aggregation=aggregation, levels=["province", "commune"],
        )  # fmt: skip
        values = [
            (own, 7),
            (both, 20),
            *zip(communes[by_communes], (4, 5), strict=True),
            *zip(communes[both], (1, 1), strict=True),
        ]
        for unit, value in values:
            IndicatorValue.objects.create(
                indicator=indicator, org_unit=unit, period_start=start, period_end=end,
                value=Decimal(value), state="approved",
            )  # fmt: skip
        rollup.rebuild()
        shown = views._map(indicator, views._breakdown(indicator, end), end)
        colours = {d["name"]: Decimal(str(d["value"])) for d in shown["data"]}
        # its own value; its communes' roll-up by the aggregation; its own value over its
        # communes' (as the national figure counts them)
        assert colours == {names[first]: 7, names[second]: expected, names[third]: 20}
        assert shown["period"] == "01/03/2026 – 31/03/2026"
        # the legend names the rule and the aggregation
        assert str(indicator.get_aggregation_display()).lower() in shown["legend"]
        national = national_figures([indicator], end, exact=True)[indicator.pk].latest.row.value
        if aggregation == "sum":
            assert national == sum(colours.values())

"""The shipped province maps match the recorded provinces: 63 before 01/07/2025, 34 after."""

import json
from pathlib import Path

from dondoc.indicators.views import MAP_DIR

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

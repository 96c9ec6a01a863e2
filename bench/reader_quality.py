"""Quality and speed of the directive reader.

    uv run python bench/reader_quality.py [--set NAME|all] [--misses]

Prints, per set: detection precision / recall / F1 (proposals with confidence >= 0.5), and the
accuracy of members, lead agencies, coordinating agencies and deadline over matched tasks; then
the time to read a generated 100-page document. ``annotated`` is the set the rules were written
against; ``heldout`` and ``heldout2`` were written by other hands and are never used to tune
them (``heldout2`` was written after a round of rule changes, so it is the fresher measure).
A third, a fourth, a fifth, a sixth, a seventh, an eighth, a ninth, a tenth, an eleventh, a
thirteenth, a fourteenth, a fifteenth, a sixteenth, a seventeenth, an eighteenth, a nineteenth,
a twentieth, a twenty-first and a twenty-second held-out set were each read once (the
eighteenth and twentieth twice), then used to write rules and moved into ``annotated``;
``heldout12`` and ``heldout23`` (ordinary documents), written blind, are still held out (a set
missing from the checkout is skipped).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dondoc.reader.core import read_directive  # noqa: E402
from dondoc.reader.core.nq57 import nq57_register  # noqa: E402
from dondoc.reader.core.quality import load_set, score_set  # noqa: E402

SETS = {
    "annotated": ROOT / "dondoc/reader/tests/annotated",
    "heldout": ROOT / "dondoc/reader/tests/heldout",
    "heldout2": ROOT / "dondoc/reader/tests/heldout2",
    "heldout12": ROOT / "dondoc/reader/tests/heldout12",
    "heldout23": ROOT / "dondoc/reader/tests/heldout23",
}


def hundred_pages() -> str:
    """About 100 pages (3,000 characters each) of notice-like text: the annotated documents in
    turn, each followed by a page number, until 300,000 characters (the whole set, 90 documents
    by now, would be more than 130 pages)."""
    texts = [text for _, text, _ in load_set(SETS["annotated"])]
    out, size, page = [], 0, 0
    while size < 300_000:
        for text in texts:
            out.append(text)
            page += 1
            out.append(f"\n- {page} -\n")
            size += len(text)
            if size >= 300_000:
                break
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", default="all", choices=[*SETS, "all"])
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args()
    register = nq57_register()
    names = list(SETS) if args.set == "all" else [args.set]
    for name in names:
        if not SETS[name].is_dir():
            print(f"{name}: no set")
            continue
        s = score_set(SETS[name], register)
        print(
            f"{name}: documents={len(load_set(SETS[name]))} gold={s.gold} proposed={s.proposed} "
            f"matched={s.matched}  precision={s.precision:.2f} recall={s.recall:.2f} "
            f"F1={s.f1:.2f}  members={s.accuracy('members'):.2f} leads={s.accuracy('leads'):.2f} "
            f"coordinating={s.accuracy('coordinating'):.2f} deadline={s.accuracy('deadline'):.2f}"
        )
        if args.misses:
            for miss in s.misses:
                print("   ", miss)
    text = hundred_pages()
    started, cpu = time.perf_counter(), time.process_time()
    reading = read_directive(text, register=register)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"100 pages ({len(text):,} characters): {elapsed:.2f} s ({cpu:.2f} s of CPU), "
        f"{len(reading.tasks)} proposals"
    )


if __name__ == "__main__":
    main()

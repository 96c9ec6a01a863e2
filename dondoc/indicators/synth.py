"""Synthetic indicator values at national scale, for ``dondoc synth --indicators N``.

N indicators of the SYNTH program, each collected at one level: a quarter from every commune
(~3,300), half from every province (34), a quarter from every ministry, over P monthly periods
ending 30/06/2026. 200 indicators × 60 months give about 10 million values.

Each unit's series is a trend (the indicator's monthly growth, shifted a little per unit) times
a unit factor, with noise; about 2 % of values are missing, 0.5 % "not available" with a
reason; values are approved except in the last three months (some submitted, drafts,
returned). The national figure of each month (no unit) is the roll-up of the units' values,
approved; the 2030 and 2045 targets are set off the first national figure at a rate that is
sometimes reachable and sometimes not, so the statuses spread.

PostgreSQL loads the values with ``COPY`` (psycopg 3's ``cursor.copy``) after dropping the
values table's secondary indexes, and builds them again afterwards; SQLite, for tests, uses
``executemany``. The values get their ids here, and the rows of the maintained tables (roll-up,
series ends, national roll-up) are gathered as the values are made and written the same way:
aggregating 10 million values again in SQL took longer than writing them. ``dondoc
check-indicator-figures`` compares them with a rebuild from the values. Each phase's wall time
and CPU is logged. Like the rest of ``synth`` it is a data generator: no change history.
"""

from __future__ import annotations

import datetime as dt
import decimal
import itertools
import os
import random
import time
from collections.abc import Callable, Iterator
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from dondoc.core.dates import MAX_DATE
from dondoc.indicators import national, rollup
from dondoc.indicators.models import (
    Aggregation,
    Direction,
    Frequency,
    Indicator,
    IndicatorKind,
    IndicatorRollup,
    IndicatorSeriesEnds,
    IndicatorValue,
    Level,
    Target,
    TargetOperator,
    ValueState,
    code_sort_key,
)
from dondoc.orgs.models import OrgKind, OrgUnit

#: The last synthetic month ends here (the benchmarks' date).
LAST_PERIOD_END = dt.date(2026, 6, 30)
COPY_COLUMNS = (
    "id", "indicator_id", "indicator_version", "org_unit_id", "period_start", "period_end",
    "period_label", "value", "not_available", "state", "comment", "review_comment",
    "jump_confirmed", "version", "source", "recorded_on", "created_at",
)  # fmt: skip
#: Sort memory of the values table's index builds (PostgreSQL, the loading transaction only).
INDEX_WORK_MEM = "1GB"
NOT_AVAILABLE = "Chưa tổng hợp được số liệu kỳ này"
#: (unit, aggregation, scale of a unit's value, name pattern)
KINDS = [
    ("%", Aggregation.MEAN, 40.0, "Tỷ lệ {o} đạt chuẩn"),
    ("doanh nghiệp", Aggregation.SUM, 120.0, "Số doanh nghiệp tham gia {o}"),
    ("dịch vụ", Aggregation.SUM, 30.0, "Số dịch vụ công trực tuyến về {o}"),
    ("thủ tục", Aggregation.SUM, 15.0, "Số thủ tục hành chính được cắt giảm về {o}"),
    ("tỷ đồng", Aggregation.SUM, 50.0, "Kinh phí đầu tư cho {o}"),
    ("điểm", Aggregation.MEAN, 60.0, "Điểm đánh giá mức độ sẵn sàng {o}"),
    ("người", Aggregation.SUM, 200.0, "Số người được đào tạo về {o}"),
    ("%", Aggregation.MAX, 55.0, "Tỷ lệ cao nhất của {o}"),
]
OBJECTS = [
    "chuyển đổi số", "dữ liệu số", "đổi mới sáng tạo", "trí tuệ nhân tạo", "an toàn thông tin",
    "hạ tầng số", "kinh tế số", "chính quyền số", "khởi nghiệp", "công nghệ chiến lược",
]  # fmt: skip
LEVEL_OF = [Level.COMMUNE, Level.PROVINCE, Level.PROVINCE, Level.MINISTRY]  # by code % 4


def months(count: int, last_end: dt.date = LAST_PERIOD_END) -> list[tuple[dt.date, dt.date]]:
    """``count`` calendar months ending with the month of ``last_end``, oldest first."""
    year, month = last_end.year, last_end.month
    found = []
    for _ in range(count):
        start = dt.date(year, month, 1)
        end = (dt.date(year + month // 12, month % 12 + 1, 1)) - dt.timedelta(days=1)
        found.append((start, end))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return found[::-1]


def generate(
    program,
    groups: list,
    units: dict[str, list[OrgUnit]],
    *,
    indicators: int,
    periods: int,
    seed: int = 1,
    log: Callable[[str], None] = lambda _m: None,
) -> int:
    """Create ``indicators`` indicators with their values; returns the number of values."""
    if indicators <= 0 or periods <= 0:
        return 0
    rng = random.Random(seed * 7919 + 57)
    spans = months(periods)
    with transaction.atomic():
        clock = _Clock(log)
        created = _indicators(rng, program, groups, units["ministries"], indicators)
        by_level = {
            Level.COMMUNE: [u.pk for u in units["communes"]],
            Level.PROVINCE: [u.pk for u in units["provinces_after"]],
            Level.MINISTRY: [u.pk for u in units["ministries"]],
        }
        plans = [_plan(rng, i, by_level[i.levels[0]], spans) for i in created]
        national_figures: dict[int, list[float | None]] = {}
        texts = _Periods(spans)
        kept = _Maintained(texts, units, national._rollable(created, {}))
        first_id = _first_id()
        rows = _rows(rng, plans, spans, national_figures, kept, first_id)
        if connection.vendor == "postgresql":
            count = _copy(rows, texts, clock)
        else:
            count = _executemany(rows, texts)
            clock.lap(f"{count} values generated and written")
        _advance_ids(first_id, count)
        _targets(rng, created, plans, national_figures, spans)
        kept.write()
        clock.lap(f"roll-up ({len(kept.rollup)} rows) and series ends ({len(kept.ends)}) written")
        rollup.write_national(kept.national)
        clock.lap("national roll-up written")
        # the units changed too: the other programs' indicators are rolled up again under
        # the new structure, which is then stamped
        others = list(Indicator.objects.exclude(program=program).values_list("pk", flat=True))
        if others:
            rollup.rebuild(others)
        rollup.stamp_structure()
        clock.lap(f"roll-ups of the {len(others)} other indicators rebuilt")
    return count


class _Clock:
    """Each phase's wall time, the Python process's CPU and, on a local PostgreSQL whose
    server process can be read, the database session's CPU (not its parallel workers')."""

    def __init__(self, log: Callable[[str], None]) -> None:
        self.log = log
        self.stat = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT pg_backend_pid()")
                self.stat = f"/proc/{cur.fetchone()[0]}/stat"
        self.marks = self._now()

    def _db_cpu(self) -> float | None:
        if self.stat is None:
            return None
        try:
            with open(self.stat) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def _now(self) -> tuple[float, float, float | None]:
        return time.monotonic(), time.process_time(), self._db_cpu()

    def lap(self, what: str) -> None:
        now = self._now()
        (wall, cpu, db), (wall0, cpu0, db0) = now, self.marks
        text = f"{what}: {wall - wall0:.1f} s (Python CPU {cpu - cpu0:.1f} s"
        if db is not None and db0 is not None:
            text += f", database session CPU {db - db0:.1f} s"
        self.log(text + ").")
        self.marks = now


def _first_id() -> int:
    """The id of the first value to write: the values get theirs here, so the series ends
    can name them without reading them back."""
    table = IndicatorValue._meta.db_table
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
        else:
            cur.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{table}"')
        return cur.fetchone()[0]


def _advance_ids(first: int, count: int) -> None:
    last = first + count - 1
    if connection.vendor == "postgresql" and count:
        table = IndicatorValue._meta.db_table
        with connection.cursor() as cur:
            cur.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, last])


def _indicators(rng, program, groups, ministries, count) -> list[Indicator]:
    rows = []
    for n in range(1, count + 1):
        unit, aggregation, _scale, pattern = KINDS[n % len(KINDS)]
        level = LEVEL_OF[n % len(LEVEL_OF)]
        lower = n % 5 == 4 and aggregation != Aggregation.MAX
        name = pattern.format(o=rng.choice(OBJECTS))
        if lower:
            name = name.replace("Số ", "Số vụ việc tồn đọng về ", 1).replace("Tỷ lệ ", "Tỷ lệ lỗi ")
        code = str(n)
        rows.append(
            Indicator(
                program=program,
                code=code,
                sort_key=code_sort_key(code),
                name=f"{name} (chỉ số tổng hợp {n})",
                unit=unit,
                group=groups[n % len(groups)],
                kind=IndicatorKind.OPERATIONAL if n % 3 else IndicatorKind.STRATEGIC,
                direction=Direction.LOWER if lower else Direction.HIGHER,
                aggregation=aggregation,
                frequency=Frequency.MONTH,
                levels=[level.value],
                responsible_agency=ministries[n % len(ministries)],
                weight=Decimal(rng.choice(["1.0", "1.5", "2.0"])),
                data_source="Dữ liệu tổng hợp",
                public=n % 4 == 0,
            )
        )
    return Indicator.objects.bulk_create(rows)


class _Plan:
    __slots__ = ("aggregation", "growth", "indicator", "percent", "scale", "units")

    def __init__(self, indicator, units, scale, growth, percent, aggregation):
        self.indicator, self.units, self.scale = indicator, units, scale
        self.growth, self.percent, self.aggregation = growth, percent, aggregation


def _plan(rng, indicator: Indicator, units: list[int], spans) -> _Plan:
    _unit, _agg, scale, _name = KINDS[int(indicator.code) % len(KINDS)]
    growth = rng.uniform(0.001, 0.015)  # a month
    if indicator.direction == Direction.LOWER:
        growth = -rng.uniform(0.001, 0.012)
    return _Plan(indicator, units, scale, growth, indicator.unit == "%", indicator.aggregation)


def _state(t: int, periods: int, roll: float) -> str:
    left = periods - 1 - t  # 0: the last month
    if left == 0:
        return "submitted" if roll < 0.5 else ("draft" if roll < 0.8 else "approved")
    if left == 1:
        return "approved" if roll < 0.8 else ("submitted" if roll < 0.95 else "returned")
    if left == 2:
        return "approved" if roll < 0.95 else "submitted"
    return "approved" if roll < 0.99 else "submitted"


Row = tuple[int, int, int | None, int, str | None, str, str]
# id, indicator, unit, t, value, n/a, state


class _Maintained:
    """The rows of the maintained tables (``IndicatorRollup``, ``IndicatorSeriesEnds``,
    ``IndicatorNationalRollup``) gathered while the values are made, so that nothing
    aggregates the 10 million values again afterwards. They are what ``rollup.rebuild``
    computes from the values (``dondoc check-indicator-figures`` compares the two): approved
    values with a figure, of units; a province's area is its own value and its communes'; the
    national figure through ``national.combine``, as ``national.compute`` makes it.

    Sums are kept in hundredths (the values have two decimals) as integers, so they are exact;
    each synthetic indicator is collected at one level, so a commune never meets a value of
    its own province for the same indicator (which would take its place)."""

    def __init__(self, texts: _Periods, units: dict[str, list[OrgUnit]], by_id) -> None:
        self.texts = texts
        self.by_id = by_id
        self.carriers = national._rolled_units()
        self.kind: dict[int, str] = {}
        self.group: dict[int, int | None] = {}  # commune: its province; else the unit
        for unit in (u for found in units.values() for u in found):
            self.kind[unit.pk] = unit.kind
            commune = unit.kind == OrgKind.COMMUNE
            self.group[unit.pk] = unit.parent_id if commune else unit.pk
        self.rollup: list[tuple] = []
        self.ends: list[tuple] = []
        self.national: dict[int, list[national.Rolled]] = {}

    def scope(self, indicator: Indicator) -> set[str]:
        """The kinds of unit whose values ``national.compute`` rolls up for the indicator."""
        level = national.rollup_level(indicator)
        if level is None:
            return set()
        kinds = {OrgKind.PROVINCE.value if level == Level.PROVINCE else OrgKind.MINISTRY.value}
        if national.takes_communes(indicator):
            kinds.add(OrgKind.COMMUNE.value)
        return kinds

    def indicator(self, pk: int, totals: list[list[int]], groups: dict[int, list[list[int]]]):
        """Record an indicator's national totals and its groups' (count, sum, min, max in
        hundredths, by month)."""
        spans = self.texts.spans
        as_read = _as_aggregated()
        for t, (n, total, low, high) in enumerate(zip(*totals, strict=True)):
            if n:
                start, end, _label = spans[t]
                self.rollup.append((pk, None, start, end, n, total, low, high))
        parts: dict[tuple[int, dt.date, dt.date], list[dict]] = {}
        for group, sums in groups.items():
            is_area = self.kind.get(group) == OrgKind.PROVINCE
            own = sums[4]  # 0: communes' values standing in for their province
            if not (is_area or sums[5]):
                continue
            for t, (n, total, low, high) in enumerate(zip(*sums[:4], strict=True)):
                if not n:
                    continue
                start, end, label = spans[t]
                if is_area:
                    self.rollup.append((pk, group, start, end, n, total, low, high))
                if not sums[5]:  # not of the level the national figure rolls up
                    continue
                parts.setdefault((pk, start, end), []).append(
                    {
                        "area": group, "own": own, "label": label, "n": n,
                        "total": as_read(total), "low": as_read(low), "high": as_read(high),
                        "weighted": None, "weights": None, "weighed": 0,
                    }
                )  # fmt: skip
        if pk in self.by_id:
            rolled = national.combine(self.by_id, parts, on=MAX_DATE, units=self.carriers)
            self.national.update(rolled)

    def write(self) -> None:
        spans = self.texts.spans
        rollup_rows = [
            (pk, area, start, end, n, _hundredths(total), _hundredths(low), _hundredths(high),
             None, None, 0)
            for pk, area, start, end, n, total, low, high in self.rollup
        ]  # fmt: skip
        _write_rows(
            IndicatorRollup,
            ("indicator_id", "area_id", "period_start", "period_end", "count", "total",
             "minimum", "maximum", "weighted", "weights", "weighed"),
            rollup_rows,
        )  # fmt: skip
        ends_rows = [
            (pk, unit, self.kind[unit], n, first_id, spans[first_t][1], first_value, last_id,
             spans[last_t][1], last_value)
            for pk, unit, n, first_id, first_t, first_value, last_id, last_t, last_value
            in self.ends
        ]  # fmt: skip
        _write_rows(
            IndicatorSeriesEnds,
            ("indicator_id", "org_unit_id", "unit_kind", "count", "first_id", "first_on",
             "first_value", "last_id", "last_on", "last_value"),
            ends_rows,
        )  # fmt: skip


def _as_aggregated() -> Callable[[int], Decimal]:
    """Hundredths as the database's SUM/MIN/MAX of the values reads them, to the digit (the
    national roll-up keeps its figure's text): PostgreSQL's numeric keeps the column's six
    decimals; SQLite (the tests) adds floats and Django reads 15 significant digits."""
    if connection.vendor == "postgresql":
        return lambda number: Decimal(number * 10_000).scaleb(-6)
    from_float = decimal.Context(prec=15).create_decimal_from_float
    return lambda number: from_float(number / 100)


def _hundredths(number: int) -> str:
    sign = "-" if number < 0 else ""
    whole, part = divmod(abs(number), 100)
    return f"{sign}{whole}.{part:02d}"


def _write_rows(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Rows into a model's table: COPY on PostgreSQL, ``executemany`` elsewhere."""
    table = model._meta.db_table
    with connection.cursor() as cur:
        if connection.vendor != "postgresql":
            marks = ", ".join(["%s"] * len(columns))
            cur.executemany(f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({marks})', rows)
            return
        with cur.cursor.copy(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)


def _rows(
    rng, plans: list[_Plan], spans, national_figures, kept: _Maintained, first_id: int
) -> Iterator[list[Row]]:
    """Blocks of rows, one block per indicator (its units' series, then its national one);
    ``kept`` gathers the maintained tables' rows on the way."""
    periods = len(spans)
    rand, gauss, lognorm = rng.random, rng.gauss, rng.lognormvariate
    ids = itertools.count(first_id)
    approved = ValueState.APPROVED.value
    for plan in plans:
        pk = plan.indicator.pk
        block: list[Row] = []
        sums = [0.0] * periods
        counts = [0] * periods
        highs: list[float] = [float("-inf")] * periods
        # approved values in hundredths: count, sum, min, max by month (national; by group)
        n_all, sum_all = [0] * periods, [0] * periods
        low_all, high_all = [None] * periods, [None] * periods
        groups: dict[int, list] = {}
        scope = kept.scope(plan.indicator)
        for unit in plan.units:
            level = plan.scale * lognorm(0, 0.4)
            step = 1 + plan.growth + gauss(0, 0.002)
            if plan.percent:
                level = min(level, 90.0)
            group_id = kept.group[unit]
            if group_id is None:
                group = None
            else:
                group = groups.get(group_id)
                if group is None:
                    own = int(kept.kind[unit] != OrgKind.COMMUNE)
                    group = groups[group_id] = [
                        [0] * periods,
                        [0] * periods,
                        [None] * periods,
                        [None] * periods,
                        own,
                        kept.kind[unit] in scope,
                    ]
                # one level per synthetic indicator: a commune never meets its province's
                # own value, and a group is all in or all out of the national roll-up
                assert group[4] == int(kept.kind[unit] != OrgKind.COMMUNE)
                assert group[5] == (kept.kind[unit] in scope)
            first = last = None
            n_unit = 0
            for t in range(periods):
                level *= step
                roll = rand()
                if roll < 0.02:
                    continue  # missing
                value = level * (0.94 + 0.12 * rand())
                if plan.percent and value > 100:
                    value = 100.0
                if roll < 0.025:
                    block.append(
                        (next(ids), pk, unit, t, None, NOT_AVAILABLE, _state(t, periods, rand()))
                    )
                    continue
                value = round(value, 2)
                sums[t] += value
                counts[t] += 1
                if value > highs[t]:
                    highs[t] = value
                text = f"{value:.2f}"
                state = _state(t, periods, rand())
                pid = next(ids)
                block.append((pid, pk, unit, t, text, "", state))
                if state != approved:
                    continue
                cents = int(text.replace(".", ""))
                n_all[t] += 1
                sum_all[t] += cents
                if low_all[t] is None or cents < low_all[t]:
                    low_all[t] = cents
                if high_all[t] is None or cents > high_all[t]:
                    high_all[t] = cents
                if group is not None:
                    group[0][t] += 1
                    group[1][t] += cents
                    if group[2][t] is None or cents < group[2][t]:
                        group[2][t] = cents
                    if group[3][t] is None or cents > group[3][t]:
                        group[3][t] = cents
                n_unit += 1
                if first is None:
                    first = (pid, t, text)
                last = (pid, t, text)
            if first is not None:
                kept.ends.append((pk, unit, n_unit, *first, *last))
        kept.indicator(pk, [n_all, sum_all, low_all, high_all], groups)
        figures: list[float | None] = []
        for t in range(periods):
            if not counts[t]:
                figures.append(None)
                continue
            if plan.aggregation == Aggregation.SUM:
                figure = sums[t]
            elif plan.aggregation == Aggregation.MAX:
                figure = highs[t]
            else:
                figure = sums[t] / counts[t]
            figures.append(round(figure, 2))
            state = "approved" if t < periods - 1 else "submitted"
            block.append((next(ids), pk, None, t, f"{figures[-1]:.2f}", "", state))
        national_figures[pk] = figures
        yield block


NULL = "\\N"  # COPY's text format


def _copy(blocks: Iterator[list[Row]], texts: _Periods, clock: _Clock) -> int:
    """COPY the rows into the values table, its secondary indexes and foreign keys dropped
    first and made again afterwards: one pass each instead of 10 million index insertions
    and (deferred) foreign-key checks."""
    table = IndicatorValue._meta.db_table
    spans, recorded = texts.text, texts.recorded_text
    count = 0
    with connection.cursor() as cur:
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # check what is pending: tables unlock
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
            [table],
        )
        indexes = cur.fetchall()
        cur.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f'",
            [table],
        )
        foreign_keys = cur.fetchall()
        for name, _definition in foreign_keys:
            cur.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        raw = cur.cursor  # psycopg 3's own cursor
        now = timezone.now().isoformat()
        columns = ", ".join(COPY_COLUMNS)
        with raw.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
            for block in blocks:
                lines = []
                for pid, pk, unit, t, value, na, state in block:
                    unit_text = NULL if unit is None else unit
                    value_text = NULL if value is None else value
                    lines.append(
                        f"{pid}\t{pk}\t1\t{unit_text}\t{spans[t]}\t{value_text}\t{na}"
                        f"\t{state}\t\t\tf\t1\t\t{recorded[t]}\t{now}\n"
                    )
                copy.write("".join(lines))
                count += len(block)
                if count // 1_000_000 != (count - len(block)) // 1_000_000:
                    clock.log(f"{count} values copied…")
        clock.lap(f"{count} values generated and copied")
        # the index builds sort 10 million entries: in memory, not in runs on disk
        cur.execute(f"SET LOCAL maintenance_work_mem = '{INDEX_WORK_MEM}'")
        for name, definition in indexes:
            cur.execute(definition)
            clock.lap(f"index {name} built")
        for name, definition in foreign_keys:
            cur.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
        clock.lap(f"{len(foreign_keys)} foreign keys made and checked")
        # Statistics now, not when autovacuum gets round to it: without them the planner
        # takes the freshly loaded table for empty and picks nested loops (seen: grouped
        # completeness counts at 34-75 s instead of 0.2-0.4 s).
        cur.execute(f'ANALYZE "{table}"')
        cur.execute("SET CONSTRAINTS ALL DEFERRED")
        clock.lap("values table analysed")
    return count


def _executemany(blocks: Iterator[list[Row]], texts: _Periods) -> int:
    table = IndicatorValue._meta.db_table
    marks = ", ".join(["%s"] * len(COPY_COLUMNS))
    sql = f'INSERT INTO "{table}" ({", ".join(COPY_COLUMNS)}) VALUES ({marks})'
    now = timezone.now()
    count = 0
    with connection.cursor() as cur:
        for block in blocks:
            params = []
            for pid, pk, unit, t, value, na, state in block:
                start, end, label = texts.spans[t]
                params.append(
                    (pid, pk, 1, unit, start, end, label, value, na, state, "", "", False, 1, "",
                     texts.recorded[t], now)
                )  # fmt: skip
            cur.executemany(sql, params)
            count += len(block)
    return count


class _Periods:
    """The months as the writers need them: dates, labels, and their text for COPY."""

    def __init__(self, spans) -> None:
        self.spans = [(s, e, f"Tháng {s.month}/{s.year}") for s, e in spans]
        self.text = [f"{s.isoformat()}\t{e.isoformat()}\t{label}" for s, e, label in self.spans]
        self.recorded = [e + dt.timedelta(days=10) for _s, e, _l in self.spans]
        self.recorded_text = [d.isoformat() for d in self.recorded]


def _targets(rng, created, plans, national, spans) -> None:
    """A 2030 target for each indicator (and a 2045 one for one in three), set off its first
    national figure at the observed rate times 0.5–1.6: some on track, some not."""
    rows = []
    for indicator, plan in zip(created, plans, strict=True):
        figures = [f for f in national[indicator.pk] if f is not None]
        if not figures:
            continue
        first = figures[0]
        yearly = (1 + plan.growth) ** 12 - 1
        for year, chance in ((2030, 1.0), (2045, 0.33)):
            if rng.random() >= chance:
                continue
            years = (dt.date(year, 12, 31) - spans[0][1]).days / 365.25
            rate = yearly * rng.uniform(0.5, 1.6)
            aim = first * (1 + rate) ** years
            if plan.percent:
                aim = min(aim, 100.0)
            op = TargetOperator.LE if indicator.direction == Direction.LOWER else TargetOperator.GE
            value = Decimal(f"{aim:.2f}")
            rows.append(
                Target(
                    indicator=indicator,
                    due_on=dt.date(year, 12, 31),
                    operator=op,
                    value=value,
                    text=f"{'≤' if op == TargetOperator.LE else '≥'} {value}",
                    source="Dữ liệu tổng hợp",
                )
            )
    Target.objects.bulk_create(rows)


def delete(program_id: int) -> None:
    """Remove the indicators of a program and everything hanging on them (raw deletes)."""
    from dondoc.indicators.models import (
        IndicatorNationalRollup,
        IndicatorRollup,
        IndicatorSeriesEnds,
        StatusOverride,
        WeightChange,
    )

    qn = connection.ops.quote_name
    ind = qn(Indicator._meta.db_table)
    of_program = f"IN (SELECT id FROM {ind} WHERE program_id = %s)"
    with transaction.atomic(), connection.cursor() as cur:
        for model in (
            IndicatorNationalRollup,
            IndicatorRollup,
            IndicatorSeriesEnds,
            IndicatorValue,
            Target,
            StatusOverride,
            WeightChange,
        ):
            cur.execute(
                f"DELETE FROM {qn(model._meta.db_table)} WHERE indicator_id {of_program}",
                [program_id],
            )
        cur.execute(
            f"UPDATE {ind} SET parent_id = NULL, weight_indicator_id = NULL WHERE program_id = %s",
            [program_id],
        )
        cur.execute(f"DELETE FROM {ind} WHERE program_id = %s", [program_id])

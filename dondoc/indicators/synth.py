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
``executemany``. Then the roll-up table is rebuilt. Like the rest of ``synth`` it is a data
generator: no change history.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterator
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from dondoc.indicators import rollup
from dondoc.indicators.models import (
    Aggregation,
    Direction,
    Frequency,
    Indicator,
    IndicatorKind,
    IndicatorValue,
    Level,
    Target,
    TargetOperator,
    code_sort_key,
)
from dondoc.orgs.models import OrgUnit

#: The last synthetic month ends here (the benchmarks' date).
LAST_PERIOD_END = dt.date(2026, 6, 30)
COPY_COLUMNS = (
    "indicator_id", "indicator_version", "org_unit_id", "period_start", "period_end",
    "period_label", "value", "not_available", "state", "comment", "review_comment",
    "jump_confirmed", "version", "source", "recorded_on", "created_at",
)  # fmt: skip
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
    started = time.monotonic()
    spans = months(periods)
    with transaction.atomic():
        created = _indicators(rng, program, groups, units["ministries"], indicators)
        by_level = {
            Level.COMMUNE: [u.pk for u in units["communes"]],
            Level.PROVINCE: [u.pk for u in units["provinces_after"]],
            Level.MINISTRY: [u.pk for u in units["ministries"]],
        }
        plans = [_plan(rng, i, by_level[i.levels[0]], spans) for i in created]
        national: dict[int, list[float | None]] = {}
        rows = _rows(rng, plans, spans, national)
        texts = _Periods(spans)
        if connection.vendor == "postgresql":
            count = _copy(rows, texts, log)
        else:
            count = _executemany(rows, texts)
        log(f"{count} indicator values written in {time.monotonic() - started:.0f} s.")
        _targets(rng, created, plans, national, spans)
        rollup.rebuild()  # every indicator: the units changed too (their structure is stamped)
        log(f"Roll-up built at {time.monotonic() - started:.0f} s.")
    return count


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


Row = tuple[int, int | None, int, str | None, str, str]  # indicator, unit, t, value, n/a, state


def _rows(rng, plans: list[_Plan], spans, national) -> Iterator[list[Row]]:
    """Blocks of rows, one block per indicator (its units' series, then its national one)."""
    periods = len(spans)
    rand, gauss, lognorm = rng.random, rng.gauss, rng.lognormvariate
    for plan in plans:
        pk = plan.indicator.pk
        block: list[Row] = []
        sums = [0.0] * periods
        counts = [0] * periods
        highs: list[float] = [float("-inf")] * periods
        for unit in plan.units:
            level = plan.scale * lognorm(0, 0.4)
            step = 1 + plan.growth + gauss(0, 0.002)
            if plan.percent:
                level = min(level, 90.0)
            for t in range(periods):
                level *= step
                roll = rand()
                if roll < 0.02:
                    continue  # missing
                value = level * (0.94 + 0.12 * rand())
                if plan.percent and value > 100:
                    value = 100.0
                if roll < 0.025:
                    block.append((pk, unit, t, None, NOT_AVAILABLE, _state(t, periods, rand())))
                    continue
                value = round(value, 2)
                sums[t] += value
                counts[t] += 1
                if value > highs[t]:
                    highs[t] = value
                block.append((pk, unit, t, f"{value:.2f}", "", _state(t, periods, rand())))
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
            block.append((pk, None, t, f"{figures[-1]:.2f}", "", state))
        national[pk] = figures
        yield block


NULL = "\\N"  # COPY's text format


def _copy(blocks: Iterator[list[Row]], texts: _Periods, log) -> int:
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
                for pk, unit, t, value, na, state in block:
                    unit_text = NULL if unit is None else unit
                    value_text = NULL if value is None else value
                    lines.append(
                        f"{pk}\t1\t{unit_text}\t{spans[t]}\t{value_text}\t{na}\t{state}"
                        f"\t\t\tf\t1\t\t{recorded[t]}\t{now}\n"
                    )
                copy.write("".join(lines))
                count += len(block)
                if count // 1_000_000 != (count - len(block)) // 1_000_000:
                    log(f"{count} values copied…")
        log(f"Building {len(indexes)} indexes and {len(foreign_keys)} foreign keys again…")
        for _name, definition in indexes:
            cur.execute(definition)
        for name, definition in foreign_keys:
            cur.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
        # Statistics now, not when autovacuum gets round to it: without them the planner
        # takes the freshly loaded table for empty and picks nested loops (seen: grouped
        # completeness counts at 34-75 s instead of 0.2-0.4 s).
        cur.execute(f'ANALYZE "{table}"')
        cur.execute("SET CONSTRAINTS ALL DEFERRED")
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
            for pk, unit, t, value, na, state in block:
                start, end, label = texts.spans[t]
                params.append(
                    (pk, 1, unit, start, end, label, value, na, state, "", "", False, 1, "",
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

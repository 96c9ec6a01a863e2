"""Fixtures of the collection tests: a few indicators and provinces around the 2025 merger.

- provinces: Hà Nội (unchanged), Tuyên Quang and Hà Giang until 30/06/2025, merged into the
  new Tuyên Quang from 01/07/2025: three provinces report a period ending before the merger,
  two after;
- ``share``: "Tỷ lệ hộ gia đình có cáp quang" (%, mean), reported by every province;
- ``firms``: "Số doanh nghiệp công nghệ số" (sum), by every province, with sub-indicator
  ``firms_ai`` ("trong đó: doanh nghiệp AI");
- ``economy``: the national share of the digital economy, entered by the ministry;
- ``tq_reporter``, ``tq_head``: the new Tuyên Quang's reporter and head; ``hg_reporter`` a
  reporter of old Hà Giang (so of no current province);
- communes and wards from 01/07/2025 (real names): ``tq_wards`` Phường Minh Xuân, Phường Nông
  Tiến, Phường Hà Giang 1 of the new Tuyên Quang, ``hn_wards`` Phường Hoàn Kiếm, Phường Ba Đình
  of Hà Nội; ``online``: "Tỷ lệ hồ sơ thủ tục hành chính được giải quyết trực tuyến" (%, mean),
  collected from provinces and communes; ``hn_reporter`` Hà Nội's reporter; ``ward_reporter``
  the reporter of Phường Hà Giang 1, a ward with an account of its own.

Import the fixtures with ``from dondoc.indicators.tests.collection_world import *``.
"""

from __future__ import annotations

import datetime as dt

import pytest

from dondoc.accounts.models import Role
from dondoc.conftest import _user
from dondoc.indicators.collection import parse_report_period
from dondoc.indicators.models import Indicator
from dondoc.orgs.models import OrgKind, OrgUnit

MERGER = dt.date(2025, 7, 1)
Q2 = parse_report_period("2025-Q2")
Q3 = parse_report_period("2025-Q3")

__all__ = [
    "MERGER",
    "Q2",
    "Q3",
    "economy",
    "firms",
    "firms_ai",
    "head",
    "hg_old",
    "hn_reporter",
    "hn_wards",
    "online",
    "share",
    "tq_head",
    "tq_new",
    "tq_old",
    "tq_reporter",
    "tq_wards",
    "ward_reporter",
]


def _province(code: str, name: str, **dates) -> OrgUnit:
    return OrgUnit.objects.create(code=code, kind=OrgKind.PROVINCE, name=name, **dates)


@pytest.fixture
def tq_new(db) -> OrgUnit:
    return _province("tuyen-quang-2025", "Tỉnh ủy Tuyên Quang", valid_from=MERGER)


@pytest.fixture
def tq_old(tq_new) -> OrgUnit:
    return _province(
        "tuyen-quang", "Tỉnh ủy Tuyên Quang (cũ)", valid_to=dt.date(2025, 6, 30), successor=tq_new
    )


@pytest.fixture
def hg_old(tq_new) -> OrgUnit:
    return _province(
        "ha-giang", "Tỉnh ủy Hà Giang", valid_to=dt.date(2025, 6, 30), successor=tq_new
    )


def _indicator(program, code, name, unit, aggregation, levels, **extra) -> Indicator:
    return Indicator.objects.create(
        program=program,
        code=code,
        name=name,
        unit=unit,
        aggregation=aggregation,
        levels=levels,
        frequency="quarter",
        **extra,
    )


@pytest.fixture
def share(program, hanoi, tq_old, hg_old) -> Indicator:
    return _indicator(program, "21", "Tỷ lệ hộ gia đình có cáp quang", "%", "mean", ["province"])


@pytest.fixture
def firms(program, hanoi, tq_old, hg_old) -> Indicator:
    return _indicator(
        program, "22", "Số doanh nghiệp công nghệ số", "doanh nghiệp", "sum", ["province"]
    )


@pytest.fixture
def firms_ai(firms) -> Indicator:
    return _indicator(
        firms.program,
        "22.1",
        "trong đó: doanh nghiệp trí tuệ nhân tạo",
        "doanh nghiệp",
        "sum",
        ["province"],
        parent=firms,
    )


@pytest.fixture
def economy(program, most) -> Indicator:
    return _indicator(
        program,
        "7",
        "Quy mô kinh tế số so với GDP",
        "%",
        "none",
        ["national"],
        responsible_agency=most,
    )


@pytest.fixture
def tq_reporter(tq_new):
    return _user("tq-reporter", Role.REPORTER, tq_new)


@pytest.fixture
def tq_head(tq_new):
    return _user("tq-head", Role.AGENCY_HEAD, tq_new)


@pytest.fixture
def head(most):
    return _user("head", Role.AGENCY_HEAD, most)


def _commune(code: str, name: str, parent: OrgUnit) -> OrgUnit:
    return OrgUnit.objects.create(
        code=code, kind=OrgKind.COMMUNE, name=name, parent=parent, valid_from=MERGER
    )


@pytest.fixture
def tq_wards(tq_new) -> list[OrgUnit]:
    return [
        _commune("tq-minh-xuan", "Phường Minh Xuân", tq_new),
        _commune("tq-nong-tien", "Phường Nông Tiến", tq_new),
        _commune("tq-ha-giang-1", "Phường Hà Giang 1", tq_new),
    ]


@pytest.fixture
def hn_wards(hanoi) -> list[OrgUnit]:
    return [
        _commune("hn-hoan-kiem", "Phường Hoàn Kiếm", hanoi),
        _commune("hn-ba-dinh", "Phường Ba Đình", hanoi),
    ]


@pytest.fixture
def online(program, hanoi, tq_old, hg_old, tq_wards, hn_wards) -> Indicator:
    return _indicator(
        program,
        "31",
        "Tỷ lệ hồ sơ thủ tục hành chính được giải quyết trực tuyến",
        "%",
        "mean",
        ["province", "commune"],
    )


@pytest.fixture
def hn_reporter(hanoi):
    return _user("hn-reporter", Role.REPORTER, hanoi)


@pytest.fixture
def ward_reporter(tq_wards):
    return _user("ward-reporter", Role.REPORTER, tq_wards[2])

"""Collective agencies: the phrases documents use resolve to one group; members by date."""

from __future__ import annotations

import datetime as dt

import pytest

from dondoc.orgs.groups import ensure_standard_groups, group_key, members_summary, resolve_group
from dondoc.orgs.models import OrgGroup, OrgKind, OrgUnit
from dondoc.tasks.importers.nq57 import LoadSummary, load_provinces

BEFORE, AFTER = dt.date(2025, 6, 30), dt.date(2025, 7, 1)


@pytest.fixture
def groups(db) -> dict[str, OrgGroup]:
    ensure_standard_groups()  # the migration creates them; a flush by another test may not
    return {group.code: group for group in OrgGroup.objects.all()}


@pytest.mark.parametrize(
    ("phrase", "code"),
    [
        ("Các bộ, ngành, địa phương", "bo-nganh-dia-phuong"),
        ("các bộ, ngành và địa phương", "bo-nganh-dia-phuong"),
        ("Bộ, ngành, địa phương", "bo-nganh-dia-phuong"),
        ("Các bộ, ngành", "bo-nganh"),
        ("Đảng ủy các bộ, ngành Trung ương", "bo-nganh"),
        ("Các bộ, ngành trung ương.", "bo-nganh"),
        ("các địa phương", "tinh-thanh-pho"),
        ("UBND các tỉnh, thành phố", "tinh-thanh-pho"),
        ("UBND các tỉnh, thành phố trực thuộc Trung ương", "tinh-thanh-pho"),
        ("Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương", "tinh-thanh-pho"),
        ("UBND các tỉnh, thành phố (trực thuộc trung ương)", "tinh-thanh-pho"),
        ("Các tỉnh uỷ, thành uỷ", "tinh-thanh-pho"),
        ("CAC TINH, THANH PHO", "tinh-thanh-pho"),
    ],
)
def test_phrases_of_documents_resolve_to_their_group(groups, phrase, code):
    assert resolve_group(phrase, BEFORE) == groups[code]


@pytest.mark.parametrize(
    "phrase",
    ["Các bộ, ngành liên quan", "Bộ Tài chính", "Thành ủy Hà Nội", "", "các cơ quan"],
)
def test_a_unit_or_some_of_a_kind_is_no_group(groups, phrase):
    assert resolve_group(phrase, BEFORE) is None


def test_group_key_ignores_punctuation_and_the_conjunction():
    assert group_key("Các bộ, ngành và địa phương") == group_key("CÁC BỘ; NGÀNH, ĐỊA PHƯƠNG")


@pytest.mark.django_db
def test_provinces_are_63_until_the_merger_and_34_from_it(groups):
    load_provinces(LoadSummary())
    provinces = groups["tinh-thanh-pho"]

    assert provinces.members_on(BEFORE).count() == 63
    assert provinces.members_on(AFTER).count() == 34
    assert members_summary(groups["bo-nganh-dia-phuong"], AFTER) in (
        "34 provinces",
        "34 tỉnh, thành phố",
    )


def test_explicit_members_join_those_of_the_kinds(groups):
    ministry = OrgUnit.objects.create(code="bo-a", kind=OrgKind.MINISTRY, name="Bộ A")
    army = OrgUnit.objects.create(code="qu", kind=OrgKind.CENTRAL, name="Quân ủy Trung ương")
    closed = OrgUnit.objects.create(
        code="bo-b", kind=OrgKind.MINISTRY, name="Bộ B", valid_to=BEFORE
    )
    ministries = groups["bo-nganh"]
    ministries.units.add(army)

    assert set(ministries.members_on(AFTER)) == {ministry, army}
    assert set(ministries.members_on(BEFORE)) == {ministry, army, closed}
    assert ministries.contains(army) and not ministries.contains(closed, AFTER)
    assert list(OrgGroup.objects.containing([army])) == [ministries]

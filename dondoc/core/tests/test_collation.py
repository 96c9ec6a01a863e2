"""Vietnamese alphabetical order, in Python and in the database (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import connection

from dondoc.core.collation import vi_order, vi_sort_key
from dondoc.orgs.models import Member, OrgKind, OrgUnit

#: In Vietnamese dictionary order: letters first (a < ă < â, d < đ, o < ô < ơ, u < ư), then tones.
IN_ORDER = [
    "An Giang",
    "Ăn Thắng",
    "Âm Hồn",
    "Bà Rịa",
    "Ba Vì",
    "Bạc Liêu",
    "Bình Định",
    "Dak Lak",
    "Đà Nẵng",
    "Điện Biên",
    "Hà Giang",
    "Hà Nội",
    "Hải Phòng",
    "Huế",
    "Hưng Yên",
    "Ông Ích",
    "Ơn Nghĩa",
    "Quảng Ninh",
]


def test_the_sort_key_follows_the_vietnamese_alphabet():
    shuffled = sorted(IN_ORDER, key=lambda s: s[::-1])
    assert sorted(shuffled, key=vi_sort_key) == IN_ORDER


def test_the_sort_key_puts_lower_case_first_and_never_fails_on_odd_text():
    assert sorted(["đà", "Đà"], key=vi_sort_key) == ["đà", "Đà"]
    assert sorted(["", None, "1 A", "A"], key=vi_sort_key) == ["", None, "1 A", "A"]


@pytest.fixture
def provinces(db):
    for n, name in enumerate(sorted(IN_ORDER, key=lambda s: s[::-1])):
        OrgUnit.objects.create(code=f"p{n}", kind=OrgKind.PROVINCE, name=name)


@pytest.mark.django_db
def test_the_database_sorts_names_in_vietnamese_order(provinces):
    names = list(OrgUnit.objects.order_by(vi_order("name")).values_list("name", flat=True))
    assert names == IN_ORDER, connection.vendor
    assert [u.name for u in OrgUnit.objects.all()] == IN_ORDER  # the default order too


@pytest.mark.django_db
def test_the_organisation_list_is_in_vietnamese_order(client, tracker, provinces):
    client.force_login(tracker)
    units = client.get("/orgs/", {"kind": "province"}).context["units"]
    assert [u.name for u in units] == IN_ORDER
    body = client.get("/orgs/", {"kind": "province"}).content.decode()
    assert body.index("Bạc Liêu") < body.index("Bình Định") < body.index("Đà Nẵng")


@pytest.mark.django_db
def test_committee_members_of_equal_rank_are_in_vietnamese_order(client, tracker, program):
    for name in ["Đỗ Văn Chiến", "Dương Thanh Bình", "Bùi Thanh Sơn", "Bạch Văn Ba"]:
        Member.objects.create(program=program, full_name=name)
    client.force_login(tracker)
    members = client.get("/members/").context["members"]
    assert [m.full_name for m in members] == [
        "Bạch Văn Ba",
        "Bùi Thanh Sơn",
        "Dương Thanh Bình",
        "Đỗ Văn Chiến",
    ]

"""The policy's own units of a user: merged units through every step, and their groups."""

from __future__ import annotations

import datetime as dt

import pytest

from dondoc.accounts import policy
from dondoc.accounts.models import Membership, Role, User
from dondoc.orgs.models import OrgGroup, OrgKind, OrgUnit
from dondoc.tasks.collective import group_ids_of

pytestmark = pytest.mark.django_db


def _user(*units: OrgUnit) -> User:
    user = User.objects.create_user("bao-cao", password="x", role=Role.REPORTER)
    for unit in units:
        Membership.objects.create(user=user, org_unit=unit)
    return User.objects.get(pk=user.pk)  # nothing remembered on the object


def test_a_unit_merged_into_another_merged_one_is_the_users_own_and_brings_its_groups():
    today = dt.date(2025, 7, 1)
    last = today - dt.timedelta(days=1)
    city = OrgUnit.objects.create(code="city", kind=OrgKind.PROVINCE, name="Thành phố")
    town = OrgUnit.objects.create(
        code="town", kind=OrgKind.OTHER, name="Thị xã", valid_to=last, successor=city
    )
    village = OrgUnit.objects.create(
        code="village", kind=OrgKind.COMMUNE, name="Làng", valid_to=last, successor=town
    )
    OrgUnit.objects.create(code="elsewhere", kind=OrgKind.MINISTRY, name="Bộ khác")
    communes = OrgGroup.objects.create(code="communes", name="Các xã", kinds=OrgKind.COMMUNE)
    named = OrgGroup.objects.create(code="named", name="Được nêu tên")
    named.units.add(town)
    OrgGroup.objects.create(code="ministries", name="Các bộ", kinds=OrgKind.MINISTRY)

    user = _user(city)
    assert policy.user_org_ids(user) == {city.pk, town.pk, village.pk}
    assert policy.lineage_of(user, city) == city.lineage_ids()
    assert policy.user_group_ids(user) == group_ids_of({city.pk, town.pk, village.pk})
    assert {communes.pk, named.pk} <= policy.user_group_ids(user)
    # On a date: only the units valid then count as members.
    ids = policy.user_org_ids(user)
    assert policy.group_ids_on(user, ids, today) == group_ids_of(ids, today)
    assert communes.pk not in policy.group_ids_on(user, ids, today)
    assert policy.group_ids_on(user, ids, last) == group_ids_of(ids, last)
    assert {communes.pk, named.pk} <= policy.group_ids_on(user, ids, last)


def test_a_user_whose_units_absorbed_nothing_reads_them_and_the_groups_in_two_queries(
    django_assert_num_queries,
):
    unit = OrgUnit.objects.create(code="bo", kind=OrgKind.MINISTRY, name="Bộ")
    ministries = OrgGroup.objects.create(code="ministries", name="Các bộ", kinds=OrgKind.MINISTRY)
    user = _user(unit)
    expected = group_ids_of({unit.pk})
    assert ministries.pk in expected
    with django_assert_num_queries(2):
        assert policy.user_org_ids(user) == {unit.pk}
        assert policy.user_group_ids(user) == expected
        assert policy.group_ids_on(user, {unit.pk}, dt.date(2025, 7, 1)) == expected

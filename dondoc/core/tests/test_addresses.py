"""Addresses reversed once around a stand-in id are the addresses ``reverse`` gives."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dondoc.core.addresses import (
    STAND_IN,
    address,
    address_of,
    attribute_pattern,
    pattern,
    split_at_id,
    with_id,
)


@pytest.mark.parametrize("pk", [1, 7, 42, 123456])
@pytest.mark.parametrize("name", ["task-detail", "org-detail", "member-detail", "update-edit"])
def test_an_address_made_from_its_pattern_is_the_reversed_one(name, pk):
    assert with_id(pattern(name), pk) == reverse(name, args=[pk])
    assert with_id(attribute_pattern(name), pk) == reverse(name, args=[pk])
    assert address_of(name, pk) == reverse(name, args=[pk])


def test_an_address_without_arguments_is_reversed_once_and_escaped():
    assert address("task-list") == reverse("task-list")


def test_a_url_without_the_stand_in_is_refused():
    with pytest.raises(ValueError):
        split_at_id("/tasks/1/")
    assert split_at_id(f"https://x.vn/tasks/{STAND_IN}/?a=1") == ("https://x.vn/tasks/", "/?a=1")

"""Checked state transitions: one success when two people act at once, a conflict for the other.

A service that moves a row from one state to the next (an explanation decided, a duplicate pair
merged, a task linked by an import) first re-reads the row under a lock with :func:`locked`,
then checks that it is still in the state the caller saw; if not it raises :class:`Conflict`
with a message for the person who lost the race ("already decided by …"). Views show the
message on the page with HTTP 409, the API answers 409 with it as ``detail``.

Forms carry the version they were loaded at (:class:`VersionField`, a hidden integer or text);
a service given ``expected_version`` compares it with the locked row's, so a form opened before
someone else's change is a conflict shown to its author, never a silent overwrite.

On PostgreSQL ``SELECT … FOR UPDATE`` makes the second transaction wait for the first and then
read what it committed. SQLite ignores ``FOR UPDATE`` but lets one writer at a time: the check
on the re-read row still refuses a stale form.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.db import models, transaction

M = TypeVar("M", bound=models.Model)


class Conflict(Exception):
    """The row is no longer in the state the caller saw; ``str(exc)`` is the user's message."""

    def __init__(self, message: str, *, current: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.current = current  # the row as it now is, for the page that explains the conflict

    def __str__(self) -> str:
        return str(self.message)


def locked(queryset: models.QuerySet[M] | type[M], pk: Any, *, no_key: bool = False) -> M:
    """Re-read the row ``pk`` and lock it until the surrounding transaction ends.

    ``no_key=True`` takes PostgreSQL's ``FOR NO KEY UPDATE``: it still excludes other writers
    of the row, but lets other transactions insert rows that refer to it (a lock on a program
    row should not stop anyone from adding a task to the program).
    """
    assert transaction.get_connection().in_atomic_block, "lock a row inside transaction.atomic()"
    if isinstance(queryset, type):
        queryset = queryset._default_manager.all()
    return queryset.select_for_update(no_key=no_key, of=("self",)).get(pk=pk)


class VersionField(forms.IntegerField):
    """The hidden version counter of the object a form was loaded at.

    Optional, so that an API client or a page without it still works: a missing version is
    checked against the state alone.
    """

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 2**31 - 1)
        super().__init__(**kwargs)

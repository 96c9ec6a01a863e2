"""A harness for concurrency tests: several people act at the same moment, in real threads.

What it is for
    Every state transition (a submission, a review, an explanation decided, a duplicate pair
    merged, an import committed) must give one success and one clear conflict when two people
    act at once, and leave the database in a state that some serial order of the same actions
    could have produced: nothing lost, nothing twice. A test says so in three steps:

    1. build the world in the test database (fixtures, services);
    2. run the competing actions with :func:`run_together` (or :func:`race`);
    3. check the outcomes (:meth:`Outcomes.assert_one_success`, :meth:`Outcomes.assert_all_ok`)
       and the final state (:func:`assert_serial`).

How it runs
    :func:`run_together` starts one thread per callable. Each thread opens its own database
    connection (Django's connections are per thread), waits at a barrier so that all start at
    the same moment, runs its callable, records the value or the exception, and closes its
    connection. The main thread waits for all of them (``timeout`` seconds; a thread still
    running then is a deadlock or a lock never released, and fails the test).

    The callables may call services directly or drive the views through their own
    ``django.test.Client`` (a client per thread, logged in with ``force_login``): both are two
    people clicking at once.

Which database
    Real concurrency needs PostgreSQL: mark the module with :data:`postgres_only`
    (``@pytest.mark.postgres``, ``django_db(transaction=True)`` so that the threads see the
    committed fixtures, and a skip on other databases)::

        from dondoc.core.testing.concurrency import assert_serial, postgres_only, run_together

        pytestmark = postgres_only

        def test_grant_and_refuse_at_once_give_one_decision(explained):
            outcomes = run_together(
                lambda: services.grant_extension(task, by=a, new_due_on=d, request=explained),
                lambda: services.refuse_extension(explained, by=b),
                names=["grant", "refuse"],
            )
            outcomes.assert_one_success(Conflict)
            explained.refresh_from_db()
            assert_serial(
                (explained.state, DeadlineExtension.objects.count()),
                {"grant first": ("granted", 1), "refuse first": ("refused", 0)},
            )

    SQLite lets one writer at a time, and its in-memory test database is shared between
    threads in a way that turns contention into "table is locked" errors rather than waits.
    There :func:`race` runs the same callables one after the other, in the order given: the
    callables built from forms loaded *before* any of them ran are stale for all but the first,
    so the conflict checks and their messages are exercised on both databases with one test
    body (mark such tests ``django_db(transaction=True)`` only).

Making the race real
    The barrier makes the threads start together; the window in which both read the old state
    is still short. ``rounds`` in a test (a loop building a fresh pair each time) makes a
    missing lock fail reliably; keep the callables small and the round count modest (the
    machine is shared).
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, connections


def on_postgres() -> bool:
    return "postgresql" in settings.DATABASES["default"]["ENGINE"]


#: Marks for a module of real-concurrency tests (``pytestmark = postgres_only``).
postgres_only = [
    pytest.mark.postgres,
    pytest.mark.skipif(not on_postgres(), reason="real concurrency needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


@dataclass
class Outcome:
    """What one competitor got: its return value, or the exception it raised."""

    name: str
    value: Any = None
    error: BaseException | None = None
    trace: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class Outcomes:
    items: list[Outcome] = field(default_factory=list)

    def __iter__(self):
        return iter(self.items)

    def __getitem__(self, index: int) -> Outcome:
        return self.items[index]

    @property
    def successes(self) -> list[Outcome]:
        return [o for o in self.items if o.ok]

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.items if not o.ok]

    @property
    def winner(self) -> Outcome:
        (only,) = self.successes
        return only

    def _unexpected(self, allowed: tuple[type[BaseException], ...]) -> None:
        for outcome in self.failures:
            if not isinstance(outcome.error, allowed):
                raise AssertionError(
                    f"{outcome.name} raised an unexpected {type(outcome.error).__name__}:\n"
                    f"{outcome.trace}"
                ) from outcome.error

    def assert_all_ok(self) -> list[Any]:
        """Every competitor succeeded (e.g. two different rows): their values, in order."""
        self._unexpected(())
        return [o.value for o in self.items]

    def assert_one_success(self, *conflicts: type[BaseException]) -> Outcome:
        """Exactly one succeeded and every other one raised one of ``conflicts``."""
        self._unexpected(conflicts)
        names = [o.name for o in self.successes]
        assert len(names) == 1, f"expected one success, got {len(names)}: {names}"
        return self.winner

    def assert_at_most_one_success(self, *conflicts: type[BaseException]) -> list[Outcome]:
        self._unexpected(conflicts)
        assert len(self.successes) <= 1, [o.name for o in self.successes]
        return self.successes


def _names(fns: Sequence[Callable[[], Any]], names: Sequence[str] | None) -> list[str]:
    if names is not None:
        assert len(names) == len(fns)
        return list(names)
    return [getattr(fn, "__name__", f"#{i}") + f"#{i}" for i, fn in enumerate(fns)]


def run_together(
    *fns: Callable[[], Any], names: Sequence[str] | None = None, timeout: float = 30.0
) -> Outcomes:
    """Run every callable in its own thread and database connection, all starting at once."""
    assert len(fns) >= 2, "a race needs at least two competitors"
    labels = _names(fns, names)
    outcomes = [Outcome(name) for name in labels]
    barrier = threading.Barrier(len(fns))

    def compete(index: int) -> None:
        try:
            barrier.wait(timeout)
            outcomes[index].value = fns[index]()
        except BaseException as exc:  # recorded, then judged by the test
            outcomes[index].error = exc
            outcomes[index].trace = traceback.format_exc()
        finally:
            connections.close_all()  # this thread's connections only

    threads = [
        threading.Thread(target=compete, args=(i,), name=f"race-{label}", daemon=True)
        for i, label in enumerate(labels)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    stuck = [t.name for t in threads if t.is_alive()]
    if stuck:
        raise AssertionError(f"still running after {timeout}s (deadlock or lock held): {stuck}")
    return Outcomes(outcomes)


def run_in_order(*fns: Callable[[], Any], names: Sequence[str] | None = None) -> Outcomes:
    """Run the callables one after the other, recording outcomes as :func:`run_together` does."""
    outcomes = []
    for fn, name in zip(fns, _names(fns, names), strict=True):
        outcome = Outcome(name)
        try:
            outcome.value = fn()
        except Exception as exc:
            outcome.error = exc
            outcome.trace = traceback.format_exc()
        outcomes.append(outcome)
    return Outcomes(outcomes)


def race(*fns: Callable[[], Any], names: Sequence[str] | None = None) -> Outcomes:
    """:func:`run_together` on PostgreSQL; on SQLite :func:`run_in_order` (see the module)."""
    if connection.vendor == "postgresql":
        return run_together(*fns, names=names)
    return run_in_order(*fns, names=names)


def assert_serial(actual: Any, serial_states: Mapping[str, Any]) -> str:
    """``actual`` is the final state one serial order produces; returns that order's name.

    ``serial_states`` names each serial order of the competing actions ("grant first") and the
    state it leaves (any comparable value: a tuple of the fields and counts that matter).
    """
    for order, state in serial_states.items():
        if actual == state:
            return order
    possible = "\n".join(f"  {order}: {state!r}" for order, state in serial_states.items())
    raise AssertionError(f"{actual!r} is no serial order's result; possible:\n{possible}")

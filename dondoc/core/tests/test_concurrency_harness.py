"""The concurrency harness itself: it really starts competitors together, and it says clearly
what went wrong (a second success, an unexpected error, a hang, an impossible final state)."""

from __future__ import annotations

import threading
import time

import pytest

from dondoc.core.testing.concurrency import assert_serial, run_in_order, run_together
from dondoc.core.transitions import Conflict


def test_competitors_start_together_in_their_own_threads():
    inside, seen_together = [], threading.Event()

    def compete():
        inside.append(threading.get_ident())
        deadline = time.monotonic() + 5
        while len(inside) < 3 and time.monotonic() < deadline:
            time.sleep(0.001)
        if len(inside) == 3:
            seen_together.set()
        return threading.get_ident()

    outcomes = run_together(compete, compete, compete)

    idents = outcomes.assert_all_ok()
    assert len(set(idents)) == 3 and threading.get_ident() not in idents
    assert seen_together.is_set()


def test_one_success_and_conflicts_pass_and_two_successes_fail():
    def conflict():
        raise Conflict("đã được quyết định")

    assert run_together(lambda: 1, conflict).assert_one_success(Conflict).value == 1
    with pytest.raises(AssertionError, match="expected one success, got 2"):
        run_together(lambda: 1, lambda: 2).assert_one_success(Conflict)


def test_an_unexpected_error_is_reported_with_its_traceback():
    def broken():
        raise KeyError("boom")

    with pytest.raises(AssertionError, match="unexpected KeyError"):
        run_together(lambda: 1, broken, names=["fine", "broken"]).assert_one_success(Conflict)


def test_a_competitor_that_never_finishes_fails_the_test():
    release = threading.Event()
    try:
        with pytest.raises(AssertionError, match="still running"):
            run_together(lambda: 1, lambda: release.wait(5), timeout=0.3)
    finally:
        release.set()


def test_run_in_order_records_outcomes_one_after_the_other():
    order = []
    outcomes = run_in_order(lambda: order.append("a"), lambda: order.append("b"))
    assert order == ["a", "b"] and len(outcomes.successes) == 2


def test_a_final_state_no_serial_order_produces_is_named_with_the_possible_ones():
    assert assert_serial(("granted", 1), {"grant first": ("granted", 1)}) == "grant first"
    with pytest.raises(AssertionError, match="refuse first: \\('refused', 0\\)"):
        assert_serial(
            ("refused", 1), {"grant first": ("granted", 1), "refuse first": ("refused", 0)}
        )

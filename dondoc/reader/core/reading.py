"""``read_directive``: the reader's entry point."""

from __future__ import annotations

from dondoc.reader.core.types import Header, Reading, Register


def read_directive(text: str, *, register: Register | None = None) -> Reading:
    """Read ``text`` into a header, parts and proposed tasks. Never raises on text."""
    return Reading(header=Header(), parts=[], tasks=[], text=text or "")

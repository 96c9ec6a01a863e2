"""Public documents (the committee's notices and reports) the tests read.

Copies ship inside the package (``dondoc/tasks/data/seeds``) and are preferred; otherwise the
seed folder beside the repository, or the one named by ``DONDOC_SEEDS_DIR``, is used. A test
whose document cannot be found is skipped.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
PACKAGED_SEEDS_DIR = Path(__file__).resolve().parents[1] / "data" / "seeds"
SEEDS_DIR = Path(os.environ.get("DONDOC_SEEDS_DIR", REPO_ROOT.parent / "shared" / "seeds"))


def seed_path(prefix: str) -> Path:
    """The seed file whose name starts with ``prefix`` ("001_"), packaged copy first."""
    for folder in (PACKAGED_SEEDS_DIR, SEEDS_DIR):
        if folder.is_dir():
            matches = sorted(folder.glob(f"{prefix}*"))
            if matches:
                return matches[0]
    pytest.skip(f"seed document {prefix}* not available")


def seed_text(prefix: str) -> str:
    """Text of the seed file whose name starts with ``prefix``."""
    return seed_path(prefix).read_text(encoding="utf-8")

"""``dondoc import FILE``: summary or JSON, exit code 1 when the file is rejected."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.utils import translation

from dondoc.tasks.models import Task
from dondoc.tasks.tests.test_import_template import filled_csv


@pytest.fixture
def ready(program, notice, most, hanoi, member_person):
    return program


def run(*args) -> tuple[int, str]:
    out = io.StringIO()
    try:
        with translation.override("en"):
            call_command("import", *args, stdout=out)
    except SystemExit as exit:
        return int(exit.code), out.getvalue()
    return 0, out.getvalue()


def test_dry_run_prints_the_summary_and_writes_nothing(ready, tmp_path):
    path = tmp_path / "tasks.csv"
    path.write_bytes(filled_csv())

    code, out = run(str(path), "--dry-run")

    assert code == 0
    assert "3 created" in out
    assert Task.objects.count() == 0


def test_json_summary_of_a_real_import(ready, tmp_path):
    path = tmp_path / "tasks.csv"
    path.write_bytes(filled_csv())

    code, out = run(str(path), "--json")

    data = json.loads(out)
    assert (code, data["ok"], data["created"]) == (0, True, 3)
    assert Task.objects.count() == 3


def test_a_rejected_file_exits_1_with_rows_and_columns(ready, tmp_path):
    path = tmp_path / "tasks.csv"
    path.write_bytes(filled_csv([{"stt": "1", "noi_dung": "x", "van_ban": "01-TB/BCĐTW"}]))

    code, out = run(str(path))

    assert code == 1
    assert "row 3" in out and "Cơ quan chủ trì" in out

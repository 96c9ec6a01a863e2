"""An import killed with SIGKILL half-way leaves the database as it was; a re-run completes it.

The import runs as a real ``dondoc import`` process on the suite's database. On PostgreSQL that
is the test database itself. pytest-django keeps an SQLite test database in memory, which no
other process can open, so on SQLite the test copies it into a file (SQLite's backup API), runs
the process on the file, and copies the file back before looking at the rows.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.db import connection

from dondoc.core.spreadsheet import csv_bytes
from dondoc.tasks.importers import template as tpl
from dondoc.tasks.models import Task
from dondoc.tasks.tests.test_import_report import count_all_rows

ROWS = 300


def big_template(rows: int) -> bytes:
    """A filled template of ``rows`` distinct tasks, all valid."""
    topics = ["dữ liệu", "hạ tầng số", "nhân lực", "an ninh mạng", "đổi mới sáng tạo", "thể chế"]
    body = []
    for number in range(1, rows + 1):
        values = dict.fromkeys(tpl.KEYS, "")
        values |= {
            "stt": str(number),
            "noi_dung": f"Nhiệm vụ thử số {number}: xây dựng đề án {topics[number % 6]} "
            f"giai đoạn {2025 + number % 5} mã {number * 7919 % 100_003}",
            "van_ban": "01-TB/BCĐTW ngày 22/01/2025",
            "co_quan_chu_tri": "Đảng ủy Bộ Khoa học và Công nghệ",
            "thoi_han": "Quý IV/2025",
        }
        body.append([values[key] for key in tpl.KEYS])
    return csv_bytes([[c.heading for c in tpl.COLUMNS], *body])


class SuiteDatabase:
    """The suite's database as another process reaches it."""

    def __init__(self, folder: Path) -> None:
        self.vendor = connection.vendor
        settings = connection.settings_dict
        if self.vendor == "sqlite":
            self.file = folder / "db.sqlite3"
            connection.ensure_connection()
            with contextlib.closing(sqlite3.connect(self.file)) as target:
                connection.connection.backup(target)
            self.url = f"sqlite:///{self.file}"
        else:
            user, host = settings["USER"], settings["HOST"] or "127.0.0.1"
            password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
            port = settings["PORT"] or 5432
            self.url = f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"

    def writing(self) -> bool:
        """Whether another process holds an open write transaction."""
        if self.vendor == "sqlite":
            with contextlib.closing(sqlite3.connect(self.file, timeout=0)) as probe:
                try:
                    probe.execute("BEGIN IMMEDIATE")
                except sqlite3.OperationalError:
                    return True
                probe.rollback()
                return False
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
            )
            return cursor.fetchone()[0] > 0

    def pull(self) -> None:
        """Make the rows the other process left visible to this one."""
        if self.vendor == "sqlite":
            with contextlib.closing(sqlite3.connect(self.file)) as source:
                source.backup(connection.connection)


def dondoc(database: SuiteDatabase, *args: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dondoc.settings_test",
        "DATABASE_URL": database.url,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "dondoc", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.django_db(transaction=True)
def test_an_import_killed_half_way_changes_nothing_and_a_rerun_completes_it(program, notice, most):
    folder = Path(tempfile.mkdtemp(prefix="dondoc-kill-"))
    source = folder / "nhiem-vu.csv"
    source.write_bytes(big_template(ROWS))
    database = SuiteDatabase(folder)
    before = count_all_rows()

    process = dondoc(database, "import", str(source))
    deadline = time.monotonic() + 240
    while not database.writing():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the import never started writing"
        time.sleep(0.05)
    time.sleep(0.3)  # into the rows, well before the commit
    # Still inside its transaction: a kill after the commit would prove nothing.
    assert database.writing(), "the import committed before it could be killed: raise ROWS"
    process.send_signal(signal.SIGKILL)
    process.communicate()
    assert process.returncode == -signal.SIGKILL, "the import ended before it was killed"

    database.pull()
    assert count_all_rows() == before

    rerun = dondoc(database, "import", str(source))
    out, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err
    again = dondoc(database, "import", str(source), "--json")
    out, err = again.communicate(timeout=600)
    assert again.returncode == 0, err
    assert '"created": 0' in out

    database.pull()
    imported = Task.objects.filter(content__startswith="Nhiệm vụ thử số ")
    assert imported.count() == ROWS
    assert imported.values("content").distinct().count() == ROWS

"""``dondoc read FILE [--program CODE] [--json]``: the tasks a directive assigns."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dondoc.reader.core import read_directive, read_file
from dondoc.reader.core.extract import MAX_BYTES, Unreadable


class Command(BaseCommand):
    help = "Read a directive (.txt, .docx, .pdf) and print the tasks it assigns."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--program", help="program code whose members and units resolve names")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, file, program=None, json=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
        try:
            text = read_file(path.read_bytes(), path.name)
        except Unreadable as error:
            raise CommandError(str(error)) from None
        register = self._register(program)
        reading = read_directive(text, register=register)
        if json:
            data = reading.as_dict()
            data.pop("text")
            self.stdout.write(_dumps(data))
            return
        header = reading.header
        self.stdout.write(f"{header.kind or '?'} {header.number} {header.date or ''}".strip())
        for task in reading.tasks:
            who = ", ".join(f.value for f in task.members) or "-"
            leads = ", ".join(f.value for f in task.leads) or "-"
            deadline = task.deadline.value if task.deadline else "-"
            self.stdout.write(
                f"[{task.key}] ({task.confidence:.2f}) {task.content[:120]}\n"
                f"    member: {who} | lead: {leads} | deadline: {deadline}"
            )

    def _register(self, code):
        if not code:
            from dondoc.reader.core.nq57 import nq57_register

            return nq57_register()
        from dondoc.reader.registry import build_register
        from dondoc.tasks.models import Program

        program = Program.objects.filter(code=code).first()
        if program is None:
            raise CommandError(f"No program with code {code}.")
        return build_register(program)


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)

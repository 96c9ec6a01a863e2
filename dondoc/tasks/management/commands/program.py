"""``dondoc program``: create, list, edit and archive programs from the console.

    dondoc program create NQ66 --name "Nghị quyết 66-NQ/TW" \\
        --standing-office "Văn phòng Trung ương Đảng" \\
        --group "1. Hoàn thiện thể chế" --group "2. Tổ chức thi hành"
    dondoc program list --json
    dondoc program edit NQ66 --committee "Ban Chỉ đạo ..." --group "3. Nguồn lực"
    dondoc program archive NQ66 --reason "Đã kết thúc"

The same services as the pages (``dondoc.tasks.programs``), so the same rules and the same
change history; a refused change writes nothing and exits non-zero with the reasons.
"""

from __future__ import annotations

import difflib
import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dondoc.core.dates import DateError, parse_date
from dondoc.orgs.models import OrgAlias, OrgUnit
from dondoc.tasks import programs
from dondoc.tasks.importers.names import OrgResolver, name_key
from dondoc.tasks.models import Program

#: The fields ``create`` and ``edit`` take as options: option -> field.
TEXT_OPTIONS = {
    "name": "name",
    "resolution": "resolution",
    "adopting_document": "adopting_document",
    "committee": "committee_name",
    "description": "description",
}


def resolve_unit(text: str) -> OrgUnit:
    """The unit named ``text`` by its code, name, short name or an alias; else CommandError
    naming it with the closest names."""
    unit = OrgUnit.objects.filter(code=text.strip()).first() if text.strip() else None
    unit = unit or OrgResolver().resolve(text)
    if unit is not None:
        return unit
    hint = "; ".join(closest_units(text))
    message = f"Không có cơ quan, đơn vị nào tên {text!r} (no organisation unit {text!r})."
    raise CommandError(message + (f" Gần nhất / closest: {hint}." if hint else ""))


def closest_units(text: str, limit: int = 3) -> list[str]:
    """The names of the current units closest to ``text``: by spelling, or by shared words,
    over their names, short names and aliases (diacritics and case ignored)."""
    wanted = name_key(text)
    words = set(wanted.split())
    keys: dict[int, set[str]] = {}
    units = {u.pk: u for u in OrgUnit.objects.filter(valid_to__isnull=True)}
    for unit in units.values():
        keys[unit.pk] = {name_key(unit.name), name_key(unit.short_name)} - {""}
    for alias in OrgAlias.objects.filter(org_unit_id__in=units):
        keys[alias.org_unit_id].add(name_key(alias.alias))

    def score(key: str) -> float:
        shared = len(words & set(key.split())) / max(len(words), 1)
        return 0.6 * shared + 0.4 * difflib.SequenceMatcher(None, wanted, key).ratio()

    ranked = sorted(((max(map(score, k)), pk) for pk, k in keys.items() if k), reverse=True)
    return [units[pk].name for best, pk in ranked[:limit] if best >= 0.4]


def _date(text: str | None):
    if not text:
        return None
    try:
        return parse_date(text)
    except DateError as exc:
        raise CommandError(str(exc)) from exc


def _refused(exc: programs.ProgramError) -> CommandError:
    lines = [
        f"{field}: {problem}" if field != "__all__" else problem
        for field, problems in exc.message_dict.items()
        for problem in problems
    ]
    return CommandError("\n".join(lines))


def program_item(program: Program) -> dict:
    """A program as JSON, with its groups."""
    return {
        "code": program.code,
        "name": program.name,
        "resolution": program.resolution,
        "adopting_document": program.adopting_document,
        "adopted_on": program.adopted_on.isoformat() if program.adopted_on else None,
        "committee_name": program.committee_name,
        "standing_office": program.standing_office.name if program.standing_office else None,
        "updates_need_approval": program.updates_need_approval,
        "public": program.public,
        "archived_on": program.archived_on.isoformat() if program.archived_on else None,
        "task_count": getattr(program, "task_count", None),
        "groups": [{"number": g.number, "title": g.title} for g in program.groups.all()],
    }


def _program(code: str) -> Program:
    program = Program.objects.filter(code=code).first()
    if program is None:
        raise CommandError(programs.unknown_code(code))
    return program


class Command(BaseCommand):
    help = "Create, list, edit and archive programs (chương trình)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a program with its solution groups.")
        create.add_argument("code")
        create.add_argument("--name", required=True)
        self._fields(create)
        create.add_argument("--json", action="store_true", help="Print the program as JSON.")

        listing = sub.add_parser("list", help="List the active programs.")
        listing.add_argument("--all", action="store_true", help="Archived programs too.")
        listing.add_argument("--json", action="store_true")

        edit = sub.add_parser("edit", help="Change a program's fields and groups.")
        edit.add_argument("code")
        edit.add_argument("--name")
        edit.add_argument("--code", dest="new_code", help="A new code.")
        self._fields(edit)
        edit.add_argument("--remove-group", type=int, action="append", default=[], metavar="NUMBER")
        approval = edit.add_mutually_exclusive_group()
        approval.add_argument("--approval", dest="approval", action="store_true", default=None)
        approval.add_argument("--no-approval", dest="approval", action="store_false")
        public = edit.add_mutually_exclusive_group()
        public.add_argument(
            "--public",
            dest="public",
            action="store_true",
            default=None,
            help="Show the program's figures on the public progress page.",
        )
        public.add_argument("--not-public", dest="public", action="store_false")
        edit.add_argument("--json", action="store_true")

        for name, helptext in (("archive", "Archive"), ("unarchive", "Make active again")):
            step = sub.add_parser(name, help=f"{helptext} a program.")
            step.add_argument("code")
            step.add_argument("--reason", default="", help="Kept in the change history.")

    @staticmethod
    def _fields(parser: CommandParser) -> None:
        parser.add_argument("--standing-office", metavar="UNIT", help="Code, name or alias.")
        parser.add_argument("--resolution")
        parser.add_argument("--adopting-document")
        parser.add_argument("--adopted-on", metavar="DATE", help="dd/mm/yyyy or YYYY-MM-DD.")
        parser.add_argument("--committee", help="The steering committee's name.")
        parser.add_argument("--description")
        parser.add_argument(
            "--group",
            action="append",
            default=[],
            metavar='"1. Title"',
            help="A solution group, its number then its title (repeatable).",
        )

    def handle(self, *args, **options) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except programs.ProgramError as exc:
            raise _refused(exc) from exc

    def _print(self, program: Program, options) -> None:
        program = programs.with_counts(Program.objects.filter(pk=program.pk)).get()
        if options.get("json"):
            self.stdout.write(json.dumps(program_item(program), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(f"{program.code}: {program.name}")

    def _common(self, options) -> dict:
        fields = {
            field: options[option]
            for option, field in TEXT_OPTIONS.items()
            if options.get(option) is not None
        }
        if options.get("standing_office"):
            fields["standing_office"] = resolve_unit(options["standing_office"])
        if options.get("adopted_on"):
            fields["adopted_on"] = _date(options["adopted_on"])
        return fields

    def _create(self, options) -> None:
        fields = self._common(options)
        groups = [programs.parse_group(text) for text in options["group"]]
        program = programs.create_program(code=options["code"], groups=groups, **fields)
        self._print(program, options)

    def _edit(self, options) -> None:
        program = _program(options["code"])
        fields = self._common(options)
        if options["new_code"]:
            fields["code"] = options["new_code"]
        if options["approval"] is not None:
            fields["updates_need_approval"] = options["approval"]
        if options["public"] is not None:
            fields["public"] = options["public"]
        groups = None
        if options["group"] or options["remove_group"]:
            wanted = {g.number: g for g in program.groups.all()}
            for number in options["remove_group"]:
                if wanted.pop(number, None) is None:
                    raise CommandError(
                        f"{program.code} không có nhóm {number} (no group {number})."
                    )
            for text in options["group"]:
                spec = programs.parse_group(text)
                wanted[spec.number] = spec
            groups = [programs.GroupSpec(g.number, g.title) for g in wanted.values()]
        program = programs.update_program(program, groups=groups, **fields)
        self._print(program, options)

    def _list(self, options) -> None:
        queryset = Program.objects.all() if options["all"] else Program.objects.active()
        queryset = programs.with_counts(queryset).prefetch_related("groups").order_by("pk")
        if options["json"]:
            items = [program_item(p) for p in queryset]
            self.stdout.write(json.dumps(items, ensure_ascii=False, indent=2))
            return
        for p in queryset:
            archived = f"  [archived {p.archived_on:%d/%m/%Y}]" if p.archived_on else ""
            self.stdout.write(
                f"{p.code:<12} {p.task_count:>5} tasks  {p.group_count:>2} groups  {p.name}"
                + archived
            )

    def _archive(self, options) -> None:
        program = programs.archive_program(_program(options["code"]), reason=options["reason"])
        self.stdout.write(f"{program.code} archived on {program.archived_on:%d/%m/%Y}.")

    def _unarchive(self, options) -> None:
        program = programs.unarchive_program(_program(options["code"]), reason=options["reason"])
        self.stdout.write(f"{program.code} is active again.")

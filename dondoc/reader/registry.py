"""The reader's register built from the database (sổ thành viên và cơ quan).

``build_register(program, on=None)`` lists the program's committee members with their offices
(from ``Member.position``, dated by ``term_from``/``term_to`` and by "đến dd/mm/yyyy" in the
position) and every organisation unit with its short name and aliases, so the pure reader can
resolve "Đồng chí Bộ trưởng Bộ Công an" to a member and "Bộ Công an" to a unit; and the
collective agencies (``OrgGroup``) with their phrases, so "Các bộ, ngành, địa phương" resolves
to its group.
"""

from __future__ import annotations

import datetime as dt

from dondoc.orgs.models import Member, OrgGroup, OrgUnit
from dondoc.reader.core.offices import split_offices
from dondoc.reader.core.types import Register, RegisterAgency, RegisterGroup, RegisterMember


def build_register(program=None, on: dt.date | None = None) -> Register:
    """The register for ``program`` (all units; the program's members, or none without one).

    ``on`` is accepted for symmetry with the reading: members and units keep their validity
    dates, and the reader picks those valid on the notice's own date.
    """
    agencies = [
        RegisterAgency(
            id=unit.pk,
            name=unit.name,
            aliases=tuple(
                a for a in [unit.short_name, *(x.alias for x in unit.aliases.all())] if a
            ),
            valid_from=unit.valid_from,
            valid_to=unit.valid_to,
            successor_id=unit.successor_id,
        )
        for unit in OrgUnit.objects.prefetch_related("aliases").order_by("pk")
    ]
    members = []
    if program is not None:
        for member in Member.objects.filter(program=program).select_related("org_unit"):
            members.append(
                RegisterMember(
                    id=member.pk,
                    name=member.full_name,
                    offices=tuple(split_offices(member.position)),
                    valid_from=member.term_from,
                    valid_to=member.term_to,
                    agency_id=member.org_unit_id,
                    agency_name=member.org_unit.name if member.org_unit else "",
                    committee_role=member.committee_role or "",
                )
            )
    groups = [
        RegisterGroup(id=group.pk, name=group.name, phrases=tuple(group.phrase_list()[1:]))
        for group in OrgGroup.objects.order_by("pk")
    ]
    return Register(members=members, agencies=agencies, groups=groups)

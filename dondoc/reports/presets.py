"""The report template of a program: the saved one, or defaults built from the program.

Defaults come from the program itself (committee name, standing office, chair of the
committee) and, for programs listed in ``data/presets.json``, from the header and blocks of
their published reports. A Standing Office adjusts them in the admin (Report templates).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from dondoc.orgs.models import Member
from dondoc.reports.models import DocumentFormat, ReportTemplate
from dondoc.tasks.models import Program

PRESETS = Path(__file__).parent / "data" / "presets.json"

#: Section headings; ``{period}`` and ``{next_period}`` read ``quý I/2025``.
DEFAULT_HEADINGS: dict[str, str] = {
    "leadership": "Công tác lãnh đạo, chỉ đạo",
    "results": "Tình hình thực hiện",
    "by_session": "Kết quả theo phiên họp",
    "by_group": "Kết quả theo nhóm nhiệm vụ, giải pháp",
    "by_lead": "Kết quả theo cơ quan chủ trì",
    "indicators": "Kết quả thực hiện Bộ chỉ số",
    "assessment_section": "Đánh giá chung",
    "assessment": "Kết quả đạt được",
    "bottlenecks": "Tồn tại, hạn chế",
    "focus": "Nhiệm vụ trọng tâm trong {next_period}",
    "recommendations": "Kiến nghị, đề xuất",
    "appendix_late": "Danh sách các nhiệm vụ chậm, muộn",
    "appendix_next": "Danh sách nhiệm vụ thực hiện trong {next_period}",
}


@cache
def _presets() -> dict:
    return json.loads(PRESETS.read_text(encoding="utf-8"))


def default_template(program: Program) -> ReportTemplate:
    """An unsaved template for ``program`` with sensible defaults."""
    committee = program.committee_name or "Ban Chỉ đạo"
    office = program.standing_office.name if program.standing_office_id else ""
    chair = Member.objects.filter(program=program, committee_role__iexact="Trưởng Ban").first()
    addressees = [f"Các đồng chí thành viên {committee}."]
    if chair is not None:
        addressees.insert(0, f"Đồng chí {chair.full_name}, {chair.position}, Trưởng {committee},")
    values = {
        "document_format": DocumentFormat.PARTY,
        "parent_body": committee.upper(),
        "issuing_body": "CƠ QUAN THƯỜNG TRỰC",
        "symbol": "BC/CQTT",
        "title": "Tình hình triển khai thực hiện nhiệm vụ {resolution}\n"
        "trong {period} và nhiệm vụ trọng tâm {next_period}",
        "addressees": "\n".join(addressees),
        "opening": (
            f"Thực hiện nhiệm vụ được giao, trên cơ sở báo cáo của các cơ quan liên quan"
            f"{{reports_note}} và qua "
            f"theo dõi, nắm tình hình, {office or 'Cơ quan thường trực'} báo cáo kết quả triển "
            f"khai thực hiện nhiệm vụ {{resolution}} trong {{period}} và nhiệm vụ trọng tâm "
            f"{{next_period}}, cụ thể như sau:"
        ),
        "closing": "Trên đây là kết quả triển khai thực hiện {resolution} trong {period} và "
        "phương hướng triển khai trong {next_period}. Cơ quan thường trực kính báo cáo.",
        "recipients": "Như trên,\nLưu.",
        "signature_authority": f"T/L {committee.upper()}" if committee else "",
        "signature_title": "CHÁNH VĂN PHÒNG",
    }
    values.update({k: v for k, v in _presets().get(program.code, {}).items()})
    return ReportTemplate(program=program, headings=dict(DEFAULT_HEADINGS), **values)


def template_for(program: Program) -> ReportTemplate:
    """The program's saved template, else the defaults (unsaved)."""
    try:
        template = program.report_template
    except ReportTemplate.DoesNotExist:
        return default_template(program)
    template.headings = {**DEFAULT_HEADINGS, **(template.headings or {})}
    return template


def resolution_name(program: Program) -> str:
    """How the text names the program: ``57-NQ/TW`` when there is a resolution number."""
    return program.resolution or program.name

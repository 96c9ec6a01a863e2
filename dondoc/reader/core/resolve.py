"""Finding members and agencies in the text and resolving them through the register.

Matching is done on the folded text (``fold_same_length``), so "Bo Cong an", "BỘ CÔNG AN" and
"Bộ Công an" are one mention; offsets are offsets in the normalised text. A party committee's
name also matches the body it leads: "Đảng ủy Bộ Tài chính" is found as "Bộ Tài chính".
Collective agencies ("Các bộ, ngành, địa phương", "UBND các tỉnh, thành phố trực thuộc Trung
ương") are found by their phrases, with punctuation, "và" and the "UBND"/"trực thuộc Trung
ương" wrappers ignored; "các bộ, ngành liên quan" names some ministries and is no group.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from dondoc.reader.core.normalise import fold_same_length
from dondoc.reader.core.types import Register, RegisterAgency, RegisterGroup, RegisterMember

_COMMITTEE_PREFIXES = ("dang uy ", "ban can su dang ", "dang doan ")
#: Offices whose holder directs a bloc rather than one body: the bloc's party committee.
OFFICE_AGENCIES = {
    "thuong truc ban bi thu": "Đảng ủy các cơ quan Đảng Trung ương",
    "chu tich mat tran to quoc viet nam": "Đảng ủy Mặt trận Tổ quốc Việt Nam",
}
#: Bodies that issue or receive directives rather than lead tasks in them.
NOT_ASSIGNEES = ("ban chi dao", "bo chinh tri", "ban bi thu", "ban chap hanh trung uong")

_OFFICE_HEADS = (
    r"(?:pho\s+)?(?:thu tuong|truong ban|bo truong|chu tich|thuong truc|chanh van phong|"
    r"tong bi thu|bi thu|thong doc|tong kiem toan|tong thanh tra|chu nhiem|truong ban)"
)
#: "Đồng chí Bộ trưởng Bộ Công an, thành viên Ban Chỉ đạo": an office named after "đồng chí".
UNRESOLVED_OFFICE = re.compile(
    r"(?:dong chi|d/c)\s+("
    + _OFFICE_HEADS
    + r"(?:\s+(?!chi dao\b|chu tri\b|trinh\b|theo\b|va dong chi\b"
    r"|de nghi\b|yeu cau\b)[\w&-]+){0,9})"
)


#: "(Đồng chí) Trưởng Ban Chỉ đạo (Trung ương)": the committee's head by his committee office.
_CHAIR = re.compile(r"truong ban chi dao(?: trung uong)?(?![\w])")


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    kind: str  # "member" | "agency" | "group"
    id: int | None
    name: str  # canonical name (member's full name, agency's official name) or text
    via_office: bool = False
    agency: RegisterAgency | None = None
    member: RegisterMember | None = None
    group: RegisterGroup | None = None


_GROUP_WRAPPERS = re.compile(r"^(?:ubnd|uy ban nhan dan|dang uy|ban can su dang|ban thuong vu)\s+")
_PARTY_COMMITTEES = re.compile(r"(?<![\w])(?:tinh uy|dang uy)(?![\w])")
_GROUP_TAIL = re.compile(r"\s*\btruc thuoc (?:trung uong|tw)\b")


def group_key(text: str) -> str:
    """The form a collective phrase is compared under, as ``dondoc.orgs.groups.group_key``:
    "UBND các tỉnh, thành phố trực thuộc Trung ương" -> "cac tinh thanh pho"."""
    key = fold_same_length(re.sub(r"\s+", " ", text or "").strip())
    key = re.sub(r"[,.;:()\[\]\"“”'…/&-]+", " ", key)
    key = re.sub(r"\bva\b", " ", key)
    key = _GROUP_TAIL.sub(" ", re.sub(r"\s+", " ", key).strip())
    key = _GROUP_WRAPPERS.sub("", key.strip())
    if key and not key.startswith("cac "):
        key = f"cac {key}"
    return re.sub(r"\s+", " ", key).strip()


def _group_regex(keys: list[str]) -> re.Pattern | None:
    """Folded text naming one of the groups: "(ubnd) (các) tỉnh, thành phố (trực thuộc TW)"."""
    bodies = []
    for key in sorted(set(keys), key=len, reverse=True):
        words = key.split()[1:]  # without the leading "cac"
        if not words:
            continue
        joined = r"(?:\s*[,;]\s*(?:va\s+)?|\s+va\s+|\s+)".join(re.escape(w) for w in words)
        bodies.append(joined)
    if not bodies:
        return None
    return re.compile(
        r"(?<![\w])(?:(?:ubnd|uy ban nhan dan|dang uy|ban can su dang|ban thuong vu)\s+)?"
        r"(?:cac\s+)?(?:" + "|".join(bodies) + r")(?:\s+truc thuoc (?:trung uong|tw))?(?![\w])"
        r"(?!\s*,?\s*(?:co\s+)?lien quan)"
    )


#: Between two groups named side by side: a comma or "và", and the title of the second's
#: heads ("Bộ trưởng, Thủ trưởng các bộ, cơ quan ngang bộ, Chủ tịch Ủy ban nhân dân các tỉnh").
_GROUPS_JOIN = re.compile(
    r"\s*[,;]?\s*(?:va\s+)?(?:(?:chu tich|thu truong|giam doc|lanh dao|nguoi dung dau)\s+)?"
)


_PROVINCE = re.compile(r"^(tinh|thanh) uy (?:tp |thanh pho )?(.{3,})$")


def _province_keys(key: str) -> list[str]:
    """A province recorded as its Party committee ("Tỉnh ủy Quảng Ninh", "Thành ủy Hà Nội")
    is also what a document calls its People's Committee: "UBND tỉnh Quảng Ninh", "Ủy ban nhân
    dân thành phố Hà Nội"."""
    m = _PROVINCE.match(key)
    if m is None:
        return []
    places = [m.group(2)]
    if len(m.group(2).split()) >= 3:
        # "UBND TP HCM": a city of three words or more by its initials
        places.append("".join(w[0] for w in m.group(2).split()))
    kinds = ["tinh"] if m.group(1) == "tinh" else ["thanh pho", "tp"]
    # a city by its own name: "Thành phố Hồ Chí Minh"
    own = [f"{kind} {place}" for place in places for kind in kinds] if m.group(1) == "thanh" else []
    return own + [
        f"{head} {kind} {place}"
        for head in ("ubnd", "uy ban nhan dan", "hdnd", "hoi dong nhan dan")
        for kind in kinds
        for place in places
    ]


#: "Đề nghị các bộ gửi báo cáo …": the ministries named by "các bộ" alone (not "các bộ
#: trưởng", "các bộ liên quan", nor "các bộ, ngành", which is read as the group's phrase)
_THE_MINISTRIES = re.compile(
    r"(?<![\w])cac bo(?![\w])(?!\s*[,&]|\s+(?:truong|lien quan|nganh|co quan|chu quan|quan ly"
    r"|[a-z]+ (?:va|lien quan)\b)|\s+[a-z]+\s+[a-z]+\s+[a-z]+\s*,)"
)
#: the words a name's abbreviation leaves out of its initials ("Bộ KHCN": Khoa học và Công nghệ)
_NOT_INITIALLED = frozenset({"va", "&"})
#: words written short inside names: "Tổ giúp việc BCĐ TW", "Ban Tổ chức TW"
_SHORT_WORDS = (("ban chi dao", "bcd"), ("trung uong", "tw"))


def abbreviations(key: str) -> list[str]:
    """The short forms a folded name is written under in working notes and chats: "Bộ TC" and
    "Bộ KHCN" (a ministry by the initials of its field), "CQTT" and "VPCP" (a name of four words
    or more by its initials), "Ban Tổ chức TW", "Tổ giúp việc BCĐ TW"."""
    out: list[str] = []
    words = key.split()
    if not words:
        return out
    rest = [w for w in words[1:] if w not in _NOT_INITIALLED]
    if words[0] == "bo" and 2 <= len(rest) <= 6:
        out.append("bo " + "".join(w[0] for w in rest))
    letters = [w for w in words if w not in _NOT_INITIALLED]
    if 4 <= len(letters) <= 6 and all(w.isalpha() for w in letters):
        out.append("".join(w[0] for w in letters))
    short = key
    for long_form, short_form in _SHORT_WORDS:
        short = re.sub(rf"(?<![\w]){long_form}(?![\w])", short_form, short)
    if short != key:
        out.append(short)
    return out


def _valid(start: date | None, end: date | None, on: date | None) -> bool:
    if on is None:
        return True
    return (start is None or start <= on) and (end is None or on <= end)


def _trie_regex(keys: list[str]) -> str:
    """One regex for many literal keys, factored by common prefixes (a trie), so the engine
    tries one branch per character instead of every key at every position. Longer keys win
    where one is a prefix of another, as in a longest-first alternation."""
    trie: dict = {}
    for key in keys:
        node = trie
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in node.items() if ch != ""]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # where a key ends, the longer ones are optional (greedy, and given back when the
        # word goes on)
        return "(?:" + body + ")?" if ends else body

    return build(trie)


def _alternation(keys: list[str]) -> re.Pattern | None:
    keys = sorted({k for k in keys if len(k) >= 3}, key=len, reverse=True)
    if not keys:
        return None
    return re.compile(r"(?<![\w])(?:" + _trie_regex(keys) + r")(?![\w])")


def _space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


#: "(các) đảng ủy trực thuộc Trung ương" ("Các tỉnh ủy, thành ủy, đảng ủy trực thuộc Trung
#: ương"): the Party committees directly under the Central Committee, each a body of its own.
_UNDER_CENTRAL = re.compile(r"dang uy truc thuoc (?:trung uong|tw)(?![\w])")
CENTRAL_PARTY_COMMITTEES = (
    "Đảng ủy các cơ quan Đảng Trung ương",
    "Đảng ủy Chính phủ",
    "Đảng ủy Quốc hội",
    "Đảng ủy Mặt trận Tổ quốc Việt Nam, các đoàn thể Trung ương",
    "Quân ủy Trung ương",
    "Đảng ủy Công an Trung ương",
)


class Resolver:
    """The register prepared for one reading date."""

    def __init__(self, register: Register | None, on: date | None) -> None:
        register = register or Register()
        self.on = on
        self.agency_by_key: dict[str, RegisterAgency] = {}
        self.agencies = register.agencies
        self.register_members = register.members
        by_id = {a.id: a for a in register.agencies}
        shorts: dict[str, set] = {}
        short_of: dict[str, RegisterAgency] = {}
        for agency in register.agencies:
            for name in (agency.name, *agency.aliases):
                key = _space(fold_same_length(name))
                keys = [key]
                for prefix in _COMMITTEE_PREFIXES:
                    if key.startswith(prefix) and len(key) > len(prefix) + 3:
                        keys.append(key[len(prefix) :])
                keys += _province_keys(key)
                if "&" in key:
                    # "Bộ GD&ĐT" is written "Bộ GDĐT" as often
                    keys.append(key.replace("&", ""))
                for k in list(keys):
                    for short in abbreviations(k):
                        shorts.setdefault(short, set()).add(agency.id)
                        short_of.setdefault(short, agency)
                for k in keys:
                    current = self.agency_by_key.get(k)
                    if current is None or (
                        not _valid(current.valid_from, current.valid_to, on)
                        and _valid(agency.valid_from, agency.valid_to, on)
                    ):
                        self.agency_by_key[k] = agency
        for short, ids in shorts.items():
            # an abbreviation two agencies share names neither
            if len(ids) == 1 and short not in self.agency_by_key:
                self.agency_by_key[short] = short_of[short]
        self.successor = {
            a.id: by_id[a.successor_id]
            for a in register.agencies
            if a.successor_id is not None and a.successor_id in by_id
        }
        self.agency_pattern = _alternation(list(self.agency_by_key))
        self.member_by_key: dict[str, RegisterMember] = {}
        self.office_keys: set[str] = set()
        for member in register.members:
            if not _valid(member.valid_from, member.valid_to, on):
                continue
            self.member_by_key.setdefault(_space(fold_same_length(member.name)), member)
            for office, start, end in member.offices:
                if _valid(start, end, on):
                    key = _space(fold_same_length(office))
                    self.member_by_key.setdefault(key, member)
                    self.office_keys.add(key)
        self._given_names(register.members, on)
        self.member_pattern = _alternation(list(self.member_by_key))
        # "Đồng chí Trưởng Ban Chỉ đạo": the committee's head, when the register has one
        heads = [
            m
            for m in register.members
            if _valid(m.valid_from, m.valid_to, on)
            and _space(fold_same_length(m.committee_role.lower())) == "truong ban"
        ]
        self.chair = heads[0] if len(heads) == 1 else None
        self.group_by_key: dict[str, RegisterGroup] = {}
        for group in register.groups:
            for phrase in (group.name, *group.phrases):
                self.group_by_key.setdefault(group_key(phrase), group)
        self.group_pattern = _group_regex(list(self.group_by_key))
        ministries = self.group("Các bộ, ngành")
        provinces = self.group("Các tỉnh, thành phố")
        self.all_group = self.group("Các bộ, ngành, địa phương")
        self.split_groups = {g.name for g in (ministries, provinces) if g is not None}
        if len(self.split_groups) < 2:
            self.all_group = None

    def _given_names(self, members: list[RegisterMember], on: date | None) -> None:
        """ "anh Hùng", "chị Lan": a member called by the given name alone, as colleagues do in
        a chat, when no other member on the date has that given name."""
        by_given: dict[str, list[RegisterMember]] = {}
        for member in members:
            words = _space(fold_same_length(member.name)).split()
            if len(words) >= 2 and _valid(member.valid_from, member.valid_to, on):
                by_given.setdefault(words[-1], []).append(member)
        for given, holders in by_given.items():
            if len(holders) == 1:
                for title in ("anh", "chi"):
                    self.member_by_key.setdefault(f"{title} {given}", holders[0])

    def _merge_groups(self, groups: list[Mention], folded: str) -> list[Mention]:
        """ "Các bộ, cơ quan ngang bộ, …, Ủy ban nhân dân các tỉnh, thành phố": the ministries
        and the provinces named side by side are the group of both."""
        out: list[Mention] = []
        for m in groups:
            last = out[-1] if out else None
            if (
                last is not None
                and {last.name, m.name} == self.split_groups
                and _GROUPS_JOIN.fullmatch(folded, last.end, m.start)
                # "Các tỉnh ủy, thành ủy và đảng ủy các bộ, ngành": Party committees of both
                # kinds, named as two groups, not the government's "bộ, ngành, địa phương"
                and not _PARTY_COMMITTEES.search(folded, last.start, m.end)
            ):
                g = self.all_group
                out[-1] = Mention(last.start, m.end, "group", g.id, g.name, group=g)
                continue
            out.append(m)
        return out

    def group(self, name: str) -> RegisterGroup | None:
        """The collective agency a phrase names, or None."""
        return self.group_by_key.get(group_key(name))

    def agency(self, folded_name: str) -> RegisterAgency | None:
        """The agency a folded name designates on the reading's date (its successor if gone)."""
        agency = self.agency_by_key.get(_space(folded_name))
        if agency is None:
            return None
        seen = 0
        while not _valid(agency.valid_from, agency.valid_to, self.on) and seen < 5:
            successor = self.successor.get(agency.id)
            if successor is None or (self.on and agency.valid_from and self.on < agency.valid_from):
                break
            agency, seen = successor, seen + 1
        return agency

    def mentions(self, folded: str) -> list[Mention]:
        """Members (by name or office) and agencies mentioned in the folded text, in order,
        without overlaps (a member's office wins over the agency inside it)."""
        found: list[Mention] = []
        taken = bytearray(len(folded) + 1)  # 1 where a mention already is
        if self.member_pattern is not None:
            for m in self.member_pattern.finditer(folded):
                key = m.group(0)
                before = folded[max(0, m.start() - 4) : m.start()]
                if key in self.office_keys and (before.endswith("pho ") or before.endswith("thu ")):
                    continue
                member = self.member_by_key[key]
                found.append(
                    Mention(
                        m.start(),
                        m.end(),
                        "member",
                        member.id,
                        member.name,
                        via_office=key in self.office_keys,
                        member=member,
                    )
                )
                taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
        for m in UNRESOLVED_OFFICE.finditer(folded):
            start, end = m.span(1)
            text = folded[start:end].rstrip(" ,")
            end = start + len(text)
            if 1 in taken[start:end]:
                continue
            chair = self.chair if _CHAIR.match(folded, start) else None
            if chair is not None:
                end = start + len(_CHAIR.match(folded, start).group(0))
                found.append(
                    Mention(start, end, "member", chair.id, chair.name, True, member=chair)
                )
            else:
                found.append(Mention(start, end, "member", None, "", via_office=True))
            taken[start:end] = b"\x01" * (end - start)
        for m in _UNDER_CENTRAL.finditer(folded):  # a literal opens it: a fast scan
            start = m.start() - 4 if folded.endswith(" cac ", 0, m.start()) else m.start()
            if 1 in taken[start : m.end()] or folded[start - 1 : start].isalnum():
                continue
            for agency in self._central_committees():
                found.append(
                    Mention(start, m.end(), "agency", agency.id, agency.name, agency=agency)
                )
            taken[start : m.end()] = b"\x01" * (m.end() - start)
        if self.group_pattern is not None:
            for m in self.group_pattern.finditer(folded):
                if 1 in taken[m.start() : m.end()]:
                    continue
                group = self.group(m.group(0))
                if group is None:
                    continue
                found.append(
                    Mention(m.start(), m.end(), "group", group.id, group.name, group=group)
                )
                taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
        ministries = self.group("Các bộ, ngành") if "cac bo " in folded else None
        for m in _THE_MINISTRIES.finditer(folded) if ministries is not None else ():
            if 1 in taken[m.start() : m.end()]:
                continue
            found.append(
                Mention(
                    m.start(), m.end(), "group", ministries.id, ministries.name, group=ministries
                )
            )
            taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
        groups = [x for x in found if x.kind == "group"]
        if len(groups) >= 2 and self.all_group is not None:
            found = [x for x in found if x.kind != "group"] + self._merge_groups(groups, folded)
        if self.agency_pattern is not None:
            for m in self.agency_pattern.finditer(folded):
                if 1 in taken[m.start() : m.end()]:
                    continue
                agency = self.agency(m.group(0))
                if agency is None:
                    continue
                found.append(
                    Mention(m.start(), m.end(), "agency", agency.id, agency.name, agency=agency)
                )
        found.sort(key=lambda x: x.start)
        return found

    def _central_committees(self) -> list[RegisterAgency]:
        out = []
        for name in CENTRAL_PARTY_COMMITTEES:
            agency = self.agency(_space(fold_same_length(name)))
            if agency is not None and agency not in out:
                out.append(agency)
        return out

    def office_agency(self, folded_office: str) -> RegisterAgency | None:
        """The agency an office implies: "bo truong bo cong an" -> Bộ Công an's committee."""
        for key, name in OFFICE_AGENCIES.items():
            if key in folded_office:
                return self.agency(fold_same_length(name))
        if self.agency_pattern is None:
            return None
        for m in self.agency_pattern.finditer(folded_office):
            agency = self.agency(m.group(0))
            if agency is not None:
                return agency
        return None

    def office_agencies(self, folded_office: str) -> list[RegisterAgency]:
        """All agencies an office text implies ("Thường trực Ban Bí thư, Chủ tịch Mặt trận
        Tổ quốc Việt Nam" implies two)."""
        found: list[RegisterAgency] = []
        for key, name in OFFICE_AGENCIES.items():
            if key in folded_office:
                agency = self.agency(fold_same_length(name))
                if agency and agency not in found:
                    found.append(agency)
        if found or self.agency_pattern is None:
            return found
        for m in self.agency_pattern.finditer(folded_office):
            agency = self.agency(m.group(0))
            if agency is not None and agency not in found:
                found.append(agency)
        return found

    def members_leading(self, agency: RegisterAgency) -> list[RegisterMember]:
        """Members whose agency is ``agency``: "Ban cán sự đảng Chính phủ chỉ đạo" is the
        Prime Minister's charge."""
        return [m for m in self.member_by_key.values() if m.agency_id == agency.id][:1]

    def member_agency(self, member: RegisterMember) -> RegisterAgency | None:
        if member.agency_id is None:
            return None
        for agency in self.agencies:
            if agency.id == member.agency_id:
                return agency
        return None


def is_not_assignee(folded_name: str) -> bool:
    return any(folded_name.startswith(n) for n in NOT_ASSIGNEES)

"""A document's tracked changes and comments read as if accepted (chấp nhận các thay đổi).

A Word file sent with its changes never accepted, converted to text with the changes shown,
carries them as markup: pandoc writes an insertion ``[text]{.insertion author=… date=…}``, a
deletion ``[text]{.deletion …}``, a comment ``[note]{.comment-start id=… …}anchor[]{.comment-end
id=…}`` (also ``.paragraph-insertion`` / ``.paragraph-deletion``), each span's text wrapped over
lines like the rest; CriticMarkup writes ``{++ inserted ++}``, ``{-- deleted --}``, ``{~~ old ~>
new ~~}``, ``{>> comment <<}`` and ``{== highlighted ==}``. ``accepted_changes(lines)`` reads
the text as the author would after accepting every change: inserted text kept, deleted text and
comments (notes and markers) dropped, so a deleted item is gone, an inserted one is read and a
list renumbered by changes ("[5]{.deletion}[4]{.insertion}\\.") keeps its new numbers; an
item's number left alone on its line by the changes goes on with the line after it.

``pandoc_marks(lines)`` takes off what pandoc's Markdown adds to a Word text: the escapes
before a list number's stop or a leading dash ("1\\.", "\\-", "\\*") and the ``**bold**`` and
``*italic*`` marks.
"""

from __future__ import annotations

import re

__all__ = ["accepted_changes", "has_changes", "has_pandoc_marks", "pandoc_marks"]

_PANDOC_SPAN = re.compile(
    r"\[([^\[\]]*)\]\{\.(insertion|deletion|paragraph-insertion|paragraph-deletion"
    r"|comment-start|comment-end)\b[^{}\n]*\}"
)
_CRITIC = re.compile(
    r"\{\+\+(?P<ins>.*?)\+\+\}|\{--(?P<del>.*?)--\}|\{~~(?P<old>.*?)~>(?P<new>.*?)~~\}"
    r"|\{>>(?P<note>.*?)<<\}|\{==(?P<mark>.*?)==\}",
    re.S,
)
_ANY = re.compile(r"\]\{\.(?:insertion|deletion|comment-start)\b|\{\+\+|\{--|\{~~|\{>>")
_KEEP = {"insertion", "paragraph-insertion"}
#: an item's number alone on its line ("4.", "4\\.", "IV."), its text on the next line
_LONE_NUMBER = re.compile(r"^\s*(?:\d{1,3}(?:\\?\.\d{1,3})*|[IVX]{1,5})\\?\.\s*$")


def has_changes(text: str) -> bool:
    return _ANY.search(text) is not None


def _kept(m: re.Match) -> str:
    if m.re is _PANDOC_SPAN:
        return m.group(1) if m.group(2) in _KEEP else ""
    if m.group("ins") is not None:
        return m.group("ins")
    if m.group("new") is not None:
        return m.group("new")
    if m.group("mark") is not None:
        return m.group("mark")
    return ""


def _rewrite(raw_lines: list[tuple[str, int]], pattern: re.Pattern) -> list[tuple[str, int]]:
    """``raw_lines`` with each match of ``pattern`` replaced by its kept text, the lines cut
    again where the kept text has its line breaks; each line starts at its first character's
    place in the original."""
    text = "\n".join(line for line, _ in raw_lines)
    origin: list[int] = []
    for line, start in raw_lines:
        origin.extend(range(start, start + len(line) + 1))
    chars: list[str] = []
    places: list[int] = []
    at = 0
    for m in pattern.finditer(text):
        chars.append(text[at : m.start()])
        places.extend(origin[at : m.start()])
        kept = _kept(m)
        if kept:
            # the kept text starts inside the match: after its opening mark
            first = m.start() + m.group(0).find(kept)
            chars.append(kept)
            places.extend(origin[first : first + len(kept)])
        at = m.end()
    chars.append(text[at:])
    places.extend(origin[at:])
    joined = "".join(chars)
    out: list[tuple[str, int]] = []
    position = 0
    for line in joined.split("\n"):
        start = places[position] if position < len(places) else (places[-1] if places else 0)
        out.append((line, start))
        position += len(line) + 1
    return out


def _join_lone_numbers(raw_lines: list[tuple[str, int]]) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    n = 0
    while n < len(raw_lines):
        line, start = raw_lines[n]
        if (
            _LONE_NUMBER.match(line)
            and n + 1 < len(raw_lines)
            and raw_lines[n + 1][0].strip()
            and raw_lines[n + 1][0] != "\f"
        ):
            out.append((f"{line.rstrip()} {raw_lines[n + 1][0].lstrip()}", start))
            n += 2
            continue
        out.append((line, start))
        n += 1
    return out


def accepted_changes(raw_lines: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The lines as if every tracked change were accepted and the comments removed."""
    text = "\n".join(line for line, _ in raw_lines)
    changed = False
    if "]{." in text:
        raw_lines = _rewrite(raw_lines, _PANDOC_SPAN)
        changed = True
    if "{" in text and _CRITIC.search(text):
        raw_lines = _rewrite(raw_lines, _CRITIC)
        changed = True
    return _join_lone_numbers(raw_lines) if changed else raw_lines


#: pandoc's escapes: "1\\.", "\\-", "\\*", "\\[", "\\("
_ESCAPE = re.compile(r"\\([.\-*\[\]()#_`>+!])")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])")
_LOOSE_MARK = re.compile(r"^(\s*)\*{1,2}(?=[^\s*])|(?<=[^\s*])\*{1,2}(?=[.,;:]?\s*$)")
_ENUM_START = re.compile(r"^\s*(?:\d{1,3}(?:\\?\.\d{1,3})*\\?[.)]\s|\\?[-–•+*]\s)")
_PANDOC_SIGN = re.compile(r"(?m)^\s*\d{1,3}\\\.(?:\s|$)|^\s*\\-\s")


def has_pandoc_marks(text: str) -> bool:
    return _PANDOC_SIGN.search(text) is not None


_RULE = re.compile(r"^\s*-{10,}\s*$")
_CELL = re.compile(r"\S+(?: \S+)*")


def _paragraphs(raw_lines: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Markdown's paragraphs on one line each: a line break inside a paragraph is the
    converter's wrapping. A simple table (between rules of dashes) keeps its rows, a cell
    wrapped onto a line of its own going on with the row above."""
    out: list[tuple[str, int]] = []
    in_table = False
    previous_blank = True
    for n, (line, start) in enumerate(raw_lines):
        if _RULE.match(line):
            after = raw_lines[n + 1][0] if n + 1 < len(raw_lines) else ""
            # a rule between blank lines is a horizontal line, not a table's edge
            if not (previous_blank and not after.strip()):
                in_table = not in_table
            out.append((line, start))
            previous_blank = True
            continue
        if not line.strip() or line == "\f":
            out.append((line, start))
            previous_blank = True
            continue
        if in_table:
            cells = list(_CELL.finditer(line))
            if len(cells) == 1 and out and not previous_blank:
                above = [m.start() for m in _CELL.finditer(out[-1][0])]
                if above and cells[0].start() == above[-1] and len(above) > 1:
                    out[-1] = (f"{out[-1][0]} {cells[0].group(0)}", out[-1][1])
                    continue
            out.append((line, start))
        elif not previous_blank and not _ENUM_START.match(line):
            out[-1] = (f"{out[-1][0]} {line.strip()}", out[-1][1])
        else:
            out.append((line, start))
        previous_blank = False
    return out


def pandoc_marks(raw_lines: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The lines without pandoc's escapes and emphasis marks, a paragraph on one line."""
    out = []
    for line, start in _paragraphs(raw_lines):
        if "\\" in line:
            line = _ESCAPE.sub(r"\1", line)
        if "*" in line:
            line = _ITALIC.sub(r"\1", _BOLD.sub(r"\1", line))
            # a mark opening or closing a span wrapped over lines
            line = _LOOSE_MARK.sub("", line)
        out.append((line, start))
    return out

"""The reader's pure core: no Django, no database, no network.

Public API::

    read_directive(text, *, register=None) -> Reading
    read_file(data, filename) -> str
"""

from dondoc.reader.core.extract import read_file
from dondoc.reader.core.reading import read_directive
from dondoc.reader.core.types import (
    Field,
    Header,
    Part,
    Proposal,
    Reading,
    Register,
    RegisterAgency,
    RegisterGroup,
    RegisterMember,
    Span,
)

__all__ = [
    "Field",
    "Header",
    "Part",
    "Proposal",
    "Reading",
    "Register",
    "RegisterAgency",
    "RegisterGroup",
    "RegisterMember",
    "Span",
    "read_directive",
    "read_file",
]

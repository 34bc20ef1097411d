"""Text from documents and users placed into Markdown shown by the app.

Example:
    >>> escape_markdown("[click](javascript:x) *bold* <b>")
    '\\\\[click\\\\]\\\\(javascript:x\\\\) \\\\*bold\\\\* \\\\<b\\\\>'
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_<>\[\]()#|!~{}+=-])")


def escape_markdown(text: str) -> str:
    """Backslash-escape everything Markdown (or embedded HTML) could act on, on one line."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))

"""What the reference tests look for in built HTML."""

from __future__ import annotations

import re

#: Elements whose text is not prose: ids there are code, links already, or the page's title.
NOT_PROSE = re.compile(r"<(script|style|pre|code|a|svg|title|textarea)\b.*?</\1\s*>", re.S | re.I)
IDS = re.compile(r"\b(E\d{3}|C\d{2})\b")


def bare_ids(html: str, own: str = "") -> list[str]:
    """Event and claim-check ids left as plain text in a page (``own``: the page's own id,
    which its entry names in its heading without linking to itself)."""
    text = re.sub(r"<[^>]+>", " ", NOT_PROSE.sub(" ", html))
    return [i for i in IDS.findall(text) if i != own]

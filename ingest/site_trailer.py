"""The trailer a legal-document web site prints after the document: no part of the document.

A page saved from such a site goes on after the document's last line: the site's link to the document itself (its
title again), a notice that no English text exists, a list of related documents with their dates and status
("Ban hành:", "Hiệu lực:", "Cập nhật:"), then account and privacy notices. Read as the document, that list gave
every page citations of documents it never cites (the site's privacy notice cites Nghị định 13/2023/NĐ-CP on
every page) and, under the last open heading, tasks made of dates and labels. The normaliser drops the trailer
like a page number: from the site's link before its first notice line to the end.
"""

from __future__ import annotations

import re

from ingest.text_tables import Edit

# Lines that open a site's trailer, each a whole line ("## Văn bản liên quan" once the Markdown mark is read).
_TRAILER_LINE = re.compile(
    r"^[ \t]*(?:#{1,6}[ \t]*)?(?:Văn bản này chưa cập nhật nội dung Tiếng Anh|Văn bản liên quan)[ \t]*$", re.MULTILINE
)
_LINK_LINE = re.compile(r"[^\W\d_][^\t|]*")  # the site's link to the document: a line of words, not a table's cell


def trailer_edits(text: str) -> list[Edit]:
    """One edit dropping the site's trailer (with the link line just before its first notice), or none."""
    found = _TRAILER_LINE.search(text) if "Văn bản" in text else None  # the pattern has no fast start: a cheap test
    if found is None:
        return []
    start = found.start()
    before = text[:start].rstrip("\n")
    link_at = before.rfind("\n") + 1
    if _LINK_LINE.fullmatch(before[link_at:].strip()):
        start = link_at
    return [(start, len(text), "")]

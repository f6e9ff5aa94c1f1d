"""Zip containers (.docx, .odt) checked before any reader opens them: a zip bomb or an XML entity payload is
refused with one line instead of exhausting memory.

A zip entry's declared uncompressed size bounds what `zipfile` ever inflates (it stops there and checks the
CRC), so the declared sizes are what the limits weigh: the total, the entry count, and the ratio of an
entry's size to its compressed size. Word and OpenDocument XML never carries a DTD, so a part declaring one
(`<!DOCTYPE`, `<!ENTITY`: entity expansion, external entities) is refused before lxml sees it — the check
defusedxml makes, done on the raw bytes.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

_XML_SUFFIXES = (".xml", ".rels")
_PROLOG_BYTES = 4096  # a DTD sits in the prolog, before the root element
_DTD = (b"<!DOCTYPE", b"<!ENTITY")
_SMALL_ENTRY = 1_000_000  # below this, an entry's ratio is not weighed (tiny XML parts compress very well)


@dataclass(frozen=True, slots=True)
class ContainerLimits:
    """How much a container may unpack to (`search_api.settings.Settings` holds the values in force)."""

    max_unpacked_bytes: int = 200_000_000
    max_ratio: float = 200.0
    max_entries: int = 10_000


DEFAULT_LIMITS = ContainerLimits()


class ContainerError(ValueError):
    """Why a container is refused; one line for the user."""


def check_container(path: Path, limits: ContainerLimits) -> None:
    """Raise `ContainerError` unless `path` is a zip within `limits` whose XML parts declare no DTD."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            if len(entries) > limits.max_entries:
                raise ContainerError(f"zip container with {len(entries):,} entries (limit {limits.max_entries:,})")
            total = sum(e.file_size for e in entries)
            if total > limits.max_unpacked_bytes:
                raise ContainerError(
                    f"unpacks to {total / 1e6:,.0f} MB (limit {limits.max_unpacked_bytes / 1e6:,.0f} MB): a zip bomb?"
                )
            for entry in entries:
                ratio = entry.file_size / max(entry.compress_size, 1)
                if entry.file_size > _SMALL_ENTRY and ratio > limits.max_ratio:
                    name = entry.filename[:80]
                    raise ContainerError(f"entry {name} compressed {ratio:,.0f}:1 (limit {limits.max_ratio:g}:1)")
                if entry.filename.lower().endswith(_XML_SUFFIXES):
                    with archive.open(entry) as part:
                        prolog = part.read(_PROLOG_BYTES)
                    if any(marker in prolog for marker in _DTD):
                        raise ContainerError(f"XML part {entry.filename[:80]} declares a DTD (entities are refused)")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, NotImplementedError) as err:
        reason = (str(err).strip() or type(err).__name__).splitlines()[0][:200]
        raise ContainerError(f"corrupt zip container: {reason}") from None

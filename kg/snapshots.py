"""The folder a read-only Oxigraph handle opens: hard links to the store's files as they were at that moment.

A read-only RocksDB opens 16 of its table files when it opens and the others when a query first reads them. By then
a writer's compaction may have deleted them, and Oxigraph takes that error in some query shapes (a GRAPH ?g pattern)
again and again, allocating until the process dies. Linked into a folder of the reader's own, every file its
snapshot names stays until the handle is released (table files are never changed in place). The manifest, which the
writer appends to, is copied instead, and only when it did not change while the files were linked: a compaction
finishing in between could have deleted a file it names.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from pathlib import Path

READERS = "graph.readers"  # beside the store's folder: one folder per open read-only handle, named <pid>-…
_NOT_LINKED = ("LOCK", "CURRENT")  # the writer's lock; CURRENT is written anew, naming the copied manifest
_NO_LINKS = {errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP}


class StoreChanged(OSError):
    """The store's manifest changed while its files were linked: try again."""


def owner_alive(name: str) -> bool:
    """Whether the process a `<pid>-…` name was made by still runs (a folder of a killed process is left over)."""
    pid = name.split("-", 1)[0]
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def linked_snapshot(location: Path) -> Path | None:
    """A new folder holding the store at `location` as it is now (see the module docstring); None where the file
    system has no hard links (the reader then opens `location` itself). Raises StoreChanged, or FileNotFoundError
    when a file went while it was linked: the caller tries again."""
    readers = location.parent / READERS
    readers.mkdir(exist_ok=True)
    for stale in readers.iterdir():
        if not owner_alive(stale.name):
            shutil.rmtree(stale, ignore_errors=True)
    folder = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=readers))
    try:
        manifest = (location / "CURRENT").read_text(encoding="ascii").strip()
        size = (location / manifest).stat().st_size
        for entry in os.scandir(location):
            if entry.name.startswith(("MANIFEST-", "LOG")) or entry.name in _NOT_LINKED or not entry.is_file():
                continue  # a reader's own info log is written in its folder
            os.link(entry.path, folder / entry.name)
        with (location / manifest).open("rb") as source:
            (folder / manifest).write_bytes(source.read(size))
        (folder / "CURRENT").write_text(f"{manifest}\n", encoding="ascii")
        if (location / "CURRENT").read_text(encoding="ascii").strip() != manifest or (
            (location / manifest).stat().st_size != size
        ):
            raise StoreChanged(f"{location} changed while a reader's snapshot of it was made")
    except OSError as err:
        shutil.rmtree(folder, ignore_errors=True)
        if err.errno in _NO_LINKS:
            return None
        raise
    return folder

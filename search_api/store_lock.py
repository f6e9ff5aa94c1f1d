"""One writer at a time for a data directory: the graph and the index are written under one lock.

The lock is `fcntl.flock` on `home/.writer.lock`, held for a whole ingest (graph, then index, then the
reconciliation), so a second `cchc ingest` or an upload cannot interleave its writes with another's: it
waits (`--wait`) or stops with "store is busy, written by PID …". The kernel drops the lock when its
process dies, so a crashed writer never leaves the store locked. Within one process the lock is
re-entrant per thread (an upload holds it around `ingest_into`, which takes it again).
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.store import StoreError

LOCK_FILE = ".writer.lock"
_POLL_S = 0.05


class StoreBusy(StoreError):
    """Another process (or thread) is writing the data directory."""


class _Held:
    def __init__(self) -> None:
        self.guard = threading.RLock()  # threads of one process queue here, before the file lock
        self.depth = 0
        self.fd: int | None = None


_HELD: dict[Path, _Held] = {}
_HELD_LOCK = threading.Lock()


def _holder(home: Path) -> _Held:
    with _HELD_LOCK:
        return _HELD.setdefault(home, _Held())


def _owner(path: Path) -> str:
    try:
        owner = path.read_text(encoding="utf-8").strip()
    except OSError:
        owner = ""
    return owner or "another process"


@contextmanager
def writing(home: Path, *, wait: float | None = 0.0) -> Iterator[None]:
    """Hold the data directory's writer lock for the block.

    `wait`: seconds to wait for another writer (None: as long as it takes); past it, `StoreBusy`.
    """
    home.mkdir(parents=True, exist_ok=True)
    held = _holder(home.resolve())
    deadline = None if wait is None else time.monotonic() + wait
    if not held.guard.acquire(timeout=-1 if wait is None else max(wait, 0.0)):
        raise StoreBusy(f"store is busy, written by {_owner(home / LOCK_FILE)} (another request of this process)")
    try:
        if held.depth == 0:
            held.fd = _lock_file(home / LOCK_FILE, deadline)
        held.depth += 1
        try:
            yield
        finally:
            held.depth -= 1
            if held.depth == 0 and held.fd is not None:
                os.ftruncate(held.fd, 0)
                os.close(held.fd)  # closing releases the flock
                held.fd = None
    finally:
        held.guard.release()


def _lock_file(path: Path, deadline: float | None) -> int:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | (0 if deadline is None else fcntl.LOCK_NB))
                break
            except BlockingIOError:
                if deadline is not None and time.monotonic() >= deadline:
                    raise StoreBusy(f"store is busy, written by {_owner(path)}; try again or use --wait") from None
                time.sleep(_POLL_S)
        os.ftruncate(fd, 0)
        os.write(fd, f"PID {os.getpid()}\n".encode())
        return fd
    except BaseException:
        os.close(fd)
        raise

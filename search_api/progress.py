"""Progress of a long ingest: a bar on a terminal, otherwise a log line every few seconds, both with rate and ETA.

A corpus of 64,768 articles runs for hours; whoever started it (or reads its log) wants to know how far it is and
when it ends, whether or not stderr is a terminal.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

from tqdm import tqdm


def eta(seconds: float) -> str:
    """H:MM:SS."""
    s = int(max(seconds, 0))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


class Reporter:
    """Counts documents done out of `total`; draws a bar on a terminal, else writes a line every `every` seconds
    (and one at the end)."""

    def __init__(
        self,
        total: int,
        *,
        stream: TextIO | None = None,
        every: float = 10.0,
        bar: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream or sys.stderr
        self.total = total
        self.done = 0
        self.skipped = 0  # already stored (a resumed run): passed over at once, so not part of the rate
        self.every = every
        self.clock = clock
        self.started = self.last = clock()
        show = self.stream.isatty() if bar is None else bar
        self.bar = tqdm(total=total, unit="doc", desc="ingest", file=self.stream) if show else None

    def advance(self, count: int = 1, *, skipped: bool = False) -> None:
        self.done += count
        if skipped:
            self.skipped += count
        if self.bar is not None:
            self.bar.update(count)
            return
        now = self.clock()
        if now - self.last >= self.every:
            self.last = now
            self.stream.write(self.line(now) + "\n")
            self.stream.flush()

    def line(self, now: float | None = None) -> str:
        elapsed = (now if now is not None else self.clock()) - self.started
        rate = (self.done - self.skipped) / elapsed if elapsed > 0 else 0.0
        left = f"ETA {eta((self.total - self.done) / rate)}" if rate > 0 and self.total >= self.done else "ETA ?"
        stored = f" ({self.skipped:,} already stored)" if self.skipped else ""
        return f"ingest: {self.done:,}/{self.total:,} documents{stored}, {rate:.1f}/s, {eta(elapsed)} elapsed, {left}"

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        else:
            self.stream.write(self.line() + "\n")
            self.stream.flush()

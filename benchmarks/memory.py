"""Resident memory of a process, the figure every benchmark reports (Linux `/proc`)."""

from __future__ import annotations

from pathlib import Path


def rss_mb(pid: int | None = None) -> float:
    """VmRSS of `pid` (this process by default) in MB; NaN when the process is gone."""
    try:
        status = Path(f"/proc/{pid if pid is not None else 'self'}/status").read_text()
    except OSError:
        return float("nan")
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")

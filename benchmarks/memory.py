"""Resident memory of a process, the figure every benchmark reports (Linux `/proc`)."""

from __future__ import annotations

from pathlib import Path


def rss_mb(pid: int | None = None, field: str = "VmRSS") -> float:
    """VmRSS of `pid` (this process by default) in MB, or another line of its status (RssAnon: its own memory,
    RssFile: pages of files it maps, the OS's shared cache); NaN when the process is gone."""
    try:
        status = Path(f"/proc/{pid if pid is not None else 'self'}/status").read_text()
    except OSError:
        return float("nan")
    for line in status.splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")

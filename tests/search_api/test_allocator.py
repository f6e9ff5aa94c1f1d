"""The server's allocator settings: large blocks freed go back to the system, whatever was freed before."""

from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path

import pytest

from search_api import app
from search_api.allocator import tune_allocator
from search_api.settings import Settings
from tests.helpers import REPO

# A 24 MB block freed (glibc then raises its mmap threshold to 24 MB), then ten 16 MB blocks, each followed by a
# small one that stays, are freed: the MB the process keeps of them.
_SCENARIO = """
import sys

from search_api.allocator import tune_allocator

if sys.argv[1] == "tuned":
    assert tune_allocator()

def rss_mb():
    status = open("/proc/self/status").read()
    return int(next(line for line in status.splitlines() if line.startswith("VmRSS:")).split()[1]) / 1024

big = b"x" * (24 << 20)
del big
kept, blocks = [], []
before = rss_mb()
for _ in range(10):
    blocks.append(b"x" * (16 << 20))
    kept.append(bytearray(1000))
del blocks
print(rss_mb() - before)
"""


def _kept_mb(*args: str) -> float:
    run = subprocess.run(
        [sys.executable, "-c", _SCENARIO, *args], cwd=REPO, capture_output=True, text=True, check=True, timeout=120
    )
    return float(run.stdout)


def test_large_blocks_freed_are_returned_to_the_system() -> None:
    assert _kept_mb("plain") > 100  # glibc's own policy keeps them: most of the server's growth under uploads
    assert _kept_mb("tuned") < 20


# 200 MB in 2 KB blocks, one in 64 kept: the pages between them are free, yet stay in the process.
_SMALL_BLOCKS = """
import sys
from search_api.allocator import release_free_memory, tune_allocator

def rss_mb():
    status = open("/proc/self/status").read()
    return int(next(line for line in status.splitlines() if line.startswith("VmRSS:")).split()[1]) / 1024

tune_allocator()
before = rss_mb()
blocks = [b"x" * 2000 + bytes([i % 256]) for i in range(100_000)]
kept = blocks[::64]
del blocks
if sys.argv[1] == "release":
    assert release_free_memory()
print(rss_mb() - before)
"""


def test_free_memory_between_live_blocks_is_released_on_request() -> None:
    def kept_mb(mode: str) -> float:
        run = subprocess.run(
            [sys.executable, "-c", _SMALL_BLOCKS, mode], cwd=REPO, capture_output=True, text=True, check=True
        )
        return float(run.stdout)

    assert kept_mb("keep") > 150
    assert kept_mb("release") < 30


def test_the_app_tunes_the_allocator(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def tune() -> bool:
        calls.append("tuned")
        return True

    monkeypatch.setattr(app, "tune_allocator", tune)
    app.create_app(Settings(home=tmp_path))
    assert calls == ["tuned"]


def test_the_allocator_is_tuned_on_glibc_only() -> None:
    assert tune_allocator() == (sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc")

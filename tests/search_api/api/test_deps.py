"""What routes depend on: the stamp that tells a store changed on disk."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from search_api.api import deps
from search_api.api.deps import directory_stamp


def test_a_file_deleted_while_listed_is_left_out_not_taken_for_no_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The soak run (issue 12): a compaction deleting a file mid-listing had made /works answer 503 "no store"."""
    (tmp_path / "kept.sst").write_bytes(b"x")
    (tmp_path / "gone.sst").write_bytes(b"y")
    real = os.scandir

    class Vanishing:
        def __init__(self, entry: os.DirEntry[str]) -> None:
            self.entry, self.name = entry, entry.name

        def is_file(self) -> bool:
            return self.entry.is_file()

        def stat(self) -> os.stat_result:
            if self.name == "gone.sst":
                raise FileNotFoundError(self.name)
            return self.entry.stat()

    class Listing:
        def __init__(self, path: Any) -> None:
            self.inner = real(path)

        def __enter__(self) -> list[Vanishing]:
            return [Vanishing(e) for e in self.inner]

        def __exit__(self, *_: object) -> None:
            self.inner.close()

    monkeypatch.setattr(deps.os, "scandir", Listing)
    stamp = directory_stamp(tmp_path)
    assert stamp is not None and [name for name, _, _ in stamp] == ["kept.sst"]
    assert directory_stamp(tmp_path / "missing") is None

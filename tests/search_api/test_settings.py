"""Every setting is documented (as datasette checks its settings): each `Settings` field has a description and
a row in the README's settings table with its environment variable and default, and the table lists nothing
else. The environment reaches the settings, and a flag's value (`--store`) wins over it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from kg.settings import StoreSettings
from search_api.settings import Settings
from tests.helpers import REPO

_ROW = re.compile(r"^\| `(CCHC_[A-Z0-9_]+)` \| (.+?) \| (.+?) \|$")


def _documented() -> dict[str, tuple[str, str]]:
    """Environment variable → (default, meaning) from the README's "Settings" table."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    return {m[1]: (m[2], m[3]) for line in section.splitlines() if (m := _ROW.match(line))}


def _shown(default: Any) -> str:
    """A default as the table writes it: `–` for none, whole numbers without `.0`, in backquotes."""
    if default is None:
        return "–"
    if isinstance(default, float) and default.is_integer():
        default = int(default)
    return f"`{default}`"


def test_every_setting_is_documented_and_only_those() -> None:
    documented = _documented()
    fields = {f"CCHC_{name.upper()}": field for name, field in Settings.model_fields.items()}
    assert set(documented) == set(fields)
    for variable, field in fields.items():
        default, meaning = documented[variable]
        assert default == _shown(field.default), variable
        assert field.description and len(meaning) > 10, variable


def test_the_store_settings_are_part_of_the_one_settings() -> None:
    assert set(StoreSettings.model_fields) < set(Settings.model_fields)


def test_environment_and_flags(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CCHC_HOME", str(tmp_path / "from-env"))
    monkeypatch.setenv("CCHC_MAX_UPLOAD_MB", "5")
    monkeypatch.setenv("CCHC_EMBEDDER", "torch")
    settings = Settings()
    assert (settings.home, settings.max_upload_mb, settings.embedder) == (tmp_path / "from-env", 5.0, "torch")
    assert Settings.for_store(tmp_path / "flag").home == tmp_path / "flag"
    assert Settings.for_store(None).home == tmp_path / "from-env"


_LIMIT_ROW = re.compile(r"^\| .+? \| `(CCHC_[A-Z0-9_]+)` \| (`[^`]+`) \| .+ \|$")
_LIMITS = (
    "max_", "sparql_max", "sparql_timeout", "sparql_workers", "sparql_queue", "sparql_per_client", "sparql_memory",
    "writer_wait",
    "request_threads", "upload_request_threads",
)  # fmt: skip


def test_the_limits_section_lists_every_limit_with_its_default() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Limits and guarantees\n", 1)[1].split("\n## ", 1)[0]
    listed = {m[1]: m[2] for line in section.splitlines() if (m := _LIMIT_ROW.match(line))}
    limits = {f"CCHC_{n.upper()}": f for n, f in Settings.model_fields.items() if n.startswith(_LIMITS)}
    assert len(limits) >= 12
    assert set(listed) == set(limits)
    for variable, field in limits.items():
        assert listed[variable] == _shown(field.default), variable

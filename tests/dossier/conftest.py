"""Fixtures: the sample dossier content, a signing key, the built dossier ZIP."""

from pathlib import Path

import pytest

from app.dossier import DossierContent, build_dossier, generate_key

from .sample import make_content

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "dossier"


@pytest.fixture(scope="session")
def keys() -> tuple[bytes, bytes]:
    return generate_key()


@pytest.fixture(scope="session")
def content() -> DossierContent:
    return make_content()


@pytest.fixture(scope="session")
def dossier(content: DossierContent, keys: tuple[bytes, bytes]) -> bytes:
    return build_dossier(content, keys[0])


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS

"""The container image installs what the service needs at run time (no Docker engine runs
here, so the image's recipe is checked against the packages `make run` installs)."""

import re
from pathlib import Path

ROOT = Path(__file__).parents[2]
# Needed by the test suite only (PDF pages to text), not by the service.
TEST_ONLY = {"poppler-utils"}


def _make_packages() -> set[str]:
    text = (ROOT / "Makefile").read_text()
    body = re.search(r"^SYSTEM_PACKAGES := (.*?)(?<!\\)\n", text, re.S | re.M)
    assert body is not None
    return set(body.group(1).replace("\\\n", " ").split())


def test_image_installs_every_runtime_system_package() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    installed = set(re.findall(r"[a-z0-9][a-z0-9.+-]+", dockerfile.split("apt-get install")[1]))
    missing = _make_packages() - TEST_ONLY - installed
    assert not missing, f"Dockerfile lacks {missing}: dossier PDFs need CJK fonts and Pango"


def test_compose_runs_the_service_on_postgis_with_keys_apart() -> None:
    compose = (ROOT / "compose.yaml").read_text()
    assert "postgis/postgis" in compose and "postgresql+psycopg://" in compose
    assert (
        "/run/ecoleads-keys" in compose
        and "ECOLEADS_KEYS_DIR=/run/ecoleads-keys" in (ROOT / "Dockerfile").read_text()
    )


def test_image_copies_every_package_the_project_installs() -> None:
    """The editable install inside the image finds only the packages the Dockerfile copied."""
    dockerfile = (ROOT / "Dockerfile").read_text()
    pyproject = (ROOT / "pyproject.toml").read_text()
    include = re.search(r"include = \[([^\]]*)\]", pyproject)
    assert include is not None
    packages = [p.strip(' "*') for p in include.group(1).split(",")]
    missing = [p for p in packages if f"COPY {p} ./{p}" not in dockerfile]
    assert packages and not missing, f"Dockerfile does not copy {missing}"

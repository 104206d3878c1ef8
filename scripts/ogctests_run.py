"""Run ogctests (OGC API - Features Part 1 core) against a live /ogc with an API token.

Usage (in the ogctests virtual environment, see scripts/ogctests-venv.sh):
    OGC_TOKEN=<token> python scripts/ogctests_run.py http://127.0.0.1:8000/ogc
ogctests takes an httpx client to make its requests: this one carries the bearer header.
"""

import os
import sys

import httpx
from ogctests.main import run_ogctests


def main(url: str) -> int:
    """Return pytest's exit code for the core conformance tests."""
    headers = {"Authorization": f"Bearer {os.environ['OGC_TOKEN']}"}
    with httpx.Client(base_url=url, headers=headers, follow_redirects=True) as client:
        return int(run_ogctests("features/core", url, ["-q", "-p", "no:cacheprovider"], client))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

"""docs/reference/legal-bases.md holds the table scripts/legal_table.py makes from the seed."""

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).parents[2] / "scripts" / "legal_table.py"


def test_docs_table_equals_the_seed() -> None:
    spec = importlib.util.spec_from_file_location("legal_table", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    page = module.PAGE.read_text(encoding="utf-8")
    assert module.in_page(page) == module.table(), "run: python scripts/legal_table.py --write"
    assert module.table().count("\n") > 40  # every basis version, not an empty table

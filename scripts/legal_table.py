"""Print the table of legal bases from the seed, or rewrite it in docs/reference/legal-bases.md.

    python scripts/legal_table.py            # print the table
    python scripts/legal_table.py --write    # replace the table between the page's markers

One line per basis version and zone (categories merged), so the docs cannot drift from
rules/legal_seed*.py: tests/geo/test_legal_table.py compares the two.
"""

import argparse
import sys
from pathlib import Path

from rules.legal import BasisRow
from rules.legal_seed import SEED

PAGE = Path(__file__).parents[1] / "docs" / "reference" / "legal-bases.md"
START = "<!-- legal-table:start (scripts/legal_table.py --write) -->"
END = "<!-- legal-table:end -->"
HEAD = (
    "| code | law, article | categories | zone | source (edition) | in force | needs review |\n"
    "| --- | --- | --- | --- | --- | --- | --- |"
)


def _zone(row: BasisRow) -> str:
    if row.zone_kind is None:
        return "any"
    zone = f"{row.zone_kind}/{row.zone_level}" if row.zone_level else row.zone_kind
    return f"{zone} (required: outside it, a note instead)" if row.absent_note else zone


def table() -> str:
    """The markdown table: one line per (code, version, zone), in seed order."""
    lines: dict[tuple[object, ...], tuple[BasisRow, list[str]]] = {}
    for r in SEED:
        key = (r.code, r.effective_from, r.zone_kind, r.zone_level)
        label = "any (procedure)" if r.category is None else f"`{r.category}`"
        lines.setdefault(key, (r, []))[1].append(label)
    out = [HEAD]
    for r, cats in lines.values():
        law = r.law.split(" (")[0]
        period = f"{r.effective_from} – {r.effective_to or 'now'}"
        review = "**yes**" if r.needs_review else "no"
        cells = [f"`{r.code}`", f"{law} {r.article}", ", ".join(cats), _zone(r), r.source]
        out.append("| " + " | ".join([*cells, period, review]) + " |")
    return "\n".join(out) + "\n"


def in_page(text: str) -> str:
    """The table as the page holds it (between the markers)."""
    return text.split(START + "\n", 1)[1].split(END, 1)[0]


def main() -> int:
    """Print the table, or write it into the docs page with --write."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the table in the docs page")
    args = parser.parse_args()
    if not args.write:
        sys.stdout.write(table())
        return 0
    text = PAGE.read_text(encoding="utf-8")
    before, rest = text.split(START + "\n", 1)
    after = rest.split(END, 1)[1]
    PAGE.write_text(f"{before}{START}\n{table()}{END}{after}", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

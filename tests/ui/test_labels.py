"""Every score signal the model can report has a label in both languages in the UI."""

import re
from pathlib import Path

import geo.scoring.model  # noqa: F401  (registers every signal)
from geo.scoring import SIGNALS

I18N = Path(__file__).resolve().parents[2] / "app" / "static" / "js" / "i18n.js"


def test_every_score_signal_has_a_chinese_and_an_english_label() -> None:
    text = I18N.read_text(encoding="utf-8")
    labels = dict(re.findall(r'^\s*sig_(\w+): \[("[^"]+", "[^"]+")\]', text, flags=re.M))
    assert SIGNALS and sorted(SIGNALS) == sorted(n for n in labels if n in SIGNALS)

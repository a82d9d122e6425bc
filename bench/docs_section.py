"""Shared by the bench scripts: replace one `## ` section of docs/benchmarks.md, leaving the others alone."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def write_section(title: str, text: str) -> None:
    """Replace the section headed `title` with `text` (appended when it is not there yet)."""
    current = DOCS.read_text(encoding="utf-8") if DOCS.exists() else (
        "# Benchmarks\n\nMeasured by the hand-run scripts in `bench/` (see `bench/README.md`).\n")
    pattern = re.compile(rf"^{re.escape(title)}\s*$.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(current):
        current = pattern.sub(lambda _: text.rstrip() + "\n\n", current, count=1)
    else:
        current = current.rstrip() + "\n\n" + text.rstrip() + "\n"
    DOCS.write_text(current.rstrip() + "\n", encoding="utf-8")

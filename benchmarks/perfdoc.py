"""Write one section of docs/performance.md, leaving the other sections as they are."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "performance.md"


def write_section(title: str, body: str, doc: Path = DOC) -> None:
    """Replace the ``## title`` section (up to the next ``## ``) with ``body``, or append it."""
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Performance\n"
    block = f"## {title}\n\n{body.strip()}\n\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = (
        pattern.sub(lambda _: block, text, count=1)
        if pattern.search(text)
        else text.rstrip() + "\n\n" + block
    )
    doc.parent.mkdir(exist_ok=True)
    doc.write_text(text.rstrip() + "\n", encoding="utf-8")

"""Reading the corpus folder into Documents; one loader per file format."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel

from tutor.chunking import markdown_sections, plain_text_sections
from tutor.errors import CorpusError
from tutor.types import Document, Section

log = logging.getLogger(__name__)

SectionParser = Callable[[str], list[Section]]
# Add a format by mapping its suffix to a section parser; the text must be what
# Path.read_text(encoding="utf-8") returns, so offsets match a plain read of the file.
LOADERS: dict[str, SectionParser] = {".md": markdown_sections, ".markdown": markdown_sections, ".txt": plain_text_sections}


class SkippedFile(BaseModel):
    """A corpus file that could not be used, and why."""

    source: str
    reason: str


class Corpus(BaseModel):
    """The documents of a corpus folder and the files that were skipped."""

    root: Path
    documents: list[Document]
    skipped: list[SkippedFile]

    def document(self, source: str) -> Document:
        """The document at `source` (relative path)."""
        for doc in self.documents:
            if doc.source == source:
                return doc
        raise KeyError(source)


def load_corpus(root: Path) -> Corpus:
    """Load every supported file under `root`; unreadable files are skipped with a warning."""
    if not root.is_dir():
        raise CorpusError(f"Corpus folder not found: {root}")
    documents, skipped = [], []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in LOADERS):
        source = path.relative_to(root).as_posix()
        if source.lower() == "readme.md" or any(part.startswith(".") for part in Path(source).parts):
            continue  # the corpus README is provenance, not material
        try:
            documents.append(load_document(path, source))
        except CorpusError as exc:
            log.warning("Skipping %s: %s", source, exc)
            skipped.append(SkippedFile(source=source, reason=str(exc)))
    if not documents:
        found = ", ".join(s.source for s in skipped) or "no .md or .txt files"
        raise CorpusError(f"No readable documents in {root} ({found}). Add .md or .txt files.")
    return Corpus(root=root, documents=documents, skipped=skipped)


def load_document(path: Path, source: str) -> Document:
    """Decode one file as UTF-8 text and find its sections."""
    raw = path.read_bytes()
    if b"\x00" in raw[:8192]:
        raise CorpusError("binary file (contains NUL bytes)")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"not valid UTF-8 text (byte {exc.start})") from exc
    if not text.strip():
        raise CorpusError("empty file")
    sections = LOADERS[path.suffix.lower()](text)
    stem = path.stem.replace("-", " ").replace("_", " ").strip()
    title = stem[:1].upper() + stem[1:]
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Document(source=source, title=title, text=text, sections=sections, sha256=digest)

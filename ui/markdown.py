"""Markdown as people wrote it, shown in a `QTextBrowser` without raw HTML, with
`[[Note title]]` links made clickable (`note:` URLs). Pure helpers; GUI thread.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QTextBrowser

WIKI_LINK = re.compile(r"\[\[([^\[\]\n]+)\]\]")
NOTE_SCHEME = "note"

_FEATURES = QTextDocument.MarkdownFeature(
    QTextDocument.MarkdownFeature.MarkdownDialectGitHub.value
    | QTextDocument.MarkdownFeature.MarkdownNoHTML.value
)


def with_note_links(text: str) -> str:
    return WIKI_LINK.sub(lambda m: f"[{m.group(1).strip()}]({NOTE_SCHEME}:{quote(m.group(1).strip())})", text)


def note_title(url: QUrl) -> str | None:
    """The note title a `note:` link names, or None for any other link."""
    if url.scheme() != NOTE_SCHEME:
        return None
    return unquote(url.toString()[len(NOTE_SCHEME) + 1 :])


def show_markdown(browser: QTextBrowser, text: str) -> None:
    browser.document().setMarkdown(with_note_links(text), _FEATURES)


def quote_block(text: str) -> str:
    return "\n".join("> " + line for line in text.splitlines()) or ">"

"""Markdown as people wrote it, shown in a `QTextBrowser` (or a card's label) without
raw HTML, with `[[Note title]]` links made clickable (`note:` URLs) and `$…$` / `$$…$$`
maths drawn as Unicode (`ui.maths`, imported only when a text has a dollar sign).

Maths is cut out before Qt parses the Markdown (so `a_i * b_j` is not read as
emphasis), stood in for by a token of letters, and put back into the HTML Qt makes.
Pure helpers; GUI thread.
"""

from __future__ import annotations

import html
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


MATHS_STYLE = "font-family:'STIX Two Math','Cambria Math','DejaVu Serif',serif; font-style:italic"


def show_markdown(browser: QTextBrowser, text: str) -> None:
    _fill(browser.document(), text)


def markdown_html(text: str) -> str:
    """The HTML of a Markdown text, maths drawn: for a card's rich-text label."""
    document = QTextDocument()
    _fill(document, text)
    return document.toHtml()


def _fill(document: QTextDocument, text: str) -> None:
    if "$" not in text:
        document.setMarkdown(with_note_links(text), _FEATURES)
        return
    from ui.maths import find_maths, to_unicode  # off the start-up path

    spans = find_maths(text)
    if not spans:
        document.setMarkdown(with_note_links(text), _FEATURES)
        return
    token = _token_not_in(text)
    parts, last = [], 0
    for number, maths in enumerate(spans):
        stand_in = f"{token}{_letters(number)}{token}"
        parts += [text[last : maths.start], f"\n\n{stand_in}\n\n" if maths.display else stand_in]
        last = maths.end
    parts.append(text[last:])
    document.setMarkdown(with_note_links("".join(parts)), _FEATURES)
    made = document.toHtml()
    for number, maths in enumerate(spans):
        stand_in = f"{token}{_letters(number)}{token}"
        drawn = f'<span style="{MATHS_STYLE}">{html.escape(to_unicode(maths.source))}</span>'
        if maths.display:
            centred = f'<p align="center"\\1>{drawn.replace(chr(92), chr(92) * 2)}</p>'
            made = re.sub(rf"<p([^>]*)>\s*{stand_in}\s*</p>", centred, made)
        made = made.replace(stand_in, drawn)
    document.setHtml(made)


def _letters(number: int) -> str:
    """A number as letters only, so Markdown never reads a stand-in as anything."""
    letters = ""
    while True:
        number, digit = divmod(number, 26)
        letters += chr(ord("a") + digit)
        if number == 0:
            return letters


def _token_not_in(text: str) -> str:
    token = "zqmathsq"
    while token in text:
        token += "q"
    return token


def quote_block(text: str) -> str:
    return "\n".join("> " + line for line in text.splitlines()) or ">"

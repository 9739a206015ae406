"""Render scenario text (our safe markdown subset) to minimal, inert HTML.

Everything is HTML-escaped first, then only our own tags are added: paragraphs, line
breaks, <b>, <i>, lists, <h3> and block quotes. Text reflows as prose, as Markdown does:
paragraphs come from blank lines and a single line break inside one is a space. No links, images, styles or attributes
are ever produced, so Qt's rich-text engine has nothing to load or follow. Must not
import Qt.
"""

from __future__ import annotations

import functools
import html
import re

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])")
_BULLET = re.compile(r"^\s*[-*]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+(.*)$")


def _inline(text: str) -> str:
    escaped = html.escape(text, quote=True)
    escaped = _BOLD.sub(r"<b>\1</b>", escaped)
    return _ITALIC.sub(r"<i>\1</i>", escaped)


_HEADING = re.compile(r"^\s*###\s+(.*)$")
_QUOTE = re.compile(r"^\s*>\s?(.*)$")
_HARD_BREAK = re.compile(r"(  +|\\)$")        # Markdown: two trailing spaces or a backslash


def _kind(line: str) -> str:
    for name, pattern in (("ul", _BULLET), ("ol", _NUMBERED), ("h3", _HEADING), ("quote", _QUOTE)):
        if pattern.match(line):
            return name
    return "p"


def _prose(lines: list[str]) -> str:
    """Lines of one paragraph as flowing text: a single line break is a space, as in Markdown
    (the YAML file's wrapping must not leave one word on a line); a line ending in two
    spaces or a backslash keeps its break."""
    out = ""
    for index, line in enumerate(lines):
        hard = bool(_HARD_BREAK.search(line))
        text = _inline(_HARD_BREAK.sub("", line).strip())
        out += text
        if index < len(lines) - 1:
            out += "<br>" if hard else " "
    return out


@functools.lru_cache(maxsize=1024)       # scene texts repeat (revisits, previews): convert each once
def markdown_to_html(text: str) -> str:
    """Safe HTML for a QLabel/QTextBrowser. Blocks come from blank lines; inside a block, a
    ``### `` line is a heading, runs of ``- ``/``1. `` lines are lists (an indented line
    continues the item above), runs of ``> `` lines a quotation, and other lines flow
    together into one paragraph."""
    blocks: list[str] = []
    for block in re.split(r"\n\s*\n", (text or "").strip()):
        groups: list[tuple[str, list[str]]] = []     # (kind, lines) runs of one kind
        for line in block.splitlines():
            if not line.strip():
                continue
            kind = _kind(line)
            if kind == "p" and groups and groups[-1][0] in ("ul", "ol") and line[:1].isspace():
                groups[-1][1][-1] += "\n" + line        # an indented continuation of a list item
                continue
            if groups and groups[-1][0] == kind and kind != "h3":
                groups[-1][1].append(line)
            else:
                groups.append((kind, [line]))
        for kind, lines in groups:
            if kind in ("ul", "ol"):
                pattern = _BULLET if kind == "ul" else _NUMBERED
                items = "".join(f"<li>{_prose([pattern.match(item.splitlines()[0]).group(1)] + item.splitlines()[1:])}</li>"
                                for item in lines)
                blocks.append(f"<{kind}>{items}</{kind}>")
            elif kind == "h3":
                blocks.append(f"<h3>{_inline(_HEADING.match(lines[0]).group(1).strip())}</h3>")
            elif kind == "quote":
                blocks.append(f"<blockquote>{_prose([_QUOTE.match(line).group(1) for line in lines])}</blockquote>")
            else:
                blocks.append(f"<p>{_prose(lines)}</p>")
    return "".join(blocks)


def markdown_to_plain(text: str) -> str:
    """The same text without markers, for logs, exports and screen-reader summaries."""
    plain = re.sub(r"\*\*(.+?)\*\*", r"\1", text or "")
    plain = re.sub(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])", r"\1", plain)
    plain = re.sub(r"^\s*###\s+", "", plain, flags=re.M)
    return plain.strip()

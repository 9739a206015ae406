"""Render scenario text (our safe markdown subset) to minimal, inert HTML.

Everything is HTML-escaped first, then only our own tags are added: paragraphs, line
breaks, <b>, <i>, lists, <h3> and block quotes. No links, images, styles or attributes
are ever produced, so Qt's rich-text engine has nothing to load or follow. Must not
import Qt.
"""

from __future__ import annotations

import functools
import html
import re

_BOLD = re.compile(r"\*\*(.+?)\*\*")
# "04:10: A 999 call", "04:10 \u2013 Arrival", "04:10 - Arrival", "4:10. Arrival"
_TIME_PREFIX = re.compile(r"^\s*\d{1,2}:\d{2}\s*(?::|\u2013|\u2014|-|\.)\s*")


def strip_time_prefix(title: str) -> str:
    """The title without a leading 'HH:MM:' or 'HH:MM \u2013' (kept whole if nothing would remain).

    Scene titles are shown beside the clock of the path the trainee took; a fixed time
    written into a title ("04:31: Stopped on the hard shoulder") contradicts it on every
    other path, so the schema drops it when a scenario loads (docs/scenario-format.md)."""
    stripped = _TIME_PREFIX.sub("", title, count=1)
    return stripped if stripped.strip() else title
_ITALIC = re.compile(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])")
_BULLET = re.compile(r"^\s*[-*]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+(.*)$")


def _inline(text: str) -> str:
    escaped = html.escape(text, quote=True)
    escaped = _BOLD.sub(r"<b>\1</b>", escaped)
    return _ITALIC.sub(r"<i>\1</i>", escaped)


@functools.lru_cache(maxsize=1024)       # scene texts repeat (revisits, previews): convert each once
def markdown_to_html(text: str) -> str:
    """Safe HTML for a QLabel/QTextBrowser; block structure from blank lines and markers."""
    blocks: list[str] = []
    for block in re.split(r"\n\s*\n", (text or "").strip()):
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        if all(_BULLET.match(line) for line in lines):
            items = "".join(f"<li>{_inline(_BULLET.match(line).group(1))}</li>" for line in lines)
            blocks.append(f"<ul>{items}</ul>")
        elif all(_NUMBERED.match(line) for line in lines):
            items = "".join(f"<li>{_inline(_NUMBERED.match(line).group(1))}</li>" for line in lines)
            blocks.append(f"<ol>{items}</ol>")
        elif len(lines) == 1 and lines[0].startswith("### "):
            blocks.append(f"<h3>{_inline(lines[0][4:])}</h3>")
        elif all(line.lstrip().startswith(">") for line in lines):
            inner = "<br>".join(_inline(line.lstrip()[1:].strip()) for line in lines)
            blocks.append(f"<blockquote>{inner}</blockquote>")
        else:
            blocks.append("<p>" + "<br>".join(_inline(line) for line in lines) + "</p>")
    return "".join(blocks)


def markdown_to_plain(text: str) -> str:
    """The same text without markers, for logs, exports and screen-reader summaries."""
    plain = re.sub(r"\*\*(.+?)\*\*", r"\1", text or "")
    plain = re.sub(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])", r"\1", plain)
    plain = re.sub(r"^\s*###\s+", "", plain, flags=re.M)
    return plain.strip()

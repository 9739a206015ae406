"""Render scenario text (our safe markdown subset) to minimal, inert HTML.

Everything is HTML-escaped first, then only our own tags are added: paragraphs, line
breaks, <b>, <i>, lists, <h3> and block quotes. No links, images, styles or attributes
are ever produced, so Qt's rich-text engine has nothing to load or follow. Must not
import Qt.
"""

from __future__ import annotations

import bisect
import functools
import html
import re

# Every pattern here runs in linear time on any text (scenario text is untrusted, and a
# pattern that rescans the rest of a line from every candidate start is quadratic: 3 s for one
# 20,000-character field on the GUI thread). Bold is safe as a regex: only the last few "**"
# of a line can fail to find a partner. Italic is not, so it is matched by ``_italic_spans``.
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC_OPEN = re.compile(r"(?<![*\w])\*(?!\s)")      # a "*" that may open an italic span
_ITALIC_CLOSE = re.compile(r"(?<!\s)\*(?![*\w])")     # a "*" that may close one
_BULLET = re.compile(r"^\s*[-*]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+(.*)$")
_HEADING_MARK = re.compile(r"^[^\S\n]*###\s+", re.M)   # [^\S\n]: spaces, never across lines


def _italic_spans(text: str) -> list[tuple[int, int]]:
    r"""The (opening, closing) positions of ``*italic*`` spans: exactly what the regex
    ``(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])`` finds with ``re.sub``, in O(n log n).

    The closing "*" of an opener at p is the first possible closer at p + 2 or later (the span
    is not empty), and the span may not cross a line break.
    """
    closers = [m.start() for m in _ITALIC_CLOSE.finditer(text)]
    breaks = [i for i, char in enumerate(text) if char == "\n"]
    spans: list[tuple[int, int]] = []
    resume = 0                   # re.sub goes on after the end of the last span
    for opener in (m.start() for m in _ITALIC_OPEN.finditer(text)):
        if opener < resume:
            continue
        index = bisect.bisect_left(closers, opener + 2)
        if index == len(closers):
            break                # no closer after this opener, so none after any later one
        closer = closers[index]
        next_break = bisect.bisect_left(breaks, opener)
        if next_break < len(breaks) and breaks[next_break] < closer:
            continue
        spans.append((opener, closer))
        resume = closer + 1
    return spans


def _replace_italic(text: str, before: str, after: str) -> str:
    out, last = [], 0
    for opener, closer in _italic_spans(text):
        out += [text[last:opener], before, text[opener + 1:closer], after]
        last = closer + 1
    out.append(text[last:])
    return "".join(out)


def _inline(text: str) -> str:
    escaped = html.escape(text, quote=True)
    escaped = _BOLD.sub(r"<b>\1</b>", escaped)
    return _replace_italic(escaped, "<i>", "</i>")


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
    plain = _BOLD.sub(r"\1", text or "")
    plain = _replace_italic(plain, "", "")
    plain = _HEADING_MARK.sub("", plain)
    return plain.strip()

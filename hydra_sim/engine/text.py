"""Render scenario text (our safe markdown subset) to minimal, inert HTML.

Everything is HTML-escaped first, then only our own tags are added: paragraphs, line
breaks, <b>, <i>, lists, <h3> and block quotes. Text reflows as prose, as Markdown does:
paragraphs come from blank lines and a single line break inside one is a space. No links, images, styles or attributes
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
# "04:10: A 999 call", "04:10 \u2013 Arrival", "04:10 - Arrival", "4:10. Arrival" (anchored: linear)
_TIME_PREFIX = re.compile(r"^\s*\d{1,2}:\d{2}\s*(?::|\u2013|\u2014|-|\.)\s*")
_ITALIC_OPEN = re.compile(r"(?<![*\w])\*(?!\s)")      # a "*" that may open an italic span
_ITALIC_CLOSE = re.compile(r"(?<!\s)\*(?![*\w])")     # a "*" that may close one
_BULLET = re.compile(r"^\s*[-*]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+(.*)$")
_HEADING_MARK = re.compile(r"^[^\S\n]*###\s+", re.M)   # [^\S\n]: spaces, never across lines


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """'1 session', '3 sessions', '0 warnings': a count with its noun in the right number,
    never the "session(s)" of a developer's log."""
    return f"{count:,} {singular if count == 1 else (plural or singular + 's')}"


QUOTE_MARKS = "\"'\u201c\u201d\u2018\u2019"


def quoted(text: str) -> str:
    """``text`` in curly quotes, unless it already opens or closes with a quote mark of its own
    (a scene titled '"I speak for them" (you: PC Strick)'), which would be quoted twice."""
    text = str(text)
    if text[:1] in QUOTE_MARKS or text[-1:] in QUOTE_MARKS:
        return text
    return f"\u201c{text}\u201d"


def strip_time_prefix(title: str) -> str:
    """The title without a leading 'HH:MM:' or 'HH:MM \u2013' (kept whole if nothing would remain).

    Scene titles are shown beside the clock of the path the trainee took; a fixed time
    written into a title ("04:31: Stopped on the hard shoulder") contradicts it on every
    other path, so the schema drops it when a scenario loads (docs/scenario-format.md)."""
    stripped = _TIME_PREFIX.sub("", title, count=1)
    return stripped if stripped.strip() else title


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


_HEADING = re.compile(r"^\s*###\s+(.*)$")
_QUOTE = re.compile(r"^\s*>\s?(.*)$")


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
        # Markdown's hard break: two trailing spaces or a backslash (string tests, not a
        # regex: "  +$" searched along a long run of spaces would be quadratic)
        hard = line.endswith("  ") or line.endswith("\\")
        text = _inline((line[:-1] if line.endswith("\\") else line).strip())
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
    plain = _BOLD.sub(r"\1", text or "")
    plain = _replace_italic(plain, "", "")
    plain = _HEADING_MARK.sub("", plain)
    return plain.strip()

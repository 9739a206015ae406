"""Make an untrusted SVG drawing safe to hand to an SVG renderer: no external references and
bounded work.

A scenario's SVG media is untrusted. Qt SVG reads the file an ``<image href>`` names (an
absolute path, ``../`` out of the scenario folder, a FIFO that never answers, on Windows a
``//host/share`` on the network), and draws every copy a ``<use>`` makes, so a 2 KB drawing of
nested ``<use>`` copies can mean billions of shapes. ``sanitise_svg`` parses the bytes with
the standard library's expat (no DTD is read, no entity is ever declared or expanded: a
DOCTYPE with an internal subset, an entity declaration or an unknown entity is refused), drops
scripts, processing instructions, comments and style sheets that could load anything, keeps
only local ``#id`` references (and images embedded as PNG or JPEG ``data:``), refuses a drawing
whose ``<use>`` copies would draw more than ``MAX_DRAWN`` elements, and writes the result
back as new bytes. It reads nothing but the bytes it is given; ``read_safe_svg`` reads a file
first (a regular file only, at most ``MAX_SVG_BYTES``).

Element and attribute names are compared by their local name (after any prefix), whatever
namespace the prefix is bound to, so ``<x:image y:href>`` is treated as an image and a href.
Must not import Qt or any GUI code.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.parsers import expat

from .files import UnreadableFile, read_regular_file

MAX_SVG_BYTES = 5 * 1024 * 1024
MAX_ELEMENTS = 50_000            # elements in the file
MAX_DEPTH = 64                   # nesting of elements in the file
MAX_DRAWN = 100_000              # elements drawn once every <use> copy is counted
MAX_USE_NESTING = 16             # a <use> of something holding a <use> of ...

_DROPPED = {"script", "foreignobject", "iframe", "object", "embed", "audio", "video", "handler", "listener"}
_ANIMATIONS = {"set", "animate", "animatecolor", "animatemotion", "animatetransform"}   # may change a href
_EMBEDDED_IMAGE = re.compile(r"^\s*data:image/(?:png|jpeg|jpg);base64,[A-Za-z0-9+/=\s]*$", re.I)
_LOCAL = re.compile(r"^\s*#[^\s#]*\s*$")


class UnsafeSvg(ValueError):
    """The drawing cannot be shown safely; the message says why, in words for the user."""


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1].lower()


def _loads_something(css: str) -> bool:
    """True when CSS text could load a resource: @import, or url() to anything but '#id'.
    (Split, not a regex: an attribute of "url(url(url(..." must not take quadratic time.)"""
    lowered = css.lower()
    if "@import" in lowered:
        return True
    return any(not part.lstrip(" \t\r\n'\"").startswith("#") for part in lowered.split("url(")[1:])


def read_safe_svg(path: Path) -> bytes:
    """The sanitised bytes of an SVG file; raises ``UnsafeSvg`` (or ``OSError``) with the reason."""
    try:
        data = read_regular_file(path, MAX_SVG_BYTES)
    except UnreadableFile as exc:
        if exc.size is not None:
            raise UnsafeSvg(f"the drawing is {exc.size / 1_048_576:.1f} MB; the limit is "
                            f"{MAX_SVG_BYTES // 1_048_576} MB") from None
        raise UnsafeSvg(f"the file is {exc.reason}") from None
    return sanitise_svg(data)


def sanitise_svg(data: bytes) -> bytes:
    """The drawing rewritten with no external reference; ``UnsafeSvg`` when it cannot be."""
    root = _parse(data)
    _clean(root)
    _check_drawn(root)
    return ET.tostring(root, encoding="utf-8")


# -- parsing ---------------------------------------------------------------------------------------
def _parse(data: bytes) -> ET.Element:
    if len(data) > MAX_SVG_BYTES:
        raise UnsafeSvg(f"the drawing is larger than {MAX_SVG_BYTES // 1_048_576} MB")
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate()            # no namespace processing: names are kept as written
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)   # never read a DTD
    state = {"elements": 0, "depth": 0}

    def doctype(_name, _system_id, _public_id, has_internal_subset):
        if has_internal_subset:
            raise UnsafeSvg("the drawing declares its own entities (a DOCTYPE with an internal "
                            "subset), which are refused")

    def refuse_entity(*_args):
        raise UnsafeSvg("the drawing declares or uses XML entities, which are refused")

    def start(name, attributes):
        state["elements"] += 1
        state["depth"] += 1
        if state["elements"] > MAX_ELEMENTS:
            raise UnsafeSvg(f"the drawing has more than {MAX_ELEMENTS:,} elements")
        if state["depth"] > MAX_DEPTH:
            raise UnsafeSvg(f"the drawing nests elements more than {MAX_DEPTH} deep")
        builder.start(name, attributes)

    def end(name):
        state["depth"] -= 1
        builder.end(name)

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = refuse_entity
    parser.UnparsedEntityDeclHandler = refuse_entity
    parser.NotationDeclHandler = refuse_entity
    parser.SkippedEntityHandler = refuse_entity
    parser.ExternalEntityRefHandler = lambda *_args: 0        # 0: expat reports an error
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    # processing instructions (<?xml-stylesheet href=...?>) and comments are not kept
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise UnsafeSvg(f"the drawing is not well-formed XML ({expat.ErrorString(exc.code)} at "
                        f"line {exc.lineno}, column {exc.offset + 1})") from None
    root = builder.close()
    if _local(root.tag) != "svg":
        raise UnsafeSvg("the file is not an SVG drawing (its first element is not <svg>)")
    return root


# -- cleaning --------------------------------------------------------------------------------------
def _clean(element: ET.Element) -> None:
    for child in list(element):
        name = _local(child.tag)
        if name in _DROPPED or (name == "style" and _loads_something("".join(child.itertext()))) \
                or (name in _ANIMATIONS and _local(child.attrib.get("attributeName", "")) == "href"):
            element.remove(child)
            continue
        if name == "image" and not _safe_image(child):
            element.remove(child)
            continue
        _clean_attributes(child)
        _clean(child)
    _clean_attributes(element)


def _safe_image(image: ET.Element) -> bool:
    hrefs = [value for key, value in image.attrib.items() if _local(key) == "href"]
    return bool(hrefs) and all(_EMBEDDED_IMAGE.match(value) or _LOCAL.match(value) for value in hrefs)


def _clean_attributes(element: ET.Element) -> None:
    is_image = _local(element.tag) == "image"
    for key, value in list(element.attrib.items()):
        name = _local(key)
        if name == "href":
            if not (_LOCAL.match(value) or (is_image and _EMBEDDED_IMAGE.match(value))):
                del element.attrib[key]
        elif name == "base" or name.startswith("on"):      # xml:base, event handlers
            del element.attrib[key]
        elif "url(" in value.lower() and _loads_something(value):
            del element.attrib[key]
        elif name == "style" and _loads_something(value):
            del element.attrib[key]


# -- bounded work ----------------------------------------------------------------------------------
def _check_drawn(root: ET.Element) -> None:
    """Refuse a drawing whose <use> copies would draw more than MAX_DRAWN elements."""
    by_id = {}
    for element in root.iter():
        for key, value in element.attrib.items():
            if _local(key) == "id":
                by_id.setdefault(value, element)
    drawn: dict[int, int] = {}
    active: set[int] = set()

    def count(element: ET.Element, nesting: int) -> int:
        key = id(element)
        if key in drawn:
            return drawn[key]
        if key in active:
            raise UnsafeSvg("a <use> in the drawing copies itself")
        active.add(key)
        total = 1
        for child in element:
            total += count(child, nesting)
            if total > MAX_DRAWN:
                raise UnsafeSvg(_too_many())
        if _local(element.tag) == "use":
            target = next((by_id.get(v.strip()[1:]) for k, v in element.attrib.items() if _local(k) == "href"), None)
            if target is not None:
                if nesting >= MAX_USE_NESTING:
                    raise UnsafeSvg(f"the drawing nests <use> copies more than {MAX_USE_NESTING} deep")
                total += count(target, nesting + 1)
        active.discard(key)
        if total > MAX_DRAWN:
            raise UnsafeSvg(_too_many())
        drawn[key] = total
        return total

    count(root, 0)


def _too_many() -> str:
    return (f"the drawing's <use> copies would draw more than {MAX_DRAWN:,} elements; it is "
            "refused so that showing it cannot freeze the app")

"""SVG media is made safe before any renderer sees it (issue 18, item 3): no external
reference survives, no entity is declared or expanded, and nested ``<use>`` copies cannot make
drawing it unbounded work. These check ``engine.safe_svg`` without Qt; what the viewer shows is
checked in test_security_media_viewer.py.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hostile_files import SVG, nested_use_bomb

from hydra_sim.engine.safe_svg import MAX_DRAWN, MAX_SVG_BYTES, UnsafeSvg, read_safe_svg, sanitise_svg

PNG_DATA = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="

EXTERNAL = ["/etc/passwd.png", "../secret/red.png", "../../../../tmp/red.png", "//host/share/a.png",
            "\\\\host\\share\\a.png", "file:///etc/hosts", "http://example.org/a.png", "C:/Windows/a.png",
            "data:image/svg+xml;base64,PHN2Zy8+", "red.png", " red.png#x"]


def hrefs(svg: bytes) -> list[str]:
    return re.findall(r'href="([^"]*)"', svg.decode("utf-8"))


@pytest.mark.parametrize("href", EXTERNAL)
@pytest.mark.parametrize("element", ['<image width="9" height="9" xlink:href="{}"/>', '<image href="{}"/>',
                                     '<use xlink:href="{}"/>', '<a xlink:href="{}"><rect width="1" height="1"/></a>',
                                     '<feImage href="{}"/>', '<x:image xmlns:x="http://www.w3.org/2000/svg" '
                                     'y:href="{}" xmlns:y="http://www.w3.org/1999/xlink"/>'])
def test_no_external_reference_survives(element, href):
    clean = sanitise_svg(SVG.format(element.format(href)).encode())
    assert hrefs(clean) == [] and href.strip().encode() not in clean
    assert b"<svg" in clean


def test_local_references_and_embedded_pictures_are_kept():
    body = ('<defs><linearGradient id="g"><stop offset="0" stop-color="red"/></linearGradient>'
            '<rect id="box" width="5" height="5" fill="url(#g)"/></defs><use xlink:href="#box"/>'
            f'<image width="1" height="1" xlink:href="{PNG_DATA}"/>')
    clean = sanitise_svg(SVG.format(body).encode())
    assert hrefs(clean) == ["#box", PNG_DATA] and b'fill="url(#g)"' in clean


def test_scripts_styles_that_load_and_events_are_dropped():
    body = ('<script>alert(1)</script><style>@import url(/etc/a.css);</style><style>rect{fill:red}</style>'
            '<rect width="1" height="1" onclick="x()" style="fill:url(file:///etc/x)"/>'
            '<rect width="2" height="2" fill="url( \'/etc/x\' )"/><foreignObject><p>x</p></foreignObject>'
            '<set attributeName="xlink:href" to="/etc/passwd"/><g xml:base="file:///etc/"/>')
    clean = sanitise_svg(SVG.format(body).encode()).decode()
    for gone in ("script", "@import", "onclick", "file:", "/etc", "foreignObject", "<set", "xml:base"):
        assert gone not in clean, gone
    assert "rect{fill:red}" in clean


@pytest.mark.parametrize("document", [
    '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg>&x;</svg>',
    '<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><svg>&b;</svg>',
    '<!DOCTYPE svg [<!ENTITY % p SYSTEM "http://example.org/x.dtd"> %p;]><svg/>',
    '<!DOCTYPE svg SYSTEM "/etc/passwd"><svg>&undefined;</svg>',
])
def test_entities_are_refused_and_no_dtd_is_read(document):
    with pytest.raises(UnsafeSvg, match="entit"):
        sanitise_svg(document.encode())


def test_an_ordinary_doctype_is_accepted_without_reading_the_dtd():
    doctype = '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">'
    assert b"<rect" in sanitise_svg((doctype + SVG.format('<rect width="1" height="1"/>')).encode())


def test_nested_use_copies_are_refused_with_a_clear_message():
    bomb = nested_use_bomb(9).encode()
    assert len(bomb) < 2_500
    with pytest.raises(UnsafeSvg, match="would draw more than 100,000 elements"):
        sanitise_svg(bomb)
    sanitise_svg(nested_use_bomb(4).encode())           # 10,000 copies: shown
    assert 10 ** 4 < MAX_DRAWN < 10 ** 9


@pytest.mark.parametrize("body", ['<g id="a"><use xlink:href="#a"/></g>', '<use id="u" xlink:href="#u"/>',
                                  '<g id="a"><use xlink:href="#b"/></g><g id="b"><use xlink:href="#a"/></g>'])
def test_a_use_that_copies_itself_is_refused(body):
    with pytest.raises(UnsafeSvg, match="copies itself"):
        sanitise_svg(SVG.format(body).encode())


def test_deep_and_huge_drawings_are_refused(tmp_path):
    with pytest.raises(UnsafeSvg, match="deep"):
        sanitise_svg(SVG.format("<g>" * 200 + "</g>" * 200).encode())
    with pytest.raises(UnsafeSvg, match="elements"):
        sanitise_svg(SVG.format("<g/>" * 60_000).encode())
    big = tmp_path / "big.svg"
    big.write_bytes(SVG.format(" " * (MAX_SVG_BYTES + 1)).encode())
    with pytest.raises(UnsafeSvg, match="limit is 5 MB"):
        read_safe_svg(big)


def test_not_svg_or_not_xml_is_refused():
    for data in (b"\x89PNG\r\n", b"<html/>", b"<svg><g></svg>", b""):
        with pytest.raises(UnsafeSvg):
            sanitise_svg(data)


def test_a_fifo_is_never_opened(tmp_path):
    from hostile_files import FifoWatch
    watch = FifoWatch(tmp_path / "pipe.svg")
    with pytest.raises(UnsafeSvg, match="not a regular file"):
        read_safe_svg(tmp_path / "pipe.svg")
    assert not watch.close()


def test_a_link_to_an_endless_device_is_refused(tmp_path):
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero here")
    os.symlink("/dev/zero", tmp_path / "zero.svg")
    with pytest.raises(UnsafeSvg, match="not a regular file"):
        read_safe_svg(tmp_path / "zero.svg")


# -- fuzzing: mutated drawings ----------------------------------------------------------------------
PIECES = ['<image xlink:href="/etc/x.png"/>', '<use href="#a"/>', '<g id="a">', "</g>", '<use xlink:href="../b.svg#c"/>',
          "<!DOCTYPE svg [<!ENTITY e 'x'>]>", "&e;", "<![CDATA[x]]>", "<?pi x?>", "<!-- c -->", 'style="fill:url(/x)"',
          '<style>@import "a.css";</style>', "<script>x</script>", '<image href="data:image/png;base64,AAAA"/>',
          "\x00", "\x1b", "<", ">", '"', "'", "&", "#", "\n", "é", '<a:image xmlns:a="s" a:href="/x"/>']
SEED = SVG.format('<g id="a"><rect width="1" height="1"/></g><use xlink:href="#a"/>')


@settings(derandomize=True, deadline=None, database=None, max_examples=400,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(SEED)), st.sampled_from(PIECES)), max_size=6))
def test_a_mutated_drawing_is_refused_or_comes_out_without_external_references(insertions):
    data = SEED
    for at, piece in insertions:
        at = min(at, len(data))
        data = data[:at] + piece + data[at:]
    try:
        clean = sanitise_svg(data.encode("utf-8"))
    except UnsafeSvg as exc:
        assert str(exc)
        return
    again = sanitise_svg(clean)                         # the output is itself a drawing that passes
    assert b"<!ENTITY" not in clean and b"<!DOCTYPE" not in clean
    for element in ET.fromstring(clean).iter():         # text may say anything; markup may not load
        name = element.tag.rsplit(":", 1)[-1].lower()
        assert name not in ("script", "foreignobject"), clean
        if name == "style":
            assert "@import" not in (element.text or "") and "url(/" not in (element.text or ""), clean
        for key, value in element.attrib.items():
            if key.rsplit(":", 1)[-1] == "href":
                assert value.startswith("#") or value.startswith("data:image/png;base64,"), clean
            assert "url(/" not in value, clean
    assert hrefs(again) == hrefs(clean)

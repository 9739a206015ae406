"""Scenario text reflows as prose (issue 16): paragraphs from blank lines, a single line break
is a space, as in Markdown; lists, headings and quotes keep their structure; nothing escapes."""

from __future__ import annotations

from hydra_sim.engine.text import markdown_to_html, markdown_to_plain


def test_single_line_breaks_inside_a_paragraph_become_spaces():
    text = "A lorry has\nstopped on the\nhard shoulder.\n\nThe driver\nis out."
    assert markdown_to_html(text) == "<p>A lorry has stopped on the hard shoulder.</p><p>The driver is out.</p>"


def test_a_line_ending_in_two_spaces_or_a_backslash_keeps_its_break():
    assert markdown_to_html("Control:  \nUnit 4,\\\ngo ahead") == "<p>Control:<br>Unit 4,<br>go ahead</p>"


def test_a_heading_line_heads_the_paragraph_under_it():
    text = "### When\nOnce the life-safety actions are moving: ambulance sent, units on the way, the\nvehicle traced."
    assert markdown_to_html(text) == ("<h3>When</h3><p>Once the life-safety actions are moving: ambulance sent, "
                                      "units on the way, the vehicle traced.</p>")
    assert "###" not in markdown_to_html(text)


def test_lists_keep_one_item_per_marker_and_indented_lines_continue_an_item():
    html = markdown_to_html("Check:\n- the trailer\n  and the cab\n- the **seal**\n1. first\n2. second")
    assert html == ("<p>Check:</p><ul><li>the trailer and the cab</li><li>the <b>seal</b></li></ul>"
                    "<ol><li>first</li><li>second</li></ol>")


def test_quotes_flow_too():
    assert markdown_to_html("> We can hear\n> banging") == "<blockquote>We can hear banging</blockquote>"


def test_markup_in_the_text_is_shown_never_interpreted():
    html = markdown_to_html("<img src='file:///etc/passwd'>\nand <b>bold</b>")
    assert "<img" not in html and "<b>bold" not in html
    assert html == "<p>&lt;img src=&#x27;file:///etc/passwd&#x27;&gt; and &lt;b&gt;bold&lt;/b&gt;</p>"


def test_plain_text_drops_the_markers():
    assert markdown_to_plain("### When\n**Now** and *then*") == "When\nNow and then"

"""The one escaping helper, the link rule, clipping, and the basis rule for shipped evidence."""

from __future__ import annotations

import pytest

from action_tracker.evidence import basis_of
from action_tracker.text import clip, html, link_html, link_md, md, safe_url


@pytest.mark.parametrize("payload", [
    "[Your session expired: sign in here](https://evil.example)", "![x](http://evil.example/track.png)",
    "<img src=x onerror=alert(1)>", ":red[alarm]", "$x^2$", "<https://evil.example>", "**bold** _it_ `code`",
])
def test_md_escapes_every_markdown_construct(payload):
    out = md(payload)
    for ch in "[]()<>*_`$:!":
        assert all(out[i - 1] == "\\" for i, c in enumerate(out) if c == ch and i > 0), (payload, out)
    assert out.replace("\\", "").replace("\u2060", "") == payload  # nothing lost: the text shows as written


def test_md_handles_line_starts_bare_links_and_missing_values():
    assert md("- not a list") == "\\- not a list" and md("1. not a list") == "1\\. not a list"
    # A bare address gets an invisible word joiner, so Markdown does not make it a link.
    assert md("see www.evil.example and https://evil.example") == "see www.\u2060evil.example and https\\://\u2060evil.example"
    assert md(None) == "—" and md(float("nan"), "") == "" and md("a\nb") == "a b"


@pytest.mark.parametrize("url, ok", [
    ("https://www.gov.uk/x", True), ("http://example.org/a?b=c", True), ("javascript:alert(1)", False),
    ("data:text/html,x", False), ("https://gov.uk/\u202egpj.exe", False), ("https://ex\u200bample.org", False),
    ("ftp://x.org", False), ("https://a b", False), (None, False),
])
def test_only_plain_http_links_are_clickable(url, ok):
    assert (safe_url(url) is not None) == ok
    rendered = link_html(url, "evidence")
    assert ("<a href=" in rendered) == ok
    assert ("](" in link_md(url)) == ok


def test_html_escapes_quotes_too():
    assert html("<a href='x'>\"") == "&lt;a href=&#x27;x&#x27;&gt;&quot;"


@pytest.mark.parametrize("text, limit, expected", [
    ("Launch the AI Skills Academy, including", 30, "Launch the AI Skills Academy…"),
    ("Short title", 30, "Short title"),
    ("Supercalifragilistic expialidocious", 10, "Supercali…"),
])
def test_clip_cuts_at_a_word_never_mid_word(text, limit, expected):
    out = clip(text, limit)
    assert out == expected and len(out) <= limit


@pytest.mark.parametrize("source, url, basis", [
    ("Federal Register, 26 Sep 2025", "https://www.govinfo.gov/content/pkg/x.htm", "government"),
    ("GOV.UK, AI Opportunities Action Plan: One Year On, 29 Jan 2026", "https://www.gov.uk/x", "government"),
    ("EIB press release 2025-491, 4 Dec 2025", "https://www.eib.org/en/press/x", "government"),
    ("Wired-Gov (DSIT release), 10 Jun 2025; Computer Weekly", "https://www.wired-gov.net/x", "government"),
    ("UK Parliament written statement (Liz Kendall), 15 Dec 2025", "https://www.parallelparliament.co.uk/x",
     "government"),
    ("Baker Botts, Oct 2025; Federal Register doc 2025-19674", "https://frtracker.app/fr/2025-19674", "independent"),
    ("Lawfare, 12 Dec 2025", "", "independent"),
    ("Mondaq (Trump EO tracker), 1 Aug 2025", "https://www.mondaq.com/x", "independent"),
    ("Some blog", "https://notgov.uk.evil.example/x", "independent"),
])
def test_basis_rule(source, url, basis):
    assert basis_of(source, url) == basis


UNSTORABLE = ["\ufffe", "\uffff", "\U0001fffe", "\ufdd0", "\x85", "\x9f", "\x01", "\x7f"]


@pytest.mark.parametrize("ch", UNSTORABLE)
def test_the_one_rule_names_each_character_stored_text_may_not_hold(ch):
    from action_tracker.text import first_unstorable, storable
    assert first_unstorable(f"fine {ch} text") == f"U+{ord(ch):04X}"
    assert storable(f"a{ch}b") == "a\ufffdb"
    assert first_unstorable("tab\tnewline\ncarriage\r é 中 🙂") is None

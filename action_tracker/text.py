"""Text is text: the one place that makes a string from a user, a file, a plan or a URL safe
to show. Every page, chart label, report and table goes through these helpers.

* md(s): for Streamlit's Markdown (st.markdown, st.title, st.warning, …): every Markdown,
  HTML and Streamlit-directive character is escaped, so `[x](https://…)`, `![x](…)`, `<img>`,
  `:red[…]` and `$…$` show as the characters they are.
* html(s): for HTML we write ourselves (tables, the report).
* safe_url(s): a link is clickable only if it is http(s) with no characters that could
  disguise where it goes (controls, bidirectional overrides, zero-width characters).
* clip(s, n): shorten at a word, with an ellipsis, never mid-word.
"""

from __future__ import annotations

import html as _html
import re
import unicodedata

# Everything that can start Markdown, HTML, a Streamlit directive (:red[…], :emoji:) or LaTeX ($…$)
# anywhere in a line. Characters that only mean something at the start of a line (-, +, 1.) are
# escaped there only.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#!|:$~^&])")
_LINE_START = re.compile(r"^(\s*)(?:([-+=])|(\d+)([.)]))")
# Characters that change how text is laid out or read while staying invisible.
_DISGUISE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


# How every page, table, report and public page shows a value nobody knows (an owner or due date the
# plan does not give, a note never written): one dash, never "None", "nan" or an empty cell.
UNKNOWN = "—"


# THE rule for what stored text may hold (issue 32), used at every intake (uploads, and what comes
# later) and by every writer of the public edition: no C0 control but tab, newline and carriage return,
# no DEL or C1 control, no lone surrogate, and none of Unicode's 66 noncharacters (U+FDD0-U+FDEF and
# the last two code points of every plane, U+FFFE and U+FFFF among them), which XML 1.0 forbids.
NOT_STORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
                          + "".join(f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}" for p in range(17)) + "]")
# The same rule for text that is valid UTF-8 already (Arrow's strings, which hold no surrogate):
# what a table's columns are searched with, in C.
NOT_STORABLE_UTF8 = NOT_STORABLE.pattern.replace("\ud800-\udfff", "")
REPLACEMENT = "\ufffd"


def first_unstorable(value) -> str | None:
    """The first character stored text may not hold, as U+XXXX, or None if there is none."""
    if not isinstance(value, str):
        return None
    bad = NOT_STORABLE.search(value)
    return None if bad is None else f"U+{ord(bad.group()):04X}"


def storable(value):
    """The output guard: `value` with every character stored text may not hold replaced by U+FFFD, so a
    store written by an older release (before the intake rule) still publishes. Non-strings pass as they are."""
    return NOT_STORABLE.sub(REPLACEMENT, value) if isinstance(value, str) else value


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and value != value) or str(value) in ("nan", "NaT", "<NA>")


def md(value, empty: str = UNKNOWN) -> str:
    """`value` as literal text inside Streamlit Markdown; None or NaN shows as `empty`."""
    if _missing(value):
        return empty
    text = str(value).replace("\r", " ").replace("\n", " ")
    # Streamlit's Markdown turns a bare address into a link after escapes are resolved, so escaping
    # cannot stop it: an invisible word joiner after "://" and "www." does, and the text looks the same.
    text = re.sub(r"(?i)(://|\bwww\.)", "\\1\u2060", text)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(lambda m: m.group(1) + (f"\\{m.group(2)}" if m.group(2) else f"{m.group(3)}\\{m.group(4)}"),
                           text)


def html(value, empty: str = UNKNOWN) -> str:
    """`value` as literal text inside HTML; None or NaN shows as `empty`."""
    if _missing(value):
        return empty
    return _html.escape(str(value), quote=True)


# What Streamlit's Markdown reads even inside HTML text: emphasis, links, code, :color[...] and
# :emoji: directives, $math$, tables, headings, escapes. As numeric character references they are
# only characters to the Markdown parser and the same characters on screen.
_MD_IN_HTML = {c: f"&#{ord(c)};" for c in "*_[]()`~|#:$\\!<>&\"'{}+-="}


def html_in_markdown(value, empty: str = UNKNOWN) -> str:
    """`value` as literal text inside HTML that Streamlit's Markdown renders (st.markdown with
    unsafe_allow_html: the dashboard's SVG charts): html() plus every character Markdown reads, and
    no line break (a blank line would end the HTML block)."""
    if _missing(value):
        return empty
    text = str(value).replace("\r", " ").replace("\n", " ")
    return "".join(_MD_IN_HTML.get(c, c) for c in text)


def has_disguise(value: str) -> bool:
    """True if the text holds control, bidirectional-override or zero-width characters."""
    return bool(_DISGUISE.search(value)) or any(unicodedata.category(c) == "Cc" for c in value)


def safe_url(value) -> str | None:
    """The address if it may be a clickable link (http or https, nothing hidden in it); else None."""
    if _missing(value):
        return None
    url = str(value).strip()
    if not re.match(r"^https?://[^\s]+$", url, re.IGNORECASE) or has_disguise(url):
        return None
    return url


def archive_url(url, day) -> str | None:
    """The Wayback Machine's copy of a safe address nearest `day` (a date; None: none). The rule
    "archive: web.archive.org/web/<YYYYMMDD>/<url>": the archive redirects to its capture closest
    to that day, so the link is derived, never stored, and says nothing about whether a copy exists."""
    safe = safe_url(url)
    if safe is None or _missing(day):
        return None
    return f"https://web.archive.org/web/{day:%Y%m%d}/{safe}"


def link_html(url, label=None) -> str:
    """An <a> for a safe address, escaped; anything else as plain text."""
    safe = safe_url(url)
    text = html(label if label is not None else url)
    if safe is None:
        return text
    return f"<a href='{_html.escape(safe, quote=True)}' rel='noopener noreferrer' target='_blank'>{text}</a>"


def link_md(url, label: str = "source") -> str:
    """A Markdown link for a safe address (label escaped); anything else as plain escaped text."""
    safe = safe_url(url)
    if safe is None:
        return md(url, empty="")
    return f"[{md(label)}]({_link_target(safe)})"


def _link_target(url: str) -> str:
    # Parentheses, spaces and angle brackets inside a Markdown link target are percent-encoded,
    # so the target cannot end early.
    return url.replace("(", "%28").replace(")", "%29").replace(" ", "%20").replace("<", "%3C").replace(">", "%3E")


def page_link_md(label, target: str) -> str:
    """A Markdown link to a page of this dashboard ("explorer?action=UK-R1"), label escaped. The
    target is ours, built from ids; characters that could end it early are percent-encoded anyway."""
    return f"[{md(label)}]({_link_target(target)})"


def clip(value, limit: int) -> str:
    """At most `limit` characters, cut at a word with an ellipsis, never mid-word."""
    if _missing(value):
        return ""
    text = " ".join(str(value).split())
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    if text[limit - 1] != " " and " " in cut:  # the cut fell inside a word: go back to the word's start
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" ,;:-–—") + "…"

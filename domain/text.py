"""Unsafe characters in free text: which ones, and how to show them without obeying them.

docs/domain.md "Text fields" is the rule. A character is *unsafe* when a terminal, an editor or a
spreadsheet may act on it instead of showing it, or when it hides or reorders the text around it:

- Unicode category ``Cc`` — the C0 controls U+0000–U+001F (NUL, ESC, CR, BEL …), DEL U+007F and
  the C1 controls U+0080–U+009F (U+009B is an 8-bit CSI). Line feed and tab are the only
  exceptions, and only in note fields (:data:`NOTE_FIELDS`);
- category ``Cf`` (format) — the bidirectional embeddings, overrides and isolates U+202A–U+202E,
  U+2066–U+2069, the marks U+200E, U+200F, U+061C, zero-width characters U+200B–U+200D, U+2060,
  the byte-order mark U+FEFF, the soft hyphen and the other invisible format characters;
- categories ``Zl``/``Zp`` (U+2028, U+2029: line and paragraph separators) and ``Cs`` (lone
  surrogates, which UTF-8 cannot even encode).

Input is refused (:func:`first_unsafe`, used by ``domain/values.py``); what is already recorded
(older records, imports) is shown escaped (:func:`printable`) wherever it reaches a terminal.
"""

from __future__ import annotations

import unicodedata

TEXT_RULE = 'docs/domain.md "Text fields"'
"""Where the rule is written (cited by every refusal)."""

NOTE_FIELDS = frozenset({"basis", "note", "description", "terms", "reason", "message",
                         "record", "panel_decision"})
"""Fields holding prose (a legal basis, a note, a description): they may span lines, so line
feed and tab are allowed in them. Every other text field is one line."""

_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_LINE_BREAKS = frozenset("\n\t")


def is_unsafe(char: str, *, multiline: bool = False) -> bool:
    """Whether one character is refused in text (line feed and tab allowed if ``multiline``)."""
    if multiline and char in _LINE_BREAKS:
        return False
    return unicodedata.category(char) in _UNSAFE_CATEGORIES


def first_unsafe(text: str, *, multiline: bool = False) -> tuple[int, str] | None:
    """The position and the character of the first unsafe character of ``text``, or None."""
    if text.isprintable():  # fast path: printable text holds no Cc/Cf/Cs/Zl/Zp at all
        return None
    for position, char in enumerate(text):
        if is_unsafe(char, multiline=multiline):
            return position, char
    return None


def describe(char: str) -> str:
    """``U+001B (ESCAPE)``: a character named for a person reading a refusal."""
    name = unicodedata.name(char, "") or {"\x1b": "ESCAPE", "\x00": "NULL", "\x7f": "DELETE",
                                          "\r": "CARRIAGE RETURN", "\n": "LINE FEED",
                                          "\t": "TAB"}.get(char, "control character")
    return f"U+{ord(char):04X} ({name})"


def _escape(char: str) -> str:
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def printable(text: str, *, multiline: bool = True) -> str:
    """``text`` with every unsafe character written as a visible escape (ESC → ``\\x1b``,
    U+202E → ``\\u202e``); line feed and tab kept when ``multiline``. A backslash is left as
    it is: the escape shows *that* something was there, it is not meant to round-trip."""
    if text.isprintable():
        return text
    return "".join(_escape(ch) if is_unsafe(ch, multiline=multiline) else ch for ch in text)


def json_printable(text: str) -> str:
    """JSON text with every unsafe character still raw in it (``ensure_ascii=False`` keeps
    DEL, C1 and format characters) written as a ``\\uXXXX`` escape: the same JSON value, safe to
    print. Line feeds between tokens stay; inside JSON strings the encoder escaped them."""
    if text.isprintable():
        return text
    return "".join(_json_escape(ch) if is_unsafe(ch, multiline=True) else ch for ch in text)


def _json_escape(char: str) -> str:
    code = ord(char)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"

"""Look for personal data at rest: search files for a secret (say, a debtor's ID number).

Every file under the given paths is read as bytes and searched for the secret as UTF-8, as
UTF-16 (little and big endian) and as hex (lower and upper case: how ``pg_dump`` and ``COPY``
write ``bytea`` columns such as eventsourcing's ``state``), and a number (ASCII letters and
digits) also as people write it by hand: grouped by spaces or hyphens (``620402 19800101 0013``,
``620402-19800101-0013``), in full-width characters (``６２０４０２…``, UTF-8 and UTF-16), with a
lowercase ``x``; in UTF-8 any grouping and any mix of these forms is found (``separated``).
Point it at a data directory (the
SQLite event store with its WAL, the read-model file, Temporal's ``temporal.sqlite``, CSV
exports) or at a PostgreSQL dump made with ``pg_dump --format=plain`` (``--format=custom``
compresses: use plain, or ``-Z0``). Key files (``*.cipherkey``, ``*.chainkey``,
``*.anchorkey``, ``*.key``) are skipped: they hold keys, not data.

``python -m projections.pii_scan --secret 620402198001010013 data/ dump.sql`` prints each hit
and exits 1 if there is any, 0 if none.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

KEY_SUFFIXES = frozenset({".cipherkey", ".chainkey", ".anchorkey", ".key"})
CHUNK = 1 << 20


GROUPS = ((6, 8, 4), (6, 4, 4, 4), (3, 3, 4, 4, 4))
"""How an 18-character ID number is grouped by hand (other lengths: groups of 4)."""
SEPARATORS = (" ", "-")
FULL_WIDTH = 0xFEE0  # "0" + FULL_WIDTH = "０"
_SEPARATOR_BYTES = rb"(?:[ \-]|\xe3\x80\x80|\xef\xbc\x8d|\xe2\x80[\x90-\x95]|\xc2\xa0)"
MAX_SEPARATORS = 3
"""Separator characters allowed between two characters of a ``separated`` match."""


def _is_number(secret: str) -> bool:
    return secret.isascii() and secret.isalnum() and len(secret) >= 8


def _groups(secret: str) -> list[str]:
    sizes = GROUPS if len(secret) == 18 else ((4,) * (len(secret) // 4 + 1),)
    out = []
    for layout in sizes:
        parts, at = [], 0
        for size in layout:
            if at < len(secret):
                parts.append(secret[at:at + size])
            at += size
        out.append(parts)
    return [" ".join(parts) for parts in out]


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + FULL_WIDTH) if "!" <= c <= "~" else c for c in text)


def encodings(secret: str) -> dict[str, bytes]:
    """The byte forms in which a secret may rest: as given (UTF-8, UTF-16, hex) and, for a
    number, as written by hand (grouped, full-width, lowercase ``x``)."""
    raw = secret.encode("utf-8")
    texts = {"utf-8": secret}
    if _is_number(secret):
        upper = secret.upper()
        for i, grouped in enumerate(_groups(upper)):
            suffix = "" if i == 0 else f" {i + 1}"
            texts[f"spaced{suffix}"] = grouped
            texts[f"hyphenated{suffix}"] = grouped.replace(" ", "-")
        texts["full-width"] = _full_width(upper)
        if upper != secret.lower():
            texts["lowercase"] = secret.lower()
    forms = {name: text.encode("utf-8") for name, text in texts.items()}
    forms |= {"utf-16-le": secret.encode("utf-16-le"), "utf-16-be": secret.encode("utf-16-be"),
              "hex": raw.hex().encode(), "HEX": raw.hex().upper().encode()}
    if "full-width" in texts:
        forms |= {"full-width utf-16-le": texts["full-width"].encode("utf-16-le"),
                  "full-width utf-16-be": texts["full-width"].encode("utf-16-be")}
    unique: dict[bytes, str] = {}
    for name, form in forms.items():
        unique.setdefault(form, name)  # digits only: HEX is hex
    return {name: form for form, name in unique.items()}


def separated(secret: str) -> re.Pattern[bytes] | None:
    """For a number: any grouping by spaces or hyphens (ASCII, full-width, dashes) of its
    characters, each ASCII or full-width, letters in either case, in UTF-8. None: not a
    number."""
    if not _is_number(secret):
        return None
    chars = []
    for c in secret.upper():
        options = {c, c.lower(), _full_width(c), _full_width(c.lower())}
        chars.append(b"(?:" + b"|".join(re.escape(o.encode()) for o in sorted(options)) + b")")
    gap = _SEPARATOR_BYTES + b"{0,%d}" % MAX_SEPARATORS
    return re.compile(gap.join(chars))


def _max_length(secret: str) -> int:
    """The longest byte string :func:`separated` can match."""
    return len(secret) * 3 + (len(secret) - 1) * MAX_SEPARATORS * 3


@dataclass(frozen=True)
class Hit:
    path: Path
    encoding: str
    offset: int

    def __str__(self) -> str:
        return f"{self.path}: {self.encoding} at byte {self.offset}"


def scan_file(path: Path, secrets: Sequence[str]) -> list[Hit]:
    """Every place in ``path`` where one of ``secrets`` rests, in any of its encodings (a place
    found in several is reported once, by the first encoding listed)."""
    forms: list[tuple[str, re.Pattern[bytes]]] = []
    longest = 1
    for secret in secrets:
        for name, form in encodings(secret).items():
            forms.append((name, re.compile(re.escape(form))))
            longest = max(longest, len(form))
        if (pattern := separated(secret)) is not None:
            forms.append(("separated", pattern))
            longest = max(longest, _max_length(secret))
    overlap = longest - 1
    hits: dict[int, Hit] = {}
    with path.open("rb") as stream:
        base, tail = 0, b""
        while chunk := stream.read(CHUNK):
            window = tail + chunk
            for name, pattern in forms:
                for found in pattern.finditer(window):
                    at = base - len(tail) + found.start()
                    if found.end() > len(tail):  # not already found in the last window
                        hits.setdefault(at, Hit(path, name, at))
            tail = window[-overlap:] if overlap else b""
            base += len(chunk)
    return [hits[at] for at in sorted(hits)]


def files_under(paths: Iterable[Path]) -> Iterator[Path]:
    """Every regular file under ``paths`` (files themselves included), key files left out."""
    for path in paths:
        candidates = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() \
            else [path]
        yield from (p for p in candidates if p.suffix not in KEY_SUFFIXES)


def scan_paths(paths: Iterable[Path], secrets: Sequence[str]) -> list[Hit]:
    return [hit for path in files_under(paths) for hit in scan_file(path, secrets)]


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m projections.pii_scan",
                                     description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--secret", action="append", required=True,
                        help="text to look for (repeat for several)")
    parser.add_argument("paths", nargs="+", type=Path)
    args = parser.parse_args(argv)
    missing = [str(path) for path in args.paths if not path.exists()]
    if missing:
        parser.error(f"no such file or directory: {', '.join(missing)}")
    hits = scan_paths(args.paths, args.secret)
    for hit in hits:
        print(hit)
    scanned = sum(1 for _ in files_under(args.paths))
    print(f"{len(hits)} hit(s) in {scanned} file(s)")
    return 1 if hits else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

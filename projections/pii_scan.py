"""Look for personal data at rest: search files for a secret (say, a debtor's ID number).

Every file under the given paths is read as bytes and searched for the secret as UTF-8, as
UTF-16 (little and big endian) and as hex (lower and upper case: how ``pg_dump`` and ``COPY``
write ``bytea`` columns such as eventsourcing's ``state``). Point it at a data directory (the
SQLite event store with its WAL, the read-model file, Temporal's ``temporal.sqlite``, CSV
exports) or at a PostgreSQL dump made with ``pg_dump --format=plain`` (``--format=custom``
compresses: use plain, or ``-Z0``). Key files (``*.cipherkey``, ``*.chainkey``,
``*.anchorkey``, ``*.key``) are skipped: they hold keys, not data.

``python -m projections.pii_scan --secret 620402198001010013 data/ dump.sql`` prints each hit
and exits 1 if there is any, 0 if none.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

KEY_SUFFIXES = frozenset({".cipherkey", ".chainkey", ".anchorkey", ".key"})
CHUNK = 1 << 20


def encodings(secret: str) -> dict[str, bytes]:
    """The byte forms in which a secret may rest."""
    raw = secret.encode("utf-8")
    forms = {"utf-8": raw, "utf-16-le": secret.encode("utf-16-le"),
             "utf-16-be": secret.encode("utf-16-be"), "hex": raw.hex().encode(),
             "HEX": raw.hex().upper().encode()}
    unique: dict[bytes, str] = {}
    for name, form in forms.items():
        unique.setdefault(form, name)  # digits only: HEX is hex
    return {name: form for form, name in unique.items()}


@dataclass(frozen=True)
class Hit:
    path: Path
    encoding: str
    offset: int

    def __str__(self) -> str:
        return f"{self.path}: {self.encoding} at byte {self.offset}"


def scan_file(path: Path, secrets: Sequence[str]) -> list[Hit]:
    """Every place in ``path`` where one of ``secrets`` rests, in any of its encodings."""
    forms = [(name, form) for secret in secrets for name, form in encodings(secret).items()]
    overlap = max(len(form) for _, form in forms) - 1
    hits: list[Hit] = []
    with path.open("rb") as stream:
        base, tail = 0, b""
        while chunk := stream.read(CHUNK):
            window = tail + chunk
            for name, form in forms:
                at = window.find(form)
                while at != -1:
                    if at + len(form) > len(tail):  # not already found in the last window
                        hits.append(Hit(path, name, base - len(tail) + at))
                    at = window.find(form, at + 1)
            tail = window[-overlap:] if overlap else b""
            base += len(chunk)
    return hits


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

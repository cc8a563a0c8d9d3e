"""What read models keep of personal data: identity numbers masked, never whole.

Auditors and supervisors need to tell parties apart and to see that a document was recorded,
not the document number itself (the event store, encrypted, keeps it). So every identity
document of a party (resident ID, unified social credit code, passport, permits …) is stored as
its first 6 and last 4 characters with the rest starred (``620402********0013``; documents
shorter than 14 characters keep 2 + 2). Free text an operator typed (a legal basis, an asset's
description, a sanction's subject) is scrubbed too: a run of 15–19 digits (an old or new ID
number, a bank card) or a checksum-valid credit code inside it is masked the same way.

Numbers are normalised before they are judged (:func:`normalise_number`): full-width digits and
letters (``６２０４０２…``), lowercase ``x``, and spaces or hyphens between groups of digits
(``620402 19800101 0013``, ``620402-19800101-0013``) are an ID number all the same, masked in its
canonical form when the groups make a valid resident ID or bank card (docs/operations.md,
"Masking in read models").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from domain.values import ResidentId, SocialCreditCode

DOCUMENT_TYPES = frozenset({"resident_id", "credit_code", "passport", "hk_macao_permit",
                            "taiwan_permit", "foreign_permanent_residence", "business_licence",
                            "other"})
PARTY_FIELDS = ("applicants", "respondents")
_DIGIT = "[0-9\uff10-\uff19]"  # ASCII or full-width
_ALNUM = "0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"
_HYPHENS = "\\-\u2010-\u2015\u2212\uff0d"
_SPACES = " \u00a0\u3000"
_SEP = f"(?:[{_SPACES}]{{1,2}}|[{_SPACES}]{{0,2}}[{_HYPHENS}][{_SPACES}]{{0,2}})"
_EDGE_BEFORE = f"(?<![{_ALNUM}])(?<![{_ALNUM}][{_HYPHENS}])"  # not inside a uuid or a hash
_EDGE_AFTER = f"(?![{_ALNUM}])(?![{_HYPHENS}][{_ALNUM}])"
_DENSE = re.compile(f"[0-9\uff10-\uff19Xx\uff38\uff58{_SPACES}{_HYPHENS}]{{15,}}")
"""15 characters of digits and separators in a row: every number :data:`_DIGITS` masks is
one (a cheap first look)."""
_SIX = re.compile(f"{_DIGIT}{{6}}")
"""Six digits in a row: every credit code has them."""
_GROUP = f"{_DIGIT}+[Xx\uff38\uff58]?"
_DIGITS = re.compile(f"{_EDGE_BEFORE}{_GROUP}(?:{_SEP}{_GROUP})*{_EDGE_AFTER}")
"""A run of digit groups (the last digit of a group may be X) separated by spaces or hyphens:
judged group by group for 15–19 digits (an ID number, a card), :func:`_judge`."""
_CODE = re.compile(f"{_EDGE_BEFORE}[0-9A-Z\uff10-\uff19\uff21-\uff3a]{{2}}{_DIGIT}{{6}}"
                   f"[0-9A-Z\uff10-\uff19\uff21-\uff3a]{{10}}{_EDGE_AFTER}")
"""18 characters shaped like a unified social credit code (checked before it is masked)."""
_NOT_PART = re.compile(f"[{_SPACES}{_HYPHENS}]")
_GAPS = re.compile(f"([{_SPACES}{_HYPHENS}]+)")


def normalise_number(text: str) -> str:
    """An identity number as written by hand → its canonical form: full-width characters made
    ASCII (NFKC), spaces and hyphens dropped, letters upper case
    (``６２０４０２-19800101 001x`` → ``62040219800101001X``)."""
    return _NOT_PART.sub("", unicodedata.normalize("NFKC", text)).upper()


def mask_number(number: str) -> str:
    """``620402198001010013`` → ``620402********0013`` (short numbers keep 2 + 2)."""
    size = len(number)
    start, end = (6, 4) if size >= 14 else (2, 2) if size >= 8 else (0, 0)
    return number[:start] + "*" * (size - start - end) + number[size - end:]


def _luhn(number: str) -> bool:
    total = 0
    for i, digit in enumerate(int(d) for d in reversed(number)):
        total += digit if i % 2 == 0 else (digit * 2 - 9 if digit > 4 else digit * 2)
    return total % 10 == 0


def _resident_id(number: str) -> bool:
    """A valid resident ID number (check digit; the old 15 digits with a real birth date)."""
    if len(number) not in (15, 18):
        return False
    try:
        ResidentId(number=number)
    except ValidationError:
        return False
    return True


def _card(number: str) -> bool:
    return number.isdigit() and 16 <= len(number) <= 19 and _luhn(number)


def _runs(parts: list[str], taken: dict[int, tuple[int, str]], wanted: Callable[[str], bool]
          ) -> None:
    """Left to right over the groups of ``parts`` not yet ``taken``: the longest run of whole
    groups starting at each one that ``wanted`` accepts (15–19 characters, X only last) is
    taken (``first -> (last, number)``)."""
    groups, first = len(parts) // 2 + 1, 0
    covered = [False] * groups
    for start, (end, _) in taken.items():
        covered[start:end + 1] = [True] * (end + 1 - start)
    while first < groups:
        if covered[first]:
            first += 1
            continue
        best: tuple[int, str] | None = None
        size = 0
        for last in range(first, groups):
            if covered[last]:
                break
            size += len(parts[2 * last])
            if size > 19:
                break
            if size >= 15:
                number = normalise_number("".join(parts[2 * first:2 * last + 1]))
                alone = last == first  # one unbroken group: masked whatever it is
                if number[:-1].isdigit() and (alone or wanted(number)):
                    best = (last, number)
        if best is None:
            first += 1
            continue
        taken[first] = best
        first = best[0] + 1


def _judge(parts: list[str]) -> str:
    """``parts`` alternate groups of digits and separators (``[g, s, g, s, g]``). Numbers
    written in groups are taken for what they are: first valid resident IDs, then bank cards
    (Luhn) and unbroken runs of 15–19 digits; two dates side by side are neither. Each masked,
    the rest left as written."""
    taken: dict[int, tuple[int, str]] = {}
    _runs(parts, taken, _resident_id)
    _runs(parts, taken, _card)
    out: list[str] = []
    group = 0
    while 2 * group < len(parts):
        if group in taken:
            last, number = taken[group]
            out.append(mask_number(number))
            group = last
        else:
            out.append(parts[2 * group])
        if 2 * group + 1 < len(parts):
            out.append(parts[2 * group + 1])
        group += 1
    return "".join(out)


def _mask_digits(match: re.Match[str]) -> str:
    token = match[0]
    if len(token) < 15:  # a date, an amount: too short to be a number of ours
        return token
    return _judge(_GAPS.split(token))


def _mask_code(match: re.Match[str]) -> str:
    code = normalise_number(match[0])
    try:
        SocialCreditCode(number=code)
    except ValidationError:
        return match[0]  # an 18-character code that is not a credit code
    return mask_number(code)


def scrub_text(text: str) -> str:
    """Free text with any identity or card number inside it masked (in any of the written
    forms :func:`normalise_number` accepts)."""
    if _DENSE.search(text):
        text = _DIGITS.sub(_mask_digits, text)
    return _CODE.sub(_mask_code, text) if _SIX.search(text) else text


def scrub_optional(text: str | None) -> str | None:
    return None if text is None else scrub_text(text)


def mask_document(document: dict[str, Any]) -> dict[str, Any]:
    """A party's identity document (its JSON form) with the number masked."""
    number = document.get("number")
    if document.get("type") in DOCUMENT_TYPES and isinstance(number, str):
        return {**document, "number": mask_number(normalise_number(number))}
    return document


def mask_parties(data: dict[str, Any]) -> dict[str, Any]:
    """An event's JSON form with every party's document masked (events without parties are
    returned as they are)."""
    if not any(name in data for name in PARTY_FIELDS):
        return data
    masked = dict(data)
    for name in PARTY_FIELDS:
        parties = data.get(name)
        if isinstance(parties, list):
            masked[name] = [{**p, "document": mask_document(p["document"])}
                            if isinstance(p, dict) and isinstance(p.get("document"), dict)
                            else p for p in parties]
    return masked

"""What read models keep of personal data: identity numbers masked, never whole.

Auditors and supervisors need to tell parties apart and to see that a document was recorded,
not the document number itself (the event store, encrypted, keeps it). So every identity
document of a party (resident ID, unified social credit code, passport, permits …) is stored as
its first 6 and last 4 characters with the rest starred (``620402********0013``; documents
shorter than 14 characters keep 2 + 2). Free text an operator typed (a legal basis, an asset's
description, a sanction's subject) is scrubbed too: a run of 15–19 digits (an old or new ID
number, a bank card) or a checksum-valid credit code inside it is masked the same way.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from domain.values import SocialCreditCode

DOCUMENT_TYPES = frozenset({"resident_id", "credit_code", "passport", "hk_macao_permit",
                            "taiwan_permit", "foreign_permanent_residence", "business_licence",
                            "other"})
PARTY_FIELDS = ("applicants", "respondents")
_SIX_DIGITS = re.compile(r"\d{6}")  # every candidate below has one: a cheap first look
_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])(?:\d{14,18}[\dXx]|[0-9A-Z]{2}\d{6}[0-9A-Z]{10})"
                        r"(?![0-9A-Za-z])")


def mask_number(number: str) -> str:
    """``620402198001010013`` → ``620402********0013`` (short numbers keep 2 + 2)."""
    size = len(number)
    start, end = (6, 4) if size >= 14 else (2, 2) if size >= 8 else (0, 0)
    return number[:start] + "*" * (size - start - end) + number[size - end:]


def _mask_match(match: re.Match[str]) -> str:
    token = match[0]
    if token[:-1].isdigit():
        return mask_number(token)
    try:
        SocialCreditCode(number=token)
    except ValidationError:
        return token  # an 18-character code that is not a credit code
    return mask_number(token)


def scrub_text(text: str) -> str:
    """Free text with any identity or card number inside it masked."""
    if not _SIX_DIGITS.search(text):
        return text
    return _CANDIDATE.sub(_mask_match, text)


def scrub_optional(text: str | None) -> str | None:
    return None if text is None else scrub_text(text)


def mask_document(document: dict[str, Any]) -> dict[str, Any]:
    """A party's identity document (its JSON form) with the number masked."""
    number = document.get("number")
    if document.get("type") in DOCUMENT_TYPES and isinstance(number, str):
        return {**document, "number": mask_number(number)}
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

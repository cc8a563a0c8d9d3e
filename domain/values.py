"""Value objects: money, case numbers, party identities (with checksums), actors; the input
rules every model shares: safe text (docs/domain.md "Text fields") and money as written
(docs/domain.md "Money")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from domain.text import NOTE_FIELDS, TEXT_RULE, describe, first_unsafe

# --- input rules and the record ---------------------------------------------------------------

_RECORDED: ContextVar[bool] = ContextVar("recorded_facts", default=False)
_NEW_FACTS: ContextVar[bool] = ContextVar("new_facts", default=False)


@contextmanager
def recorded_facts() -> Iterator[None]:
    """Within: models are rebuilt from the record (stored events, snapshots), not from input.

    The input rules for text and money apply to new input only: what was recorded before a rule
    existed still loads exactly as it was written (its hash chain covers those bytes). Inside
    :func:`new_facts` this changes nothing: facts arriving now are input."""
    token = _RECORDED.set(not _NEW_FACTS.get())
    try:
        yield
    finally:
        _RECORDED.reset(token)


@contextmanager
def new_facts() -> Iterator[None]:
    """Within: events built from outside input (a legacy import) are held to the input rules,
    although events are otherwise rebuilt as recorded (:func:`recorded_facts`)."""
    token, recorded = _NEW_FACTS.set(True), _RECORDED.set(False)
    try:
        yield
    finally:
        _RECORDED.reset(recorded)
        _NEW_FACTS.reset(token)


# --- money ----------------------------------------------------------------------------------

MAX_AMOUNT = Decimal("1000000000000.00")  # ¥1 trillion: far above any case, bounds bad input
MONEY_RULE = 'docs/domain.md "Money"'
CENT = Decimal("0.01")
_MONEY_TEXT = re.compile(r"[0-9]+(?:\.[0-9]{1,2})?")  # ASCII digits only ([0-9], not \d)
_FRACTION = re.compile(r"[0-9]+\.([0-9]+)")


def _money_refused(value: object, reason: str) -> PydanticCustomError:
    return PydanticCustomError(
        "money.format", "amount {value} refused: {reason}; write ASCII digits with at most 2 "
        "decimal places, e.g. 1234.50 [{rule}]",
        {"value": repr(value), "reason": reason, "rule": MONEY_RULE})


def _text_reason(text: str) -> str:
    """Why a written amount is refused (the first problem found)."""
    if not text.isascii():
        return "only the ASCII digits 0-9 are read (no full-width or other digits)"
    if not text:
        return "empty"
    if text[0] in "+-":
        return "no sign is written (amounts are never negative)"
    if any(c in text for c in "eE"):
        return "no exponent"
    if any(c in text for c in "_, '"):
        return "no digit separators or spaces"
    places = _FRACTION.fullmatch(text)
    if places:
        return f"{len(places.group(1))} decimal places written, at most 2"
    return "not a decimal number"


def _canonical(value: Decimal, original: object) -> Decimal:
    if not value.is_finite():
        raise _money_refused(original, "not a finite number")
    if value.adjusted() > 14:  # far above MAX_AMOUNT: the bound refuses it, quantize could not
        return value
    canonical = value.quantize(CENT)
    if canonical != value:
        raise _money_refused(original, "not a whole number of cents")
    return canonical


def _money_input(value: Any) -> Any:
    """New input as an amount: ASCII decimal text with at most 2 places written, an int, or a
    Decimal exact to the cent; stored canonical (2 places). Floats are refused."""
    if _RECORDED.get():
        return value
    if isinstance(value, bool):
        raise _money_refused(value, "a boolean is not an amount")
    if isinstance(value, Decimal):
        return _canonical(value, value)
    if isinstance(value, int):
        return _canonical(Decimal(value), value)
    if isinstance(value, float):
        raise _money_refused(value, "a binary floating-point number (write the amount as a "
                             "string, e.g. \"100.50\", or as an integer)")
    if isinstance(value, str):
        if _MONEY_TEXT.fullmatch(value) is None:
            raise _money_refused(value, _text_reason(value))
        return _canonical(Decimal(value), value)
    return value  # anything else: pydantic's decimal validation refuses it


def _money_schema(low: str) -> dict[str, Any]:
    """JSON Schema of an amount: decimal text (the canonical form), or an integer in bounds."""
    return {"anyOf": [{"type": "string", "pattern": r"^[0-9]+(\.[0-9]{1,2})?$"},
                      {"type": "integer", low: 0, "maximum": int(MAX_AMOUNT)}],
            "description": "yuan: ASCII digits with at most 2 decimal places (a string), or an "
                           "integer; no sign, exponent, separators or floats "
                           "(docs/domain.md \"Money\")"}


Money = Annotated[Decimal, Field(ge=0, le=MAX_AMOUNT, max_digits=15, decimal_places=2),
                  BeforeValidator(_money_input),  # after the constraints: they stay in the core
                  WithJsonSchema(_money_schema("minimum"))]
"""Non-negative yuan amount with at most 2 decimal places (interest and fees may be zero)."""
PositiveMoney = Annotated[Decimal, Field(gt=0, le=MAX_AMOUNT, max_digits=15, decimal_places=2),
                          BeforeValidator(_money_input),
                          WithJsonSchema(_money_schema("exclusiveMinimum"))]
"""Strictly positive yuan amount (claims, payments, prices)."""


def yuan(value: Decimal | int | str) -> Decimal:
    """Round to whole cents (half up, as courts compute interest)."""
    return Decimal(value).quantize(CENT, rounding="ROUND_HALF_UP")


# --- text -----------------------------------------------------------------------------------

def check_text(value: str, *, multiline: bool = False) -> str:
    """``value`` if it holds no unsafe character (domain/text.py), else a ``text.unsafe`` error
    naming the character and its position (the field is named by the error's location)."""
    found = None if value.isprintable() else first_unsafe(value, multiline=multiline)
    if found is not None:
        position, char = found
        raise PydanticCustomError(
            "text.unsafe", "{char} at position {position} refused: control, format and "
            "bidirectional characters are not accepted in text{lines} [{rule}]",
            {"char": describe(char), "position": position, "rule": TEXT_RULE,
             "lines": " (line feed and tab only in notes)" if char in "\n\t" else ""})
    return value


class CheckedText(BaseModel):
    """Mixin: every text field of the model (a string, or strings in a tuple or list) refuses
    unsafe characters; line feed and tab only in note fields (``domain.text.NOTE_FIELDS``).
    Each bad field is named (``respondents.0.name``, ``bound_persons.1``). Models rebuilt from
    the record are not checked (:func:`recorded_facts`)."""

    @model_validator(mode="after")
    def _safe_text(self) -> Self:
        if _RECORDED.get():
            return self
        errors: list[InitErrorDetails] = []
        for name, value in self.__dict__.items():
            if isinstance(value, str):
                if not value.isprintable():  # printable text holds no unsafe character
                    _collect(errors, (name,), value, name in NOTE_FIELDS)
            elif isinstance(value, tuple | list):
                for index, item in enumerate(value):
                    if isinstance(item, str) and not item.isprintable():
                        _collect(errors, (name, index), item, name in NOTE_FIELDS)
        if errors:
            raise ValidationError.from_exception_data(type(self).__name__, errors)
        return self


def _collect(errors: list[InitErrorDetails], loc: tuple[str | int, ...], value: str,
             multiline: bool) -> None:
    try:
        check_text(value, multiline=multiline)
    except PydanticCustomError as exc:
        errors.append(InitErrorDetails(type=exc, loc=loc, input=value))


class Frozen(CheckedText):
    """Base of immutable, strictly validated value models (commands, parties, claims …): their
    text is checked by :class:`CheckedText`."""

    model_config = ConfigDict(frozen=True, extra="forbid")


# --- case numbers ---------------------------------------------------------------------------

class CaseKind(StrEnum):
    """Kind of enforcement case by its number's type character(s)."""

    FIRST = "执"  # first enforcement
    RESUMED = "执恢"  # resumed enforcement
    PRESERVATION = "执保"  # preservation enforcement


_CASE_NUMBER = re.compile(
    r"^[(（](?P<year>\d{4})[)）](?P<court>[\u4e00-\u9fff]\d{0,4})"
    r"(?P<kind>执恢|执保|执)(?P<seq>[1-9]\d{0,5})号$"
)


def _check_case_number(value: str) -> str:
    match = _CASE_NUMBER.match(value.strip())
    if not match:
        raise ValueError(
            "case number must look like (2026)甘0402执123号: (year)court-code 执|执恢|执保 serial 号"
        )
    year = int(match["year"])
    if not 1990 <= year <= 2100:
        raise ValueError(f"case number year {year} is out of range")
    return f"({match['year']}){match['court']}{match['kind']}{match['seq']}号"


CaseNumber = Annotated[str, AfterValidator(_check_case_number)]
"""Case number such as ``(2026)甘0402执123号`` (full-width brackets are normalised)."""


def case_kind_of(number: str) -> CaseKind:
    """The kind (执/执恢/执保) encoded in a valid case number."""
    match = _CASE_NUMBER.match(number)
    if not match:
        raise ValueError(f"not a case number: {number}")
    return CaseKind(match["kind"])


def court_of(number: str) -> str:
    """The court code (e.g. 甘0402) encoded in a valid case number."""
    match = _CASE_NUMBER.match(number)
    if not match:
        raise ValueError(f"not a case number: {number}")
    return match["court"]


# --- identity documents ---------------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def resident_id_birth_date(number: str) -> date:
    """Birth date encoded in an 18- or 15-digit resident ID number."""
    if len(number) == 18:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    return date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))


def _check_resident_id(value: str) -> str:
    number = value.strip().upper()
    if re.fullmatch(r"\d{17}[\dX]", number):
        total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
        if _ID_CHECK[total % 11] != number[17]:
            raise ValueError("resident ID number fails its GB 11643 check digit")
    elif not re.fullmatch(r"\d{15}", number):
        raise ValueError("resident ID number must have 18 characters (or the old 15 digits)")
    try:
        resident_id_birth_date(number)
    except ValueError as exc:
        raise ValueError("resident ID number encodes an impossible birth date") from exc
    return number


_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def _check_credit_code(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 18 or any(c not in _USCC_CHARS for c in code):
        raise ValueError("unified social credit code must be 18 characters of 0-9 and A-Y "
                         "without I, O, S, V, Z")
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(code[:17], _USCC_WEIGHTS, strict=True))
    if _USCC_CHARS[(31 - total % 31) % 31] != code[17]:
        raise ValueError("unified social credit code fails its GB 32100 check character")
    return code


ResidentIdNumber = Annotated[str, AfterValidator(_check_resident_id)]
CreditCode = Annotated[str, AfterValidator(_check_credit_code)]


class ResidentId(Frozen):
    """Chinese resident identity card (GB 11643)."""

    type: Literal["resident_id"] = "resident_id"
    number: ResidentIdNumber


class SocialCreditCode(Frozen):
    """Unified social credit code of an organisation (GB 32100)."""

    type: Literal["credit_code"] = "credit_code"
    number: CreditCode


class OtherDocument(Frozen):
    """Any other identity document, typed explicitly (no checksum to verify)."""

    type: Literal["passport", "hk_macao_permit", "taiwan_permit", "foreign_permanent_residence",
                  "business_licence", "other"]
    number: Annotated[str, Field(min_length=3, max_length=40, pattern=r"^[A-Za-z0-9\-]+$")]


IdentityDocument = Annotated[ResidentId | SocialCreditCode | OtherDocument,
                             Field(discriminator="type")]


class PartyKind(StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"


class Party(Frozen):
    """A party to the case (applicant 申请执行人 or respondent 被执行人)."""

    name: Annotated[str, Field(min_length=1, max_length=100)]
    kind: PartyKind
    document: IdentityDocument
    birth_date: date | None = None  # for persons without a resident ID (minors rule, 失信规定 art.4)
    legal_representative: Annotated[str, Field(max_length=100)] | None = None

    def born_on(self) -> date | None:
        """Birth date from the resident ID, else the declared one."""
        if isinstance(self.document, ResidentId):
            return resident_id_birth_date(self.document.number)
        return self.birth_date


# --- actors ---------------------------------------------------------------------------------

class Role(StrEnum):
    """Who may act: docs/design.md, Actor."""

    CLERK = "clerk"
    OFFICER = "officer"
    JUDGE = "judge"
    PRESIDENT = "president"
    AUDITOR = "auditor"
    SYSTEM = "system"


ACTOR_ID_RULE = 'docs/operations.md "Personal data at rest" (actor ids)'
_ACTOR_ID = re.compile(r"[a-z][a-z0-9._-]{1,63}")
_LOOKS_LIKE_A_NUMBER = re.compile(r"[\d\s\-－]{6,}", re.UNICODE)
RECORDED = "recorded"
"""Validation context key: set (``{RECORDED: True}``) when reading what the store recorded,
whose actor ids predate the id rule and are read as they were written."""
READ_AS_RECORDED: dict[str, bool] = {RECORDED: True}
"""The context of ``model_validate`` for stored events (domain/persistence.py)."""


def _check_actor_id(value: str, info: ValidationInfo) -> str:
    if _RECORDED.get() or (isinstance(info.context, dict) and info.context.get(RECORDED)):
        return value  # read as recorded (an event is a fact; the rule applies to new input)
    if _ACTOR_ID.fullmatch(value):
        return value
    if _LOOKS_LIKE_A_NUMBER.search(value):
        raise ValueError(f"an actor id is an account id, never an identity, card or phone "
                         f"number (personal data must not become an id): {ACTOR_ID_RULE}")
    raise ValueError(f"an actor id is an account id: a lowercase letter, then 1–63 of a-z, "
                     f"0-9, '.', '_', '-' (e.g. clerk-7): {ACTOR_ID_RULE}")


ActorId = Annotated[str, AfterValidator(_check_actor_id), WithJsonSchema(
    {"type": "string", "pattern": f"^{_ACTOR_ID.pattern}$", "minLength": 2, "maxLength": 64})]
"""Who acts, as an account id (``clerk-7``, ``officer.wang``): never a name or an ID number."""


class Actor(Frozen):
    """Who gave a command."""

    id: ActorId
    role: Role


class Approval(Frozen):
    """A recorded approval (e.g. the court president's signature on a fine)."""

    approver_id: ActorId
    role: Role
    approved_on: date
    reference: Annotated[str, Field(max_length=120)] | None = None

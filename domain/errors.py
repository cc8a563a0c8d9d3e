"""Typed errors. Every refusal carries a machine code and the legal source of the rule."""

from __future__ import annotations


class EnforcementError(Exception):
    """Base of every error the engine raises on purpose.

    ``code`` is a stable machine code (e.g. ``auction.start_below_floor``), ``source`` the legal
    provision or contract the refusal rests on (e.g. ``网拍规定 art.10``).
    """

    retryable = False

    def __init__(self, code: str, message: str, source: str = "") -> None:
        self.code = code
        self.message = message
        self.source = source
        super().__init__(self.__str__())

    def __str__(self) -> str:
        return f"{self.code}: {self.message}" + (f" [{self.source}]" if self.source else "")

    def to_dict(self) -> dict[str, str]:
        """Plain form for transport (Temporal ApplicationError details, CLI --json)."""
        return {"code": self.code, "message": self.message, "source": self.source,
                "type": type(self).__name__}


class RuleViolationError(EnforcementError):
    """A legal rule forbids the act."""


class NotPermittedError(EnforcementError):
    """The actor's role may not give this command, or a required approval is missing."""


class UnknownCaseError(EnforcementError):
    """No case with that id or number exists."""

    def __init__(self, ref: str) -> None:
        super().__init__("case.unknown", f"no enforcement case {ref}", "engine")


class CaseAlreadyFiledError(EnforcementError):
    """A case with that number already exists (filed by another command)."""


class CommandConflictError(EnforcementError):
    """The same command_id was used before with a different payload."""


class InvalidInputError(EnforcementError):
    """Input failed validation (names the field)."""


class ConcurrencyError(EnforcementError):
    """Another writer changed the case first; reload and retry."""

    retryable = True


class EngineBusyError(EnforcementError):
    """The case stayed locked by other writers for longer than the configured wait
    (``engine.busy``); nothing was written, and the same command may simply be sent again."""

    retryable = True


class CipherKeyError(EnforcementError):
    """The store's encryption key is missing, malformed or not the key its events were
    encrypted with (codes ``cipher.*``; see docs/operations.md)."""


class ChainKeyError(EnforcementError):
    """The hash-chain key is missing (``chain.key_missing``), malformed (``chain.key_invalid``)
    or not the key the store was written with (``chain.wrong_key``); see docs/operations.md,
    "Keys". Raised at open: a key is never made up for a store that has one."""


class AnchorError(EnforcementError):
    """The anchor log is missing, unreadable or its export does not check out (codes
    ``anchor.*``; docs/operations.md, "Anchors")."""


# Backwards-friendly short aliases used in code that reads better with them.
RuleViolation = RuleViolationError
NotPermitted = NotPermittedError
UnknownCase = UnknownCaseError

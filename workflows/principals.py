"""Principals, not claims: who acts is established by a door, never taken from a payload.

A :class:`Principal` is an account (id, role) that a door has authenticated, together with the
system that vouches for it (``vouched_by``): the embedding host system for the facade, the
account store for the CLI. Doors sign what they vouch for with the engine's identity key ring
(``<data>/identity.key``, :class:`KeyRing`): HMAC-SHA256 tokens, ``v1.<key id>.<claims>.<mac>``
(base64url JSON claims). A token's ``use`` says what it may be used for: ``account`` (the CLI's
``ENFORCE_TOKEN``, with an expiry) or ``act`` (the ``enforce-principal`` header of one update or
signal, bound to the workflow, the act's name and the act's content).

Pure and deterministic (hmac, hashlib, json): the worker's workflow interceptor verifies headers
with it inside the workflow sandbox, the key ring given as bytes when the worker is built
(docs/operations.md "Identity").
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict

from domain.errors import NotPermittedError
from domain.values import Actor, Role
from workflows.messages import ScenarioRef

SOURCE = "docs/operations.md (Identity)"
HEADER = "enforce-principal"
"""The Temporal header that carries an act's signed principal."""
VERSION = "v1"
KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
ACCOUNT_ROLES = frozenset(r for r in Role if r is not Role.SYSTEM)
"""Roles an account may have: every domain role but ``system`` (the engine's own)."""


class IdentityError(NotPermittedError):
    """Who acts could not be established (``identity.*``): nothing is done."""

    def __init__(self, code: str, message: str, source: str = SOURCE) -> None:
        super().__init__(code, message, source)


@dataclass(frozen=True)
class Principal:
    """An authenticated account: ``actor_id`` with ``role``, vouched for by ``vouched_by``."""

    actor_id: str
    role: Role
    vouched_by: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.role, Role):
            object.__setattr__(self, "role", _role(str(self.role)))
        check_acting_role(self.role)
        if not self.actor_id or len(self.actor_id) > 64:
            raise IdentityError("identity.invalid", "a principal's actor id has 1 to 64 "
                                f"characters, not {len(self.actor_id)}")

    @property
    def actor(self) -> Actor:
        """The principal as the actor the record names."""
        return Actor(id=self.actor_id, role=self.role)


def _role(text: str) -> Role:
    try:
        return Role(text)
    except ValueError:
        raise IdentityError("identity.invalid_role", f"{text!r} is not a role; roles: "
                            + ", ".join(sorted(r.value for r in ACCOUNT_ROLES))) from None


def check_acting_role(role: Role) -> None:
    """``system`` is the engine's own role: no account, door or token may carry it."""
    if role is Role.SYSTEM:
        raise IdentityError("identity.system_reserved", "the role 'system' is reserved to the "
                            "engine's own acts: no account, door or token may carry it")


class KeyRing:
    """The identity keys: id → secret; the last one signs, every one verifies (keys are added,
    never removed, so that acts recorded in histories keep verifying on replay)."""

    def __init__(self, keys: dict[str, bytes], current: str | None = None) -> None:
        if not keys:
            raise IdentityError("identity.key_missing", "the identity key ring holds no key")
        for kid, secret in keys.items():
            if not KEY_ID.match(kid) or len(secret) < 32:
                raise IdentityError("identity.key_invalid", f"identity key {kid!r}: an id of "
                                    "letters, digits, - or _ and at least 32 bytes of secret")
        self.keys = dict(keys)
        self.current = current or list(keys)[-1]

    def sign(self, claims: dict[str, Any]) -> str:
        """A token carrying ``claims``, signed with the current key."""
        body = _b64(json.dumps(claims, sort_keys=True, separators=(",", ":")).encode())
        head = f"{VERSION}.{self.current}.{body}"
        return f"{head}.{_b64(self._mac(self.current, head))}"

    def verify(self, token: str, use: str) -> dict[str, Any]:
        """The claims of a token signed by a key of this ring for ``use``, else IdentityError
        (``identity.invalid_token``) naming what is wrong."""
        parts = token.split(".")
        if len(parts) != 4 or parts[0] != VERSION:
            raise _bad("it is not a v1 token")
        _, kid, body, mac = parts
        if kid not in self.keys:
            raise _bad(f"it is signed with key {kid!r}, which the identity key ring lacks")
        try:
            given = _unb64(mac)
            claims = json.loads(_unb64(body))
        except (ValueError, binascii.Error):
            raise _bad("it is not readable") from None
        if not hmac.compare_digest(given, self._mac(kid, f"{VERSION}.{kid}.{body}")):
            raise _bad("its signature does not verify")
        if not isinstance(claims, dict) or claims.get("use") != use:
            raise _bad(f"it is not a token for {use}")
        return claims

    def _mac(self, kid: str, text: str) -> bytes:
        return hmac.new(self.keys[kid], text.encode(), hashlib.sha256).digest()

    def text(self) -> str:
        """The ring as its file holds it: one ``<id> <base64 secret>`` a line."""
        return "".join(f"{kid} {base64.b64encode(k).decode()}\n" for kid, k in self.keys.items())

    @classmethod
    def parse(cls, text: str, origin: str) -> KeyRing:
        keys: dict[str, bytes] = {}
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            kid, _, secret = line.strip().partition(" ")
            try:
                keys[kid] = base64.b64decode(secret.strip(), validate=True)
            except (ValueError, binascii.Error):
                raise IdentityError("identity.key_invalid", f"{origin} line {number}: the "
                                    "secret is not base64") from None
        if not keys:
            raise IdentityError("identity.key_missing", f"{origin} holds no identity key")
        return cls(keys)


def _bad(why: str) -> IdentityError:
    return IdentityError("identity.invalid_token", f"the principal's token is refused: {why}")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# --- act tokens (the enforce-principal header) ----------------------------------------------

def act_digest(act_json: str) -> str:
    """What binds a header to one act: the SHA-256 of the act's JSON without its actor."""
    return hashlib.sha256(act_json.encode()).hexdigest()[:32]


def act_token(ring: KeyRing, principal: Principal, workflow_id: str, name: str,
              digest: str) -> str:
    """The header of one act: ``principal`` acts ``name`` on ``workflow_id`` with this
    content, vouched for by ``principal.vouched_by``."""
    check_acting_role(principal.role)
    return ring.sign({"use": "act", "sub": principal.actor_id, "role": principal.role.value,
                      "by": principal.vouched_by, "wf": workflow_id, "act": name,
                      "digest": digest})


def verify_act(ring: KeyRing, token: str | None, workflow_id: str, name: str,
               digest: str) -> Principal:
    """The principal a header vouches for, if it is signed by the ring for exactly this act."""
    if not token:
        raise IdentityError("identity.required", f"{name} carries no principal: every act "
                            f"needs the signed {HEADER!r} header of a door (the Engine facade "
                            "or enforce case do); a claimed actor is not accepted")
    claims = ring.verify(token, "act")
    if claims.get("wf") != workflow_id or claims.get("act") != name \
            or claims.get("digest") != digest:
        raise _bad(f"it was signed for another act (not {name} on {workflow_id} with this "
                   "content)")
    return principal_of(claims)


def principal_of(claims: dict[str, Any]) -> Principal:
    """The principal in a verified token's claims."""
    return Principal(actor_id=str(claims.get("sub") or ""), role=_role(str(claims.get("role"))),
                     vouched_by=str(claims.get("by") or ""))


def unverified_principal(token: str) -> Principal | None:
    """The principal of a header already verified when its act was accepted (an update handler
    after its validator, also on replay): read, not verified again."""
    try:
        claims = json.loads(_unb64(token.split(".")[2]))
        return principal_of(claims)
    except (ValueError, IndexError, binascii.Error, IdentityError):
        return None


@dataclass(frozen=True)
class HostSystem:
    """The system that embeds the engine and vouches for its principals: its ``name`` is
    recorded with every act it sends, ``ring`` is the engine's identity key ring (holding it
    is what lets a host vouch)."""

    name: str
    ring: KeyRing

    def __post_init__(self) -> None:
        if not re.match(r"^[A-Za-z0-9_.:@-]{1,64}$", self.name):
            raise IdentityError("identity.invalid", f"host system name {self.name!r}: 1 to 64 "
                                "letters, digits or . _ : @ -")

    def vouch(self, actor_id: str, role: Role | str) -> Principal:
        """The principal ``actor_id`` (``role``) as this host vouches for it."""
        return Principal(actor_id=actor_id, role=role if isinstance(role, Role)
                         else _role(role), vouched_by=self.name)


# --- what the worker's interceptor tells the case workflow (workflows/identity_worker.py) -----

VOUCHED_BY: ContextVar[str | None] = ContextVar("enforce_vouched_by", default=None)
"""The system that vouched for the act being handled (set by the worker's interceptor)."""
SIGNAL_TOKEN: ContextVar[str | None] = ContextVar("enforce_signal_token", default=None)
"""The ``enforce-principal`` header of the ``act`` signal being handled (unverified)."""
FILING_TOKEN: ContextVar[str | None] = ContextVar("enforce_filing_token", default=None)
"""The ``enforce-principal`` header of the workflow's start (its filing), unverified."""
FILING = "file"
"""The name a filing's header is signed for."""
VERIFY_PRINCIPAL = "verify_principal"
"""The local activity that verifies a signal's header outside the workflow sandbox."""


class SignalCheck(BaseModel):
    """What the worker verifies of an ``act`` signal: its header, bound to this act; without
    one, whether the act is one the case's own simulated world performs (``scenario``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    token: str | None
    workflow_id: str
    name: str
    digest: str
    case_number: str = ""
    scenario: ScenarioRef | None = None
    fingerprint: str = ""


class SignalVerdict(BaseModel):
    """The verified principal of a signal, or why it has none (``code``, ``message``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    actor: Actor | None = None
    vouched_by: str = ""
    code: str | None = None
    message: str | None = None


def check_signal(ring: KeyRing, check: SignalCheck) -> SignalVerdict:
    """The verdict on a signal's header (the local activity's work)."""
    try:
        found = verify_act(ring, check.token, check.workflow_id, check.name, check.digest)
    except IdentityError as err:
        return SignalVerdict(code=err.code, message=err.message)
    return SignalVerdict(actor=found.actor, vouched_by=found.vouched_by)

"""Who is logged in to the console: server-side sessions, CSRF tokens, the trusted identity
header of a reverse proxy (only when configured). The accounts, their passwords and lock-outs
are the engine's (cli/accounts.py: ``<data>/accounts.sqlite``); the role of every request is
read from that store, never taken from the browser."""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from cli import accounts
from domain.values import Role
from workflows.principals import IdentityError

COOKIE = "console_session"
LOGIN_COOKIE = "console_login_csrf"
SESSION_HOURS = 8.0
"""A session ends after this long without a request (and at logout, or a restart)."""


@dataclass
class Session:
    """A logged-in account: its CSRF token and when it was last seen."""

    account: str
    csrf: str
    seen: float


@dataclass
class Who:
    """The account of a request, as the accounts store holds it now."""

    name: str
    role: Role
    session: Session
    token: str


@dataclass
class Sessions:
    """The console's sessions (in memory: a restart logs everyone out)."""

    data_dir: Path
    identity_header: str | None = None
    trusted_proxies: frozenset[str] = frozenset()
    hours: float = SESSION_HOURS
    _open: dict[str, Session] = field(default_factory=dict)

    def start(self, account: str) -> tuple[str, Session]:
        """A new session of ``account`` (its cookie value, and the session)."""
        token = secrets.token_urlsafe(32)
        session = Session(account=account, csrf=secrets.token_urlsafe(32), seen=time.time())
        self._open[token] = session
        return token, session

    def end(self, token: str | None) -> None:
        if token:
            self._open.pop(token, None)

    def who(self, token: str | None) -> Who | None:
        """The session's account if the session is open and the account enabled (its role as
        stored now); else None (the session ended)."""
        session = self._open.get(token or "")
        if session is None:
            return None
        now = time.time()
        if now - session.seen > self.hours * 3600:
            self.end(token)
            return None
        try:
            found = accounts.account(self.data_dir, session.account)
        except IdentityError:
            self.end(token)
            return None
        if found.locked:
            self.end(token)
            return None
        session.seen = now
        return Who(found.name, found.role, session, token or "")

    def from_header(self, peer: str | None, value: str | None) -> str | None:
        """The account a trusted reverse proxy names in the identity header: only when a header
        is configured, the request comes from one of the trusted proxies, and the account
        exists and is enabled."""
        if not self.identity_header or not value or peer not in self.trusted_proxies:
            return None
        try:
            return accounts.account(self.data_dir, value.strip()).name
        except IdentityError:
            return None


def same(expected: str, given: str | None) -> bool:
    """A CSRF token matches (in constant time)."""
    return bool(given) and hmac.compare_digest(expected.encode(), str(given).encode())

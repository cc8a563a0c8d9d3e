"""The CLI's accounts: who may act at this terminal, with which role (docs/operations.md
"Identity").

Accounts live in their own store, ``<data>/accounts.sqlite`` (mode 0600: only the engine's
administrators, who own the data directory, add or disable them). The principal of a CLI
command is never a claim: it is the OS user running it (``pwd.getpwuid(os.getuid())``) mapped to
an enabled account, or the account named by a signed ``ENFORCE_TOKEN`` that an administrator
issued with ``enforce users token`` (the identity key ring signs it; it expires). Claimed
identities (``--actor``/``--role``, ``ENFORCE_ACTOR``/``ENFORCE_ROLE``) are refused.
"""

from __future__ import annotations

import os
import pwd
import re
import sqlite3
import time
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from domain.values import Role
from engine.key_ring import read_ring
from workflows.principals import (
    ACCOUNT_ROLES,
    SOURCE,
    IdentityError,
    KeyRing,
    Principal,
    check_acting_role,
)

STORE = "accounts.sqlite"
TOKEN_ENV = "ENFORCE_TOKEN"
CLAIM_ENVS = ("ENFORCE_ACTOR", "ENFORCE_ROLE")
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
OS_USER = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,31}\$?$")
SCHEMA = """CREATE TABLE IF NOT EXISTS accounts (
    name TEXT PRIMARY KEY, role TEXT NOT NULL, os_user TEXT UNIQUE,
    disabled INTEGER NOT NULL DEFAULT 0, added_at TEXT NOT NULL)"""
ADDED_COLUMNS = (("password_hash", "TEXT"), ("failed_logins", "INTEGER NOT NULL DEFAULT 0"),
                 ("locked_at", "TEXT"), ("team", "TEXT"))
"""Columns of the console's logins (console/), added to a store made before them."""
MAX_FAILED_LOGINS = 5
"""Wrong passwords in a row that lock an account's console login (an administrator unlocks it
with ``enforce users enable``; docs/operations.md "The console")."""
MIN_PASSWORD = 10


@dataclass(frozen=True)
class Account:
    """One account: ``name`` acts with ``role``; ``os_user`` is the OS user it maps (else the
    OS user of the same name)."""

    name: str
    role: Role
    os_user: str | None
    disabled: bool
    added_at: str
    locked: bool = False
    """Its console login is locked after ``MAX_FAILED_LOGINS`` wrong passwords."""
    team: str | None = None
    """The team (执行团队) it works in: the console's worklist shows the team's cases."""


def store_path(data_dir: Path) -> Path:
    return data_dir / STORE


@contextmanager
def _open(data_dir: Path, create: bool = False) -> Iterator[sqlite3.Connection]:
    path = store_path(data_dir)
    if not path.exists():
        if not create:
            raise IdentityError("identity.unknown", f"no account store at {path}: an "
                                "administrator adds accounts with `enforce users add NAME "
                                "--role ROLE`")
        data_dir.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    with closing(sqlite3.connect(path)) as db:
        db.execute(SCHEMA)
        present = {row[1] for row in db.execute("PRAGMA table_info(accounts)")}
        for column, kind in ADDED_COLUMNS:
            if column not in present:
                db.execute(f"ALTER TABLE accounts ADD COLUMN {column} {kind}")
        yield db
        db.commit()


COLUMNS = "name, role, os_user, disabled, added_at, locked_at IS NOT NULL, team"
TEAM = re.compile(r"^[^\x00-\x1f\x7f]{1,40}$")


def _row(row: tuple[str, str, str | None, int, str, int, str | None]) -> Account:
    return Account(name=row[0], role=Role(row[1]), os_user=row[2], disabled=bool(row[3]),
                   added_at=row[4], locked=bool(row[5]), team=row[6])


def add(data_dir: Path, name: str, role: str, os_user: str | None, added_at: str) -> Account:
    """Add an account (its store made, 0600, if it is the first)."""
    if not NAME.match(name):
        raise IdentityError("identity.invalid", f"account name {name!r}: 1 to 64 letters, "
                            "digits or . _ @ -, starting with a letter or digit")
    if os_user is not None and not OS_USER.match(os_user):
        raise IdentityError("identity.invalid", f"--os-user {os_user!r} is not an OS user name")
    try:
        found = Role(role)
    except ValueError:
        raise IdentityError("identity.invalid_role", f"{role!r} is not a role; roles: "
                            + ", ".join(sorted(r.value for r in ACCOUNT_ROLES))) from None
    check_acting_role(found)
    with _open(data_dir, create=True) as db:
        if db.execute("SELECT 1 FROM accounts WHERE name = ?", (name,)).fetchone():
            raise IdentityError("identity.exists", f"account {name!r} already exists in "
                                f"{store_path(data_dir)}")
        if os_user and db.execute("SELECT name FROM accounts WHERE os_user = ?",
                                  (os_user,)).fetchone():
            raise IdentityError("identity.exists", f"OS user {os_user!r} already maps to an "
                                "account")
        db.execute("INSERT INTO accounts (name, role, os_user, disabled, added_at) "
                   "VALUES (?, ?, ?, 0, ?)", (name, found.value, os_user, added_at))
    return Account(name, found, os_user, False, added_at)


def accounts(data_dir: Path) -> list[Account]:
    with _open(data_dir) as db:
        return [_row(r) for r in db.execute(
            f"SELECT {COLUMNS} FROM accounts ORDER BY name")]


def disable(data_dir: Path, name: str) -> Account:
    """Disable an account: it no longer acts (its past acts stay its own)."""
    with _open(data_dir) as db:
        if db.execute("UPDATE accounts SET disabled = 1 WHERE name = ?", (name,)).rowcount != 1:
            raise IdentityError("identity.unknown", f"no account {name!r} in "
                                f"{store_path(data_dir)}")
    return account(data_dir, name, enabled=False)


def set_team(data_dir: Path, name: str, team: str | None) -> Account:
    """Put the account ``name`` in ``team`` (None: in none)."""
    if team is not None and not TEAM.match(team):
        raise IdentityError("identity.invalid", f"team {team!r}: 1 to 40 characters, no "
                            "control characters")
    with _open(data_dir) as db:
        if db.execute("UPDATE accounts SET team = ? WHERE name = ?",
                      (team, name)).rowcount != 1:
            raise IdentityError("identity.unknown", f"no account {name!r} in "
                                f"{store_path(data_dir)}")
    return account(data_dir, name, enabled=False)


def team_of(data_dir: Path, name: str) -> list[str]:
    """The accounts of ``name``'s team (``name`` itself, alone if it has no team)."""
    with _open(data_dir) as db:
        found = db.execute("SELECT b.name FROM accounts a JOIN accounts b ON b.team = a.team "
                           "WHERE a.name = ? AND a.team IS NOT NULL ORDER BY b.name",
                           (name,)).fetchall()
    return [r[0] for r in found] or [name]


def enable(data_dir: Path, name: str) -> Account:
    """Enable an account again: a disabled one acts again, a locked console login is unlocked
    and its count of wrong passwords starts again from zero."""
    with _open(data_dir) as db:
        if db.execute("UPDATE accounts SET disabled = 0, locked_at = NULL, failed_logins = 0 "
                      "WHERE name = ?", (name,)).rowcount != 1:
            raise IdentityError("identity.unknown", f"no account {name!r} in "
                                f"{store_path(data_dir)}")
    return account(data_dir, name)


# --- passwords of the console's logins (console/) ---------------------------------------------

_HASHER = PasswordHasher()
_DUMMY = _HASHER.hash("not-an-account's-password")
"""Checked for an unknown account, so that its answer takes as long as a wrong password."""


def set_password(data_dir: Path, name: str, password: str) -> Account:
    """Give the account ``name`` a console password (stored as its argon2id hash only)."""
    if len(password) < MIN_PASSWORD:
        raise IdentityError("identity.weak_password", f"a password has at least "
                            f"{MIN_PASSWORD} characters")
    digest = _HASHER.hash(password)
    with _open(data_dir) as db:
        if db.execute("UPDATE accounts SET password_hash = ? WHERE name = ?",
                      (digest, name)).rowcount != 1:
            raise IdentityError("identity.unknown", f"no account {name!r} in "
                                f"{store_path(data_dir)}")
    return account(data_dir, name, enabled=False)


def check_login(data_dir: Path, name: str, password: str, at: str) -> Account:
    """The enabled account ``name`` if ``password`` is its console password. A wrong one counts
    against the account; the ``MAX_FAILED_LOGINS``-th in a row locks its login (at ``at``),
    recorded in the store. Unknown account, no password, disabled or wrong password answer the
    same ``identity.bad_login``; a locked login ``identity.locked``."""
    bad = IdentityError("identity.bad_login", "wrong account or password")
    with _open(data_dir) as db:
        db.execute("BEGIN IMMEDIATE")  # concurrent wrong passwords all count
        row = db.execute("SELECT password_hash, failed_logins, locked_at, disabled FROM "
                         "accounts WHERE name = ?", (name,)).fetchone()
        if row is None or row[0] is None:
            with suppress(VerificationError):
                _HASHER.verify(_DUMMY, password)
            raise bad
        digest, failed, locked_at, disabled = row
        if locked_at is not None:
            raise IdentityError("identity.locked", f"the login of {name!r} is locked after "
                                f"{MAX_FAILED_LOGINS} wrong passwords (since {locked_at}): an "
                                "administrator unlocks it with `enforce users enable NAME`")
        try:
            _HASHER.verify(digest, password)
        except (VerificationError, InvalidHashError):
            failed += 1
            db.execute("UPDATE accounts SET failed_logins = ?, locked_at = ? WHERE name = ?",
                       (failed, at if failed >= MAX_FAILED_LOGINS else None, name))
            db.commit()
            raise bad from None
        if disabled:
            raise bad
        db.execute("UPDATE accounts SET failed_logins = 0 WHERE name = ?", (name,))
        if _HASHER.check_needs_rehash(digest):
            db.execute("UPDATE accounts SET password_hash = ? WHERE name = ?",
                       (_HASHER.hash(password), name))
    return account(data_dir, name)


def account(data_dir: Path, name: str, *, enabled: bool = True) -> Account:
    """The account ``name`` (enabled, unless ``enabled`` is False), else ``identity.unknown``."""
    with _open(data_dir) as db:
        row = db.execute(f"SELECT {COLUMNS} FROM accounts WHERE name = ?",
                         (name,)).fetchone()
    if row is None or (enabled and row[3]):
        state = "no" if row is None else "a disabled"
        raise IdentityError("identity.unknown", f"{state} account {name!r} in "
                            f"{store_path(data_dir)}")
    return _row(row)


def of_os_user(data_dir: Path, user: str) -> Account:
    """The enabled account the OS user ``user`` maps to, else ``identity.unknown``."""
    with _open(data_dir) as db:
        row = db.execute(f"SELECT {COLUMNS} FROM accounts "
                         "WHERE os_user = ? OR (os_user IS NULL AND name = ?) "
                         "ORDER BY os_user IS NULL LIMIT 1", (user, user)).fetchone()
    if row is None or row[3]:
        state = "has no account" if row is None else f"maps to the disabled account {row[0]!r}"
        raise IdentityError("identity.unknown", f"OS user {user!r} {state} in "
                            f"{store_path(data_dir)} (an administrator adds it: enforce users "
                            f"add NAME --role ROLE --os-user {user})")
    return _row(row)


def os_user() -> str:
    """The OS user running this process (its real uid, not $USER)."""
    return pwd.getpwuid(os.getuid()).pw_name


# --- tokens ---------------------------------------------------------------------------------

def issue_token(ring: KeyRing, name: str, hours: float, now: float | None = None) -> str:
    """A token for the account ``name`` valid ``hours`` from ``now`` (signed by the ring)."""
    issued = time.time() if now is None else now
    return ring.sign({"use": "account", "sub": name, "iat": int(issued),
                      "exp": int(issued + hours * 3600)})


def token_account(data_dir: Path, token: str, now: float | None = None) -> Account:
    """The enabled account an ``ENFORCE_TOKEN`` names, if the ring signed it and it is valid."""
    claims = read_ring(data_dir).verify(token.strip(), "account")
    moment = time.time() if now is None else now
    if not isinstance(claims.get("exp"), int) or claims["exp"] < moment:
        raise IdentityError("identity.token_expired", f"{TOKEN_ENV} has expired: an "
                            "administrator issues a new one (enforce users token NAME)")
    return account(data_dir, str(claims.get("sub")))


# --- the principal of a CLI command -------------------------------------------------------------

def refuse_claims(actor: str | None, role: str | None,
                  env: Mapping[str, str] = os.environ) -> None:
    """A claimed identity is refused, saying why and what to do instead."""
    claimed = [o for o, v in (("--actor", actor), ("--role", role)) if v] + \
        [e for e in CLAIM_ENVS if env.get(e)]
    if claimed:
        raise IdentityError("identity.claim_refused", f"{', '.join(claimed)}: who acts is not "
                            "claimed; it is your OS user's account (enforce users list), or "
                            f"the account of a signed {TOKEN_ENV} (enforce users token)")


def cli_principal(data_dir: Path, env: Mapping[str, str] = os.environ) -> Principal:
    """Who runs this command: the account of ``ENFORCE_TOKEN``, else of the OS user."""
    token = env.get(TOKEN_ENV)
    if token:
        found = token_account(data_dir, token)
        how = f"token:{found.name}"
    else:
        user = os_user()
        found = of_os_user(data_dir, user)
        how = f"os:{user}"
    return Principal(actor_id=found.name, role=found.role,
                     vouched_by=re.sub(r"[^A-Za-z0-9_.:@-]", "_", f"enforce-cli:{how}")[:64])


__all__ = ["MAX_FAILED_LOGINS", "SOURCE", "Account", "account", "accounts", "add",
           "check_login", "cli_principal", "disable", "enable", "issue_token", "of_os_user",
           "refuse_claims", "set_password", "set_team", "store_path", "team_of",
           "token_account"]

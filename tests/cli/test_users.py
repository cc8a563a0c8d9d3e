"""`enforce users`: accounts with roles in their own store, and who a command acts as when no
engine is needed to tell (docs/operations.md "Identity")."""

from __future__ import annotations

import stat

from cli.accounts import issue_token, os_user
from engine.key_ring import ensure_ring
from tests.cli.conftest import Enforce

NUMBER = "(2026)甘0402执801号"


def test_accounts_are_added_listed_and_disabled_in_a_private_store(offline: Enforce) -> None:
    assert offline("users", "add", "judge-2", "--role", "judge").code == 0
    assert offline("users", "add", "clerk-1", "--role", "clerk", "--os-user", "alice").code == 0
    store = offline.data / "accounts.sqlite"
    assert stat.S_IMODE(store.stat().st_mode) == 0o600
    listed = offline("users", "list", "--json").json()
    assert [(a["name"], a["role"], a["os_user"], a["disabled"]) for a in listed] == [
        ("clerk-1", "clerk", "alice", False), ("judge-2", "judge", None, False)]
    assert offline("users", "disable", "judge-2").code == 0
    assert offline("users", "list", "--json").json()[1]["disabled"] is True
    again = offline("users", "add", "judge-2", "--role", "judge")
    assert again.code == 1 and "identity.exists" in again.error


def test_no_account_has_the_engines_role_or_an_unknown_one(offline: Enforce) -> None:
    system = offline("users", "add", "workflow", "--role", "system")
    assert system.code == 1
    assert system.error.startswith("error: identity.system_reserved: the role 'system' is "
                                   "reserved to the engine's own acts")
    odd = offline("users", "add", "x", "--role", "emperor")
    assert odd.code == 1 and "identity.invalid_role" in odd.error
    assert not (offline.data / "accounts.sqlite").exists() or \
        offline("users", "list", "--json").json() == []


def test_an_os_user_without_an_account_is_unknown_naming_the_store(offline: Enforce) -> None:
    nothing = offline("case", "do", NUMBER, "record_payment", "--field", "amount=1.00")
    assert nothing.code == 1 and nothing.error.startswith(
        f"error: identity.unknown: no account store at {offline.data / 'accounts.sqlite'}")
    assert offline("users", "add", "someone-else", "--role", "clerk").code == 0
    stranger = offline("case", "do", NUMBER, "record_payment", "--field", "amount=1.00")
    assert stranger.code == 1
    assert stranger.error.startswith(f"error: identity.unknown: OS user {os_user()!r} has no "
                                     f"account in {offline.data / 'accounts.sqlite'}")
    assert offline("users", "add", "me", "--role", "clerk", "--os-user", os_user()).code == 0
    assert offline("users", "disable", "me").code == 0
    disabled = offline("case", "do", NUMBER, "record_payment", "--field", "amount=1.00")
    assert disabled.code == 1 and "maps to the disabled account 'me'" in disabled.error


def test_tokens_need_the_key_ring_and_expire(offline: Enforce) -> None:
    assert offline("users", "add", "judge-2", "--role", "judge").code == 0
    keyless = offline("users", "token", "judge-2")
    assert keyless.code == 1 and keyless.error.startswith(
        f"error: identity.key_missing: no identity key ring at {offline.data / 'identity.key'}")
    ring = ensure_ring(offline.data)
    assert stat.S_IMODE((offline.data / "identity.key").stat().st_mode) == 0o600
    expired = issue_token(ring, "judge-2", hours=1, now=0)
    late = offline("case", "do", NUMBER, "record_payment", "--field", "amount=1.00",
                   ENFORCE_TOKEN=expired)
    assert late.code == 1 and "identity.token_expired" in late.error

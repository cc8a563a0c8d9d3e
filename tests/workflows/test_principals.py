"""Signed principals (workflows/principals.py): what a token binds, what the ring verifies,
and that the engine's role is no one's (docs/operations.md "Identity")."""

from __future__ import annotations

import pytest

from domain.values import Role
from workflows.principals import (
    HostSystem,
    IdentityError,
    KeyRing,
    Principal,
    SignalCheck,
    act_token,
    check_signal,
    verify_act,
)

OLD = KeyRing({"k1": b"a" * 32})
RING = KeyRing({"k1": b"a" * 32, "k2": b"b" * 32})  # rotated: k2 signs, both verify
CLERK = Principal("clerk-7", Role.CLERK, vouched_by="court-cms")
WID = "case:(2026)甘0402执801号"


def test_a_header_names_its_principal_and_binds_one_act() -> None:
    token = act_token(RING, CLERK, WID, "record_payment", "d1")
    assert token.startswith("v1.k2.")
    assert verify_act(RING, token, WID, "record_payment", "d1") == CLERK
    for wid, name, digest in ((WID + "x", "record_payment", "d1"), (WID, "close_case", "d1"),
                              (WID, "record_payment", "d2")):
        with pytest.raises(IdentityError) as other:
            verify_act(RING, token, wid, name, digest)
        assert other.value.code == "identity.invalid_token"
        assert "signed for another act" in other.value.message


def test_keys_are_added_not_replaced_and_forgeries_fail() -> None:
    old = act_token(OLD, CLERK, WID, "record_payment", "d1")
    assert verify_act(RING, old, WID, "record_payment", "d1") == CLERK  # still verifies
    newer = act_token(RING, CLERK, WID, "record_payment", "d1")
    with pytest.raises(IdentityError, match="lacks"):
        verify_act(OLD, newer, WID, "record_payment", "d1")
    head, kid, _, mac = newer.split(".")
    forged_body = act_token(RING, Principal("p-1", Role.PRESIDENT), WID, "record_payment",
                            "d1").split(".")[2]
    with pytest.raises(IdentityError, match="signature does not verify"):
        verify_act(RING, ".".join((head, kid, forged_body, mac)), WID, "record_payment", "d1")
    with pytest.raises(IdentityError) as missing:
        verify_act(RING, None, WID, "record_payment", "d1")
    assert (missing.value.code, missing.value.source) == ("identity.required",
                                                          "docs/operations.md (Identity)")
    account = RING.sign({"use": "account", "sub": "clerk-7"})
    with pytest.raises(IdentityError, match="not a token for act"):
        verify_act(RING, account, WID, "record_payment", "d1")


def test_the_system_role_is_reserved_to_the_engine() -> None:
    with pytest.raises(IdentityError) as system:
        Principal("workflow", Role.SYSTEM)
    assert system.value.code == "identity.system_reserved"
    with pytest.raises(IdentityError):
        HostSystem("court-cms", RING).vouch("workflow", "system")
    forged = RING.sign({"use": "act", "sub": "workflow", "role": "system", "by": "x",
                        "wf": WID, "act": "act", "digest": "d"})
    verdict = check_signal(RING, SignalCheck(token=forged, workflow_id=WID, name="act",
                                             digest="d"))
    assert (verdict.actor, verdict.code) == (None, "identity.system_reserved")


def test_a_ring_needs_real_keys() -> None:
    with pytest.raises(IdentityError) as short:
        KeyRing({"k1": b"short"})
    assert short.value.code == "identity.key_invalid"
    assert KeyRing.parse(RING.text(), "test").keys == RING.keys

"""A missing or wrong hash-chain key is a typed error at open, never a new key; keys are made
only explicitly (docs/operations.md, Keys)."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.application import EnforcementCases
from domain.errors import ChainKeyError
from domain.event_store_config import cases_from_env, first_start_keys
from domain.keys import anchor_key_file, chain_key_file, init_keys
from tests.samples import sample_commands


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A data directory whose store was started explicitly and holds the sample cases."""
    data = tmp_path / "data"
    env = {"ENFORCEMENT_DATA_DIR": str(data)}
    assert first_start_keys(env) == [data / "events.chainkey", data / "events.anchorkey"]
    app = cases_from_env(env)
    for commands in sample_commands().values():
        for cmd in commands:
            app.execute(cmd)
    app.close()
    return data


def files(data: Path) -> set[str]:
    return {p.name for p in data.iterdir()}


def test_a_missing_chain_key_is_refused_at_open_and_none_is_made(data: Path) -> None:
    (data / "events.chainkey").unlink()
    before = files(data)
    for open_store in (lambda: EnforcementCases.sqlite(data / "events.sqlite"),
                       lambda: cases_from_env({"ENFORCEMENT_DATA_DIR": str(data)})):
        with pytest.raises(ChainKeyError) as refused:
            open_store()
        assert refused.value.code == "chain.key_missing"
        assert "events.chainkey" in refused.value.message
        assert refused.value.source == "docs/operations.md, Keys"
    assert files(data) == before  # no new key file


def test_a_named_key_file_that_is_missing_is_refused(data: Path, tmp_path: Path) -> None:
    env = {"ENFORCEMENT_DATA_DIR": str(data),
           "ENFORCEMENT_CHAIN_KEY_FILE": str(tmp_path / "elsewhere.key")}
    with pytest.raises(ChainKeyError, match=r"chain\.key_missing"):
        cases_from_env(env)
    assert not (tmp_path / "elsewhere.key").exists()


@pytest.mark.parametrize("how", ["argument", "file", "environment"])
def test_a_wrong_chain_key_is_named_wrong_not_tampering(data: Path, how: str) -> None:
    other = b"another key that is not the one!"
    env = {"ENFORCEMENT_DATA_DIR": str(data)}
    with pytest.raises(ChainKeyError) as refused:
        if how == "argument":
            EnforcementCases.sqlite(data / "events.sqlite", chain_key=other)
        elif how == "file":
            (data / "events.chainkey").write_text(other.hex() + "\n")
            cases_from_env(env)
        else:
            cases_from_env({**env, "ENFORCEMENT_CHAIN_KEY": other.hex()})
    assert refused.value.code == "chain.wrong_key"


def test_a_malformed_chain_key_is_named(data: Path) -> None:
    (data / "events.chainkey").write_text("not hex at all\n")
    with pytest.raises(ChainKeyError, match=r"chain\.key_invalid"):
        cases_from_env({"ENFORCEMENT_DATA_DIR": str(data)})


def test_keys_are_made_only_explicitly(tmp_path: Path) -> None:
    db = tmp_path / "new" / "events.sqlite"
    with pytest.raises(ChainKeyError, match=r"chain\.key_missing"):
        EnforcementCases.sqlite(db)  # a new store opened without its keys: no key made
    assert not chain_key_file(db).exists()
    assert init_keys(db) == [chain_key_file(db), anchor_key_file(db)]
    assert oct(chain_key_file(db).stat().st_mode & 0o777) == "0o600"
    assert init_keys(db) == []  # never replaced
    EnforcementCases.sqlite(db).close()


def test_keys_init_refuses_a_store_with_events_that_lost_its_key(data: Path) -> None:
    (data / "events.chainkey").unlink()
    with pytest.raises(ChainKeyError, match="holds events"):
        init_keys(data / "events.sqlite")
    assert not (data / "events.chainkey").exists()
    assert first_start_keys({"ENFORCEMENT_DATA_DIR": str(data)}) == []  # not a first start

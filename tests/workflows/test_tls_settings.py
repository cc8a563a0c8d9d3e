"""Temporal client TLS from the environment (docs/operations.md "TLS"): an mTLS pair, the
server's CA, the name to verify; a half-configured pair or a missing file is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import TLSConfig

from engine.runtime import tls_from_env

VARS = ("TEMPORAL_TLS", "TEMPORAL_TLS_CERT", "TEMPORAL_TLS_KEY", "TEMPORAL_TLS_CA",
        "TEMPORAL_TLS_SERVER_NAME")


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    for var in VARS:
        monkeypatch.delenv(var, raising=False)
    for name in ("client.pem", "client.key", "ca.pem"):
        (tmp_path / name).write_bytes(f"-----{name}-----".encode())
    return monkeypatch


def test_no_settings_means_no_tls(env: pytest.MonkeyPatch) -> None:
    assert tls_from_env() is False
    env.setenv("TEMPORAL_TLS", "1")
    assert tls_from_env() is True


def test_mtls_pair_with_ca_and_server_name(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env.setenv("TEMPORAL_TLS_CERT", str(tmp_path / "client.pem"))
    env.setenv("TEMPORAL_TLS_KEY", str(tmp_path / "client.key"))
    env.setenv("TEMPORAL_TLS_CA", str(tmp_path / "ca.pem"))
    env.setenv("TEMPORAL_TLS_SERVER_NAME", "temporal.court.internal")
    assert tls_from_env() == TLSConfig(client_cert=b"-----client.pem-----",
                                       client_private_key=b"-----client.key-----",
                                       server_root_ca_cert=b"-----ca.pem-----",
                                       domain="temporal.court.internal")


def test_server_ca_alone_verifies_the_server(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env.setenv("TEMPORAL_TLS_CA", str(tmp_path / "ca.pem"))
    assert tls_from_env() == TLSConfig(server_root_ca_cert=b"-----ca.pem-----")


def test_a_cert_without_its_key_is_refused(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env.setenv("TEMPORAL_TLS_CERT", str(tmp_path / "client.pem"))
    with pytest.raises(ValueError, match="set both or neither"):
        tls_from_env()


def test_a_missing_file_is_named(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env.setenv("TEMPORAL_TLS_CA", str(tmp_path / "nope.pem"))
    with pytest.raises(ValueError, match=r"TEMPORAL_TLS_CA=.*nope\.pem: no such file"):
        tls_from_env()

"""The identity key ring's file, ``<data>/identity.key`` (mode 0600): made by the worker's
explicit first start (``python worker.py``), read by every door; a missing file is a typed
error, never a new key (docs/operations.md "Identity")."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from workflows.principals import IdentityError, KeyRing

KEY_FILE = "identity.key"
KEY_FILE_ENV = "ENFORCEMENT_IDENTITY_KEY_FILE"
"""Where the ring is when it is not ``<data>/identity.key``: one ring for several workers."""


def key_path(data_dir: Path) -> Path:
    """``ENFORCEMENT_IDENTITY_KEY_FILE``, else ``<data>/identity.key``."""
    return Path(os.environ.get(KEY_FILE_ENV) or data_dir / KEY_FILE)


def read_ring(data_dir: Path) -> KeyRing:
    """The key ring of ``data_dir``; ``identity.key_missing`` if the engine never started
    there."""
    path = key_path(data_dir)
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise IdentityError("identity.key_missing", f"no identity key ring at {path}: it is "
                            "made by the engine's first start (python worker.py, make run); "
                            "acting needs it") from None
    except PermissionError:
        raise IdentityError("identity.key_unreadable", f"the identity key ring {path} is not "
                            "readable by this user: only the engine's administrators vouch "
                            "for principals") from None
    return KeyRing.parse(text, str(path))


def ensure_ring(data_dir: Path) -> KeyRing:
    """The key ring of ``data_dir``, made (one new key, 0600) if it does not exist: only the
    worker's start calls this."""
    path = key_path(data_dir)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        ring = KeyRing({"k1": secrets.token_bytes(32)})
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(ring.text())
            out.flush()
            os.fsync(out.fileno())
        try:
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)  # atomic; of two starts at once, both keep the first ring
        finally:
            tmp.unlink(missing_ok=True)
    return read_ring(data_dir)

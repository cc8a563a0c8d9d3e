"""Process plumbing for the embedded Temporal dev server: a child that dies with its parent, an
exclusive lock on a data file, and finding (and stopping) a server left running on that file.

Linux first (``prctl``, ``/proc``, pidfd); elsewhere the lock still holds and the rest is a
no-op.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import select
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

PR_SET_PDEATHSIG = 1
PROC = Path("/proc")


class DataFileInUseError(RuntimeError):
    """Another live process holds the lock of a data file (another worker serves it)."""

    def __init__(self, data_file: Path, holder: int | None) -> None:
        self.data_file, self.holder = data_file, holder
        who = f"another worker (pid {holder})" if holder else "another worker"
        super().__init__(f"{data_file} is in use by {who}: stop it first, or give this worker "
                         "another --data-dir")


def die_with_parent() -> Callable[[], None]:
    """A ``preexec_fn`` that makes the child get SIGTERM when this process dies (even by
    SIGKILL), and exit at once if this process is already gone. ``prctl`` is looked up here,
    before the fork, so that the child runs as little Python as possible."""
    parent = os.getpid()
    prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform == "linux" else None

    def preexec() -> None:
        if prctl is not None:
            prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return preexec


class FileLock:
    """An exclusive ``flock`` on ``path`` held until :meth:`release` (or this process ends:
    the kernel drops it even after SIGKILL). The holder's pid is written into the file so that
    a refused process can name it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, data_file: Path) -> None:
        """Take the lock now or raise :class:`DataFileInUseError` naming ``data_file``."""
        if self._fd is not None:
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip()
            os.close(fd)
            raise DataFileInUseError(data_file, int(holder) if holder.isdigit() else None
                                     ) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode("ascii"))
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # the file stays: removing it would race with a new holder
            self._fd = None


def _arguments(pid: int) -> list[str]:
    raw = (PROC / str(pid) / "cmdline").read_bytes()
    return [os.fsdecode(a) for a in raw.split(b"\0") if a]


def alive(pid: int) -> bool:
    """``pid`` runs (a zombie, dead but not yet reaped, does not count)."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        if PROC.is_dir():
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    return stat.rsplit(")", 1)[-1].split()[0] not in ("Z", "X")


def serving(pid: int, data_file: Path) -> bool:
    """``pid`` is a live ``temporal`` server whose ``--db-filename`` is ``data_file``."""
    try:
        args = _arguments(pid)
        if not args or Path(args[0]).name != "temporal" or "--db-filename" not in args:
            return False
        named = Path(args[args.index("--db-filename") + 1])
        if not named.is_absolute():  # relative to the server's own working directory
            named = Path(os.readlink(PROC / str(pid) / "cwd")) / named
        return named.resolve() == data_file.resolve() and alive(pid)
    except (OSError, IndexError):
        return False


def servers_on(data_file: Path) -> list[int]:
    """Every live ``temporal`` server process on ``data_file`` (from /proc; [] elsewhere)."""
    if not PROC.is_dir():
        return []
    pids = (int(p.name) for p in PROC.iterdir() if p.name.isdigit())
    return sorted(pid for pid in pids if pid != os.getpid() and serving(pid, data_file))


def _wait_gone(pid: int, timeout: float) -> bool:
    """Wait until ``pid`` (not necessarily our child) has ended, at most ``timeout`` seconds."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    except OSError:  # no pidfd here: look again every 0.1 s
        deadline = time.monotonic() + timeout
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        return not alive(pid)
    try:
        select.select([fd], [], [], timeout)  # readable once the process has exited
    finally:
        os.close(fd)
    return not alive(pid)


def stop_process(pid: int, timeout: float = 20) -> None:
    """SIGTERM ``pid``; SIGKILL if it is still there after ``timeout`` seconds."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 10.0)):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
        if _wait_gone(pid, wait):
            return
    raise OSError(f"process {pid} did not stop after SIGKILL")


def leave(code: int = 0) -> NoReturn:
    """End a short-lived process that used Temporal's SDK (a host script, the CLI): flush the
    output, then ``os._exit``. The SDK's runtime threads sometimes abort a normal interpreter
    teardown (``Fatal Python error: PyGILState_Release``, exit -6) after all the work is done
    (docs/design.md, Known pitfalls); a long-running host never meets it."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)

"""Files the engine writes are its own: the data directory 0700, every file in it 0600.

Case records hold personal data (docs/operations.md, "Personal data at rest"), so nothing the
engine writes is readable by other users of the machine. Three layers:

- the engine's processes (``worker.py``, the ``enforce`` CLI, ``python -m projections``) run
  with umask 077 (:func:`private_umask`), which also covers what their children write (the
  embedded Temporal dev server's ``temporal.sqlite`` and log);
- the files an embedding host's process creates through the engine (the SQLite event store and
  read-model file, exports) are created 0600 whatever the host's umask
  (:func:`private_file`, :func:`open_private`); SQLite gives its ``-wal``/``-shm`` files the
  mode of the database file;
- a data directory written before (0755, files 0644) is tightened at the worker's start
  (:func:`tighten`).
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path
from typing import IO, Any

PRIVATE_UMASK = 0o077
DIR_MODE = 0o700
FILE_MODE = 0o600


def private_umask() -> int:
    """Make this process (and its children) create files 0600 and directories 0700; the
    previous umask."""
    return os.umask(PRIVATE_UMASK)


def private_dir(path: Path) -> Path:
    """``path`` as a directory; made 0700 if it did not exist (an existing one is left as it
    is: it may be a shared parent such as the working directory)."""
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        with contextlib.suppress(OSError):
            path.chmod(DIR_MODE)  # mkdir's mode is filtered by the umask
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` empty and 0600 if it does not exist (before SQLite opens it: its journal
    files then get the same mode); its directory made as :func:`private_dir` does."""
    if ":memory:" in str(path) or str(path).startswith("file:"):
        return path
    private_dir(path.parent)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    return path


def open_private(path: Path, mode: str = "w", **kwargs: Any) -> IO[Any]:
    """``path.open(mode)`` for writing, created 0600 whatever the umask."""
    private_dir(path.parent)

    def opener(name: str, flags: int) -> int:
        return os.open(name, flags, FILE_MODE)

    handle: IO[Any] = open(path, mode, opener=opener, **kwargs)  # noqa: SIM115 - returned
    with contextlib.suppress(OSError):
        os.chmod(handle.fileno(), FILE_MODE)  # an existing file written before
    return handle


ENGINE_FILES = (".sqlite", ".sqlite-wal", ".sqlite-shm", ".sqlite-journal", ".lock",
                ".cipherkey", ".chainkey", ".key", ".token", ".next", ".json", ".log", ".csv",
                ".xlsx")
"""Endings of the files the engine writes in a data directory (what :func:`tighten` touches:
a data directory given as ``.`` must not lose the modes of other files, such as scripts)."""


def _engine_file(path: Path) -> bool:
    return path.name.endswith(ENGINE_FILES)


def tighten(directory: Path) -> list[Path]:
    """Make ``directory`` 0700, and beneath it (hidden directories left out) every file the
    engine writes (:data:`ENGINE_FILES`) 0600 and every directory holding one 0700, as far as
    this user owns them; the paths changed."""
    if not directory.is_dir():
        return []
    me = os.getuid()
    files = [p for p in directory.rglob("*")
             if _engine_file(p) and not any(part.startswith(".")
                                            for part in p.relative_to(directory).parts[:-1])]
    dirs = {directory, *(parent for f in files for parent in f.parents
                         if parent.is_relative_to(directory))}
    changed: list[Path] = []
    for path in [*sorted(dirs), *files]:
        try:
            info = path.lstat()
        except OSError:
            continue  # gone meanwhile
        if info.st_uid != me or stat.S_ISLNK(info.st_mode):
            continue
        want = DIR_MODE if stat.S_ISDIR(info.st_mode) else FILE_MODE
        if stat.S_IMODE(info.st_mode) & ~want:
            with contextlib.suppress(OSError):
                path.chmod(stat.S_IMODE(info.st_mode) & want)
                changed.append(path)
    return changed


def loose(directory: Path) -> list[str]:
    """What under ``directory`` others could read, write or enter (``path mode``): empty when
    every directory is 0700 and every file 0600 or stricter."""
    found = []
    for path in [directory, *directory.rglob("*")]:
        with contextlib.suppress(OSError):
            mode = stat.S_IMODE(path.lstat().st_mode)
            if not path.is_symlink() and mode & 0o077:
                found.append(f"{path} {mode:04o}")
    return found

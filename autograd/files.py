"""Writing files atomically: the one way deltagrad writes anything to disk (models, graphs, plots).

The data goes to a temporary file in the target's directory, is flushed to disk,
and is renamed over the target in one step: a crash or a full disk part-way
leaves the old file as it was, never a half-written one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: str | os.PathLike[str], data: bytes) -> Path:
    """Replace ``path`` with ``data`` all at once; returns the path.

    Raises:
        OSError: the directory is missing or not writable, the disk is full, … (the old
            file, if any, is untouched and no temporary file is left behind).
    """
    path = Path(path)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())  # on disk before the rename makes it visible
        os.chmod(temporary, file_mode(path))  # mkstemp's is 0600
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def file_mode(path: Path) -> int:
    """The permissions ``path`` has now, or those ``open(path, "w")`` would give it (0666 minus the umask)."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask

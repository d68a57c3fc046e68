"""Writing files atomically: the one way deltagrad writes anything to disk (models, graphs, plots).

The data goes to a temporary file in the target's directory, is flushed to disk,
and is renamed over the target in one step: a crash or a full disk part-way
leaves the old file as it was, never a half-written one.

Only a regular file is ever replaced. A symlink is written *through*: the file it
points to is replaced (atomically, in that file's own directory) and the link
stays. A device, FIFO, socket or directory at the path (or at the end of its
links) is refused with ``NotARegularFileError``, so ``--save /dev/null`` cannot
turn ``/dev/null`` into a file, even as root. The process umask is never touched:
a new file is created with mode 0666 and the kernel applies the umask (and any
default ACL), exactly as ``open(path, "w")`` would; a replaced file keeps its
permission bits (and, where the process may, its owner and group).
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from pathlib import Path

_KINDS = {
    stat.S_IFDIR: "a directory",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFSOCK: "a socket",
}


class NotARegularFileError(OSError):
    """The path names something other than a regular file (a device, FIFO, socket or directory)."""

    def __init__(self, path: str | os.PathLike[str], kind: str, via: str | os.PathLike[str] | None = None) -> None:
        self.path, self.kind = os.fspath(path), kind
        through = f" (the symlink {os.fspath(via)!r} points to it)" if via is not None else ""
        super().__init__(
            f"refusing to replace {self.path!r}{through}: it is {kind}, not a regular file; "
            "give the path of a regular file (or of one that does not exist yet)"
        )


def kind_of(mode: int) -> str:
    """What a ``st_mode`` describes, in words (``"a FIFO (named pipe)"``)."""
    return _KINDS.get(stat.S_IFMT(mode), "not a regular file")


def resolve_target(path: str | os.PathLike[str]) -> Path:
    """The file a write to ``path`` lands in: ``path`` itself, or the end of its chain of symlinks.

    A dangling symlink resolves to the file it names (created by the write, as ``open`` would).

    Raises:
        OSError: a loop of symlinks (ELOOP), or a path component is not a directory.
    """
    path = Path(path)
    if not path.is_symlink():
        return path
    try:
        return Path(os.path.realpath(path, strict=True))
    except FileNotFoundError:  # dangling: write the file it names
        return Path(os.path.realpath(path))


def check_target(path: str | os.PathLike[str]) -> Path:
    """Raise now what ``write_atomically(path, …)`` would raise about the place, before any work is done.

    Returns the file a write would land in (the end of ``path``'s symlinks).

    Raises:
        NotARegularFileError: ``path`` is (or leads to) a device, FIFO, socket or directory.
        FileNotFoundError / NotADirectoryError: its directory does not exist.
        OSError: a loop of symlinks.
    """
    given = Path(path)
    target = resolve_target(given)
    _regular_or_missing(target, given if target != given else None)
    folder = target.parent
    if not folder.is_dir():
        raise FileNotFoundError(errno.ENOENT, f"the directory {str(folder)!r} does not exist", str(given))
    return target


def write_atomically(path: str | os.PathLike[str], data: bytes) -> Path:
    """Replace the regular file ``path`` (or the one its symlinks lead to) with ``data`` all at once.

    Returns ``path`` as given (a symlink stays a symlink).

    Raises:
        NotARegularFileError: ``path`` is (or leads to) a device, FIFO, socket or directory.
        OSError: the directory is missing or not writable, the disk is full, … (the old
            file, if any, is untouched and no temporary file is left behind).
    """
    given = Path(path)
    target = resolve_target(given)
    via = given if target != given else None
    existing = _regular_or_missing(target, via)
    fd, temporary = _create_temporary(target, existing)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            if existing is not None:
                _keep_permissions(f.fileno(), existing)
            os.fsync(f.fileno())  # on disk before the rename makes it visible
        _regular_or_missing(target, via)  # nothing was put in its place meanwhile
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_directory(target.parent)
    return given


def _regular_or_missing(target: Path, via: Path | None) -> os.stat_result | None:
    """The target's ``stat`` if it is a regular file, None if it does not exist; refuses anything else."""
    try:
        info = os.stat(target)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(info.st_mode):
        raise NotARegularFileError(target, kind_of(info.st_mode), via)
    return info


def _create_temporary(target: Path, existing: os.stat_result | None) -> tuple[int, Path]:
    """A new, empty file beside ``target``: mode 0600 when replacing a file (set to its mode before the
    rename), else 0666 less the umask, which the kernel applies (no ``os.umask`` call, no race)."""
    mode = 0o600 if existing is not None else 0o666
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
    for _ in range(100):
        temporary = target.parent / f".{target.name}.{secrets.token_hex(4)}.tmp"
        try:
            return os.open(temporary, flags, mode), temporary
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no unused temporary file name", str(target.parent))


def _keep_permissions(fd: int, existing: os.stat_result) -> None:
    """Give the new file the old one's permission bits and, if allowed (root), its owner and group.

    Set-user-ID and set-group-ID bits are not carried over: a rewritten file is not the program it was.
    """
    if (existing.st_uid, existing.st_gid) != (os.geteuid(), os.getegid()):
        # An ordinary user cannot give a file away: it becomes theirs, as any rewrite would.
        with contextlib.suppress(PermissionError):
            os.fchown(fd, existing.st_uid, existing.st_gid)
    os.fchmod(fd, stat.S_IMODE(existing.st_mode) & ~(stat.S_ISUID | stat.S_ISGID))


def _sync_directory(folder: Path) -> None:
    """Flush the rename itself to disk (best effort: some file systems cannot fsync a directory)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)

"""The one atomic writer: regular files only, symlinks written through, permissions kept, the umask untouched."""

from __future__ import annotations

import os
import socket
import stat
import tempfile
import threading
from pathlib import Path

import pytest

from autograd.files import NotARegularFileError, write_atomically


def _fifo(folder: Path) -> Path:
    path = folder / "pipe"
    os.mkfifo(path)
    return path


def _device(folder: Path) -> Path:
    """A character device like /dev/null (1, 3), made in the test's own folder (needs root, CAP_MKNOD)."""
    path = folder / "null"
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, AttributeError):
        pytest.skip("cannot create a device node here (needs root with CAP_MKNOD)")
    return path


def _directory(folder: Path) -> Path:
    path = folder / "sub"
    path.mkdir()
    return path


def _socket(folder: Path) -> Path:
    short = Path(tempfile.mkdtemp(prefix="dg"))  # AF_UNIX paths are limited to ~108 bytes
    path = short / "s"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()  # the socket file stays
    link = folder / "socket"
    link.symlink_to(path)
    return link


NOT_FILES = {"fifo": (_fifo, "FIFO"), "device": (_device, "character device"), "directory": (_directory, "directory")}
NOT_FILES["socket"] = (_socket, "socket")


@pytest.mark.parametrize("kind", list(NOT_FILES))
def test_anything_but_a_regular_file_is_refused_and_left_as_it_was(tmp_path, kind):
    make, words = NOT_FILES[kind]
    path = make(tmp_path)
    before = os.stat(path)
    with pytest.raises(NotARegularFileError, match=f"refusing to replace .*{words}.*not a regular file") as info:
        write_atomically(path, b"data")
    assert isinstance(info.value, OSError)  # callers that name OSErrors name this one too
    after = os.stat(path)
    assert (after.st_mode, after.st_ino, after.st_rdev) == (before.st_mode, before.st_ino, before.st_rdev)
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("kind", ["fifo", "device", "directory"])
def test_a_symlink_to_something_not_a_file_is_refused_naming_both(tmp_path, kind):
    target = NOT_FILES[kind][0](tmp_path)
    link = tmp_path / "link"
    link.symlink_to(target)
    with pytest.raises(NotARegularFileError, match=f"symlink '{link}' points to it"):
        write_atomically(link, b"data")
    assert link.is_symlink() and os.readlink(link) == str(target)


def test_a_symlink_is_written_through_and_stays_a_symlink(tmp_path):
    real_folder = tmp_path / "elsewhere"
    real_folder.mkdir()
    target = real_folder / "model.json"
    target.write_bytes(b"old")
    target.chmod(0o640)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    chain = tmp_path / "chain.json"
    chain.symlink_to(link)
    assert write_atomically(chain, b"new") == chain
    assert chain.is_symlink() and link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes() == b"new" and stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chain.json", "elsewhere", "link.json"]
    assert [p.name for p in real_folder.iterdir()] == ["model.json"]  # the temporary file was beside the target


def test_a_dangling_symlink_creates_the_file_it_names(tmp_path):
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "new.json")
    write_atomically(link, b"x")
    assert link.is_symlink() and (tmp_path / "new.json").read_bytes() == b"x"


def test_a_symlink_loop_is_an_os_error_not_a_hang(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.symlink_to(b)
    b.symlink_to(a)
    with pytest.raises(OSError):
        write_atomically(a, b"x")
    assert a.is_symlink() and b.is_symlink()


def test_a_new_file_gets_the_umask_and_the_umask_is_never_changed(tmp_path, monkeypatch):
    real_umask, calls = os.umask, []
    mask = real_umask(0o027)
    try:
        monkeypatch.setattr(os, "umask", lambda *a: calls.append(a) or real_umask(*a))
        write_atomically(tmp_path / "new", b"x")
    finally:
        monkeypatch.undo()
        real_umask(mask)
    assert calls == [], "write_atomically must not call os.umask (it is process-wide: other threads see it)"
    assert stat.S_IMODE((tmp_path / "new").stat().st_mode) == 0o640  # 0666 less the umask 027


def test_a_replaced_file_keeps_its_mode_but_not_setuid(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"old")
    path.chmod(0o4751)
    write_atomically(path, b"new")
    assert stat.S_IMODE(path.stat().st_mode) == 0o751


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_root_rewriting_another_users_file_keeps_its_owner(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"old")
    os.chown(path, 12345, 23456)
    write_atomically(path, b"new")
    info = path.stat()
    assert (info.st_uid, info.st_gid) == (12345, 23456) and path.read_bytes() == b"new"


def test_a_fifo_never_blocks_the_writer(tmp_path):
    path = _fifo(tmp_path)
    done = threading.Event()

    def write():
        try:
            write_atomically(path, b"x")
        except NotARegularFileError:
            done.set()

    worker = threading.Thread(target=write, daemon=True)
    worker.start()
    worker.join(5.0)
    assert done.is_set(), "writing to a FIFO blocked or did not refuse"

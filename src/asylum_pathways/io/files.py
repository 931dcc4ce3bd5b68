"""Input files: only regular files are read, and output is checked before the work.

A FIFO, a device or a directory given as an input would block or never end; an output path
that cannot be written would fail only after minutes of work. Both are refused up front, and
results are written atomically: to a temporary file (or folder) beside the target, renamed
into place only once complete, so a failure never leaves a partial file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from asylum_pathways.errors import InputError, OutputError, Problem, UserError


def regular_file(path: Path, what: str, error: type[UserError] = InputError) -> Path:
    """`path` if it names a readable regular file, else a UserError saying what it is."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        problem = Problem((what,), "no such file", str(path))
        raise error(f"{what} {path}: no such file", [problem]) from None
    except OSError as exc:
        raise error(f"{what} {path}: cannot read ({exc.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise error(
            f"{what} {path}: {kind} (expected a regular file)",
            [Problem((what,), f"{kind} (expected a regular file)", str(path))],
        )
    return path


def read_bytes(path: Path, what: str, error: type[UserError] = InputError) -> bytes:
    regular_file(path, what, error)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise error(f"{what} {path}: cannot read ({exc.strerror})") from None


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def _writable_folder(folder: Path, what: str, path: Path) -> None:
    if not folder.is_dir():
        raise OutputError(
            f"{what} {path}: the folder {folder} does not exist",
            [Problem((what,), f"the folder {folder} does not exist", str(path))],
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(
            f"{what} {path}: the folder {folder} is not writable",
            [Problem((what,), f"the folder {folder} is not writable", str(path))],
        )


def check_output_file(path: Path, what: str, inputs: tuple[Path, ...] = ()) -> None:
    """Refuse an output file that cannot be written, before any work is done."""
    for source in inputs:
        if _same(path, source):
            raise OutputError(
                f"{what} {path}: is the input file; write the results to another file",
                [Problem((what,), "is the input file", str(path))],
            )
    if path.is_dir():
        raise OutputError(
            f"{what} {path}: is a directory (expected a file name)",
            [Problem((what,), "is a directory", str(path))],
        )
    if path.exists() and not path.is_file():
        raise OutputError(
            f"{what} {path}: exists and is not a regular file",
            [Problem((what,), "exists and is not a regular file", str(path))],
        )
    _writable_folder(path.absolute().parent, what, path)


def check_output_folder(path: Path, what: str) -> None:
    """A results folder: an existing folder (files in it are replaced) or a new one whose
    nearest existing parent is a writable folder."""
    if path.exists() and not path.is_dir():
        raise OutputError(
            f"{what} {path}: exists and is not a folder (expected a folder for the results)",
            [Problem((what,), "exists and is not a folder", str(path))],
        )
    existing = path.absolute()
    while not existing.exists():
        existing = existing.parent
    _writable_folder(existing, what, path)


def write_file_atomically(path: Path, what: str, write: Callable[[Path], None]) -> None:
    """Call `write(temporary)` beside `path`, then rename it onto `path`."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    os.chmod(tmp, 0o666 & ~_umask())
    try:
        write(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(f"{what} {path}: cannot write ({exc.strerror or exc})") from None
    finally:
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def staged_folder(path: Path, what: str, inside: bool = False) -> Iterator[Path]:
    """A temporary folder beside `path` (or `inside` it) to write results into; on success
    its files replace those in `path` (the whole folder is renamed into place if `path` is
    new); on failure it is removed and `path` is left as it was."""
    home = path.absolute() if inside else path.absolute().parent
    home.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=home))
    os.chmod(stage, 0o777 & ~_umask())
    try:
        yield stage
        publish(stage, path)
    except OSError as exc:
        raise OutputError(f"{what} {path}: cannot write results ({exc.strerror or exc})") from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def publish(stage: Path, path: Path) -> None:
    """Move every entry of `stage` into `path`, each by one rename."""
    if not path.exists():
        os.rename(stage, path)
        return
    for entry in sorted(stage.iterdir()):
        target = path / entry.name
        if entry.is_dir() and target.is_dir():
            old = stage / f".old-{entry.name}"
            os.rename(target, old)
            os.rename(entry, target)
        else:
            os.replace(entry, target)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask

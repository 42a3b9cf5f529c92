"""Files written whole or not at all, and JSON read within limits.

Every file the package writes (saved models, drawings, plots, HTML pages) goes through
:func:`atomic_write`: the bytes go to a temporary file in the same folder, which is flushed and
fsynced and then renamed over the target with :func:`os.replace`. A rename within one folder is
atomic, so a reader (or a crash, a kill, a full disk, a file-size limit) sees either the old file
whole or the new file whole, never a mixture or a stub. The new file keeps the old one's
permission bits; a file that did not exist gets the usual ``0o666`` minus the umask, as
:func:`open` would give it. Errors name the user's path, never the temporary one.

:func:`read_json` is the reading side for files that may come from anywhere: it reads at most
``max_bytes`` (so ``/dev/zero`` or a huge file is refused at once), accepts UTF-8 only, and
refuses nesting deeper than ``max_depth`` before the JSON parser runs. Every refusal is a
``ValueError`` that names the file.

>>> import os, tempfile
>>> folder = tempfile.mkdtemp()
>>> path = os.path.join(folder, "hello.json")
>>> atomic_write(path, '{"a": [1, 2]}')
>>> read_json(path)
{'a': [1, 2]}
>>> sorted(os.listdir(folder))   # no temporary file is left behind
['hello.json']
"""

from __future__ import annotations

import errno
import json
import os
import secrets
import stat
from typing import Any

__all__ = ["atomic_write", "check_writable", "read_json", "MAX_JSON_BYTES", "MAX_JSON_DEPTH"]

#: Largest JSON file :func:`read_json` reads by default (64 MiB, about 1.4 million parameters
#: of a saved model). Pass ``max_bytes`` to read a bigger one.
MAX_JSON_BYTES = 64 * 1024 * 1024

#: Deepest nesting of arrays and objects :func:`read_json` accepts by default.
MAX_JSON_DEPTH = 32

_TEMP_PREFIX = ".autograd-"
_TEMP_SUFFIX = ".tmp"


def _target(path: str | os.PathLike[str]) -> str:
    """The file a write to ``path`` should replace: a symbolic link is followed, as by open()."""
    text = os.fspath(path)
    if not isinstance(text, str):
        raise TypeError(f"a path must be a str or os.PathLike[str], got {type(text).__name__}")
    return os.path.realpath(text) if os.path.islink(text) else text


def _open_temporary(folder: str, made: list[str]) -> int:
    """Creates a new, empty temporary file in ``folder`` (the kernel applies the umask) and
    returns its descriptor.

    Its name goes into ``made`` before the file exists, so that the caller, which removes every
    name in ``made`` when anything goes wrong, leaves nothing behind even if Ctrl-C lands
    between the file's creation and the caller's next line. (A name whose file is not there is
    harmless to remove; a name that turns out to be taken by another file is taken out again.)
    """
    for _ in range(100):
        name = os.path.join(folder, f"{_TEMP_PREFIX}{secrets.token_hex(6)}{_TEMP_SUFFIX}")
        made.append(name)
        try:
            return os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL
                           | getattr(os, "O_BINARY", 0), 0o666)
        except FileExistsError:
            made.pop()  # another file's name: never remove it
    raise FileExistsError(errno.EEXIST, "could not make a temporary file", folder)


def _remove(names: list[str]) -> None:
    """Removes the files ``names`` (those that exist). A Ctrl-C that lands meanwhile is held
    until they are gone (one more try each), then raised: a clean-up must not be cut short."""
    pending: KeyboardInterrupt | None = None
    for name in names:
        for _ in range(2):
            try:
                os.unlink(name)
            except OSError:
                pass
            except KeyboardInterrupt as err:
                pending = err
                continue
            break
    if pending is not None:
        raise pending


def _named(err: OSError, path: str) -> OSError:
    """The same kind of error, naming the user's ``path`` (not a temporary file)."""
    if err.errno is None:
        return err
    renamed = type(err)(err.errno, err.strerror, path)
    return renamed


def atomic_write(path: str | os.PathLike[str], data: bytes | str) -> None:
    """Writes ``data`` (``str`` as UTF-8) to ``path`` whole, or leaves the old file as it was.

    Raises the ``OSError`` of whatever failed (no folder, no permission, no space, ...) with
    ``filename`` set to ``path``.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    user_path = os.fspath(path)
    target = _target(path)
    folder = os.path.dirname(os.path.abspath(target))
    try:
        old_mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        old_mode = None
    except OSError as err:
        raise _named(err, str(user_path)) from None
    _refuse_read_only(target, user_path, old_mode)
    made: list[str] = []
    try:
        try:
            fd = _open_temporary(folder, made)
            tmp = made[-1]
            with os.fdopen(fd, "wb") as f:
                f.write(payload)
                f.flush()
                os.fsync(f.fileno())
            if old_mode is not None:
                os.chmod(tmp, old_mode)
            os.replace(tmp, target)
        except OSError as err:
            raise _named(err, str(user_path)) from None
    except BaseException:  # any failure, Ctrl-C included: no temporary file is left
        _remove(made)
        raise
    _sync_folder(folder)


def _refuse_read_only(target: str, user_path: object, mode: int | None) -> None:
    """A file the user may not write is not replaced either (a rename would be allowed)."""
    if mode is not None and not stat.S_ISDIR(os.stat(target).st_mode) \
            and not os.access(target, os.W_OK):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(user_path))


def _sync_folder(folder: str) -> None:
    """Makes the rename itself durable where the system allows (best effort)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def check_writable(path: str | os.PathLike[str]) -> None:
    """Raises the ``OSError`` that writing ``path`` would raise, without touching ``path``.

    Used before a long job (training) so that a bad output path fails at once, not at the end.
    It makes and removes a temporary file in the target's folder, the way :func:`atomic_write`
    would.

    >>> check_writable("/no/such/folder/model.json")
    Traceback (most recent call last):
    ...
    FileNotFoundError: [Errno 2] No such file or directory: '/no/such/folder/model.json'
    """
    user_path = os.fspath(path)
    target = _target(path)
    if os.path.isdir(target):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(user_path))
    folder = os.path.dirname(os.path.abspath(target))
    if not os.path.isdir(folder):
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(user_path))
    _refuse_read_only(target, user_path, 0 if os.path.exists(target) else None)
    made: list[str] = []
    try:
        os.close(_open_temporary(folder, made))
    except OSError as err:
        raise _named(err, str(user_path)) from None
    finally:  # whatever happened, Ctrl-C included: the probe is removed
        _remove(made)


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------

def _depth(document: Any) -> int:
    """The deepest nesting of arrays and objects in a parsed document (no recursion)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (list, dict)):
            deepest = max(deepest, depth)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


def read_json(path: str | os.PathLike[str], *, max_bytes: int = MAX_JSON_BYTES,
              max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parses the JSON file at ``path``, refusing anything outside the limits.

    ``ValueError`` naming the file for: more than ``max_bytes`` bytes (found without reading
    more than that), text that is not UTF-8, nesting deeper than ``max_depth``, or text that is
    not JSON. Errors of the file system (a missing file) are the usual ``OSError``.
    """
    name = os.fspath(path)
    for limit, what in ((max_bytes, "max_bytes"), (max_depth, "max_depth")):
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ValueError(f"{what} must be a positive integer, got {limit!r}")
    with open(path, "rb") as f:
        info = os.fstat(f.fileno())
        if stat.S_ISREG(info.st_mode) and info.st_size > max_bytes:
            raise ValueError(_too_big(name, f"{info.st_size:,} bytes", max_bytes))
        # In pieces: read(n) sets aside n bytes at once, and a device such as /dev/zero or a
        # pipe has no size to check first.
        chunks: list[bytes] = []
        total = 0
        while total <= max_bytes:
            chunk = f.read(min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        raw = b"".join(chunks)
    if len(raw) > max_bytes:
        raise ValueError(_too_big(name, "more bytes", max_bytes))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ValueError(
            f"{name}: not UTF-8 text (byte 0x{raw[err.start]:02x} at offset {err.start}); "
            "save the file as UTF-8"
        ) from None
    deep = (f"{name}: JSON nested more than {max_depth} levels deep; "
            "pass max_depth to read it")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        raise ValueError(f"{name}: not valid JSON ({err})") from None
    except RecursionError:
        raise ValueError(deep) from None
    except ValueError as err:  # Python's own limits, such as the digits of an int
        raise ValueError(f"{name}: cannot read the JSON ({err})") from None
    if _depth(document) > max_depth:
        raise ValueError(deep)
    return document


def _too_big(name: str, found: str, max_bytes: int) -> str:
    return (f"{name}: the file is larger than the {max_bytes:,}-byte limit ({found}); "
            "pass max_bytes to read a bigger one")
